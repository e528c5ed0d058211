"""Control plane: the replay player's status (``GET /_mockaep/replay``) and rewind
(``POST /_mockaep/replay/rewind``). Served by Flask, behind the control plane's one auth hook;
404 when the emulator is not replaying a cassette."""
from __future__ import annotations

from flask import Blueprint, current_app

from mockaep.core.errors import NotFound
from mockaep.web.gateway import json_response

blueprint = Blueprint("control_replay", __name__, url_prefix="/_mockaep")


def _player():
    player = current_app.extensions.get("mockaep_replay")
    if player is None:
        raise NotFound("This emulator is not replaying a cassette (start it with mockaep serve --replay FILE).")
    return player


@blueprint.route("/replay", methods=["GET"])
def replay_status():
    return json_response(_player().status())


@blueprint.route("/replay/rewind", methods=["POST"])
def replay_rewind():
    _player().rewind()
    return json_response({"rewound": True})
