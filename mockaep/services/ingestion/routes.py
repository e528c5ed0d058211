"""ingestion routes (placeholder: filled in by the service's issue)."""
from flask import Blueprint

blueprint = Blueprint("ingestion", __name__)
#: collection kind -> indexed paths
INDEXES: dict[str, tuple[str, ...]] = {}
