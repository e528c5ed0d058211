"""Control plane: the emulator clock (``GET``/``POST /_mockaep/clock``).

``GET`` → ``{"now": <epoch ms>, "mode": "wall"|"virtual", "iso": "..."}``. ``POST`` takes exactly
one of ``{"set": <epoch ms or ISO-8601>}``, ``{"advance": <seconds>}`` or ``{"mode": "wall"}``
(follow the system clock again). Setting or advancing a wall clock makes it virtual (time then
moves only when told): see :mod:`mockaep.core.clock`.
"""
from __future__ import annotations

from flask import Blueprint, request

from mockaep.core.clock import ClockError
from mockaep.core.errors import BadRequest
from mockaep.core.jsonreader import parse_json
from mockaep.web.gateway import emulator, json_response

blueprint = Blueprint("control_clock", __name__, url_prefix="/_mockaep")
ACTIONS = ("set", "advance", "mode")


@blueprint.route("/clock", methods=["GET"])
def read_clock():
    return json_response(emulator().clock.state())


@blueprint.route("/clock", methods=["POST"])
def move_clock():
    body = parse_json(request.get_data(cache=True) or b"null", what="clock request")
    if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in ACTIONS:
        raise BadRequest('send exactly one of {"set": <epoch ms or ISO-8601>}, {"advance": <seconds>} '
                         'or {"mode": "wall"}')
    clock = emulator().clock
    action, value = next(iter(body.items()))
    try:
        if action == "set":
            clock.set(value)
        elif action == "advance":
            clock.advance(value)
        elif value == "wall":
            clock.resume_wall()
        else:
            raise BadRequest('mode can only be set to "wall" (set or advance make the clock virtual)')
    except ClockError as exc:
        raise BadRequest(str(exc)) from None
    return json_response(clock.state())
