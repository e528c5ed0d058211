"""Mapping sets: creation, versions, reads and listings (the Data Prep model; no Flask here).

A stored record keeps every version of a set (``versions[n]`` is what ``GET ?version=n``
shows), so old versions stay readable after an update, as on the platform.
"""
from __future__ import annotations

from typing import Any

from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.context import RequestContext
from mockaep.core.ids import HEX32_RE, new_mapping_id
from mockaep.services.conversion import mapping_rules
from mockaep.services.conversion.mapping_rules import STORED_SOURCE_TYPES, MappingSetRequest

COLLECTION = "mappingSets"
#: Sort keys of ``orderBy`` (mapping-set.md names createdDate and updatedDate; the spec's
#: default is lastUpdateDate) → field of the set.
ORDER_FIELDS = {"createdDate": "createdDate", "updatedDate": "modifiedDate", "lastUpdateDate": "modifiedDate",
                "modifiedDate": "modifiedDate"}


def _stored_mapping(ctx: RequestContext, mapping: mapping_rules.Mapping) -> dict[str, Any]:
    """A mapping as the platform reports it: both vocabularies side by side."""
    stored: dict[str, Any] = {
        "id": new_mapping_id(), "version": 0, "createdDate": ctx.now_ms, "modifiedDate": ctx.now_ms,
        "createdBy": ctx.user_id, "modifiedBy": ctx.user_id,
        "sourceType": STORED_SOURCE_TYPES[mapping.source_type],
        "source": mapping.source, "destination": mapping.destination,
    }
    if mapping.name is not None:
        stored["name"] = mapping.name
    if mapping.description is not None:
        stored["description"] = mapping.description
    stored.update({"identity": mapping.identity, "primaryIdentity": mapping.primary_identity, "matchScore": 0.0,
                   "functionVersion": 1, "sourceAttribute": mapping.source,
                   "destinationXdmPath": mapping.destination})
    if mapping.namespace_code is not None:
        stored["namespaceCode"] = mapping.namespace_code
    if mapping.identity_group is not None:
        stored["identityGroup"] = mapping.identity_group
    return stored


def _version_view(ctx: RequestContext, request: MappingSetRequest, set_id: str, version: int,
                  created: dict[str, Any] | None, previous: dict[str, Any] | None) -> dict[str, Any]:
    body = request.body
    schema_ref = {"id": request.schema_ref, "contentType": request.content_type}
    same_schema = previous is not None and previous["outputSchema"]["schemaRef"]["id"] == request.schema_ref
    view: dict[str, Any] = {
        "id": set_id, "version": version,
        "createdDate": created["createdDate"] if created else ctx.now_ms, "modifiedDate": ctx.now_ms,
        "createdBy": created["createdBy"] if created else ctx.user_id, "modifiedBy": ctx.user_id,
    }
    if isinstance(body.get("name"), str):
        view["name"] = body["name"]
    view["supportVersion"] = "1.1"
    if isinstance(body.get("inputSchema"), dict) and body["inputSchema"]:
        view["inputSchema"] = body["inputSchema"]
    view["outputSchema"] = {"id": previous["outputSchema"]["id"] if same_schema else new_mapping_id(),
                            "version": 0, "schemaRef": schema_ref}
    view["mappings"] = [_stored_mapping(ctx, m) for m in request.mappings]
    view.update({"status": "DRAFT", "strictMapping": body.get("strictMapping") is True,
                 "allowNullValues": body.get("allowNullValues") is True,
                 "xdmVersion": request.xdm_version or request.content_type,
                 "schemaRef": dict(schema_ref), "xdmSchema": request.schema_ref})
    if isinstance(body.get("tags"), list):
        view["tags"] = body["tags"]
    return view


def _summary(view: dict[str, Any]) -> dict[str, Any]:
    return {key: view[key] for key in ("id", "version", "createdDate", "modifiedDate", "createdBy", "modifiedBy")}


def _read_valid(ctx: RequestContext, body: Any, path: str, method: str) -> MappingSetRequest:
    request = mapping_rules.read_request(ctx, body, path, method)
    mapping_rules.check_mappings(ctx, request)
    mapping_rules.refuse_failed(request)
    return request


