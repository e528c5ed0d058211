"""Mapping sets: creation, versions, reads and listings (the Data Prep model; no Flask here).

Every version of a set stays readable after an update (``GET ?version=n``), as on the platform.
How versions are stored, and why listings cost their page, is told in ``resources.py``.
"""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound, shown
from mockaep.core.ids import HEX32_RE, new_mapping_id
from mockaep.core.paging import offset
from mockaep.core.paging.selection import IndexedEquals
from mockaep.core.store import Collection
from mockaep.core.numbers import whole_number
from mockaep.services.conversion import mapping_rules
from mockaep.services.conversion.mapping_rules import MappingSetRequest
from mockaep.services.conversion.resources import KINDS, NOT_FOUND_CODE, STORED_SOURCE_TYPES, version_key

CURRENT = "mappingSets"
VERSIONS = "mappingSetVersions"
#: Sort keys of ``orderBy`` (mapping-set.md names createdDate and updatedDate; the spec's
#: default is lastUpdateDate) → field of the set.
ORDER_FIELDS = {"createdDate": "createdDate", "updatedDate": "modifiedDate", "lastUpdateDate": "modifiedDate",
                "modifiedDate": "modifiedDate"}
LIST_PATH = "/mappingSets"


# -- writes ----------------------------------------------------------------------------------------
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


