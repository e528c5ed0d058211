"""Contract-suite targets that record and replay: ``record:CASSETTE`` and ``replay:CASSETTE``.

Imported by :mod:`contracts.targets` before a target is resolved (it lists this module in
``EXTENSION_MODULES``). Both targets are deterministic: the suite then sends the same requests
on every run, so what one run recorded, the next one finds on the tape.

* ``record:CASSETTE`` — the suite talks to an in-process recording proxy in front of a fresh
  in-process emulator and every exchange goes to CASSETTE (replaced if it exists).
  ``record:CASSETTE@URL`` records in front of a running server instead (``mockaep serve`` or the
  real gateway's URL).
* ``replay:CASSETTE`` — the suite talks to an in-process emulator whose state is empty, behind
  the cassette in strict mode: every answer comes from the tape or is a miss.
  ``replay:CASSETTE@URL`` uses a running ``mockaep serve --replay CASSETTE`` at URL instead
  (checked through ``GET /_mockaep/replay``, and rewound at the start of the session).

Neither target exposes the emulator's control plane to the suite (``is_mockaep`` is false), so
the emulator-only contracts are skipped in both runs alike and the two runs send the same calls.
"""
from __future__ import annotations

import os
from typing import Any

import requests

from mockaep_client import AEPClient
from mockaep_client.transport import WSGIAdapter
from mockaep_contracts.targets import Target, register_target
from mockaep.replay.cassette import CassetteWriter, cassette_meta, utc_now_iso
from mockaep.replay.proxy import RecordingProxy
from mockaep.replay.scrub import Scrubber

IN_PROCESS_UPSTREAM = "http://upstream.in-process"


def _split(spec: str, prefix: str) -> tuple[str, str | None]:
    rest = spec[len(prefix):]
    path, sep, url = rest.partition("@http")
    if not path:
        raise ValueError(f"{prefix}CASSETTE needs a cassette path, got {spec!r}")
    return os.path.abspath(path), (f"http{url}".rstrip("/") if sep else None)


def record_target(spec: str) -> Target:
    from mockaep import create_app

    path, upstream = _split(spec, "record:")
    session = requests.Session()
    details: dict[str, Any] = {"cassette": path}
    if upstream is None:
        upstream_app = create_app()
        session.mount(IN_PROCESS_UPSTREAM, WSGIAdapter(upstream_app))
        upstream, details["upstream_app"] = IN_PROCESS_UPSTREAM, upstream_app
    scrubber = Scrubber()
    writer = CassetteWriter(path, cassette_meta(upstream=scrubber.scrub_uri(upstream), recordedBy="contracts"),
                            overwrite=True)
    proxy = RecordingProxy(upstream, writer, scrubber, session=session)
    details.update(upstream=upstream, proxy=proxy, writer=writer)

    def make_client(**overrides: Any) -> AEPClient:
        return AEPClient.in_process(proxy, **overrides)

    def close() -> None:
        writer.close(closedAt=utc_now_iso(), interactions=writer.count)
        session.close()

    return Target(spec, make_client, close=close, deterministic=True, details=details)


def replay_target(spec: str) -> Target:
    path, url = _split(spec, "replay:")
    if url is None:
        from mockaep import create_app
        from mockaep.replay import install_replay

        app = create_app()
        player = install_replay(app, path, mode="strict")

        def make_client(**overrides: Any) -> AEPClient:
            return AEPClient.in_process(app, **overrides)

        return Target(spec, make_client, reset=player.rewind, deterministic=True,
                      details={"cassette": path, "app": app, "player": player})

    status = requests.get(f"{url}/_mockaep/replay", timeout=10)
    if status.status_code != 200 or os.path.abspath(status.json().get("cassette", "")) != path:
        raise ValueError(f"{url} is not a mockaep replaying {path} (GET /_mockaep/replay answered "
                         f"{status.status_code}: {status.text[:200]})")

    def make_remote_client(**overrides: Any) -> AEPClient:
        return AEPClient.for_emulator(url, **overrides)

    def rewind() -> None:
        requests.post(f"{url}/_mockaep/replay/rewind", timeout=10).raise_for_status()

    return Target(spec, make_remote_client, reset=rewind, deterministic=True, details={"cassette": path, "url": url})


register_target("record:", record_target, deterministic=True)
register_target("replay:", replay_target, deterministic=True)
