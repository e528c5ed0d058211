"""Flow Service state changes for connections, source/target connections and flows.

No Flask here: routes parse the request and call these functions with the parsed body, the
query parameters (a ``MultiDict``) and headers they need. Validation lives in
``connections.py`` / ``flows.py`` (layers 1-3), JSON Patch in ``patching.py``, listing in
``query.py``. Other Flow Service modules (runs) read objects through :func:`get_flow`,
:func:`get_connection`, :func:`get_source_connection` and :func:`get_target_connection`.

Deleting a referenced object (FSE): a base connection used by a flow's source or target
connection → 1418; a source or target connection a flow uses → 1447 ("Found active flows
containing id …"): the flow would be left pointing at nothing. Base connections used only by
connections outside any flow, and flows themselves, can be deleted. A deleted flow takes its runs
with it (``runs.forget_flow``): the platform answers a run of a deleted flow as unknown (404
1101) rather than keep orphans no flow can show; Catalog batches the runs wrote stay.
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Mapping

from mockaep.core import validation
from mockaep.core.errors import BadRequest
from mockaep.core.context import RequestContext
from mockaep.core.ids import new_uuid
from mockaep.services.flowservice import patching, query
from mockaep.services.flowservice.connections import (inherited_base, validate_connection, validate_source_connection,
                                                      validate_target_connection)
from mockaep.services.flowservice.flows import validate_flow
from mockaep.services.flowservice.records import (CONNECTIONS, FLOWS, KINDS, SOURCE_CONNECTIONS, TARGET_CONNECTIONS,
                                                  Kind, build, check_if_match, not_found, peek, require)

#: Field order of stored items, after the system fields (as the platform's items show them).
_ORDER = {
    "connections": ("name", "description", "connectionSpec", "state", "auth"),
    "sourceConnections": ("name", "description", "baseConnectionId", "state", "data", "connectionSpec", "params"),
    "targetConnections": ("name", "description", "baseConnectionId", "state", "data", "connectionSpec", "params"),
    "flows": ("name", "description", "flowSpec", "state", "sourceConnectionIds", "targetConnectionIds",
              "inheritedAttributes", "options", "scheduleParams", "transformations", "labels", "runs",
              "lastOperation"),
}
_VALIDATORS: dict[str, Callable[..., dict[str, Any]]] = {
    "connections": validate_connection,
    "sourceConnections": validate_source_connection,
    "targetConnections": validate_target_connection,
}


def kind_of(collection: str) -> Kind:
    return KINDS[collection]


# -- reads other modules use ------------------------------------------------------------------
def get_flow(ctx: RequestContext, flow_id: str) -> dict[str, Any] | None:
    return ctx.tenant.collection(FLOWS.collection).get(flow_id)


def get_connection(ctx: RequestContext, connection_id: str) -> dict[str, Any] | None:
    return ctx.tenant.collection(CONNECTIONS.collection).get(connection_id)


def get_source_connection(ctx: RequestContext, connection_id: str) -> dict[str, Any] | None:
    return ctx.tenant.collection(SOURCE_CONNECTIONS.collection).get(connection_id)


def get_target_connection(ctx: RequestContext, connection_id: str) -> dict[str, Any] | None:
    return ctx.tenant.collection(TARGET_CONNECTIONS.collection).get(connection_id)


# -- validation + derived fields --------------------------------------------------------------
def _validated(ctx: RequestContext, kind: Kind, body: Any, *, creating: bool) -> dict[str, Any]:
    """The fields to store for ``body``, after all three layers (nothing written yet)."""
    if kind is FLOWS:
        return validate_flow(ctx, body, creating=creating)
    fields = _VALIDATORS[kind.collection](ctx, body)
    if kind is not CONNECTIONS:
        inherited = inherited_base(ctx, fields)
        if inherited is not None:
            fields["inheritedAttributes"] = inherited
    return fields


def _operation(ctx: RequestContext, name: str, ops: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A flow's ``lastOperation``: the emulator completes every operation at once."""
    operation: dict[str, Any] = {"started": ctx.now_ms, "updated": ctx.now_ms, "percentCompleted": 100.0,
                                 "status": {"value": "completed", "errors": []}}
    if ops is not None:
        operation["ops"] = ops
    operation["operation"] = name
    return operation


# -- create / read / list ---------------------------------------------------------------------
def create(ctx: RequestContext, kind: Kind, body: Any) -> dict[str, Any]:
    """Validate fully, then store; returns the new record."""
    fields = _validated(ctx, kind, body, creating=True)
    object_id = new_uuid()
    extra: dict[str, Any] = {"state": "enabled"}
    if kind is FLOWS:
        extra["runs"] = f"/runs?property=flowId=={object_id}"
        extra["lastOperation"] = _operation(ctx, "create")
    record = build(ctx, object_id, fields, order=_ORDER[kind.collection], extra=extra)
    return ctx.tenant.collection(kind.collection).put(object_id, record)


