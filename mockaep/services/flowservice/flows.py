"""Rules of flows (dataflows): the three validation layers of a flow write.

Schedule values: every tutorial sends ``startTime``, ``interval`` and ``backfill`` as strings
(``"1590792316"``, ``"15"``, ``"true"``) and ``GET /flows/{id}`` echoes strings, while the flow
spec's ``scheduleSpec`` types them integer/boolean and the official DTO types ``interval`` as a
string (BEHAVIOUR.md §7.7, §15 #9). mockaep coerces each value to the type the schema at hand
declares (numeric strings → integers, ``"true"``/``"false"`` → booleans, integers → strings
where a string is declared) before validating, then stores and echoes the values exactly as
the client sent them. A non-numeric string for an integer is refused.
"""
from __future__ import annotations

import math
import re
from typing import Any, Mapping

from mockaep.core import validation
from mockaep.core.errors import BadRequest, shown
from mockaep.core.numbers import signed_number
from mockaep.core.context import RequestContext
from mockaep.services.flowservice import specs
from mockaep.services.flowservice.connections import dataset_schema
from mockaep.services.flowservice.records import record
from mockaep.services.flowservice.resources import (CONNECTIONS, CREATE_ONLY, FLOWS, SOURCE_CONNECTIONS,
                                                    TARGET_CONNECTIONS)

#: ASCII digits only (``\d`` also matches ``٣`` and other digits Java would not read).
_NUMBER = re.compile(r"^\s*-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$")
#: Digits of the longest integer a string is read as: the DTOs' integers are 64-bit (longer text
#: stays text, which the schema then refuses; ``int()`` refuses beyond 4300 digits anyway).
MAX_INTEGER_DIGITS = 19


def integer_text(text: str) -> int | None:
    """The integer ``text`` spells (optional ``-``, ASCII digits, spaces around), or None."""
    return signed_number(text, MAX_INTEGER_DIGITS)


def coerce(value: Any, schema: Any) -> Any:
    """``value`` converted to the scalar type ``schema`` declares, when it can be; else unchanged."""
    if not isinstance(schema, Mapping):
        return value
    declared = schema.get("type")
    if declared == "object" and isinstance(value, dict):
        properties = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
        return {key: coerce(item, properties.get(key)) for key, item in value.items()}
    if isinstance(value, str):
        number = integer_text(value) if declared == "integer" else None
        if number is not None:
            return number
        if declared == "number" and _NUMBER.match(value) and math.isfinite(float(value)):
            number = float(value)
            return int(number) if number.is_integer() else number
        if declared == "boolean" and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
    elif declared == "string" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _official_schedule_schema(ctx: RequestContext) -> Mapping[str, Any]:
    return validation.openapi_document(ctx, "flowservice")["components"]["schemas"]["ScheduleSpecDTO"]


def _layer_one_view(ctx: RequestContext, body: Mapping[str, Any]) -> dict[str, Any]:
    """The body as the official DTO types it: schedule values coerced, mapping versions as strings
    (update-dataflows.md sends ``mappingVersion: 2``; the DTO and the flow spec type it string)."""
    view = dict(body)
    if isinstance(body.get("scheduleParams"), dict):
        view["scheduleParams"] = coerce(body["scheduleParams"], _official_schedule_schema(ctx))
    if isinstance(body.get("transformations"), list):
        view["transformations"] = [_with_string_version(t) for t in body["transformations"]]
    return view


def _with_string_version(transformation: Any) -> Any:
    if not isinstance(transformation, dict) or not isinstance(transformation.get("params"), dict):
        return transformation
    params = dict(transformation["params"])
    version = params.get("mappingVersion")
    if isinstance(version, int) and not isinstance(version, bool):
        params["mappingVersion"] = str(version)
    return {**transformation, "params": params}


