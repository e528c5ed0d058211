"""Flow Service state changes for connections, source/target connections and flows.

No Flask here: routes parse the request and call these functions with the parsed body and the
request context (``ctx.query``, ``ctx.headers``). Validation lives in ``connections.py`` /
``flows.py`` (layers 1-3), JSON Patch in ``mockaep.core.patch`` (this service's rules below),
listing in ``listing.py``, runs in ``runs.py`` / ``progress.py``.

Deleting a referenced object (FSE): a base connection used by a flow's source or target
connection → 1418; a source or target connection a flow uses → 1447 ("Found active flows
containing id …"): the flow would be left pointing at nothing. Base connections used only by
connections outside any flow, and flows themselves, can be deleted. A deleted flow takes its runs
with it (``progress.forget_flow``): the platform answers a run of a deleted flow as unknown (404
1101) rather than keep orphans no flow can show; Catalog batches the runs wrote stay. A deleted
base connection takes its source (edited tables, fault) with it.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from mockaep.core import jsonreader, validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest
from mockaep.core.ids import new_uuid
from mockaep.core.kinds import ResourceKind
from mockaep.core.patch import PatchRules, apply_patch, read_patch
from mockaep.core.paging.selection import Entry
from mockaep.services.flowservice import listing, progress, source_faults
from mockaep.services.flowservice import sources as source_tables
from mockaep.services.flowservice.connections import (inherited_base, validate_connection, validate_source_connection,
                                                      validate_target_connection)
from mockaep.services.flowservice.flows import validate_flow
from mockaep.services.flowservice.records import build, check_etag, not_found, raw, require
from mockaep.services.flowservice.resources import (CONNECTIONS, CREATE_ONLY, FLOWS, SOURCE_CONNECTIONS,
                                                    TARGET_CONNECTIONS)

#: Field order of stored items, after the system fields (as the platform's items show them).
_ORDER = {
    "connections": ("name", "description", "connectionSpec", "state", "auth"),
    "sourceConnections": ("name", "description", "baseConnectionId", "state", "data", "connectionSpec", "params"),
    "targetConnections": ("name", "description", "baseConnectionId", "state", "data", "connectionSpec", "params"),
    "flows": ("name", "description", "flowSpec", "state", "sourceConnectionIds", "targetConnectionIds",
              "inheritedAttributes", "options", "scheduleParams", "transformations", "labels", "runs",
              "lastOperation"),
}
#: Documented fields a client may leave out, and what an item shows then (a client reading them
#: must not fail): the platform's items always carry these.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "connections": {"name": "", "description": ""},
    "sourceConnections": {"name": "", "description": "", "params": {}},
    "targetConnections": {"name": "", "description": "", "params": {}},
    "flows": {"description": "", "sourceConnectionIds": [], "targetConnectionIds": [], "transformations": []},
}
_VALIDATORS: dict[str, Callable[..., dict[str, Any]]] = {
    "connections": validate_connection,
    "sourceConnections": validate_source_connection,
    "targetConnections": validate_target_connection,
}
#: JSON Patch as Flow Service reads it: the official ``PatchInstruction`` spells operations
#: ``ADD``/``REPLACE``/``REMOVE`` and types the connection PATCH body as a single instruction,
#: while Adobe's tutorials send lower-case ops in arrays; both are taken. Unsupported operation
#: (``move``, ``copy``, ``test``) → 1434; a path naming a missing field → 1455; a read-only
#: field → 1100; a connection's ``connectionSpec`` → 1414.
_PATCH_CODES = {"empty": "1405", "unsupported-op": "1434", "unknown-field": "1455", "missing-target": "1455"}
FLOW_PATCH = PatchRules(ops=("add", "replace", "remove"), case_insensitive_ops=True, lone_object=True,
                        codes=_PATCH_CODES)
CONNECTION_PATCH = PatchRules(ops=("add", "replace", "remove"), case_insensitive_ops=True, lone_object=True,
                              codes=_PATCH_CODES, protected={"connectionSpec": "1414"})


# -- validation + derived fields --------------------------------------------------------------
def _validated(ctx: RequestContext, kind: ResourceKind, body: Any, *, creating: bool) -> dict[str, Any]:
    """The fields to store for ``body``, after all three layers (nothing written yet)."""
    if kind is FLOWS:
        fields = validate_flow(ctx, body, creating=creating)
    else:
        fields = _VALIDATORS[kind.collection](ctx, body)
        if kind is not CONNECTIONS:
            inherited = inherited_base(ctx, fields)
            if inherited is not None:
                fields["inheritedAttributes"] = inherited
    return {**_DEFAULTS[kind.collection], **fields}


def _operation(ctx: RequestContext, name: str, ops: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A flow's ``lastOperation``: the emulator completes every operation at once."""
    operation: dict[str, Any] = {"started": ctx.now_ms, "updated": ctx.now_ms, "percentCompleted": 100.0,
                                 "status": {"value": "completed", "errors": []}}
    if ops is not None:
        operation["ops"] = ops
    operation["operation"] = name
    return operation


