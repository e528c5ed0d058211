"""Batch Ingestion routes (batch-ingestion.yaml), mounted on /data/foundation/import."""
from __future__ import annotations

from flask import Blueprint, Response, request

from mockaep.web import gateway
from mockaep.core.errors import PlatformError
from mockaep.services.ingestion import models, staging
from mockaep.services.ingestion.preview import preview as preview_rows
from mockaep.core.blobs import BlobStore

blueprint = Blueprint("ingestion", __name__)
#: batch-ingestion.yaml: "The URL length exceeds the allowed 2000 characters" → 414.
MAX_URL_LENGTH = 2000
FILE = "/batches/<batch_id>/datasets/<dataset_id>/files/<path:file_path>"


def _spool() -> BlobStore:
    """The emulator's blob store: uploaded bytes live there (``mockaep.core.blobs``)."""
    return gateway.emulator().blobs


def _quota() -> int:
    return gateway.emulator().config.upload_quota_bytes


@blueprint.before_request
def _url_length():
    if len(request.full_path.rstrip("?")) > MAX_URL_LENGTH:
        raise PlatformError(f"The URL is {len(request.full_path)} characters long; at most {MAX_URL_LENGTH} "
                            "are allowed.", status=414, title="URI Too Long")


@blueprint.route("/batches", methods=["POST"])
def create_batch():
    return gateway.json_response(models.create_batch(gateway.current(), gateway.json_body()), 201)


@blueprint.route("/batches/<batch_id>", methods=["POST"])
def batch_action(batch_id: str):
    ctx = gateway.current()
    return gateway.json_response(models.batch_action(ctx, _spool(), batch_id, ctx.query.get("action")))


@blueprint.route(FILE, methods=["PUT"])
@gateway.accepts("application/octet-stream")
def upload_file(batch_id: str, dataset_id: str, file_path: str):
    staging.put_file(gateway.current(), _spool(), _quota(), batch_id, dataset_id, file_path, request.stream,
                     request.content_length)
    return Response(status=200)


@blueprint.route(FILE, methods=["PATCH"])
@gateway.accepts("application/octet-stream")
def upload_file_part(batch_id: str, dataset_id: str, file_path: str):
    body, received = staging.put_chunk(gateway.current(), _spool(), _quota(), batch_id, dataset_id, file_path,
                                       request.headers.get("Content-Range"), request.stream, request.content_length)
    return gateway.json_response(body, 200, {"Range": received})


@blueprint.route(FILE, methods=["POST"])
def large_file_action(batch_id: str, dataset_id: str, file_path: str):
    # api-overview.md answers 201 Created to both INITIALIZE and COMPLETE (the spec says 200).
    ctx = gateway.current()
    action = models.check_action_param(ctx.query.get("action"), ("INITIALIZE", "COMPLETE"))
    if action == "INITIALIZE":
        return gateway.json_response(staging.initialize_file(ctx, _spool(), batch_id, dataset_id, file_path), 201)
    return gateway.json_response(staging.complete_file(ctx, _spool(), batch_id, dataset_id, file_path), 201)


@blueprint.route(FILE, methods=["HEAD"])
def file_status(batch_id: str, dataset_id: str, file_path: str):
    received = staging.file_status(gateway.current(), batch_id, dataset_id, file_path)
    return Response(status=200, headers={"Range": received})


@blueprint.route("/batches/<batch_id>/datasets/<dataset_id>/preview", methods=["GET"])
def preview(batch_id: str, dataset_id: str):
    ctx = gateway.current()
    return gateway.json_response(preview_rows(ctx, _spool(), batch_id, dataset_id, ctx.query))
