"""Creating and updating connection specs and flow specs (the Sources SDK calls), and the
``POST /flowSpecs/search`` request. Reads and the spec interface live in ``specs``. No Flask here.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import unquote

import jsonschema

from mockaep.core import validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, shown
from mockaep.core.ids import new_uuid
from mockaep.core.jsonreader import json_depth
from mockaep.core.numbers import whole_number
from mockaep.services.flowservice import listing, specs
from mockaep.services.flowservice.records import system_fields
from mockaep.services.flowservice.specs import CONNECTION_SPECS, FLOW_SPECS, spec_not_found

#: Deepest nesting an embedded spec schema may have (the checks below walk it recursively).
MAX_SCHEMA_DEPTH = 64

# -- writes (Sources SDK) ---------------------------------------------------------------------------
#: Fields the server sets; a request may carry them (a GET answer sent back) but they are ignored.
READ_ONLY = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
             "sandboxId", "sandboxName", "imsOrgId", "etag")


def _check_schema(schema: Any, where: str) -> None:
    """An embedded spec must be a JSON Schema mockaep can later validate with, offline."""
    if not isinstance(schema, Mapping):
        raise BadRequest(f"{where} must be a JSON Schema object.", code="1100",
                         sub_errors=[{"path": where, "message": "not an object"}])
    if json_depth(schema) > MAX_SCHEMA_DEPTH:
        raise BadRequest(f"{where} nests deeper than {MAX_SCHEMA_DEPTH} levels.", code="1100",
                         sub_errors=[{"path": where, "message": "too deep"}])
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        pointer = where + "".join(f"/{p}" for p in error.absolute_path)
        message = shown(error.message, validation.MAX_MESSAGE_LENGTH)
        raise BadRequest(f"{where} is not a valid JSON Schema: {message} (at {shown(pointer)}).", code="1100",
                         sub_errors=[{"path": shown(pointer), "message": message}]) from None
    for pointer, ref in _refs(schema, where):
        # Remote references would need the network at validation time, and a dangling local one
        # would only fail when a connection is validated: both are refused now.
        if not _resolves(schema, ref):
            raise BadRequest(f"{where} refers to {shown(ref, quoted=True)}, which is not a location inside the schema; only "
                             "references such as #/definitions/name that exist are supported.", code="1100",
                             sub_errors=[{"path": pointer, "message": "unresolvable $ref"}])


def _resolves(schema: Mapping[str, Any], ref: str) -> bool:
    if ref == "#":
        return True
    if not ref.startswith("#/"):
        return False
    node: Any = schema
    for token in ref[2:].split("/"):
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and (index := whole_number(token, 9)) is not None and index < len(node):
            node = node[index]
        else:
            return False
    return isinstance(node, (Mapping, bool))


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
            raise BadRequest(f"{where} has two entries named {shown(entry['name'], quoted=True)}; names must be unique.",
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
    return {k: v for k, v in body.items() if k not in READ_ONLY}


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
    validation.check_body(ctx, "flowservice", method, path, layer_one_view(body))
    _check_named_specs(body.get("authSpec"), "authSpec")
    _check_part(body, "sourceSpec", "spec")
    _check_part(body, "targetSpec", "spec")
    _check_part(body, "exploreSpec", "requestSpec", "responseSpec")
    return {"id": spec_id, **system_fields(ctx, created=previous), **_writable(body)}


def create_connection_spec(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """``POST /connectionSpecs``: a new source of this tenant (Sources SDK); returns the item."""
    record = _connection_spec_record(ctx, "POST", "/connectionSpecs", body, new_uuid(), None)
    specs.forget(ctx, CONNECTION_SPECS)
    return ctx.tenant.collection(CONNECTION_SPECS).put(record["id"], record)


def update_connection_spec(ctx: RequestContext, spec_id: str, body: Any) -> dict[str, Any]:
    """``PUT /connectionSpecs/{id}``: replace one of the tenant's own connection specs whole."""
    if spec_id in specs.packaged(ctx, CONNECTION_SPECS):
        raise BadRequest(f"The connection spec {spec_id} is provided by the platform and cannot be updated; "
                         "create your own with POST /connectionSpecs.", code="1426")
    collection = ctx.tenant.collection(CONNECTION_SPECS)
    previous = collection.get(spec_id)
    if previous is None:
        raise spec_not_found("connectionSpecs", spec_id)
    record = _connection_spec_record(ctx, "PUT", "/connectionSpecs/{CONNECTION_SPEC_ID}", body, spec_id, previous)
    specs.forget(ctx, CONNECTION_SPECS)
    return collection.put(spec_id, record)


def _flow_spec_record(ctx: RequestContext, method: str, path: str, body: Any, spec_id: str,
                      previous: Mapping[str, Any] | None) -> dict[str, Any]:
    validation.check_body(ctx, "flowservice", method, path, layer_one_view(body))
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
    specs.forget(ctx, FLOW_SPECS)
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
    packaged = specs.packaged(ctx, FLOW_SPECS).get(spec_id)
    previous = collection.get(spec_id)
    if packaged is None:
        if previous is None:
            raise spec_not_found("flowSpecs", spec_id)
        record = _flow_spec_record(ctx, "PUT", "/flowSpecs/{FLOW_SPEC_ID}", body, spec_id, previous)
        specs.forget(ctx, FLOW_SPECS)
        return collection.put(spec_id, record)
    validation.check_body(ctx, "flowservice", "PUT", "/flowSpecs/{FLOW_SPEC_ID}", layer_one_view(body))
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
    unknown = [i for i in added if not isinstance(i, str) or i not in own]
    if unknown:
        raise BadRequest(f"The spec ID provided is invalid: {str(unknown[0])[:200]} is not a connection spec of this "
                         "organization. Please provide a valid spec ID and try again.", code="1413")
    record = {**current, **system_fields(ctx, created=previous),
              "sourceConnectionSpecIds": list(packaged["sourceConnectionSpecIds"]) + added}
    specs.forget(ctx, FLOW_SPECS)
    return collection.put(spec_id, record)


# -- POST /flowSpecs/search -------------------------------------------------------------------------
def search_flow_specs(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """A ``FlowSpecFilterRequest`` as a list call over the tenant's flow spec catalogue.

    ``queryString`` holds ``property`` expressions of the list language, several joined with
    ``&`` (``name==CRMToAEP&providerId==...``); ``limit``, ``orderby`` and ``count`` mean what
    they mean on lists. Grouping is refused: its answer shape is undocumented.
    """
    if not isinstance(body, dict):
        raise BadRequest("The search request body must be a JSON object.")
    validation.check_body(ctx, "flowservice", "POST", "/flowSpecs/search", body)
    if body.get("groupByProperty"):
        raise BadRequest(f"Aggregation on {str(body['groupByProperty'])[:100]} is not supported by this emulator; "
                         "send the search without groupByProperty.", code="1442")
    request = listing.read(ctx.query, resource=FLOW_SPECS, rules=listing.SEARCH_RULES,
                           body=listing.search_query(body))
    project = listing.projection(body.get("projectionFields"))
    return listing.answer(specs.catalogue(ctx, FLOW_SPECS), request, base_path="/flowSpecs/search",
                          render=(lambda entry: project(entry.record)) if project else None)
