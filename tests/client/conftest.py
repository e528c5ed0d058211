"""Fixtures of the client's tests: an in-process emulator and a client bound to it."""
from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from mockaep_client import AEPClient
from mockaep import create_app


@pytest.fixture
def emulator_app():
    return create_app()


@pytest.fixture
def aep(emulator_app):
    with AEPClient.in_process(emulator_app) as aep_client:
        yield aep_client


class Recorder:
    """WSGI middleware noting what reached the app (method, path, query, headers, body)."""

    def __init__(self, app) -> None:
        self.app = app
        self.requests: list[SimpleNamespace] = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        self.requests.append(SimpleNamespace(method=environ["REQUEST_METHOD"], path=environ["PATH_INFO"],
                                             query=environ.get("QUERY_STRING", ""), headers=headers, body=body))
        return self.app(environ, start_response)


@pytest.fixture
def recorder(emulator_app):
    return Recorder(emulator_app)
