"""Flow Service: connections, source/target connections, flows (routes.py, models), the list
query language (query.py), JSON Patch (patching.py); specs and runs register their routes on
the same blueprint from ``spec_routes`` and ``run_routes`` once those modules exist."""
import importlib
import importlib.util

from mockaep.services.flowservice.routes import INDEXES, blueprint

for _module in ("spec_routes", "run_routes"):
    if importlib.util.find_spec(f"mockaep.services.flowservice.{_module}") is not None:
        importlib.import_module(f"mockaep.services.flowservice.{_module}")  # noqa: registers routes

__all__ = ["INDEXES", "blueprint"]