def retrieve(ctx: RequestContext, kind: Kind, object_id: str) -> dict[str, Any]:
    """``GET /<kind>/{id}``: the object wrapped in ``items``, as the platform answers."""
    record = require(ctx, kind, object_id)
    return {"items": [_with_run_details(ctx, record) if kind is FLOWS else record]}


def _with_run_details(ctx: RequestContext, flow: Mapping[str, Any]) -> dict[str, Any]:
    """A flow as read: ``lastRunDetails`` comes from its latest run (the runs module), computed at
    read time so that runs progressing never change the flow's etag."""
    # A shallow copy: the item is serialised at once and only its top level gains a field.
    item = dict(flow)
    try:
        from mockaep.services.flowservice import runs  # here: runs imports this module
    except ImportError:  # runs not built: flows have no run details
        return item
    details = runs.last_run_details(ctx, item["id"])
    if details:
        item["lastRunDetails"] = details
    return item


#: The query parameters FSY documents on these lists (``start`` is not one of them: 1451).
LIST_PARAMETERS = ("property", "limit", "orderby", "continuationToken", "count")


def listing(ctx: RequestContext, kind: Kind, args: Any) -> dict[str, Any]:
    render = (lambda record: _with_run_details(ctx, record)) if kind is FLOWS else None
    return query.list_response(ctx.tenant.collection(kind.collection), args, resource=kind.collection,
                               base_path=kind.base_path, allowed=LIST_PARAMETERS, render=render)


def search(ctx: RequestContext, kind: Kind, body: Any, args: Any) -> dict[str, Any]:
    """``POST /<kind>/search``: the body's ``queryString``/``limit``/``orderby``/``count`` as a list call.

    ``queryString`` holds filter expressions joined by ``&``, each optionally written
    ``property=<expr>`` (the form of the GET parameter); ``projectionFields`` (comma-separated)
    keeps only those top-level fields (and ``id``) of each item.
    """
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise BadRequest("The search request body must be a JSON object.")
    validation.check_body(ctx, "flowservice", "POST", f"{kind.base_path}/search", body)
    for name in args.keys():
        if name != "continuationToken":
            raise BadRequest(f"Invalid params {name} provided in query params.", code="1451")
    pairs: list[tuple[str, str]] = []
    for part in str(body.get("queryString") or "").split("&"):
        if part.strip():
            pairs.append(("property", part.strip().removeprefix("property=")))
    if body.get("limit") is not None:
        pairs.append(("limit", str(body["limit"])))
    if body.get("orderby") is not None:
        pairs.append(("orderby", body["orderby"]))
    if body.get("count") is not None:
        pairs.append(("count", "true" if body["count"] else "false"))
    pairs.extend(("continuationToken", token) for token in args.getlist("continuationToken"))
    def render(record: Mapping[str, Any]) -> dict[str, Any]:
        item = _with_run_details(ctx, record) if kind is FLOWS else copy.deepcopy(dict(record))
        if body.get("projectionFields"):
            keep = {"id", *(f.strip() for f in str(body["projectionFields"]).split(",") if f.strip())}
            item = {k: v for k, v in item.items() if k in keep}
        return item

    answer = query.list_response(ctx.tenant.collection(kind.collection), query.QueryArgs(pairs), resource=kind.collection,
                                 base_path=f"{kind.base_path}/search", render=render)
    # The search body is re-sent with the token: the link carries only the token.
    nxt = answer.get("_links", {}).get("next")
    if nxt:
        token = nxt["href"].rsplit("continuationToken=", 1)[-1]
        nxt["href"] = f"{kind.base_path}/search?continuationToken={token}"
    return answer


# -- update -----------------------------------------------------------------------------------
def patch(ctx: RequestContext, kind: Kind, object_id: str, body: Any, if_match: str | None) -> dict[str, Any]:
    """JSON Patch with ``If-Match``; the result is re-validated like a create; returns the record."""
    current = require(ctx, kind, object_id)
    check_if_match(if_match, current)
    ops = patching.instructions(body)
    spec_field = "connectionSpec" if kind is not FLOWS else None
    patched = patching.apply(current, ops, writable=kind.client_fields, spec_field=spec_field)
    client_view = {key: patched[key] for key in kind.client_fields if key in patched}
    if kind is FLOWS:
        client_view["flowSpec"] = current["flowSpec"]
    fields = _validated(ctx, kind, client_view, creating=False)
    extra: dict[str, Any] = {"state": current.get("state", "enabled")}
    if kind is FLOWS:
        extra["runs"] = current.get("runs")
        extra["lastOperation"] = _operation(ctx, "update", ops)
    record = build(ctx, object_id, fields, order=_ORDER[kind.collection], previous=current, extra=extra)
    return ctx.tenant.collection(kind.collection).put(object_id, record)