def _store(ctx: RequestContext, kind: ResourceKind, item: dict[str, Any]) -> dict[str, Any]:
    ctx.tenant.collection(kind.collection).put(item["id"], item)
    if kind is FLOWS:
        progress.flow_written(ctx, item)
    return item


# -- create / read / list ---------------------------------------------------------------------
def create(ctx: RequestContext, kind: ResourceKind, body: Any) -> dict[str, Any]:
    """Validate fully, then store; returns the new record."""
    fields = _validated(ctx, kind, body, creating=True)
    object_id = new_uuid()
    fields["state"] = "enabled"
    if kind is FLOWS:
        fields["runs"] = f"/runs?property=flowId=={object_id}"
        fields["lastOperation"] = _operation(ctx, "create")
    return _store(ctx, kind, build(ctx, object_id, fields, order=_ORDER[kind.collection]))


def retrieve(ctx: RequestContext, kind: ResourceKind, object_id: str) -> bytes:
    """``GET /<kind>/{id}``: the object wrapped in ``items``, as JSON text. Objects are answered as
    stored; a flow gains its ``lastRunDetails`` (computed when read, so runs progressing never
    change the flow's etag), added after its last stored field as the platform's items show it."""
    stored = raw(ctx, kind, object_id)
    if kind is FLOWS:
        details = progress.last_run_details(ctx, object_id)
        if details is not None:
            stored = stored[:-1] + b',"lastRunDetails":' + jsonreader.dumps(details) + b"}"
    return b'{"items":[' + stored + b"]}"


def _with_run_details(ctx: RequestContext, flow: dict[str, Any]) -> dict[str, Any]:
    """A listed flow, with its ``lastRunDetails`` (see :func:`retrieve`)."""
    if "lastRunDetails" not in flow:
        details = progress.last_run_details(ctx, flow["id"], flow)
        if details is not None:
            flow["lastRunDetails"] = details
    return flow


def listing_of(ctx: RequestContext, kind: ResourceKind) -> dict[str, Any]:
    """``GET /<kind>``: a page of the list language's answer."""
    request = listing.read(ctx.query, resource=kind.collection)
    return _answer(ctx, kind, request, f"/{kind.collection}")


def _answer(ctx: RequestContext, kind: ResourceKind, request: listing.ListRequest, base_path: str,
            project: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None) -> dict[str, Any]:
    computed = None
    render: Callable[[Entry], Any] | None = None
    if kind is FLOWS:
        def add_details(flow: dict[str, Any]) -> dict[str, Any]:
            return _with_run_details(ctx, flow)
        computed = {"lastRunDetails": add_details}
        render = (lambda entry: add_details(entry.record)) if project is None else \
            (lambda entry: project(add_details(entry.record)))
    elif project is not None:
        render = lambda entry: project(entry.record)  # noqa: E731
    return listing.answer(ctx.tenant.collection(kind.collection), request, base_path=base_path, render=render,
                          computed=computed)


