"""Fixtures shared by the project's own tests: a fresh emulator per test, gateway headers."""
from __future__ import annotations

import pytest

from mockaep import create_app

ORG = "ACME0000000000000000000A@AdobeOrg"
OTHER_ORG = "OTHER000000000000000000B@AdobeOrg"


def gateway_headers(org: str = ORG, sandbox: str | None = "prod", **extra: str) -> dict[str, str]:
    """The headers every Platform call carries (Authorization, x-api-key, org, sandbox)."""
    headers = {"Authorization": "Bearer test-token", "x-api-key": "test-client", "x-gw-ims-org-id": org}
    if sandbox is not None:
        headers["x-sandbox-name"] = sandbox
    headers.update(extra)
    return headers


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def http(app):
    """Flask test client of a fresh emulator."""
    return app.test_client()


@pytest.fixture
def headers():
    return gateway_headers()
