"""Rules of base, source and target connections: the three validation layers of a write.

Each ``validate_*`` takes the client's body (create) or the client part of a patched object
(PATCH), checks (1) the official request schema, (2) the JSON Schemas embedded in the
connection spec, (3) references, and returns the fields to store. Nothing is written here.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core import validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, shown
from mockaep.core.kinds import ResourceKind
from mockaep.services.flowservice import specs
from mockaep.services.flowservice.records import record
from mockaep.services.flowservice.resources import CONNECTIONS, SOURCE_CONNECTIONS, TARGET_CONNECTIONS


def _bad_spec(spec_id: Any, why: str = "") -> BadRequest:
    detail = "The spec ID provided is invalid. Please provide a valid spec ID and try again."
    if why:
        detail += f" {why}"
    return BadRequest(detail, code="1413", report={"specId": spec_id})


def _client_part(kind: ResourceKind, body: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a client writes; anything else in the body is ignored, as the platform does."""
    return {key: body[key] for key in kind.writable if key in body}


def _connection_spec(ctx: RequestContext, body: Mapping[str, Any]) -> dict[str, Any]:
    spec_id = body["connectionSpec"]["id"]
    found = specs.connection_spec(ctx, spec_id)
    if found is None:
        raise _bad_spec(spec_id, f"No connection spec has the id '{spec_id}'.")
    return found


def _check_object(body: Any, kind: ResourceKind) -> None:
    if not isinstance(body, dict):
        raise BadRequest(f"The request body of a {kind.label} must be a JSON object.")


def _check_text(fields: Mapping[str, Any]) -> None:
    """``description`` is not in the official request DTOs but every tutorial sends it."""
    if "description" in fields and not isinstance(fields["description"], str):
        raise BadRequest("The request body is invalid: 'description' must be a string (at /description).",
                         sub_errors=[{"path": "/description", "message": "must be a string"}])


# -- base connections -------------------------------------------------------------------------
def validate_connection(ctx: RequestContext, body: Any) -> dict[str, Any]:
    _check_object(body, CONNECTIONS)
    validation.check_body(ctx, "flowservice", "POST", "/connections", body)
    fields = _client_part(CONNECTIONS, body)
    _check_text(fields)
    spec = _connection_spec(ctx, body)
    entries = [e for e in spec.get("authSpec") or [] if isinstance(e, Mapping)]
    auth = body.get("auth")
    if auth is None:
        if entries:
            names = ", ".join(repr(e.get("name")) for e in entries)
            raise BadRequest(f"The connection spec {spec['id']} needs 'auth' with one of the auth specs {names}.",
                             sub_errors=[{"path": "/auth", "message": "required"}])
        return fields
    name = auth.get("specName")
    entry = specs.auth_spec(spec, name)
    if entry is None:
        raise BadRequest(f"The auth spec {shown(name, quoted=True)} could not be found for the connection spec ID {spec['id']}.",
                         code="1415")
    params = auth.get("params", {})
    if isinstance(entry.get("spec"), Mapping):
        validation.check_embedded(ctx, entry["spec"], params, what=f"auth.params of auth spec '{name}'", prefix="/auth/params")
    return fields


# -- source connections -----------------------------------------------------------------------
def _check_format(spec: Mapping[str, Any], data: Mapping[str, Any], where: str) -> None:
    allowed = specs.data_formats(spec)
    found = data.get("format")
    if found not in allowed:
        raise BadRequest(
            f"The data format {shown(found, quoted=True)} does not fit connection spec {spec['id']}; use one of: {', '.join(allowed)}.",
            sub_errors=[{"path": f"{where}/format", "message": f"must be one of {list(allowed)}"}])


def _check_base_connection(ctx: RequestContext, fields: Mapping[str, Any], spec: Mapping[str, Any],
                           kind: ResourceKind) -> None:
    base_id = fields.get("baseConnectionId")
    if base_id is None:
        if spec.get("authSpec"):
            raise BadRequest(f"A {kind.label} of connection spec {spec['id']} needs a baseConnectionId.",
                             sub_errors=[{"path": "/baseConnectionId", "message": "required"}])
        return
    base = record(ctx, CONNECTIONS, base_id)
    if base is None:
        raise BadRequest(f"The base connection {shown(base_id)} does not exist in this organization and sandbox.",
                         report={"baseConnectionId": shown(base_id)})
    base_spec = base.get("connectionSpec", {}).get("id")
    if base_spec != spec["id"]:
        raise _bad_spec(spec["id"], f"The base connection {base_id} uses connection spec {base_spec}; a "
                                    f"{kind.label} on it must use the same spec.")


