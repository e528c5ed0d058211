"""Data Access routes (data-access.yaml), mounted on /data/foundation/export.

A download answers the stored bytes; a ``Range`` header with one satisfiable byte range
(``first-last``, ``first-``, ``-suffix``) answers 206 with that part and ``Content-Range``
(data-access.yaml). Any other ``Range`` (several ranges, one past the end) is ignored and the
whole file sent, as RFC 9110 lets a server do (the spec documents no 416). Only the bytes sent
are read from disk.
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from mockaep.core.errors import PlatformError
from mockaep.services.dataaccess import models
from mockaep.web import gateway

blueprint = Blueprint("dataaccess", __name__)


def _answer(found) -> Response:
    if not isinstance(found, models.Download):
        return gateway.json_response(found)
    return _download(found)


def _span(length: int) -> tuple[int, int] | None:
    """The one satisfiable byte range the request asks for, as (first, stop), else None."""
    wanted = request.range
    if wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1:
        return None
    first, stop = wanted.ranges[0]
    if first < 0:  # a suffix: the last -first bytes (all of them when the file is shorter)
        first = max(0, length + first)
    stop = length if stop is None else min(stop, length)
    return (first, stop) if first < stop else None


def _download(found: models.Download) -> Response:
    headers = {"Accept-Ranges": "bytes", "Content-Disposition": f'attachment; filename="{found.name}"'}
    span = _span(found.length)
    first, stop = span if span is not None else (0, found.length)
    if request.method == "HEAD":
        body = b""
    elif found.data is not None:
        body = found.data[first:stop]
    else:
        try:
            body = gateway.current().runtime.blobs.read(found.blob, first, stop - first)
        except FileNotFoundError:
            raise PlatformError(f"The bytes of {found.name} are no longer available (the state was loaded from a "
                                "document, which carries no file bytes).", status=404, title="File not found") from None
    if span is not None:
        headers["Content-Range"] = f"bytes {first}-{stop - 1}/{found.length}"
    response = Response(body, status=206 if span is not None else 200, mimetype=found.media_type, headers=headers)
    response.headers["Content-Length"] = str(stop - first)
    return response


@blueprint.route("/batches/<batch_id>/files", methods=["GET"])
def batch_files(batch_id: str):
    return gateway.json_response(models.batch_files(gateway.current(), batch_id))


@blueprint.route("/batches/<batch_id>/failed", methods=["GET"])
def failed_files(batch_id: str):
    return _answer(models.failed(gateway.current(), batch_id))


@blueprint.route("/batches/<batch_id>/meta", methods=["GET"])
def batch_meta(batch_id: str):
    return _answer(models.meta(gateway.current(), batch_id))


@blueprint.route("/files/<file_id>", methods=["GET", "HEAD"])
def dataset_file(file_id: str):
    return _answer(models.dataset_file(gateway.current(), file_id, head=request.method == "HEAD"))


@blueprint.route("/datasets/<dataset_id>/preview", methods=["GET"])
def dataset_preview(dataset_id: str):
    return gateway.json_response(models.preview(gateway.current(), dataset_id))
