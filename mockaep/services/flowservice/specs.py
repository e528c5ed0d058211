"""Connection specs and flow specs: the packaged ones plus those a tenant created.

The platform ships its connection specs (one per connector: Salesforce Service Cloud, ServiceNow,
Amazon S3, the data lake target…) and flow specs (``CRMToAEP``, ``CloudStorageToAEP``); the
Sources SDK lets an org add its own with ``POST /connectionSpecs`` and ``POST /flowSpecs``.
mockaep keeps the packaged ones as JSON files in ``mockaep/specs/flowservice`` (read once) and
the created ones in the tenant collections ``connectionSpecs`` and ``flowSpecs``.

This module is the interface other Flow Service modules use (connections, flows, runs):
:func:`connection_spec`, :func:`flow_spec`, :func:`connection_specs`, :func:`flow_specs`,
:func:`spec_role`, :func:`source_kind`. Everything returned is a private copy.
No Flask here.
"""
from __future__ import annotations

import copy
import functools
import json
import uuid
from importlib import resources
from typing import Any, Literal, Mapping

import jsonschema

from mockaep import validation
from mockaep.errors import BadRequest, NotFound
from mockaep.gateway import RequestContext
from mockaep.ids import new_uuid

PACKAGE = "mockaep.specs.flowservice"
#: Tenant collections of specs created through the API (Sources SDK).
CONNECTION_SPECS = "connectionSpecs"
FLOW_SPECS = "flowSpecs"

#: ``data.format`` values a source connection may use, by kind of source (BEHAVIOUR.md 7.1):
#: table sources read ``tabular``; file sources ``delimited``, ``json`` or ``parquet``; the data
#: lake target writes ``parquet_xdm``. Specs of no known kind (custom REST sources) accept any.
DATA_FORMATS: dict[str, tuple[str, ...]] = {
    "table": ("tabular",),
    "file": ("delimited", "json", "parquet"),
    "target": ("parquet_xdm",),
    "other": ("tabular", "delimited", "json", "parquet"),
}
_TABLE_EXPLORE_TYPES = {"table", "tabular"}
_FILE_EXPLORE_TYPES = {"filesystem", "file", "folder"}


# -- packaged data (read once per process) ---------------------------------------------------------
def _read_folder(folder: str) -> tuple[dict[str, Any], ...]:
    base = resources.files(PACKAGE).joinpath(folder)
    items = []
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            items.append(json.loads(entry.read_text("utf-8")))
    return tuple(items)


@functools.cache
def packaged_connection_specs() -> Mapping[str, Mapping[str, Any]]:
    """Packaged connection specs by id (shared, read-only: copy before handing out)."""
    return {spec["id"]: spec for spec in _read_folder("connection_specs")}


@functools.cache
def packaged_flow_specs() -> Mapping[str, Mapping[str, Any]]:
    """Packaged flow specs by id (shared, read-only: copy before handing out)."""
    return {spec["id"]: spec for spec in _read_folder("flow_specs")}


def is_packaged(spec_id: str) -> bool:
    """True for the specs the platform ships, which no org can overwrite."""
    return spec_id in packaged_connection_specs() or spec_id in packaged_flow_specs()


# -- lookups ----------------------------------------------------------------------------------------
def connection_spec(ctx: RequestContext, spec_id: str) -> dict[str, Any] | None:
    """The connection spec with this id (packaged, or created in this tenant), or None."""
    found = packaged_connection_specs().get(spec_id)
    if found is not None:
        return copy.deepcopy(dict(found))
    return ctx.tenant.collection(CONNECTION_SPECS).get(spec_id)


def flow_spec(ctx: RequestContext, spec_id: str) -> dict[str, Any] | None:
    """The flow spec with this id (created or extended in this tenant, else packaged), or None."""
    own = ctx.tenant.collection(FLOW_SPECS).get(spec_id)
    if own is not None:
        return own
    found = packaged_flow_specs().get(spec_id)
    return copy.deepcopy(dict(found)) if found is not None else None


