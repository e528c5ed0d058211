"""catalog service (routes.py: URL rules; models.py: rules and state)."""
from mockaep.services.catalog.routes import INDEXES, blueprint

__all__ = ["INDEXES", "blueprint"]
