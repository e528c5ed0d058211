"""Fixtures of the Flow Service tests (helpers live in helpers.py).

Building an app costs a few hundred milliseconds (route compilation), so one emulator serves a
whole test module and every test gets its own fresh IMS org: tenants are isolated by org, so
each test still starts from an empty state.
"""
from __future__ import annotations

import uuid

import pytest

from mockaep import create_app
from tests.flowservice.helpers import FlowService


@pytest.fixture(scope="module")
def module_app():
    return create_app()


@pytest.fixture
def new_fs(module_app):
    """Make a Flow Service caller for a new, empty org (``sandbox=`` picks another sandbox)."""
    def make(sandbox: str = "prod", org: str | None = None) -> FlowService:
        org = org or f"T{uuid.uuid4().hex[:23].upper()}@AdobeOrg"
        return FlowService(module_app.test_client(), org=org, sandbox=sandbox)
    return make


@pytest.fixture
def fs(new_fs):
    """Flow Service (and its neighbours) of an empty org, with gateway headers."""
    return new_fs()