def validate_flow(ctx: RequestContext, body: Any, *, creating: bool = True) -> dict[str, Any]:
    """Check a flow body through the three layers; return the fields to store."""
    if not isinstance(body, dict):
        raise BadRequest("The request body of a flow must be a JSON object.")
    if creating and "state" in body:
        raise BadRequest("State is not allowed in the create flow request.", code="1410")
    validation.check_body(ctx, "flowservice", "POST", "/flows", _layer_one_view(ctx, body))
    fields = {key: body[key] for key in FLOWS.writable + CREATE_ONLY["flows"] if key in body}
    if "transformations" in fields:
        fields["transformations"] = [_with_string_version(t) for t in fields["transformations"]]
    for key in ("name", "description"):
        if key in fields and not isinstance(fields[key], str):
            raise BadRequest(f"The request body is invalid: '{key}' must be a string (at /{key}).",
                             sub_errors=[{"path": f"/{key}", "message": "must be a string"}])
    if "labels" in fields and not (isinstance(fields["labels"], list)
                                   and all(isinstance(label, str) for label in fields["labels"])):
        raise BadRequest("The request body is invalid: 'labels' must be a list of strings (at /labels).",
                         sub_errors=[{"path": "/labels", "message": "must be an array of strings"}])

    spec_id = body["flowSpec"].get("id")
    flow_spec = specs.flow_spec(ctx, spec_id) if isinstance(spec_id, str) else None
    if flow_spec is None:
        raise BadRequest("The spec ID provided is invalid. Please provide a valid spec ID and try again. "
                         f"No flow spec has the id {shown(spec_id, quoted=True)}.", code="1413",
                         report={"specId": shown(spec_id)})
    _check_embedded(ctx, fields, flow_spec)
    sources = _connections(ctx, fields, "sourceConnectionIds", flow_spec)
    targets = _connections(ctx, fields, "targetConnectionIds", flow_spec)
    for transformation in fields.get("transformations", []):
        if "mappingId" in transformation["params"]:
            _check_mapping(ctx, transformation["params"], targets)
    fields["inheritedAttributes"] = {"sourceConnections": [_inherited(ctx, s) for s in sources],
                                     "targetConnections": [_inherited(ctx, t) for t in targets],
                                     "properties": _direction(sources, targets)}
    return fields


def _direction(sources: list[Mapping[str, Any]], targets: list[Mapping[str, Any]]) -> dict[str, bool]:
    """``inheritedAttributes.properties`` (sort-and-filter.md filters flows on them): a flow that
    writes outside the platform is a destination flow; one that brings outside data into the
    platform's stores is a source flow."""
    def outside(connections: list[Mapping[str, Any]]) -> bool:
        return any((c.get("connectionSpec") or {}).get("id") not in specs.PLATFORM_STORES for c in connections)
    destination = outside(targets)
    return {"isSourceFlow": outside(sources) and not destination, "isDestinationFlow": destination}


def _check_embedded(ctx: RequestContext, fields: Mapping[str, Any], flow_spec: Mapping[str, Any]) -> None:
    """Layer 2: transformations, schedule and options against the flow spec's JSON Schemas."""
    by_name = {t.get("name"): t for t in specs.transformation_specs(flow_spec)}
    for position, transformation in enumerate(fields.get("transformations", [])):
        name = transformation["name"]
        if name not in by_name:
            known = ", ".join(repr(n) for n in by_name) or "none"
            raise BadRequest(f"The transformation {shown(name, quoted=True)} is not defined by flow spec {flow_spec['id']} "
                             f"(it defines {known}).",
                             sub_errors=[{"path": f"/transformations/{position}/name", "message": "unknown"}])
        spec = by_name[name].get("spec")
        if isinstance(spec, Mapping):
            validation.check_embedded(ctx, spec, transformation["params"], what=f"params of transformation '{name}'",
                                      prefix=f"/transformations/{position}/params")
    schedule_spec = flow_spec.get("scheduleSpec") if isinstance(flow_spec.get("scheduleSpec"), Mapping) else {}
    if "scheduleParams" in fields and isinstance(schedule_spec.get("spec"), Mapping):
        validation.check_embedded(ctx, schedule_spec["spec"], coerce(fields["scheduleParams"], schedule_spec["spec"]),
                                  what="scheduleParams",
                                  prefix="/scheduleParams")
    option_spec = flow_spec.get("optionSpec") if isinstance(flow_spec.get("optionSpec"), Mapping) else {}
    if "options" in fields:
        if not isinstance(option_spec.get("spec"), Mapping):
            raise BadRequest(f"Flow spec {flow_spec['id']} takes no options.",
                             sub_errors=[{"path": "/options", "message": "not allowed"}])
        validation.check_embedded(ctx, option_spec["spec"], coerce(fields["options"], option_spec["spec"]),
                                  what="options",
                                  prefix="/options")


