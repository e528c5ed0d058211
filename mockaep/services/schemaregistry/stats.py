"""``GET /stats`` (getting-started.md; schema-registry.yaml statsResponse): the tenant id, exact
counts, the newest created and updated resources, and which schemas use which class.

Clients call it often (the tenant id lives here; the onboarding client asks on every run), so
it reads a bounded number of records whatever the tenant holds: counts come from the
collections and the union classes (overview.py), the newest creations from the end of each
collection's insertion order, the newest updates from the tenant's derived list. ``classUsage``
shows the classes of the newest schemas, at most :data:`MAX_CLASSES`, each with its exact
``numberOfSchemas`` (from the ``meta:class`` index) and its first :data:`MAX_SCHEMAS_PER_CLASS`
schemas — the documented examples show a few per class; the platform's own limits are not
documented. ``classUsage`` follows the official spec (an array of ``{$id, title,
numberOfSchemas, schemas}``); the older getting-started page prints an object keyed by class.
"""
from __future__ import annotations

import itertools
from typing import Any, Mapping

from mockaep.core.context import RequestContext
from mockaep.services.schemaregistry import kinds, overview
from mockaep.services.schemaregistry.registry import Registry

SHOWN = overview.SHOWN
MAX_CLASSES = 5
MAX_SCHEMAS_PER_CLASS = 5
#: Newest schemas read to find the classes shown.
CLASS_SCAN = 25


def _brief(resource: Mapping[str, Any], date_key: str) -> dict[str, Any]:
    metadata = resource.get("meta:registryMetadata") or {}
    return {"$id": resource["$id"], "meta:altId": resource.get("meta:altId"), "title": resource.get("title"),
            "description": resource.get("description", ""), "meta:resourceType": resource.get("meta:resourceType"),
            date_key: metadata.get("repo:createdDate" if date_key == "meta:created" else "repo:lastModifiedDate"),
            "version": resource.get("version")}


def _schema_brief(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"$id": schema["$id"], "meta:altId": schema.get("meta:altId"), "title": schema.get("title"),
            "description": schema.get("description", "")}


def stats(ctx: RequestContext) -> dict[str, Any]:
    reg = Registry(ctx)
    tenant = ctx.tenant
    newest: list[tuple[Any, int, dict[str, Any]]] = []
    for rank, kind in enumerate(kinds.TENANT_KINDS):
        coll = reg.collection(kind)
        for resource_id in itertools.islice(coll.ids(reverse=True), SHOWN):
            record = coll.get(resource_id)
            if record is not None:
                created = (record.get("meta:registryMetadata") or {}).get("repo:createdDate") or 0
                newest.append((created, coll.position(resource_id) or 0, record))
    newest.sort(key=lambda item: (item[0], item[1]), reverse=True)
    updated = []
    for collection, resource_id in overview.recently_updated(tenant):
        record = tenant.collection(collection).get(resource_id)
        if record is not None:
            updated.append(_brief(record, "meta:updated"))
            if len(updated) == SHOWN:
                break
    return {
        "imsOrg": ctx.org,
        "tenantId": ctx.tenant_id,
        "counts": {"schemas": len(reg.collection(kinds.SCHEMAS)), "mixins": len(reg.collection(kinds.MIXINS)),
                   "datatypes": len(reg.collection(kinds.DATATYPES)), "classes": len(reg.collection(kinds.CLASSES)),
                   "unions": len(overview.union_classes(tenant))},
        "recentlyCreatedResources": [_brief(record, "meta:created") for _c, _p, record in newest[:SHOWN]],
        "recentlyUpdatedResources": updated,
        "classUsage": _class_usage(reg),
    }


def _class_usage(reg: Registry) -> list[dict[str, Any]]:
    schemas = reg.collection(kinds.SCHEMAS)
    classes: list[str] = []
    for schema_id in itertools.islice(schemas.ids(reverse=True), CLASS_SCAN):
        schema = schemas.get(schema_id)
        cls = schema.get("meta:class") if schema else None
        if isinstance(cls, str) and cls not in classes:
            classes.append(cls)
            if len(classes) == MAX_CLASSES:
                break
    usage = []
    for class_id in classes:
        hits = schemas.hits("meta:class", class_id)
        shown = [schemas.get(i) for i in itertools.islice(schemas.ids(among=hits), MAX_SCHEMAS_PER_CLASS)]
        found = reg.find_resource(class_id)
        usage.append({"$id": class_id, "title": (found or {}).get("title", class_id), "numberOfSchemas": len(hits),
                      "schemas": [_schema_brief(s) for s in shown if s is not None]})
    return usage
