"""Control plane: the request journal (``GET``/``DELETE /_mockaep/requests``).

``GET`` answers ``{"requests": [...], "size": <capacity>}``, newest first, filtered by the query
parameters ``org``, ``sandbox``, ``service``, ``operationId``, ``method``, ``path`` (a prefix),
``status`` (``404`` or ``4xx``) and ``limit``. ``DELETE`` empties it. See :mod:`mockaep.web.journal`.
"""
from __future__ import annotations

from flask import Blueprint, request

from mockaep.core.errors import BadRequest
from mockaep.web.gateway import emulator, json_response
from mockaep.web.journal import JournalError

blueprint = Blueprint("control_journal", __name__, url_prefix="/_mockaep")


@blueprint.route("/requests", methods=["GET"])
def list_requests():
    journal = emulator().journal
    try:
        found = journal.entries(request.args.to_dict())
    except JournalError as exc:
        raise BadRequest(str(exc)) from None
    return json_response({"requests": found, "size": journal.size})


@blueprint.route("/requests", methods=["DELETE"])
def clear_requests():
    return json_response({"cleared": emulator().journal.clear()})
