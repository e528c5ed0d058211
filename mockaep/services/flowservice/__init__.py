"""Flow Service: connections, source/target connections, flows (routes.py, models), the list
query language (query.py), JSON Patch (patching.py), connection and flow specs (spec_routes.py),
runs (run_routes.py). Every module adds its URL rules to the one blueprint of routes.py."""
from mockaep.services.flowservice import run_routes, spec_routes  # noqa: F401  (they add URL rules)
from mockaep.services.flowservice.resources import KINDS
from mockaep.services.flowservice.routes import blueprint

__all__ = ["KINDS", "blueprint"]
