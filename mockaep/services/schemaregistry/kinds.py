"""The resource types of the registry as its URLs and ids name them, over the kind table
(resources.py): where each is stored, how messages name it, its not-found code."""
from __future__ import annotations

from dataclasses import dataclass

from mockaep.services.schemaregistry.resources import KINDS


@dataclass(frozen=True)
class Kind:
    resource_type: str      # meta:resourceType (and the type segment of tenant $ids)
    collection: str | None  # tenant collection (None: global only, or computed)
    label: str              # how messages name it
    not_found: str          # XDM-10xx-404 code


def _stored(resource_type: str, collection: str) -> Kind:
    kind = KINDS[collection]
    return Kind(resource_type, collection, kind.label, kind.not_found_code or "1017")


SCHEMAS = _stored("schemas", "xdmSchemas")
CLASSES = _stored("classes", "xdmClasses")
MIXINS = _stored("mixins", "xdmFieldGroups")
DATATYPES = _stored("datatypes", "xdmDataTypes")
DESCRIPTORS = _stored("descriptors", "xdmDescriptors")
# Not-found codes: the troubleshooting guide lists XDM-1010..1017-404 without saying which is
# which, except 1010 (class) and SRY's 1012 (schema); the rest is our choice (resources.py).
BEHAVIORS = Kind("behaviors", None, "behavior", "1016")
UNIONS = Kind("unions", None, "union", "1015")
OTHER_NOT_FOUND = "1017"

TENANT_KINDS = (SCHEMAS, CLASSES, MIXINS, DATATYPES)
BY_TYPE = {k.resource_type: k for k in TENANT_KINDS + (BEHAVIORS, UNIONS)}
#: URL segment → kind (field groups are still ``mixins`` in ids and in the legacy paths).
BY_SEGMENT = {"schemas": SCHEMAS, "classes": CLASSES, "fieldgroups": MIXINS, "mixins": MIXINS,
              "datatypes": DATATYPES, "behaviors": BEHAVIORS}
AUDIT_COLLECTION = "xdmAuditLog"
CONTAINERS = ("global", "tenant")