def create_mapping_set(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """``POST /mappingSets`` → the summary (the platform answers 200, not 201)."""
    request = _read_valid(ctx, body, "/mappingSets", "POST")
    collection = ctx.tenant.collection(COLLECTION)
    set_id = new_mapping_id()
    while set_id in collection:
        set_id = new_mapping_id()
    view = _version_view(ctx, request, set_id, 0, None, None)
    sequence = ctx.tenant.meta["mappingSetSequence"] = ctx.tenant.meta.get("mappingSetSequence", 0) + 1
    collection.put(set_id, {"id": set_id, "name": view.get("name"), "seq": sequence, "versions": [view]})
    return _summary(view)


def update_mapping_set(ctx: RequestContext, set_id: str, body: Any) -> dict[str, Any]:
    """``PUT /mappingSets/{id}`` → the new version (previous versions stay readable)."""
    collection = ctx.tenant.collection(COLLECTION)
    record = collection.get(set_id)
    if record is None:
        raise _not_found(set_id)
    request = _read_valid(ctx, body, "/mappingSets/{MAPPING_SET_ID}", "PUT")
    latest = record["versions"][-1]
    view = _version_view(ctx, request, set_id, latest["version"] + 1, record["versions"][0], latest)
    record["versions"].append(view)
    record["name"] = view.get("name")
    collection.put(set_id, record)
    return view


def _not_found(set_id: str) -> NotFound:
    return NotFound(f"No mapping set with id '{set_id}' exists in this sandbox.")


def _expanded(ctx: RequestContext, view: dict[str, Any], expand_schema: bool) -> dict[str, Any]:
    import copy

    shown = copy.deepcopy(view)
    if expand_schema:
        resolved = ctx.backend("schemaregistry").resolve_schema(view["outputSchema"]["schemaRef"]["id"])
        if resolved is not None:
            shown["outputSchema"] = {"id": view["outputSchema"]["id"], "version": view["outputSchema"]["version"],
                                     "jsonSchema": resolved, "schemaRef": view["outputSchema"]["schemaRef"]}
    return shown


def get_mapping_set(ctx: RequestContext, set_id: str, version: int | None = None,
                    expand_schema: bool = False) -> dict[str, Any] | None:
    """The set as ``GET /mappingSets/{id}?version=`` shows it (latest when ``version`` is None);
    ``None`` when the id or the version does not exist. The cross-service entry point."""
    if not isinstance(set_id, str) or not HEX32_RE.match(set_id):
        return None
    record = ctx.tenant.collection(COLLECTION).peek(set_id)
    if record is None:
        return None
    versions = record["versions"]
    if version is None:
        view = versions[-1]
    else:
        try:
            number = int(version)
        except (TypeError, ValueError):
            return None
        if not 0 <= number < len(versions):
            return None
        view = versions[number]
    return _expanded(ctx, view, expand_schema)


def require_mapping_set(ctx: RequestContext, set_id: str, version: int | None = None,
                        expand_schema: bool = False) -> dict[str, Any]:
    found = get_mapping_set(ctx, set_id, version, expand_schema)
    if found is None:
        if version is not None and get_mapping_set(ctx, set_id) is not None:
            raise NotFound(f"Mapping set '{set_id}' has no version {version}.")
        raise _not_found(set_id)
    return found


def list_mappings(ctx: RequestContext, set_id: str) -> list[dict[str, Any]]:
    return require_mapping_set(ctx, set_id)["mappings"]


def get_mapping(ctx: RequestContext, set_id: str, mapping_id: str) -> dict[str, Any]:
    for mapping in require_mapping_set(ctx, set_id)["mappings"]:
        if mapping["id"] == mapping_id:
            return mapping
    raise NotFound(f"Mapping set '{set_id}' has no mapping with id '{mapping_id}'.")


def _order(order_by: str | None) -> tuple[str, bool]:
    """(field, descending). ``+``/``-`` prefix; '+' may arrive decoded as a space."""
    if order_by is None or not order_by.strip():
        return "modifiedDate", True  # newest first, as the listing example suggests
    text = order_by
    descending = False
    if text[0] in "+ -":
        descending = text[0] == "-"
        text = text[1:]
    text = text.strip()
    if text not in ORDER_FIELDS:
        raise BadRequest(f"orderBy '{order_by}' is not supported; use createdDate or updatedDate, "
                         "optionally prefixed with + or -.")
    return ORDER_FIELDS[text], descending


def list_mapping_sets(ctx: RequestContext, limit: int, start: int, name: str | None = None,
                      order_by: str | None = None, expand_schema: bool = False) -> dict[str, Any]:
    field, descending = _order(order_by)
    collection = ctx.tenant.collection(COLLECTION)
    if name is not None:
        ids = collection.lookup("name", name)
        records = [collection.peek(set_id) for set_id in ids]
    else:
        records = [record for _id, record in collection.scan()]
    # ties (same millisecond) keep creation order, reversed with the sort direction
    records.sort(key=lambda record: (record["versions"][-1][field], record["seq"]), reverse=descending)  # type: ignore[index]
    latest = [record["versions"][-1] for record in records]  # type: ignore[index]
    page = latest[start:start + limit]
    body: dict[str, Any] = {"data": [_expanded(ctx, view, expand_schema) for view in page],
                            "_page": {"count": len(page), "limit": limit}}
    if start + limit < len(latest):
        query = f"limit={limit}&start={start + limit}" + (f"&orderBy={order_by}" if order_by else "")
        body["_links"] = {"next": {"href": f"/mappingSets?{query}", "templated": False}}
    return body