def connection_specs(ctx: RequestContext) -> list[dict[str, Any]]:
    """Every connection spec the tenant sees: packaged first, then its own in creation order."""
    own = [copy.deepcopy(dict(record)) for _id, record in ctx.tenant.collection(CONNECTION_SPECS).scan()]
    return [copy.deepcopy(dict(s)) for s in packaged_connection_specs().values()] + own


def flow_specs(ctx: RequestContext) -> list[dict[str, Any]]:
    """Every flow spec the tenant sees: packaged first (with the tenant's additions), then its own."""
    collection = ctx.tenant.collection(FLOW_SPECS)
    packaged = [collection.get(i) or copy.deepcopy(dict(s)) for i, s in packaged_flow_specs().items()]
    own = [copy.deepcopy(dict(r)) for i, r in collection.scan() if i not in packaged_flow_specs()]
    return packaged + own


# -- what a spec is ---------------------------------------------------------------------------------
def spec_role(spec: Mapping[str, Any]) -> Literal["source", "target"]:
    """Whether connections of this spec read data (source) or receive it (target).

    A spec with a ``targetSpec`` and no ``sourceSpec`` (the data lake) is a target; an explicit
    ``attributes.isSource: false`` also makes one. Everything else is a source.
    """
    attributes = spec.get("attributes") if isinstance(spec.get("attributes"), Mapping) else {}
    if spec.get("targetSpec") and not spec.get("sourceSpec"):
        return "target"
    if attributes.get("isSource") is False and attributes.get("isDestination") is True:
        return "target"
    return "source"


def source_kind(spec: Mapping[str, Any]) -> Literal["table", "file", "target", "other"]:
    """How data is organised behind connections of this spec, from its ``exploreSpec``.

    ``table`` sources (CRM, customer success) take ``data.format`` ``tabular``; ``file`` sources
    (cloud storage) take ``delimited``, ``json`` or ``parquet``; ``target`` is the data lake
    (``parquet_xdm``); ``other`` is any spec of no known kind (e.g. a custom REST source).
    """
    if spec_role(spec) == "target":
        return "target"
    explore = spec.get("exploreSpec") if isinstance(spec.get("exploreSpec"), Mapping) else {}
    kind = str(explore.get("type") or explore.get("name") or "").lower()
    if kind in _TABLE_EXPLORE_TYPES:
        return "table"
    if kind in _FILE_EXPLORE_TYPES:
        return "file"
    return "other"


def data_formats(spec: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``data.format`` values connections of this spec accept (see :data:`DATA_FORMATS`)."""
    return DATA_FORMATS[source_kind(spec)]


def auth_spec(spec: Mapping[str, Any], spec_name: str) -> dict[str, Any] | None:
    """The ``authSpec`` entry named ``spec_name`` (what ``auth.specName`` must match), or None."""
    for entry in spec.get("authSpec") or []:
        if isinstance(entry, Mapping) and entry.get("name") == spec_name:
            return copy.deepcopy(dict(entry))
    return None


def transformation_specs(flow_spec_item: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A flow spec's transformation specs; Sources SDK docs also spell the key singular."""
    found = flow_spec_item.get("transformationSpecs")
    if found is None:
        found = flow_spec_item.get("transformationSpec")
    return [dict(t) for t in found or [] if isinstance(t, Mapping)]


# -- system fields shared by Flow Service items -----------------------------------------------------
def sandbox_id(ctx: RequestContext) -> str:
    """A stable UUID for the (org, sandbox) pair; the platform reports one as ``sandboxId``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mockaep:sandbox:{ctx.org}:{ctx.sandbox}"))


def system_fields(ctx: RequestContext, *, created: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``createdAt``…``imsOrgId`` for an item written now (``created``: the previous version)."""
    fields = {
        "createdAt": ctx.now_ms,
        "updatedAt": ctx.now_ms,
        "createdBy": ctx.user_id,
        "updatedBy": ctx.user_id,
        "createdClient": ctx.client_id,
        "updatedClient": ctx.client_id,
        "sandboxId": sandbox_id(ctx),
        "sandboxName": ctx.sandbox,
        "imsOrgId": ctx.org,
    }
    if created:
        for key in ("createdAt", "createdBy", "createdClient"):
            if key in created:
                fields[key] = created[key]
    return fields


# -- writes (Sources SDK) ---------------------------------------------------------------------------
#: Fields the server sets; a request may carry them (a GET answer sent back) but they are ignored.
READ_ONLY = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
             "sandboxId", "sandboxName", "imsOrgId", "etag")