def _connections(ctx: RequestContext, fields: Mapping[str, Any], key: str,
                 flow_spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The flow's source or target connections: each must exist here and use a spec the flow
    spec lists; a flow spec that lists specs needs at least one connection of that side."""
    kind = SOURCE_CONNECTIONS if key == "sourceConnectionIds" else TARGET_CONNECTIONS
    allowed_key = "sourceConnectionSpecIds" if kind is SOURCE_CONNECTIONS else "targetConnectionSpecIds"
    allowed = [s for s in flow_spec.get(allowed_key) or [] if isinstance(s, str)]
    ids = fields.get(key, [])
    if allowed and not ids:
        raise BadRequest(f"A flow of flow spec {flow_spec['id']} needs at least one {kind.label} in '{key}'.",
                         sub_errors=[{"path": f"/{key}", "message": "must not be empty"}])
    connections: list[Mapping[str, Any]] = []
    for position, object_id in enumerate(ids):
        found = record(ctx, kind, object_id)
        if found is None:
            raise BadRequest(f"The {kind.label} {shown(object_id)} does not exist in this organization and sandbox.",
                             report={"id": shown(object_id), "type": kind.collection},
                             sub_errors=[{"path": f"/{key}/{position}", "message": "no such object"}])
        spec_id = (found.get("connectionSpec") or {}).get("id")
        if spec_id not in allowed:
            raise BadRequest(f"The spec ID provided is invalid. Please provide a valid spec ID and try again. The "
                             f"{kind.label} {shown(object_id)} uses connection spec {shown(spec_id)}, which flow spec "
                             f"{flow_spec['id']} does not list in {allowed_key}.", code="1413",
                             report={"specId": shown(spec_id)})
        if object_id in (c["id"] for c in connections):
            raise BadRequest(f"The {kind.label} {shown(object_id)} is listed twice in '{key}'.",
                             sub_errors=[{"path": f"/{key}/{position}", "message": "duplicate"}])
        connections.append(found)
    return connections


def _inherited(ctx: RequestContext, connection: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": connection["id"], "connectionSpec": dict(connection.get("connectionSpec", {}))}
    base_id = connection.get("baseConnectionId")
    base = record(ctx, CONNECTIONS, base_id) if base_id else None
    if base is not None:
        item["baseConnection"] = {"id": base_id, "connectionSpec": dict(base.get("connectionSpec", {}))}
    return item


def _mapping_schema(mapping: Mapping[str, Any]) -> str | None:
    output = mapping.get("outputSchema") if isinstance(mapping.get("outputSchema"), Mapping) else {}
    ref = output.get("schemaRef") if isinstance(output.get("schemaRef"), Mapping) else {}
    for candidate in (ref.get("id"), mapping.get("xdmSchema"), output.get("id")):
        if isinstance(candidate, str) and candidate:
            return candidate
    return None


def _check_mapping(ctx: RequestContext, params: Mapping[str, Any], targets: list[Mapping[str, Any]]) -> None:
    """The mapping set (and version) must exist (1419/1412) and write the target dataset's schema (1425)."""
    mapping_id = params.get("mappingId")
    raw_version = params.get("mappingVersion")
    version = None
    if raw_version is not None:
        version = integer_text(raw_version) if isinstance(raw_version, str) else None
        if version is None or version < 0:
            raise BadRequest("Invalid Mapping Version in request. Please provide correct mapping version.",
                             code="1412")
    mapping = ctx.backend("conversion").get_mapping_set(mapping_id, version) if isinstance(mapping_id, str) else None
    if mapping is None:
        if version is not None and isinstance(mapping_id, str) and \
                ctx.backend("conversion").get_mapping_set(mapping_id, None) is not None:
            raise BadRequest(f"Invalid Mapping Version in request. Please provide correct mapping version. Mapping "
                             f"{shown(mapping_id)} has no version {shown(version)}.", code="1412")
        raise BadRequest(f"Error while validating mapping with id {shown(mapping_id)}, version {shown(raw_version)}. This could be "
                         "because of inadequate permissions on mapped fields. Please check your mapping or contact "
                         "your admin.", code="1419")
    mapping_schema = _mapping_schema(mapping)
    for target in targets:
        dataset_id, schema_id = dataset_schema(ctx, target)
        if dataset_id is None:
            continue
        if schema_id is None or mapping_schema is None or schema_id != mapping_schema:
            raise BadRequest(f"Error while matching schema in target dataset {dataset_id} with schema in mapping "
                             f"{shown(mapping_id)}. Schema with same id and version must be used in both mapping and "
                             "target dataset.", code="1425")
