"""Catalog routes (catalog.yaml): parse the request, call the model, serialise."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, g, request

from mockaep.web import gateway
from mockaep.services.catalog import batched, batches, journal, models

blueprint = Blueprint("catalog", __name__)
PREFIX = "/data/foundation/catalog"
#: collection kind -> indexed paths
#: getting-started.md: filters may come as headers too; query parameters win.
HEADER_PARAMS = ("limit", "start", "orderBy", "properties")


@blueprint.after_request
def _validate_only(response):
    """Appendix: ``Pragma: validate-only`` on a POST or PUT validates without persisting: the
    request ran as usual, and every write it made is undone before the answer leaves."""
    entries = g.pop("catalog_validate_only", None)
    if entries is not None:
        journal.stop()
        journal.undo(gateway.current(), entries)
    return response


@blueprint.before_request
def _start_validate_only():
    if request.method in ("POST", "PUT") and "validate-only" in request.headers.get("Pragma", "").lower():
        g.catalog_validate_only = journal.start()


def _params() -> list[tuple[str, str]]:
    params = list(request.args.items(multi=True))
    given = {name for name, _ in params}
    for name in HEADER_PARAMS:
        if name not in given and request.headers.get(name) is not None:
            params.append((name, request.headers[name]))
    return params


def _refs(*refs: str, status: int = 200, location: str | None = None):
    # Client-chosen batch ids may hold any character: the header carries them percent-encoded.
    headers = {"Location": quote(f"{PREFIX}{location[1:]}", safe="/@:")} if location else None
    return gateway.json_response(list(refs), status, headers)


def _one(body: dict, record_id: str):
    inner = body.get(record_id) or {}
    headers = {"ETag": f'"{inner["version"]}"'} if isinstance(inner.get("version"), str) else None
    return gateway.json_response(body, 200, headers)


# -- datasets -------------------------------------------------------------------------------
@blueprint.route("/dataSets", methods=["GET"])
def list_datasets():
    return gateway.json_response(models.find_datasets(gateway.current(), _params()))


@blueprint.route("/dataSets", methods=["POST"])
def create_dataset():
    # ?requestDataSource=true (create-dataset.md) is not in catalog.yaml: tolerated, ignored.
    dataset_id = models.create_dataset(gateway.current(), gateway.json_body())
    ref = models.link("dataSets", dataset_id)
    return _refs(ref, status=201, location=ref)


@blueprint.route("/dataSets/<dataset_id>", methods=["GET"])
def get_dataset(dataset_id: str):
    return _one(models.show_dataset(gateway.current(), dataset_id, _params()), dataset_id)


@blueprint.route("/dataSets/<dataset_id>", methods=["PUT"])
def put_dataset(dataset_id: str):
    ctx = gateway.current()
    models.replace_dataset(ctx, dataset_id, gateway.json_body(), request.headers.get("If-Match"))
    return _refs(models.link("dataSets", dataset_id))


@blueprint.route("/dataSets/<dataset_id>", methods=["PATCH"])
def patch_dataset(dataset_id: str):
    ctx = gateway.current()
    body = gateway.json_body()
    if_match = request.headers.get("If-Match")
    if request.mimetype == "application/json-patch+json":
        models.json_patch_dataset(ctx, dataset_id, body, if_match)
    else:
        models.merge_dataset(ctx, dataset_id, body, if_match)
    return _refs(models.link("dataSets", dataset_id))


@blueprint.route("/v2/dataSets/<dataset_id>", methods=["PATCH"])
def patch_dataset_v2(dataset_id: str):
    ctx = gateway.current()
    models.deep_merge_dataset(ctx, dataset_id, gateway.json_body(), request.headers.get("If-Match"))
    return _refs(models.link("dataSets", dataset_id))


@blueprint.route("/dataSets/<dataset_id>", methods=["DELETE"])
def delete_dataset(dataset_id: str):
    models.delete_dataset(gateway.current(), dataset_id)
    return _refs(models.link("dataSets", dataset_id))


@blueprint.route("/dataSets/<dataset_id>/credentials", methods=["GET"])
def dataset_credentials(dataset_id: str):
    return gateway.json_response(models.dataset_credentials(gateway.current(), dataset_id,
                                                            request.args.get("batchId")))


# -- batches --------------------------------------------------------------------------------
@blueprint.route("/batches", methods=["GET"])
def list_batches():
    return gateway.json_response(batches.find_batches(gateway.current(), _params()))


@blueprint.route("/batches", methods=["POST"])
def create_batch():
    ref = batches.link_batch(batches.create_batch(gateway.current(), gateway.json_body()))
    return _refs(ref, status=201, location=ref)


@blueprint.route("/batches/uniques/<field>", methods=["GET"])
def batch_uniques(field: str):
    return gateway.json_response(batches.unique_values(gateway.current(), field, _params()))


@blueprint.route("/batches/<batch_id>", methods=["GET"])
def get_batch(batch_id: str):
    # ?aggregate=true asks for root-level status/metrics/errors: ours always live at the root.
    return _one(batches.show_batch(gateway.current(), batch_id, _params()), batch_id)


@blueprint.route("/batches/<batch_id>", methods=["POST"])
def create_batch_with_id(batch_id: str):
    ref = batches.link_batch(batches.create_batch(gateway.current(), gateway.json_body(), batch_id))
    return _refs(ref, status=201, location=ref)


@blueprint.route("/batches/<batch_id>", methods=["PUT"])
def put_batch(batch_id: str):
    batches.replace_batch(gateway.current(), batch_id, gateway.json_body(), request.headers.get("If-Match"))
    return _refs(batches.link_batch(batch_id))


@blueprint.route("/batches/<batch_id>", methods=["PATCH"])
def patch_batch(batch_id: str):
    batches.patch_batch(gateway.current(), batch_id, gateway.json_body(), request.headers.get("If-Match"))
    return _refs(batches.link_batch(batch_id))


@blueprint.route("/batches/<batch_id>", methods=["DELETE"])
def delete_batch(batch_id: str):
    batches.delete_batch(gateway.current(), batch_id)
    return _refs(batches.link_batch(batch_id))


@blueprint.route("/lastBatches", methods=["GET"])
def list_last_batches():
    return gateway.json_response(batches.last_batches(gateway.current(), _params()))


# -- interrelated objects, tags, root --------------------------------------------------------
@blueprint.route("/dataSetFiles", methods=["GET"])
def list_dataset_files():
    return gateway.json_response(batches.find_dataset_files(gateway.current(), _params()))


@blueprint.route("/dataSetFiles/<file_id>", methods=["GET"])
def get_dataset_file(file_id: str):
    return gateway.json_response(batches.show_dataset_file(gateway.current(), file_id, _params()))


@blueprint.route("/tags/<path:namespace>", methods=["GET"])
def list_tags(namespace: str):
    return gateway.json_response(models.tag_values(gateway.current(), namespace))


@blueprint.route("/", methods=["GET"])
def root_resources():
    return gateway.json_response({"dataSet": "@/dataSets", "batch": "@/batches", "dataSetFile": "@/dataSetFiles",
                                  "lastBatches": "@/lastBatches"})


@blueprint.route("/", methods=["POST"])
def batched_request():
    return gateway.json_response(batched.run(gateway.current(), gateway.json_body()))