def validate_source_connection(ctx: RequestContext, body: Any) -> dict[str, Any]:
    _check_object(body, SOURCE_CONNECTIONS)
    validation.check_body(ctx, "flowservice", "POST", "/sourceConnections", body)
    fields = _client_part(SOURCE_CONNECTIONS, body)
    _check_text(fields)
    spec = _connection_spec(ctx, body)
    if specs.spec_role(spec) != "source":
        raise _bad_spec(spec["id"], f"Connection spec {spec['id']} is a target; a source connection needs a "
                                    "source connection spec.")
    _check_format(spec, body["data"], "/data")
    source_spec = spec.get("sourceSpec") if isinstance(spec.get("sourceSpec"), Mapping) else {}
    if isinstance(source_spec.get("spec"), Mapping):
        validation.check_embedded(ctx, source_spec["spec"], body.get("params", {}), what="params of the source connection", prefix="/params")
    _check_base_connection(ctx, fields, spec, SOURCE_CONNECTIONS)
    # data.schema of a source connection is not checked: the seed points it at a class of a
    # staging tenant and newer tutorials drop it (BEHAVIOUR.md §15 #2).
    return fields


def inherited_base(ctx: RequestContext, fields: Mapping[str, Any]) -> dict[str, Any] | None:
    """``inheritedAttributes`` of a source/target connection: its base connection and spec."""
    base_id = fields.get("baseConnectionId")
    base = record(ctx, CONNECTIONS, base_id) if base_id else None
    if base is None:
        return None
    return {"baseConnection": {"id": base_id, "connectionSpec": dict(base.get("connectionSpec", {}))}}


# -- target connections -----------------------------------------------------------------------
def validate_target_connection(ctx: RequestContext, body: Any) -> dict[str, Any]:
    _check_object(body, TARGET_CONNECTIONS)
    validation.check_body(ctx, "flowservice", "POST", "/targetConnections", body)
    fields = _client_part(TARGET_CONNECTIONS, body)
    _check_text(fields)
    if not isinstance(body["connectionSpec"].get("id"), str):
        raise _bad_spec(body["connectionSpec"].get("id"), "connectionSpec.id is required.")
    spec = _connection_spec(ctx, body)
    if specs.spec_role(spec) != "target":
        # The seed's target connection names the ServiceNow *source* spec: refused (§15 #3).
        raise _bad_spec(spec["id"], f"Connection spec {spec['id']} is a source; a target connection needs a "
                                    "target connection spec such as the data lake.")
    _check_format(spec, body["data"], "/data")
    target_spec = spec.get("targetSpec") if isinstance(spec.get("targetSpec"), Mapping) else {}
    params = body.get("params", {})
    if isinstance(target_spec.get("spec"), Mapping):
        validation.check_embedded(ctx, target_spec["spec"], params, what="params of the target connection", prefix="/params")
    if spec.get("authSpec"):
        _check_base_connection(ctx, fields, spec, TARGET_CONNECTIONS)
    else:
        # The data lake needs no base connection; the seed sends one anyway: accepted and
        # ignored, since it names nothing this target uses (BEHAVIOUR.md §15 #4). A base
        # connection of the target's own spec (a Data Landing Zone export's) is kept.
        base = record(ctx, CONNECTIONS, fields.get("baseConnectionId"))
        if base is None or (base.get("connectionSpec") or {}).get("id") != spec["id"]:
            fields.pop("baseConnectionId", None)
    # The data lake writes into a dataset, which must exist; other targets naming one check it too.
    if spec["id"] == specs.DATA_LAKE or "dataSetId" in params:
        _check_dataset(ctx, params.get("dataSetId"), body["data"])
    return fields


def _check_dataset(ctx: RequestContext, dataset_id: Any, data: Mapping[str, Any]) -> None:
    """The target dataset must exist here; ``data.schema.id``, when given, must be its schema."""
    dataset = ctx.backend("catalog").get_dataset(dataset_id) if isinstance(dataset_id, str) else None
    if dataset is None:
        raise BadRequest(f"The dataset {shown(dataset_id)} does not exist in this organization and sandbox.",
                         report={"dataSetId": shown(dataset_id)},
                         sub_errors=[{"path": "/params/dataSetId", "message": "no such dataset"}])
    schema = data.get("schema") if isinstance(data.get("schema"), Mapping) else {}
    wanted = schema.get("id")
    actual = (dataset.get("schemaRef") or {}).get("id") if isinstance(dataset.get("schemaRef"), Mapping) else None
    if wanted is not None and actual is not None and wanted != actual:
        raise BadRequest(f"data.schema.id {shown(wanted)} is not the schema of dataset {dataset_id} ({actual}). The target "
                         "connection must describe the dataset's own schema.",
                         sub_errors=[{"path": "/data/schema/id", "message": f"must be {actual}"}])


def dataset_schema(ctx: RequestContext, target: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(dataset id, its schema ``$id``) of a target connection, (None, None) when it has none."""
    params = target.get("params") if isinstance(target.get("params"), Mapping) else {}
    dataset_id = params.get("dataSetId")
    if not isinstance(dataset_id, str):
        return None, None
    dataset = ctx.backend("catalog").get_dataset(dataset_id)
    if not isinstance(dataset, Mapping) or not isinstance(dataset.get("schemaRef"), Mapping):
        return dataset_id, None
    return dataset_id, dataset["schemaRef"].get("id")
