"""Flow Service: connections, source/target connections and flows (routes.py, models.py), their
lists (listing.py over the continuation pager, filters.py for the list language), connection and
flow specs (spec_routes.py), runs (run_routes.py, runs.py, progress.py, outcome.py: window.py reads
the rows, landing.py maps, validates and lands them), the sources behind base connections
(sources.py: editable tables; source_faults.py; backend.py: the control plane's port). Every
routes module adds its URL rules to the one blueprint of routes.py."""
from mockaep.services.flowservice import run_routes, spec_routes  # noqa: F401  (they add URL rules)
from mockaep.services.flowservice.backend import FlowServiceBackend as Backend
from mockaep.services.flowservice.resources import KINDS
from mockaep.services.flowservice.routes import blueprint

__all__ = ["Backend", "KINDS", "blueprint"]
