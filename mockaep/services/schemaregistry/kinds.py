"""The resource types of the registry: where each is stored and how it is named."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    resource_type: str      # meta:resourceType
    collection: str | None  # tenant collection (None: global only)
    label: str              # how messages name it
    not_found: str          # XDM-10xx-404 code


SCHEMAS = Kind("schemas", "xdmSchemas", "schema", "1012")
CLASSES = Kind("classes", "xdmClasses", "class", "1010")
MIXINS = Kind("mixins", "xdmFieldGroups", "field group", "1011")
DATATYPES = Kind("datatypes", "xdmDataTypes", "data type", "1013")
BEHAVIORS = Kind("behaviors", None, "behavior", "1016")
DESCRIPTORS = Kind("descriptors", "xdmDescriptors", "descriptor", "1014")
# Not-found codes per resource type: the troubleshooting guide lists XDM-1010..1017-404 without
# saying which is which, except 1010 (class) and SRY's 1012 (schema); the rest is our choice.
DESCRIPTOR_NOT_FOUND = "1014"
UNION_NOT_FOUND = "1015"
OTHER_NOT_FOUND = "1017"

TENANT_KINDS = (SCHEMAS, CLASSES, MIXINS, DATATYPES)
BY_TYPE = {k.resource_type: k for k in TENANT_KINDS + (BEHAVIORS,)}
#: URL segment → kind (field groups are still ``mixins`` in ids and in the legacy paths).
BY_SEGMENT = {"schemas": SCHEMAS, "classes": CLASSES, "fieldgroups": MIXINS, "mixins": MIXINS,
              "datatypes": DATATYPES, "behaviors": BEHAVIORS}
DESCRIPTORS_COLLECTION = DESCRIPTORS.collection
AUDIT_COLLECTION = "xdmAuditLog"
CONTAINERS = ("global", "tenant")