def search(ctx: RequestContext, kind: ResourceKind, body: Any) -> dict[str, Any]:
    """``POST /<kind>/search``: the body's ``queryString``/``limit``/``orderby``/``count`` as a list
    call; ``projectionFields`` keeps only those top-level fields (and ``id``) of each item. The
    next link carries only the token (the body need not be sent again)."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise BadRequest("The search request body must be a JSON object.")
    validation.check_body(ctx, "flowservice", "POST", f"/{kind.collection}/search", body)
    request = listing.read(ctx.query, resource=kind.collection, rules=listing.SEARCH_RULES,
                           body=listing.search_query(body))
    return _answer(ctx, kind, request, f"/{kind.collection}/search", listing.projection(body.get("projectionFields")))


# -- update -----------------------------------------------------------------------------------
def patch(ctx: RequestContext, kind: ResourceKind, object_id: str, body: Any) -> dict[str, Any]:
    """JSON Patch with ``If-Match``; the result is re-validated like a create; returns the record."""
    current = require(ctx, kind, object_id)
    check_etag(ctx.headers.if_match, current)
    rules = FLOW_PATCH if kind is FLOWS else CONNECTION_PATCH
    ops = read_patch(body, rules)
    patched = apply_patch(current, ops, kind=kind, rules=rules)
    client_view = {key: patched[key] for key in kind.writable if key in patched}
    for key in CREATE_ONLY.get(kind.collection, ()):
        client_view[key] = current[key]
    fields = _validated(ctx, kind, client_view, creating=False)
    fields["state"] = current.get("state", "enabled")
    if kind is FLOWS:
        fields["runs"] = current.get("runs")
        fields["lastOperation"] = _operation(ctx, "update", ops)
    return _store(ctx, kind, build(ctx, object_id, fields, order=_ORDER[kind.collection], previous=current))


# -- actions ----------------------------------------------------------------------------------
_FLOW_OPS = ("ENABLE", "DISABLE", "FINALIZE_UPDATE", "FINALIZE", "PUBLISH")
_CONNECTION_OPS = {"connections": ("FINALIZE_UPDATE", "FINALIZE", "PUBLISH"),
                   "sourceConnections": ("PUBLISH",), "targetConnections": ("PUBLISH",), "flows": _FLOW_OPS}
_SUB_OPS = ("APPLY", "ROLLBACK", "PROGRESS")


def action(ctx: RequestContext, kind: ResourceKind, object_id: str, op: str | None,
           sub_ops: list[str]) -> dict[str, Any]:
    """``POST /<kind>/{id}/action?op=``: ENABLE/DISABLE a flow; the provider-only steps refused.

    FINALIZE and FINALIZE_UPDATE are for connector providers' own requests (1402). PUBLISH
    turns a draft into an enabled object; objects made through this API are never drafts, so
    publishing one is refused as an action the current state cannot take (1422). ``If-Match``
    is checked when sent.
    """
    current = require(ctx, kind, object_id)
    check_etag(ctx.headers.if_match, current, required=False)
    allowed = _CONNECTION_OPS[kind.collection]
    name = (op or "").strip().upper()
    if name not in allowed:
        raise BadRequest(f"Unsupported operation '{str(op)[:50]}' received for {kind.collection}; use one of: "
                         f"{', '.join(allowed)}.", report={"op": str(op)[:200]})
    for sub_op in sub_ops:
        if sub_op.strip().upper() not in _SUB_OPS:
            raise BadRequest(f"Unsupported sub action '{sub_op[:50]}' received. Please use one of the supported sub "
                             "action types and try again.", code="1435")
    if name in ("FINALIZE", "FINALIZE_UPDATE"):
        raise BadRequest(f"The action '{name.lower()}' is supported for provider requests only.", code="1402")
    state = current.get("state")
    if name == "PUBLISH":
        if state != "draft":
            raise BadRequest(f"The action publish cannot be applied on the current state {state}. Please update the "
                             "action and try again.", code="1422")
        new_state = "enabled"
    else:
        if any(s.strip().upper() == "PROGRESS" for s in sub_ops):
            raise BadRequest(f"Unsupported sub operation PROGRESS received for operation {name.lower()}.",
                             code="1436")
        new_state = "enabled" if name == "ENABLE" else "disabled"
    current["state"] = new_state
    if kind is FLOWS:
        current["lastOperation"] = _operation(ctx, name.lower())
    return _store(ctx, kind, build(ctx, object_id, current, order=_ORDER[kind.collection], previous=current))


# -- delete -----------------------------------------------------------------------------------
def _flows_using(ctx: RequestContext, path: str, object_ids: list[str]) -> list[str]:
    flows = ctx.tenant.collection(FLOWS.collection)
    found: set[str] = set()
    for object_id in object_ids:
        found.update(flows.ids(among=flows.hits(path, object_id)))
    return sorted(found)


def delete(ctx: RequestContext, kind: ResourceKind, object_id: str) -> None:
    """Delete one object, unless a flow still uses it (module docstring)."""
    collection = ctx.tenant.collection(kind.collection)
    if object_id not in collection:
        raise not_found(kind, object_id)
    if kind is CONNECTIONS:
        sources = ctx.tenant.collection(SOURCE_CONNECTIONS.collection)
        targets = ctx.tenant.collection(TARGET_CONNECTIONS.collection)
        users = sorted(set(_flows_using(ctx, "sourceConnectionIds[]",
                                        list(sources.ids(among=sources.hits("baseConnectionId", object_id)))))
                       | set(_flows_using(ctx, "targetConnectionIds[]",
                                          list(targets.ids(among=targets.hits("baseConnectionId", object_id))))))
        if users:
            raise BadRequest(f"The base connection with the ID {object_id} cannot be deleted because the base "
                             "connection is being used in one or more flows. Please ensure that corresponding flows "
                             "are deleted before deleting a base connection.", code="1418",
                             report={"flowIds": users})
    elif kind in (SOURCE_CONNECTIONS, TARGET_CONNECTIONS):
        path = "sourceConnectionIds[]" if kind is SOURCE_CONNECTIONS else "targetConnectionIds[]"
        users = _flows_using(ctx, path, [object_id])
        if users:
            raise BadRequest(f"Found active flows containing id {object_id}.", code="1447",
                             report={"flowIds": users})
    if kind is FLOWS:
        progress.forget_flow(ctx, object_id)
    if kind is CONNECTIONS:  # the source behind it goes with it: its tables and its fault
        source_tables.forget_connection(ctx, object_id)
        source_faults.forget_connection(ctx, object_id)
    collection.delete(object_id)


def summary(item: Mapping[str, Any]) -> dict[str, Any]:
    """What create, PATCH and actions answer: the id and the new etag."""
    return {"id": item["id"], "etag": item["etag"]}
