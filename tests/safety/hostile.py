"""Shared by the hostile-input corpus: a populated emulator, and what every answer must be.

An answer to hostile input is never a 500; a refusal is a 4xx in the owning service's JSON error
shape (or one every service shares: the gateway's ``{"error_code", "message"}``, or the
platform-wide Content-Type refusal) and leaves the state exactly as it was.
"""
from __future__ import annotations

import re
from typing import Any

import pytest

from mockaep import create_app
from mockaep.core.config import Config
from mockaep_client import AEPClient, onboard
from tests.conftest import ORG, OTHER_ORG, gateway_headers

NOW_MS = 1_767_225_600_000
SERVICE_PREFIXES = {
    "/data/foundation/flowservice": "flowservice",
    "/data/foundation/schemaregistry": "schemaregistry",
    "/data/foundation/catalog": "catalog",
    "/data/foundation/conversion": "conversion",
    "/data/foundation/import": "ingestion",
    "/data/foundation/export": "dataaccess",
}
ERROR_TYPES = {
    "flowservice": re.compile(r"^https://ns\.adobe\.com/aep/errors/FLOW-\d+-(\d{3})$"),
    "schemaregistry": re.compile(r"^http://ns\.adobe\.com/aep/errors/XDM-\d+-(\d{3})$"),
    "catalog": re.compile(r"^http://ns\.adobe\.com/aep/errors/CAT-\d+-(\d{3})$"),
    "conversion": re.compile(r"^http://ns\.adobe\.com/aep/errors/MAPPER-\d+-(\d{3})$"),
    "ingestion": re.compile(r"^http://ns\.adobe\.com/aep/errors/INGEST-\d+-(\d{3})$"),
    "dataaccess": re.compile(r"^http://ns\.adobe\.com/aep/errors/EXPORT-\d+-(\d{3})$"),
    "emulator": re.compile(r"^http://ns\.adobe\.com/aep/errors/MOCKAEP-\d+-(\d{3})$"),
}

#: The platform-wide answer to a missing or wrong Content-Type (troubleshooting guide), every service.
PLATFORM_CONTENT_TYPE_ERROR = {"type": "/placeholder/type/uri", "status": 400, "title": "BadRequestError",
                               "detail": "A valid content-type must be specified"}


def service_of(path: str) -> str:
    for prefix, service in SERVICE_PREFIXES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return "emulator"


def populated_app():
    """An emulator holding two onboardings (two orgs), with a run, on a fixed clock."""
    app = create_app(Config(clock=lambda: NOW_MS))
    http = app.test_client()
    for org, source in ((ORG, "salesforce-service-cloud"), (OTHER_ORG, "servicenow")):
        made = onboard(AEPClient.in_process(app, org_id=org), source, name=f"Hostile {source}", run=True,
                       now=NOW_MS // 1000)
        # Flow Service creates the runs a schedule made due when they are first read: read them
        # now, so that no later read (refused or not) changes the exported state
        http.get("/data/foundation/flowservice/runs", query_string={"property": f"flowId=={made.flow_id}"},
                 headers=gateway_headers(org=org))
    return app


@pytest.fixture(scope="module", name="app")
def populated_app_fixture():
    """``app``: one populated emulator per test module that imports this fixture (its refusals
    must leave the state as it was, so the tests of one module share it)."""
    return populated_app()


@pytest.fixture(name="http")
def populated_http_fixture(app):
    """``http``: a test client of that module's emulator."""
    return app.test_client()


def world_of(app, org: str = ORG):
    """The ids of one org's onboarding, read back through the Flow Service list calls."""
    http = app.test_client()
    ids: dict[str, Any] = {}
    for kind in ("connections", "sourceConnections", "targetConnections", "flows"):
        listed = http.get(f"/data/foundation/flowservice/{kind}", headers=gateway_headers(org=org)).json
        ids[kind] = [(item["id"], item.get("etag")) for item in listed["items"]]
    return ids


def state(http) -> dict:
    return http.get("/_mockaep/state?secrets=include").get_json()


def check_answer(response, service: str) -> None:
    """Never a 5xx; a 4xx is JSON in the gateway's or the owning service's error shape."""
    status = response.status_code
    assert status < 500, f"{status}: {response.get_data(as_text=True)[:500]}"
    if status >= 400:
        check_error_shape(response, service)


def check_error_shape(response, service: str) -> None:
    status = response.status_code
    assert 400 <= status < 500, f"{status}: {response.get_data(as_text=True)[:500]}"
    body = response.get_json(silent=True)
    assert isinstance(body, dict), response.get_data(as_text=True)[:500]
    if set(body) == {"error_code", "message"}:
        return
    if body == PLATFORM_CONTENT_TYPE_ERROR:
        return
    found = ERROR_TYPES[service].match(str(body.get("type")))
    assert found and int(found.group(1)) == status and body.get("status") == status, body


def check_refusal(http, response, service: str, before: dict) -> None:
    """A refusal in the service's shape that changed nothing."""
    check_error_shape(response, service)
    assert state(http) == before
