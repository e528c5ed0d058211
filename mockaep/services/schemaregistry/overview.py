"""What ``/stats`` and the union list need that no index answers: which classes have a union
(a Profile-enabled schema) and which resources were updated last.

Both are derived data of the tenant (``tenant.derived``, never part of a state document): built
from the records the first time they are asked for (after a start or a state import), then kept
current by every registry write (``written``), so a read costs what it shows. The union classes
are built from the ``meta:immutableTags[]`` index (the enabled schemas only); the recently
updated list needs one pass over the tenant's resources, once per tenant lifetime, and is rebuilt
only when deletions leave it shorter than what ``/stats`` shows while older resources remain.
"""
from __future__ import annotations

import heapq
import itertools
from typing import Any, Mapping

from mockaep.core.store import Tenant

UNION_TAG = "union"
SCHEMAS = "xdmSchemas"
#: The tenant resource collections, by ``meta:resourceType``.
COLLECTIONS = {"schemas": "xdmSchemas", "classes": "xdmClasses", "mixins": "xdmFieldGroups",
               "datatypes": "xdmDataTypes"}
SHOWN = 5
KEEP = 50  # updates remembered: deletions rarely empty the list below SHOWN
_UNIONS = ("schemaregistry", "unionClasses")
_UPDATED = ("schemaregistry", "recentlyUpdated")


def _union_class(record: Mapping[str, Any] | None) -> str | None:
    if not record or UNION_TAG not in (record.get("meta:immutableTags") or []):
        return None
    found = record.get("meta:class")
    return found if isinstance(found, str) else None


def union_classes(tenant: Tenant) -> dict[str, int]:
    """Class ``$id`` → how many of its schemas are enabled for Profile (classes with a union), in
    the order their unions appeared."""
    found = tenant.derived.get(_UNIONS)
    if found is None:
        found = {}
        schemas = tenant.collection(SCHEMAS)
        for schema_id in schemas.ids(among=schemas.hits("meta:immutableTags[]", UNION_TAG)):
            cls = _union_class(schemas.get(schema_id))
            if cls is not None:
                found[cls] = found.get(cls, 0) + 1
        tenant.derived[_UNIONS] = found
    return found


def recently_updated(tenant: Tenant) -> list[tuple[str, str]]:
    """(collection, ``$id``) of the resources written last, newest first (at most :data:`KEEP`)."""
    found = tenant.derived.get(_UPDATED)
    if found is None:
        # Once per tenant lifetime: the dates are in the records, and no index orders by them.
        order = itertools.count()
        candidates = ((_modified(record), -next(order), collection, resource_id)
                      for collection in COLLECTIONS.values()
                      for resource_id, record in tenant.collection(collection).scan())
        found = [(collection, resource_id) for _m, _o, collection, resource_id in heapq.nlargest(KEEP, candidates)]
        tenant.derived[_UPDATED] = found
    return found


def _modified(record: Mapping[str, Any]) -> float:
    value = (record.get("meta:registryMetadata") or {}).get("repo:lastModifiedDate")
    return value if isinstance(value, (int, float)) else 0


def written(tenant: Tenant, resource_type: str, before: Mapping[str, Any] | None,
            after: Mapping[str, Any] | None) -> None:
    """Keep the derived views current after a write (``after`` None: a deletion)."""
    unions = tenant.derived.get(_UNIONS)
    if unions is not None:
        old, new = _union_class(before), _union_class(after)
        if old != new:
            if old is not None:
                unions[old] = unions.get(old, 1) - 1
                if unions[old] <= 0:
                    del unions[old]
            if new is not None:
                unions[new] = unions.get(new, 0) + 1
    updated = tenant.derived.get(_UPDATED)
    if updated is not None:
        resource_id = (after or before or {}).get("$id")
        collection = COLLECTIONS[resource_type]
        updated[:] = [entry for entry in updated if entry[1] != resource_id]
        if after is not None:
            updated.insert(0, (collection, resource_id))
            del updated[KEEP:]
        elif len(updated) < SHOWN and sum(len(tenant.collection(c)) for c in COLLECTIONS.values()) > len(updated):
            del tenant.derived[_UPDATED]  # rebuilt from the records on the next read
