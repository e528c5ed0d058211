"""Helpers of the replay tests: exchanges, cassettes on disk, an emulator behind a recording proxy."""
from __future__ import annotations

import json

import pytest
import requests

from client.transport import WSGIAdapter
from mockaep import create_app
from mockaep.replay.cassette import CassetteWriter, Interaction, cassette_meta, write_cassette
from mockaep.replay.proxy import RecordingProxy

UPSTREAM = "http://upstream.test"


def exchange(method="GET", uri="http://gw.test/data/foundation/flowservice/flows", *, body=b"", status=200,
             response=b'{"items": []}', request_headers=None, response_headers=None, meta=None) -> Interaction:
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        request_headers = {"Content-Type": ["application/json"], **(request_headers or {})}
    return Interaction(method=method, uri=uri, request_headers=dict(request_headers or {}), request_body=body,
                       status=status, reason="", response_headers=dict(response_headers or
                                                                       {"Content-Type": ["application/json"]}),
                       response_body=response, meta=dict(meta or {}))


@pytest.fixture
def write(tmp_path):
    """``write(interactions, **meta)`` → path of a cassette holding them."""
    counter = iter(range(1000))

    def make(interactions, **meta):
        path = tmp_path / f"cassette-{next(counter)}.json"
        write_cassette(path, interactions, cassette_meta(**meta))
        return str(path)
    return make


class Recording:
    """An emulator (the upstream) behind an in-process recording proxy writing ``path``."""

    def __init__(self, path, **proxy_options) -> None:
        self.path = str(path)
        self.upstream = create_app()
        session = requests.Session()
        session.mount(UPSTREAM, WSGIAdapter(self.upstream))
        self.writer = CassetteWriter(self.path, cassette_meta(upstream=UPSTREAM), overwrite=True)
        self.proxy = RecordingProxy(UPSTREAM, self.writer, session=session, **proxy_options)

    def close(self) -> str:
        self.writer.close()
        return self.path


@pytest.fixture
def recording(tmp_path):
    made = []

    def start(name="recorded.json", **options):
        made.append(Recording(tmp_path / name, **options))
        return made[-1]
    yield start
    for rec in made:
        rec.writer.close()
