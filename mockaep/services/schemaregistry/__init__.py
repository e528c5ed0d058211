"""schemaregistry service (routes.py: URL rules; models.py: rules and state)."""
from mockaep.services.schemaregistry.backend import SchemaRegistryBackend as Backend
from mockaep.services.schemaregistry.resources import KINDS
from mockaep.services.schemaregistry.routes import blueprint

__all__ = ["Backend", "KINDS", "blueprint"]
