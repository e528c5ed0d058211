"""Record, replay and seed: cassettes of real exchanges, served back offline.

* :mod:`~mockaep.replay.cassette` — the file format (vcrpy's JSON layout) and its reader/writer.
* :mod:`~mockaep.replay.scrub` — secrets → stable placeholders before anything is written.
* :mod:`~mockaep.replay.proxy` — ``mockaep record``: the recording proxy.
* :mod:`~mockaep.replay.matcher` / :mod:`~mockaep.replay.player` — ``mockaep serve --replay``.
* :mod:`~mockaep.replay.postman` — ``mockaep import-postman``: Postman examples → cassette.
* :mod:`~mockaep.replay.contract_target` — the contract suite's ``record:``/``replay:`` targets
  (entry points of ``mockaep.contract_targets``; imported only by the suite's registry).
"""
from __future__ import annotations

from typing import Any

from mockaep.replay.cassette import Cassette, CassetteError, CassetteWriter, Interaction, load_cassette
from mockaep.replay.player import Player, ReplayMiddleware

__all__ = ["Cassette", "CassetteError", "CassetteWriter", "Interaction", "Player", "ReplayMiddleware",
           "install_replay", "load_cassette"]


def install_replay(app: Any, path: str, mode: str = "strict", match_on: Any = None,
                   ignore_body_fields: Any = ()) -> Player:
    """Put the cassette at ``path`` in front of ``app``'s emulator.

    Raises ``ValueError`` (a :class:`CassetteError` naming the file) for a cassette that cannot
    be used, an unknown mode or an unknown match part; the app is left untouched then.
    """
    player = Player(load_cassette(path), match_on=match_on, mode=mode, ignore_body_fields=ignore_body_fields)
    app.wsgi_app = ReplayMiddleware(app.wsgi_app, player)
    app.extensions["mockaep_replay"] = player
    app.extensions["mockaep"].mode = f"replay-{mode}"
    return player