def _version_view(ctx: RequestContext, request: MappingSetRequest, set_id: str,
                  previous: dict[str, Any] | None) -> dict[str, Any]:
    """The next version of a set (version 0 when there is no ``previous`` one)."""
    body = request.body
    schema_ref = {"id": request.schema_ref, "contentType": request.content_type}
    same_schema = previous is not None and previous["outputSchema"]["schemaRef"]["id"] == request.schema_ref
    view: dict[str, Any] = {
        "id": set_id, "version": previous["version"] + 1 if previous else 0,
        "createdDate": previous["createdDate"] if previous else ctx.now_ms, "modifiedDate": ctx.now_ms,
        "createdBy": previous["createdBy"] if previous else ctx.user_id, "modifiedBy": ctx.user_id,
    }
    if isinstance(body.get("name"), str):
        view["name"] = body["name"]
    view["supportVersion"] = "1.1"
    if isinstance(body.get("inputSchema"), dict) and body["inputSchema"]:
        view["inputSchema"] = body["inputSchema"]
    view["outputSchema"] = {"id": previous["outputSchema"]["id"] if previous and same_schema else new_mapping_id(),
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
    return {key: view[key] for key in KINDS[CURRENT].system_fields}


def _read_valid(ctx: RequestContext, body: Any, path: str, method: str) -> MappingSetRequest:
    request = mapping_rules.read_request(ctx, body, path, method)
    mapping_rules.check_mappings(ctx, request)
    mapping_rules.refuse_failed(request)
    return request


def _store(ctx: RequestContext, view: dict[str, Any]) -> None:
    """Record a new version: in the history, and as the set's current version, moved to the end
    of ``mappingSets`` (its insertion order is the order of last update)."""
    ctx.tenant.collection(VERSIONS).put(version_key(view["id"], view["version"]), view)
    current = ctx.tenant.collection(CURRENT)
    current.delete(view["id"])
    current.put(view["id"], view)


def create_mapping_set(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """``POST /mappingSets`` → the summary (the platform answers 200, not 201)."""
    request = _read_valid(ctx, body, "/mappingSets", "POST")
    current = ctx.tenant.collection(CURRENT)
    set_id = new_mapping_id()
    while set_id in current:
        set_id = new_mapping_id()
    view = _version_view(ctx, request, set_id, None)
    _store(ctx, view)
    return _summary(view)


def update_mapping_set(ctx: RequestContext, set_id: str, body: Any) -> dict[str, Any]:
    """``PUT /mappingSets/{id}`` → the new version (previous versions stay readable)."""
    latest = ctx.tenant.collection(CURRENT).get(set_id) if _is_set_id(set_id) else None
    if latest is None:
        raise _not_found(set_id)
    request = _read_valid(ctx, body, "/mappingSets/{MAPPING_SET_ID}", "PUT")
    view = _version_view(ctx, request, set_id, latest)
    _store(ctx, view)
    return view


# -- reads -----------------------------------------------------------------------------------------
def _is_set_id(set_id: Any) -> bool:
    return isinstance(set_id, str) and HEX32_RE.match(set_id) is not None


def _version_number(version: Any) -> int | None:
    """A version as the port or a query gives it (an int, or its digits), or None when it is none."""
    if isinstance(version, bool):
        return None
    if isinstance(version, int):
        return version if version >= 0 else None
    if isinstance(version, str):
        return whole_number(version, 10)
    return None


def _not_found(set_id: str, version: int | None = None) -> NotFound:
    if version is not None:
        return NotFound(f"Mapping set {shown(set_id, quoted=True)} has no version {shown(version)}.", code=NOT_FOUND_CODE)
    return NotFound(f"No mapping set with id {shown(set_id, quoted=True)} exists in this sandbox.", code=NOT_FOUND_CODE)


def _where(ctx: RequestContext, set_id: str, version: int | None) -> tuple[Collection, str]:
    """The collection and key of a set's version (its current one when ``version`` is None)."""
    if version is None:
        return ctx.tenant.collection(CURRENT), set_id
    return ctx.tenant.collection(VERSIONS), version_key(set_id, version)


def get_mapping_set(ctx: RequestContext, set_id: str, version: Any = None,
                    expand_schema: bool = False) -> dict[str, Any] | None:
    """The set as ``GET /mappingSets/{id}?version=`` shows it (the current version when
    ``version`` is None), a fresh object; ``None`` when the id or the version does not exist."""
    number = _version_number(version)
    if not _is_set_id(set_id) or (version is not None and number is None):
        return None
    collection, key = _where(ctx, set_id, number)
    found = collection.get(key)
    return _expanded(ctx, found) if found is not None and expand_schema else found


def require_mapping_set(ctx: RequestContext, set_id: str, version: int | None = None,
                        expand_schema: bool = False) -> dict[str, Any]:
    found = get_mapping_set(ctx, set_id, version, expand_schema)
    if found is None:
        raise _missing(ctx, set_id, version)
    return found


def require_stored(ctx: RequestContext, set_id: str, version: int | None = None) -> bytes:
    """The stored JSON text of a set's version: what ``GET /mappingSets/{id}`` answers as is."""
    found = None
    if _is_set_id(set_id):
        collection, key = _where(ctx, set_id, version)
        found = collection.raw(key)
    if found is None:
        raise _missing(ctx, set_id, version)
    return found


def _missing(ctx: RequestContext, set_id: str, version: int | None) -> NotFound:
    exists = version is not None and _is_set_id(set_id) and set_id in ctx.tenant.collection(CURRENT)
    return _not_found(set_id, version if exists else None)


def _expanded(ctx: RequestContext, view: dict[str, Any]) -> dict[str, Any]:
    """``expandSchema=true``: the resolved target schema shown as ``outputSchema.jsonSchema``."""
    output = view["outputSchema"]
    resolved = ctx.backend("schemaregistry").resolve_schema(output["schemaRef"]["id"])
    if resolved is not None:
        view["outputSchema"] = {"id": output["id"], "version": output["version"], "jsonSchema": resolved,
                                "schemaRef": output["schemaRef"]}
    return view


def list_mappings(ctx: RequestContext, set_id: str) -> list[dict[str, Any]]:
    return require_mapping_set(ctx, set_id)["mappings"]


def get_mapping(ctx: RequestContext, set_id: str, mapping_id: str) -> dict[str, Any]:
    for mapping in require_mapping_set(ctx, set_id)["mappings"]:
        if mapping["id"] == mapping_id:
            return mapping
    raise NotFound(f"Mapping set {shown(set_id, quoted=True)} has no mapping with id {shown(mapping_id, quoted=True)}.", code=NOT_FOUND_CODE)


# -- query parameters ------------------------------------------------------------------------------
def read_flag(ctx: RequestContext, name: str) -> bool:
    """A boolean query parameter (``expandSchema``): true or false in any case; absent is false."""
    raw = ctx.query.get(name)
    if raw is None or raw == "":
        return False
    if raw.strip().lower() not in ("true", "false"):
        raise BadRequest(f"The query parameter '{name}' must be true or false, got '{raw[:40]}'.",
                         sub_errors=[{"path": f"?{name}", "message": "must be true or false"}])
    return raw.strip().lower() == "true"


def read_version(ctx: RequestContext) -> int | None:
    return offset.read_integer(ctx.query, "version")


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
        raise BadRequest(f"orderBy '{order_by[:100]}' is not supported; use createdDate or updatedDate, "
                         "optionally prefixed with + or -.")
    return ORDER_FIELDS[text], descending


# -- listing ---------------------------------------------------------------------------------------
def list_mapping_sets(ctx: RequestContext) -> dict[str, Any]:
    """``GET /mappingSets``: one page of current versions, newest update first unless ``orderBy``
    says otherwise; ``name`` keeps the sets of that name (exactly)."""
    query = ctx.query
    page = offset.read_page_request(query)
    name, order_by = query.get("name"), query.get("orderBy")
    field, descending = _order(order_by)
    expand = read_flag(ctx, "expandSchema")
    current = ctx.tenant.collection(CURRENT)
    conditions = [IndexedEquals("name", name)] if name is not None else []
    if field == "modifiedDate":  # insertion order of the current versions
        found = offset.select_page(current, conditions, page, reverse=descending)
        views = found.records
    elif not conditions:  # creation order: the first versions, in the order they were made
        found = offset.select_page(ctx.tenant.collection(VERSIONS), [IndexedEquals("version", 0)], page,
                                   reverse=descending)
        views = [view for view in (current.get(entry.record["id"]) for entry in found.entries) if view is not None]
    else:
        # the current name decides the filter and no index orders the name's sets by creation:
        # the name's matches are read and sorted (the cost of this query, not of the listing)
        found = offset.select_sorted_page(current, conditions, page, "createdDate", descending=descending)
        views = found.records
    items = [_expanded(ctx, view) for view in views] if expand else views
    carried = [(key, query.get(key)) for key in ("name", "orderBy", "expandSchema") if query.get(key) is not None]
    return offset.envelope(items, page, more=found.more, path=LIST_PATH, carried=carried)  # type: ignore[arg-type]
