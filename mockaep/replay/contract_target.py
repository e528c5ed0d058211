"""Contract-suite target kinds that record and replay: ``record:CASSETTE`` and ``replay:CASSETTE``.

Registered in the ``mockaep.contract_targets`` entry point group (pyproject.toml), where the
contract suite's registry finds them; this module imports nothing of the suite and hands it
objects with the few attributes it reads (documented in ``mockaep_contracts.targets``). Both
kinds are deterministic: the suite then sends the same requests on every run, so what one run
recorded, the next one finds on the tape.

* ``record:CASSETTE`` — the suite talks to an in-process recording proxy in front of a fresh
  in-process emulator and every exchange goes to CASSETTE. ``record:CASSETTE@URL`` records in
  front of a running server instead (``mockaep serve`` or the real gateway's URL). An existing
  CASSETTE is refused, as ``mockaep record`` refuses it, unless the run allows overwriting
  (``--target-overwrite``, the suite's counterpart of ``mockaep record --overwrite``).
* ``replay:CASSETTE`` — the suite talks to an in-process emulator whose state is empty, behind
  the cassette in strict mode: every answer comes from the tape or is a miss.
  ``replay:CASSETTE@URL`` uses a running ``mockaep serve --replay CASSETTE`` at URL instead
  (checked through ``GET /_mockaep/replay``, and rewound at the start of the session).

A cassette that cannot be used (missing, broken, in the way of a recording) is refused by
``check`` before the session starts, with the cassette reader's own message.

Neither target exposes the emulator's control plane to the suite (``is_mockaep`` is false), so
the emulator-only contracts are skipped in both runs alike and the two runs send the same calls.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable

import requests

from mockaep.app import create_app
from mockaep.replay import install_replay
from mockaep.replay.cassette import CassetteError, CassetteWriter, cassette_meta, load_cassette, utc_now_iso
from mockaep.replay.proxy import RecordingProxy
from mockaep.replay.scrub import Scrubber
from mockaep_client.transport import WSGIAdapter

IN_PROCESS_UPSTREAM = "http://upstream.in-process"


@dataclass
class CassetteTarget:
    """A target object as the contract suite reads it: ``app`` or ``url``, and what it may do."""

    app: Any = None
    url: str | None = None
    reset: Callable[[], None] | None = None
    close: Callable[[], None] = lambda: None
    deterministic: bool = True
    is_mockaep: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def split_spec(spec: str, name: str) -> tuple[str, str | None]:
    """``NAME:CASSETTE[@URL]`` → (absolute cassette path, URL or None); ValueError when malformed."""
    prefix = f"{name}:"
    if not spec.startswith(prefix):
        raise ValueError(f"not a {prefix} target: {spec!r}")
    path, sep, url = spec[len(prefix):].partition("@http")
    if not path:
        raise ValueError(f"{prefix}CASSETTE needs a cassette path, got {spec!r}")
    return os.path.abspath(path), (f"http{url}".rstrip("/") if sep else None)


def _replaying_server(url: str, path: str) -> None:
    """Refuse ``url`` unless it is a mockaep serving ``path`` (``GET /_mockaep/replay``)."""
    try:
        status = requests.get(f"{url}/_mockaep/replay", timeout=10)
        cassette = status.json().get("cassette", "") if status.status_code == 200 else None
    except (requests.RequestException, ValueError, AttributeError) as exc:
        raise ValueError(f"{url} is not a mockaep replaying {path}: {type(exc).__name__}: {exc}") from None
    if cassette is None or os.path.abspath(cassette) != path:
        raise ValueError(f"{url} is not a mockaep replaying {path} (GET /_mockaep/replay answered "
                         f"{status.status_code}: {status.text[:200]})")


class RecordKind:
    """``record:CASSETTE[@URL]``: every exchange of the run, scrubbed, goes to CASSETTE."""

    deterministic = True

    def check(self, spec: str, overwrite: bool = False) -> None:
        path, _upstream = split_spec(spec, "record")
        if os.path.isdir(path):
            raise CassetteError(f"{path}: is a directory, not a cassette file")
        if os.path.exists(path) and not overwrite:
            raise CassetteError(f"{path}: cassette already exists (pass --target-overwrite to replace it)")
        if not os.path.isdir(os.path.dirname(path)):
            raise CassetteError(f"{path}: cannot create cassette: its folder does not exist")

    def build(self, spec: str, overwrite: bool = False) -> CassetteTarget:
        self.check(spec, overwrite)
        path, upstream = split_spec(spec, "record")
        session = requests.Session()
        details: dict[str, Any] = {"cassette": path}
        if upstream is None:
            upstream_app = create_app()
            session.mount(IN_PROCESS_UPSTREAM, WSGIAdapter(upstream_app))
            upstream, details["upstream_app"] = IN_PROCESS_UPSTREAM, upstream_app
        scrubber = Scrubber()
        writer = CassetteWriter(path, cassette_meta(upstream=scrubber.scrub_uri(upstream), recordedBy="contracts"),
                                overwrite=overwrite)
        proxy = RecordingProxy(upstream, writer, scrubber, session=session)
        details.update(upstream=upstream, proxy=proxy, writer=writer)

        def close() -> None:
            writer.close(closedAt=utc_now_iso(), interactions=writer.count)
            session.close()

        return CassetteTarget(app=proxy, close=close, details=details)


class ReplayKind:
    """``replay:CASSETTE[@URL]``: every answer comes from CASSETTE (strict replay)."""

    deterministic = True

    def check(self, spec: str, overwrite: bool = False) -> None:
        path, url = split_spec(spec, "replay")
        if url is None:
            load_cassette(path)  # CassetteError (a ValueError) names the file and the problem
        else:
            _replaying_server(url, path)

    def build(self, spec: str, overwrite: bool = False) -> CassetteTarget:
        path, url = split_spec(spec, "replay")
        if url is None:
            app = create_app()
            player = install_replay(app, path, mode="strict")
            return CassetteTarget(app=app, reset=player.rewind, details={"cassette": path, "player": player})
        _replaying_server(url, path)

        def rewind() -> None:
            requests.post(f"{url}/_mockaep/replay/rewind", timeout=10).raise_for_status()

        return CassetteTarget(url=url, reset=rewind, details={"cassette": path, "url": url})


#: The entry points of ``mockaep.contract_targets`` (pyproject.toml).
record = RecordKind()
replay = ReplayKind()