# -- actions ----------------------------------------------------------------------------------
_FLOW_OPS = ("ENABLE", "DISABLE", "FINALIZE_UPDATE", "FINALIZE", "PUBLISH")
_CONNECTION_OPS = {"connections": ("FINALIZE_UPDATE", "FINALIZE", "PUBLISH"),
                   "sourceConnections": ("PUBLISH",), "targetConnections": ("PUBLISH",), "flows": _FLOW_OPS}
_SUB_OPS = ("APPLY", "ROLLBACK", "PROGRESS")


def action(ctx: RequestContext, kind: Kind, object_id: str, op: str | None, sub_ops: list[str],
           if_match: str | None = None) -> dict[str, Any]:
    """``POST /<kind>/{id}/action?op=``: ENABLE/DISABLE a flow; the provider-only steps refused.

    FINALIZE and FINALIZE_UPDATE are for connector providers' own requests (1402). PUBLISH
    turns a draft into an enabled object; objects made through this API are never drafts, so
    publishing one is refused as an action the current state cannot take (1422).
    """
    current = require(ctx, kind, object_id)
    if if_match is not None:
        check_if_match(if_match, current)
    allowed = _CONNECTION_OPS[kind.collection]
    name = (op or "").strip().upper()
    if name not in allowed:
        raise BadRequest(f"Unsupported operation '{op}' received for {kind.collection}; use one of: "
                         f"{', '.join(allowed)}.", report={"op": op})
    for sub_op in sub_ops:
        if sub_op.strip().upper() not in _SUB_OPS:
            raise BadRequest(f"Unsupported sub action '{sub_op}' received. Please use one of the supported sub "
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
    fields = {key: current[key] for key in current}
    fields["state"] = new_state
    if kind is FLOWS:
        fields["lastOperation"] = _operation(ctx, name.lower())
    for key in ("version", "etag"):
        fields.pop(key, None)
    record = build(ctx, object_id, fields, order=_ORDER[kind.collection], previous=current)
    return ctx.tenant.collection(kind.collection).put(object_id, record)


# -- delete -----------------------------------------------------------------------------------
def _flows_using(ctx: RequestContext, path: str, object_ids: set[str]) -> set[str]:
    flows = ctx.tenant.collection(FLOWS.collection)
    found: set[str] = set()
    for object_id in object_ids:
        found |= flows.lookup(path, object_id)
    return found


def delete(ctx: RequestContext, kind: Kind, object_id: str) -> None:
    """Delete one object, unless a flow still uses it (module docstring)."""
    if peek(ctx, kind, object_id) is None:
        raise not_found(kind, object_id)
    if kind is CONNECTIONS:
        sources = ctx.tenant.collection(SOURCE_CONNECTIONS.collection).lookup("baseConnectionId", object_id)
        targets = ctx.tenant.collection(TARGET_CONNECTIONS.collection).lookup("baseConnectionId", object_id)
        users = (_flows_using(ctx, "sourceConnectionIds[]", sources)
                 | _flows_using(ctx, "targetConnectionIds[]", targets))
        if users:
            raise BadRequest(f"The base connection with the ID {object_id} cannot be deleted because the base "
                             "connection is being used in one or more flows. Please ensure that corresponding flows "
                             "are deleted before deleting a base connection.", code="1418",
                             report={"flowIds": sorted(users)})
    elif kind in (SOURCE_CONNECTIONS, TARGET_CONNECTIONS):
        path = "sourceConnectionIds[]" if kind is SOURCE_CONNECTIONS else "targetConnectionIds[]"
        users = _flows_using(ctx, path, {object_id})
        if users:
            raise BadRequest(f"Found active flows containing id {object_id}.", code="1447",
                             report={"flowIds": sorted(users)})
    if kind is FLOWS:
        from mockaep.services.flowservice import runs  # here: runs imports this module
        runs.forget_flow(ctx, object_id)
    ctx.tenant.collection(kind.collection).delete(object_id)


def summary(record: Mapping[str, Any]) -> dict[str, Any]:
    """What create, PATCH and actions answer: the id and the new etag."""
    return {"id": record["id"], "etag": record["etag"]}
