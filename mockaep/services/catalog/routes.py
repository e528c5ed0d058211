"""Catalog routes (catalog.yaml): parse the request, call the model, serialise.

Every write runs with a :class:`~mockaep.services.catalog.journal.Journal`: a refused write
leaves nothing behind (its earlier writes are undone), and ``Pragma: validate-only`` on a POST
or PUT (appendix.md) runs the request and undoes its writes before answering.
"""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import quote

from flask import Blueprint, Response, request

from mockaep.core import jsonreader
from mockaep.core.context import RequestContext
from mockaep.core.request import QueryParams
from mockaep.services.catalog import batched, batches, models, objects, query
from mockaep.services.catalog.journal import Journal
from mockaep.services.catalog.resources import BATCHES, DATASET_FILES, DATASETS
from mockaep.web import gateway

blueprint = Blueprint("catalog", __name__)
PREFIX = "/data/foundation/catalog"


def _params(ctx: RequestContext) -> QueryParams:
    """getting-started.md: paging may come as headers too; query parameters win."""
    return query.request_params(ctx.query, ctx.headers)


def _write(operation: Callable[[RequestContext, Journal], Any]) -> Any:
    ctx = gateway.current()
    journal = Journal(ctx.tenant)
    try:
        result = operation(ctx, journal)
    except BaseException:
        journal.undo()  # a refusal changes nothing, whatever was written before it was found
        raise
    if request.method in ("POST", "PUT") and \
            "validate-only" in (ctx.headers.get("Pragma") or "").lower():
        journal.undo()
    return result


def _refs(*refs: str, status: int = 200, location: str | None = None) -> Response:
    # Client-chosen batch ids may hold any character: the header carries them percent-encoded.
    headers = {"Location": quote(f"{PREFIX}{location[1:]}", safe="/@:")} if location else None
    return gateway.json_response(list(refs), status, headers)