def _check_schema(schema: Any, where: str) -> None:
    """An embedded spec must be a JSON Schema mockaep can later validate with, offline."""
    if not isinstance(schema, Mapping):
        raise BadRequest(f"{where} must be a JSON Schema object.", code="1100",
                         sub_errors=[{"path": where, "message": "not an object"}])
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        pointer = where + "".join(f"/{p}" for p in error.absolute_path)
        raise BadRequest(f"{where} is not a valid JSON Schema: {error.message} (at {pointer}).", code="1100",
                         sub_errors=[{"path": pointer, "message": error.message}]) from None
    for pointer, ref in _refs(schema, where):
        if not ref.startswith("#"):
            # Remote references would need the network at validation time.
            raise BadRequest(f"{where} refers to {ref!r}; only references inside the schema (#/...) are "
                             "supported.", code="1100", sub_errors=[{"path": pointer, "message": "remote $ref"}])


def _refs(node: Any, pointer: str):
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield f"{pointer}/$ref", value
            else:
                yield from _refs(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from _refs(value, f"{pointer}/{position}")


def _check_named_specs(entries: Any, where: str) -> None:
    """``authSpec`` / ``transformationSpecs`` entries: a unique ``name`` and a JSON Schema ``spec``."""
    if entries is None:
        return
    if not isinstance(entries, list):
        raise BadRequest(f"{where} must be an array.", code="1100")
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        here = f"/{where}/{position}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise BadRequest(f"{here}/name is required: connections and flows refer to this entry by name.",
                             code="1100", sub_errors=[{"path": f"{here}/name", "message": "required"}])
        if entry["name"] in seen:
            raise BadRequest(f"{where} has two entries named {entry['name']!r}; names must be unique.",
                             code="1100", sub_errors=[{"path": f"{here}/name", "message": "duplicate name"}])
        seen.add(entry["name"])
        _check_schema(entry.get("spec"), f"{here}/spec")


def _check_part(body: Mapping[str, Any], key: str, *schema_keys: str) -> None:
    part = body.get(key)
    if part is None:
        return
    if not isinstance(part, Mapping):
        raise BadRequest(f"/{key} must be an object.", code="1100")
    for schema_key in schema_keys:
        if schema_key in part:
            _check_schema(part[schema_key], f"/{key}/{schema_key}")


def _writable(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in body.items() if k not in READ_ONLY}


def layer_one_view(body: Any) -> Any:
    """The body as the official request DTOs type it, for layer-1 validation only.

    Two spots of the official spec contradict Adobe's own examples, and the examples win:
    * ``attributes`` / ``settings`` are typed ``additionalProperties: {type: object}`` (a Java
      ``Map<String, Object>`` as the generator renders it), yet the spec's own examples hold
      strings and booleans there (``"category": "CRM"``, ``"isSource": true``): scalars are
      seen as empty objects.
    * ``sourceSpec``/``targetSpec`` ``attributes.uiAttributes.category|icon|label`` are typed
      string, yet connection-specs.md and the spec's examples send ``{"key": "..."}``: such an
      object is seen as its key.
    The stored spec keeps what the client sent.
    """
    if not isinstance(body, dict):
        return body
    view = dict(body)
    for key in ("attributes", "settings"):
        if isinstance(body.get(key), dict):
            view[key] = {k: (v if isinstance(v, dict) else {}) for k, v in body[key].items()}
    for part in ("sourceSpec", "targetSpec"):
        section = body.get(part)
        attributes = section.get("attributes") if isinstance(section, dict) else None
        ui = attributes.get("uiAttributes") if isinstance(attributes, dict) else None
        if isinstance(ui, dict):
            ui_view = {k: (v["key"] if k in ("category", "icon", "label") and isinstance(v, dict)
                           and isinstance(v.get("key"), str) else v) for k, v in ui.items()}
            view[part] = {**section, "attributes": {**attributes, "uiAttributes": ui_view}}
    return view


