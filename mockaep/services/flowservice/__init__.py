"""Flow Service: connections, source/target connections and flows (routes.py, models.py), their
lists (listing.py over the continuation pager, filters.py for the list language), connection and
flow specs (spec_routes.py), runs (run_routes.py, runs.py, progress.py, outcome.py). Every routes
module adds its URL rules to the one blueprint of routes.py."""
from mockaep.services.flowservice import run_routes, spec_routes  # noqa: F401  (they add URL rules)
from mockaep.services.flowservice.resources import KINDS
from mockaep.services.flowservice.routes import blueprint

__all__ = ["KINDS", "blueprint"]
