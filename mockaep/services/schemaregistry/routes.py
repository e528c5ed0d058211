"""Schema Registry routes (``/data/foundation/schemaregistry``): read the request, call the model,
serialise. Rules live in models.py and its helpers; the request's query and headers come typed
from the gateway (``ctx.query``, ``ctx.headers``).

Resource paths may end with ``/`` (the community SDK appends one to PATCH paths): ids are read
through ``registry.normalize_ref``, which drops it.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mockaep.web import gateway
from mockaep.services.schemaregistry import accept, descriptors, models, rpc, stats as registry_stats
from mockaep.services.schemaregistry.kinds import BY_SEGMENT, DESCRIPTORS

blueprint = Blueprint("schemaregistry", __name__)

SEGMENTS = "any(schemas, classes, fieldgroups, mixins, datatypes, behaviors)"
ID_PARAMS = {"schemas": "SCHEMA_ID", "classes": "CLASS_ID", "fieldgroups": "FIELD_GROUP_ID",
             "mixins": "MIXIN_ID", "datatypes": "DATA_TYPE_ID"}
BASE = "https://platform.adobe.io/data/foundation/schemaregistry"


def _respond(body: Any, status: int = 200) -> Response:
    """JSON out; a record answered as stored (its JSON text) is sent as is."""
    if isinstance(body, bytes):
        return Response(body, status=status, mimetype="application/json")
    return gateway.json_response(body, status)


def _writable_kind(container: str, segment: str):
    """The resource kind a write names; writes go to the ``tenant`` container only."""
    kind = BY_SEGMENT[segment]
    models.require_tenant_container(container, kind)
    return kind


def _item_path(segment: str) -> str:
    """The operation's path in the official spec (for request-body validation)."""
    return f"/tenant/{segment}/{{{ID_PARAMS[segment]}}}"


@blueprint.route("/stats", methods=["GET"])
def stats():
    return _respond(registry_stats.stats(gateway.current()))


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>", methods=["GET"])
def list_resources(container, segment):
    body = models.list_resources(gateway.current(), container, BY_SEGMENT[segment], f"{BASE}/{container}/{segment}")
    if segment == "schemas":
        body["_links"]["global_schemas"] = {"href": f"{BASE}/global/schemas"}
    return _respond(body)


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>/<path:ref>", methods=["GET"])
def lookup(container, segment, ref):
    return _respond(models.lookup(gateway.current(), container, BY_SEGMENT[segment], ref))


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>", methods=["POST"])
def create(container, segment):
    kind = _writable_kind(container, segment)
    body = gateway.json_body()
    return _respond(models.create(gateway.current(), kind, body, f"/tenant/{segment}"), 201)


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>/<path:ref>", methods=["PUT"])
def replace(container, segment, ref):
    kind = _writable_kind(container, segment)
    body = gateway.json_body()
    return _respond(models.replace(gateway.current(), kind, ref, body, _item_path(segment)))


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>/<path:ref>", methods=["PATCH"])
def patch(container, segment, ref):
    kind = _writable_kind(container, segment)
    body = gateway.json_body()
    return _respond(models.patch(gateway.current(), kind, ref, body, _item_path(segment)))


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>/<path:ref>", methods=["DELETE"])
def delete(container, segment, ref):
    kind = _writable_kind(container, segment)
    models.delete(gateway.current(), kind, ref)
    return "", 204


# -- unions ----------------------------------------------------------------------------------------
@blueprint.route("/tenant/unions", methods=["GET"])
def list_unions():
    return _respond(models.list_unions(gateway.current(), f"{BASE}/tenant/unions"))


@blueprint.route("/tenant/unions/<path:ref>", methods=["GET"])
def lookup_union(ref):
    return _respond(models.lookup_union(gateway.current(), ref))


# -- descriptors -----------------------------------------------------------------------------------
@blueprint.route("/<container>/descriptors", methods=["GET"])
def list_descriptors(container):
    ctx = gateway.current()
    form, paged = accept.for_descriptors(ctx.headers)
    return _respond(descriptors.listing(ctx, container, form, paged, f"{BASE}/{container}/descriptors"))


@blueprint.route("/<container>/descriptors/<path:descriptor_id>", methods=["GET"])
def lookup_descriptor(container, descriptor_id):
    ctx = gateway.current()
    accept.check_descriptor_lookup(ctx.headers)
    return _respond(descriptors.get(ctx, container, descriptor_id))


@blueprint.route("/<container>/descriptors", methods=["POST"])
def create_descriptor(container):
    _descriptor_container(container)
    body = gateway.json_body()
    return _respond(descriptors.create(gateway.current(), body), 201)


@blueprint.route("/<container>/descriptors/<path:descriptor_id>", methods=["PUT"])
def replace_descriptor(container, descriptor_id):
    _descriptor_container(container)
    body = gateway.json_body()
    return _respond(descriptors.replace(gateway.current(), descriptor_id, body))


@blueprint.route("/<container>/descriptors/<path:descriptor_id>", methods=["DELETE"])
def delete_descriptor(container, descriptor_id):
    _descriptor_container(container)
    descriptors.delete(gateway.current(), descriptor_id)
    return "", 204


def _descriptor_container(container: str) -> None:
    models.require_tenant_container(container, DESCRIPTORS)


# -- rpc -------------------------------------------------------------------------------------------
@blueprint.route("/rpc/export/<path:ref>", methods=["GET"])
def export(ref):
    return _respond(rpc.export(gateway.current(), ref))


@blueprint.route("/rpc/import", methods=["POST"])
def import_resources():
    return _respond(rpc.import_resources(gateway.current(), gateway.json_body()))


@blueprint.route("/rpc/sampledata/<path:ref>", methods=["GET"])
def sample_data(ref):
    return _respond(rpc.sample_data(gateway.current(), ref))


@blueprint.route("/rpc/auditlog/<path:ref>", methods=["GET"])
def audit_log(ref):
    return _respond(models.audit_log(gateway.current(), ref))
