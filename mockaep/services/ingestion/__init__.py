"""ingestion service (routes.py: URL rules; models.py: rules and state)."""
from mockaep.services.ingestion.resources import KINDS
from mockaep.services.ingestion.routes import blueprint

__all__ = ["KINDS", "blueprint"]
