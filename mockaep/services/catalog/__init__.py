"""catalog service (routes.py: URL rules; models.py: rules and state)."""
from mockaep.services.catalog.backend import CatalogBackend as Backend
from mockaep.services.catalog.resources import KINDS
from mockaep.services.catalog.routes import blueprint

__all__ = ["Backend", "KINDS", "blueprint"]