def _connection_spec_record(ctx: RequestContext, method: str, path: str, body: Any, spec_id: str,
                            previous: Mapping[str, Any] | None) -> dict[str, Any]:
    validation.check_body("flowservice", method, path, layer_one_view(body))
    _check_named_specs(body.get("authSpec"), "authSpec")
    _check_part(body, "sourceSpec", "spec")
    _check_part(body, "targetSpec", "spec")
    _check_part(body, "exploreSpec", "requestSpec", "responseSpec")
    return {"id": spec_id, **system_fields(ctx, created=previous), **_writable(body)}


def create_connection_spec(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """``POST /connectionSpecs``: a new source of this tenant (Sources SDK); returns the item."""
    record = _connection_spec_record(ctx, "POST", "/connectionSpecs", body, new_uuid(), None)
    return ctx.tenant.collection(CONNECTION_SPECS).put(record["id"], record)


def update_connection_spec(ctx: RequestContext, spec_id: str, body: Any) -> dict[str, Any]:
    """``PUT /connectionSpecs/{id}``: replace one of the tenant's own connection specs whole."""
    if spec_id in packaged_connection_specs():
        raise BadRequest(f"The connection spec {spec_id} is provided by the platform and cannot be updated; "
                         "create your own with POST /connectionSpecs.", code="1426")
    collection = ctx.tenant.collection(CONNECTION_SPECS)
    previous = collection.peek(spec_id)
    if previous is None:
        raise spec_not_found("connectionSpecs", spec_id)
    record = _connection_spec_record(ctx, "PUT", "/connectionSpecs/{CONNECTION_SPEC_ID}", body, spec_id, previous)
    return collection.put(spec_id, record)


def _flow_spec_record(ctx: RequestContext, method: str, path: str, body: Any, spec_id: str,
                      previous: Mapping[str, Any] | None) -> dict[str, Any]:
    validation.check_body("flowservice", method, path, layer_one_view(body))
    # The Sources SDK pages spell the key singular; the platform answers with the plural.
    has_plural, has_singular = "transformationSpecs" in body, "transformationSpec" in body
    if has_plural and has_singular:
        raise BadRequest("Give transformationSpecs or transformationSpec, not both.", code="1100")
    transformations = body.get("transformationSpecs", body.get("transformationSpec"))
    _check_named_specs(transformations, "transformationSpecs" if has_plural else "transformationSpec")
    for key in ("optionSpec", "scheduleSpec", "runSpec"):
        _check_part(body, key, "spec")
    record = {"id": spec_id, **system_fields(ctx, created=previous), **_writable(body)}
    if has_singular:
        record["transformationSpecs"] = record.pop("transformationSpec")
    return record


def create_flow_spec(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """``POST /flowSpecs``: a new flow spec of this tenant; returns the item."""
    record = _flow_spec_record(ctx, "POST", "/flowSpecs", body, new_uuid(), None)
    return ctx.tenant.collection(FLOW_SPECS).put(record["id"], record)


def update_flow_spec(ctx: RequestContext, spec_id: str, body: Any) -> dict[str, Any]:
    """``PUT /flowSpecs/{id}``: replace one of the tenant's flow specs, or extend a platform one.

    The Sources SDK workflow PUTs a platform flow spec (e.g. RestStorageToAEP) to add the id of
    a newly created connection spec to ``sourceConnectionSpecIds``. So for the platform's own
    flow specs the tenant keeps an extended copy: the body must name the same spec (``name``,
    ``providerId``) and keep every platform source; the ids it adds must be connection specs of
    this tenant. Every other field keeps the platform's value, as the answer shows.
    """
    collection = ctx.tenant.collection(FLOW_SPECS)
    packaged = packaged_flow_specs().get(spec_id)
    previous = collection.peek(spec_id)
    if packaged is None:
        if previous is None:
            raise spec_not_found("flowSpecs", spec_id)
        return collection.put(spec_id, _flow_spec_record(ctx, "PUT", "/flowSpecs/{FLOW_SPEC_ID}", body, spec_id,
                                                         previous))
    validation.check_body("flowservice", "PUT", "/flowSpecs/{FLOW_SPEC_ID}", layer_one_view(body))
    current = previous or packaged
    if body.get("name") != packaged["name"] or body.get("providerId") != packaged["providerId"]:
        raise BadRequest(f"The flow spec {spec_id} is provided by the platform: only its "
                         "sourceConnectionSpecIds can be extended, and name and providerId must stay "
                         f"{packaged['name']!r} and {packaged['providerId']!r}.", code="1426")
    wanted = body.get("sourceConnectionSpecIds")
    if not isinstance(wanted, list):
        raise BadRequest("sourceConnectionSpecIds is required when extending a platform flow spec.", code="1100",
                         sub_errors=[{"path": "/sourceConnectionSpecIds", "message": "required"}])
    missing = [i for i in packaged["sourceConnectionSpecIds"] if i not in wanted]
    if missing:
        raise BadRequest(f"The platform sources {', '.join(missing[:3])} cannot be removed from flow spec "
                         f"{spec_id}.", code="1426")
    own = ctx.tenant.collection(CONNECTION_SPECS)
    added = [i for i in dict.fromkeys(wanted) if i not in packaged["sourceConnectionSpecIds"]]
    unknown = [i for i in added if own.peek(i) is None]
    if unknown:
        raise BadRequest(f"The spec ID provided is invalid: {unknown[0]} is not a connection spec of this "
                         "organization. Please provide a valid spec ID and try again.", code="1413")
    record = {**copy.deepcopy(dict(current)), **system_fields(ctx, created=previous),
              "sourceConnectionSpecIds": list(packaged["sourceConnectionSpecIds"]) + added}
    return collection.put(spec_id, record)


def spec_not_found(kind: str, spec_id: str) -> NotFound:
    return NotFound(f"The requested {kind} resource {spec_id} is not found. Verify the resource ID before trying "
                    "again.", code="1101", report={"id": spec_id, "type": kind})


# -- POST /flowSpecs/search -------------------------------------------------------------------------
class _Args(dict):
    """The few ``MultiDict`` methods ``query.list_response`` reads, over a dict of lists."""

    def getlist(self, name: str) -> list[str]:
        return list(self.get(name, []))


def search_args(body: Any) -> _Args:
    """A ``FlowSpecFilterRequest`` as list query parameters.

    ``queryString`` holds ``property`` expressions of the list language, several joined with
    ``&`` (``name==CRMToAEP&providerId==...``); ``limit``, ``orderby`` and ``count`` mean what
    they mean on lists. Grouping is refused: its answer shape is undocumented.
    """
    validation.check_body("flowservice", "POST", "/flowSpecs/search", body)
    args = _Args()
    query = body.get("queryString")
    if query:
        args["property"] = [part for part in query.split("&") if part.strip()]
        if not args["property"]:
            del args["property"]
    if body.get("limit") is not None:
        args["limit"] = [str(body["limit"])]
    if body.get("orderby"):
        args["orderby"] = [body["orderby"]]
    if body.get("count") is not None:
        args["count"] = ["true" if body["count"] else "false"]
    if body.get("groupByProperty"):
        raise BadRequest(f"Aggregation on {body['groupByProperty']} is not supported by this emulator; send "
                         "the search without groupByProperty.", code="1442")
    return args


def project(answer: dict[str, Any], fields: Any) -> dict[str, Any]:
    """Keep only ``projectionFields`` (comma-separated top-level names, ``id`` always) of each item."""
    if not fields or "items" not in answer:
        return answer
    wanted = {"id", *(name.strip() for name in str(fields).split(",") if name.strip())}
    answer["items"] = [{k: v for k, v in item.items() if k in wanted} for item in answer["items"]]
    return answer
