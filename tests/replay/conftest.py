"""Helpers of the replay tests: exchanges and cassettes on disk."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockaep.replay.cassette import Interaction, cassette_meta, write_cassette

#: Adobe's Postman collections without their prose, one per service (tools/extract_postman.py).
POSTMAN = Path(__file__).resolve().parent / "data" / "postman"


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
