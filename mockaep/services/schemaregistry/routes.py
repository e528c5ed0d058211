"""Schema Registry routes (``/data/foundation/schemaregistry``): parse the request, call the model,
serialise. Rules live in models.py and its helpers."""
from __future__ import annotations

from flask import Blueprint, request

from mockaep.web import gateway
from mockaep.services.schemaregistry import accept, descriptors, listing, models, rpc
from mockaep.services.schemaregistry.kinds import BY_SEGMENT, DESCRIPTORS

blueprint = Blueprint("schemaregistry", __name__)
#: collection kind -> indexed paths

SEGMENTS = "any(schemas, classes, fieldgroups, mixins, datatypes, behaviors)"
ID_PARAMS = {"schemas": "SCHEMA_ID", "classes": "CLASS_ID", "fieldgroups": "FIELD_GROUP_ID",
             "mixins": "MIXIN_ID", "datatypes": "DATA_TYPE_ID"}
BASE = "https://platform.adobe.io/data/foundation/schemaregistry"


def _writable_kind(container: str, segment: str) -> str:
    """The resource kind a write names; writes go to the ``tenant`` container only."""
    kind = BY_SEGMENT[segment]
    models.require_tenant_container(container, kind)
    return kind


def _item_path(segment: str) -> str:
    """The operation's path in the official spec (for request-body validation)."""
    return f"/tenant/{segment}/{{{ID_PARAMS[segment]}}}"


@blueprint.route("/stats", methods=["GET"])
def stats():
    return gateway.json_response(models.stats(gateway.current()))


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>", methods=["GET"])
def list_resources(container, segment):
    body = models.list_resources(gateway.current(), container, BY_SEGMENT[segment], request.headers.get("Accept"),
                                 request.args, request.args.getlist("property"), f"{BASE}/{container}/{segment}")
    if segment == "schemas":
        body["_links"]["global_schemas"] = {"href": f"{BASE}/global/schemas"}
    return gateway.json_response(body)


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>/<path:ref>", methods=["GET"])
def lookup(container, segment, ref):
    return gateway.json_response(models.lookup(gateway.current(), container, BY_SEGMENT[segment], ref,
                                               request.headers.get("Accept")))


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>", methods=["POST"])
def create(container, segment):
    kind = _writable_kind(container, segment)
    body = gateway.json_body()
    return gateway.json_response(models.create(gateway.current(), kind, body, f"/tenant/{segment}"), 201)


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>/<path:ref>", methods=["PUT"])
def replace(container, segment, ref):
    kind = _writable_kind(container, segment)
    body = gateway.json_body()
    return gateway.json_response(models.replace(gateway.current(), kind, ref, body, _item_path(segment)))


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>/<path:ref>", methods=["PATCH"])
def patch(container, segment, ref):
    kind = _writable_kind(container, segment)
    body = gateway.json_body()
    return gateway.json_response(models.patch(gateway.current(), kind, ref, body, _item_path(segment)))


@blueprint.route(f"/<container>/<{SEGMENTS}:segment>/<path:ref>", methods=["DELETE"])
def delete(container, segment, ref):
    kind = _writable_kind(container, segment)
    models.delete(gateway.current(), kind, ref)
    return "", 204


# -- unions ----------------------------------------------------------------------------------------
@blueprint.route("/tenant/unions", methods=["GET"])
def list_unions():
    return gateway.json_response(models.list_unions(gateway.current(), request.headers.get("Accept"), request.args,
                                                    request.args.getlist("property"), f"{BASE}/tenant/unions"))


@blueprint.route("/tenant/unions/<path:ref>", methods=["GET"])
def lookup_union(ref):
    return gateway.json_response(models.lookup_union(gateway.current(), ref, request.headers.get("Accept")))


# -- descriptors -----------------------------------------------------------------------------------
@blueprint.route("/<container>/descriptors", methods=["GET"])
def list_descriptors(container):
    form, paged = accept.for_descriptors(request.headers.get("Accept"))
    matches = listing.matcher(listing.parse_filters(request.args.getlist("property")))
    return gateway.json_response(descriptors.listing(gateway.current(), container, form, paged, matches))


@blueprint.route("/<container>/descriptors/<descriptor_id>", methods=["GET"])
def lookup_descriptor(container, descriptor_id):
    accept.check_descriptor_lookup(request.headers.get("Accept"))
    return gateway.json_response(descriptors.get(gateway.current(), container, descriptor_id))


@blueprint.route("/<container>/descriptors", methods=["POST"])
def create_descriptor(container):
    _descriptor_container(container)
    body = gateway.json_body()
    return gateway.json_response(descriptors.create(gateway.current(), body), 201)


@blueprint.route("/<container>/descriptors/<descriptor_id>", methods=["PUT"])
def replace_descriptor(container, descriptor_id):
    _descriptor_container(container)
    body = gateway.json_body()
    return gateway.json_response(descriptors.replace(gateway.current(), descriptor_id, body))


@blueprint.route("/<container>/descriptors/<descriptor_id>", methods=["DELETE"])
def delete_descriptor(container, descriptor_id):
    _descriptor_container(container)
    descriptors.delete(gateway.current(), descriptor_id)
    return "", 204


def _descriptor_container(container: str) -> None:
    models.require_tenant_container(container, DESCRIPTORS)


# -- rpc -------------------------------------------------------------------------------------------
@blueprint.route("/rpc/export/<path:ref>", methods=["GET"])
def export(ref):
    return gateway.json_response(rpc.export(gateway.current(), ref))


@blueprint.route("/rpc/import", methods=["POST"])
def import_resources():
    return gateway.json_response(rpc.import_resources(gateway.current(), gateway.json_body()))


@blueprint.route("/rpc/sampledata/<path:ref>", methods=["GET"])
def sample_data(ref):
    return gateway.json_response(rpc.sample_data(gateway.current(), ref))


@blueprint.route("/rpc/auditlog/<path:ref>", methods=["GET"])
def audit_log(ref):
    return gateway.json_response(models.audit_log(gateway.current(), ref))