def _one(kind: str, record_id: str, answer: Callable[[RequestContext, str, QueryParams], dict]) -> Response:
    """A lookup: ``{id: object}`` with the object's version as ``ETag``; unprojected, the object
    is sent as stored."""
    ctx = gateway.current()
    params = _params(ctx)
    body = answer(ctx, record_id, params)
    inner = body[record_id]
    headers = {"ETag": f'"{inner["version"]}"'} if isinstance(inner.get("version"), str) else None
    raw = ctx.tenant.collection(kind).raw(record_id)
    if "properties" in params or raw is None:
        return gateway.json_response(body, 200, headers)
    response = Response(b"{" + jsonreader.dumps(record_id) + b":" + raw + b"}", 200, mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


# -- datasets -------------------------------------------------------------------------------------
@blueprint.route("/dataSets", methods=["GET"])
def list_datasets():
    ctx = gateway.current()
    return gateway.json_response(models.find_datasets(ctx, _params(ctx)))


@blueprint.route("/dataSets", methods=["POST"])
def create_dataset():
    body = gateway.json_body()
    dataset_id = _write(lambda ctx, journal: models.create_dataset(ctx, journal, body, ctx.query))
    ref = objects.link(DATASETS, dataset_id)
    return _refs(ref, status=201, location=ref)


@blueprint.route("/dataSets/<dataset_id>", methods=["GET"])
def get_dataset(dataset_id: str):
    return _one(DATASETS, dataset_id, models.show_dataset)


@blueprint.route("/dataSets/<dataset_id>", methods=["PUT"])
def put_dataset(dataset_id: str):
    body = gateway.json_body()
    _write(lambda ctx, journal: models.replace_dataset(ctx, journal, dataset_id, body, ctx.headers.if_match))
    return _refs(objects.link(DATASETS, dataset_id))


@blueprint.route("/dataSets/<dataset_id>", methods=["PATCH"])
def patch_dataset(dataset_id: str):
    body = gateway.json_body()
    _write(lambda ctx, journal: models.patch_dataset(ctx, journal, dataset_id, body, ctx.headers.content_type,
                                                     ctx.headers.if_match))
    return _refs(objects.link(DATASETS, dataset_id))


@blueprint.route("/v2/dataSets/<dataset_id>", methods=["PATCH"])
def patch_dataset_v2(dataset_id: str):
    body = gateway.json_body()
    _write(lambda ctx, journal: models.patch_dataset_v2(ctx, journal, dataset_id, body, ctx.headers.if_match))
    return _refs(objects.link(DATASETS, dataset_id))


@blueprint.route("/dataSets/<dataset_id>", methods=["DELETE"])
def delete_dataset(dataset_id: str):
    _write(lambda ctx, journal: models.delete_dataset(ctx, journal, dataset_id))
    return _refs(objects.link(DATASETS, dataset_id))


@blueprint.route("/dataSets/<dataset_id>/credentials", methods=["GET"])
def dataset_credentials(dataset_id: str):
    ctx = gateway.current()
    return gateway.json_response(models.dataset_credentials(ctx, dataset_id, ctx.query.get("batchId")))


# -- batches --------------------------------------------------------------------------------------
@blueprint.route("/batches", methods=["GET"])
def list_batches():
    ctx = gateway.current()
    return gateway.json_response(batches.find_batches(ctx, _params(ctx)))


@blueprint.route("/batches", methods=["POST"])
def create_batch():
    body = gateway.json_body()
    ref = batches.link_batch(_write(lambda ctx, journal: batches.create_batch(ctx, journal, body)))
    return _refs(ref, status=201, location=ref)


@blueprint.route("/batches/uniques/<field>", methods=["GET"])
def batch_uniques(field: str):
    ctx = gateway.current()
    return gateway.json_response(batches.unique_values(ctx, field, _params(ctx)))


@blueprint.route("/batches/<batch_id>", methods=["GET"])
def get_batch(batch_id: str):
    # ?aggregate=true asks for root-level status/metrics/errors: ours always live at the root.
    return _one(BATCHES, batch_id, batches.show_batch)


@blueprint.route("/batches/<batch_id>", methods=["POST"])
def create_batch_with_id(batch_id: str):
    body = gateway.json_body()
    ref = batches.link_batch(_write(lambda ctx, journal: batches.create_batch(ctx, journal, body, batch_id)))
    return _refs(ref, status=201, location=ref)


@blueprint.route("/batches/<batch_id>", methods=["PUT"])
def put_batch(batch_id: str):
    body = gateway.json_body()
    _write(lambda ctx, journal: batches.replace_batch(ctx, journal, batch_id, body, ctx.headers.if_match))
    return _refs(batches.link_batch(batch_id))


@blueprint.route("/batches/<batch_id>", methods=["PATCH"])
def patch_batch(batch_id: str):
    body = gateway.json_body()
    _write(lambda ctx, journal: batches.patch_batch(ctx, journal, batch_id, body, ctx.headers.content_type,
                                                    ctx.headers.if_match))
    return _refs(batches.link_batch(batch_id))


@blueprint.route("/batches/<batch_id>", methods=["DELETE"])
def delete_batch(batch_id: str):
    freed = _write(lambda ctx, journal: batches.delete_batch(ctx, journal, batch_id))
    ctx = gateway.current()
    ctx.runtime.blobs.discard(ctx.tenant, freed)  # the deletion stands: its data files go too
    return _refs(batches.link_batch(batch_id))


@blueprint.route("/lastBatches", methods=["GET"])
def list_last_batches():
    ctx = gateway.current()
    return gateway.json_response(batches.last_batches(ctx, _params(ctx)))


# -- dataset files, tags, root --------------------------------------------------------------------
@blueprint.route("/dataSetFiles", methods=["GET"])
def list_dataset_files():
    ctx = gateway.current()
    return gateway.json_response(batches.find_dataset_files(ctx, _params(ctx)))


@blueprint.route("/dataSetFiles/<file_id>", methods=["GET"])
def get_dataset_file(file_id: str):
    return _one(DATASET_FILES, file_id, batches.show_dataset_file)


@blueprint.route("/dataSetFiles/<file_id>", methods=["PATCH"])
def patch_dataset_file(file_id: str):
    body = gateway.json_body()
    _write(lambda ctx, journal: batches.patch_dataset_file(ctx, journal, file_id, body, ctx.headers.content_type,
                                                           ctx.headers.if_match))
    return _refs(objects.link(DATASET_FILES, file_id))


@blueprint.route("/tags/<path:namespace>", methods=["GET"])
def list_tags(namespace: str):
    return gateway.json_response(models.tag_values(gateway.current(), namespace))


@blueprint.route("/", methods=["GET"])
def root_resources():
    return gateway.json_response({"dataSet": "@/dataSets", "batch": "@/batches", "dataSetFile": "@/dataSetFiles",
                                  "lastBatches": "@/lastBatches"})


@blueprint.route("/", methods=["POST"])
def batched_request():
    body = gateway.json_body()
    return gateway.json_response(_write(lambda ctx, journal: batched.run(ctx, journal, body)))
