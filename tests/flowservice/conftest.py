"""Fixtures of the Flow Service tests (helpers live in helpers.py).

Building an app costs a few hundred milliseconds (route compilation), so one emulator serves a
whole test module and every test gets its own fresh IMS org: tenants are isolated by org, so
each test still starts from an empty state.
"""
from __future__ import annotations

import uuid

import pytest

from mockaep import create_app
from mockaep.core.config import Config
from tests.flowservice.helpers import FlowService


class Clock:
    """A settable emulator clock (epoch ms) for modules that move time (``Config(clock=...)``)."""

    def __init__(self, now: int = 0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


@pytest.fixture(scope="module")
def module_clock(request):
    """The clock of a module that defines ``START_MS`` (the time each of its tests starts at)."""
    return Clock(request.module.START_MS)


@pytest.fixture
def clock(module_clock, request):
    """The module's clock, set back to the module's ``START_MS`` for each test."""
    module_clock.now = request.module.START_MS
    return module_clock


@pytest.fixture(scope="module")
def module_app(request):
    """One emulator per module; on the module's clock when the module defines ``START_MS``."""
    if hasattr(request.module, "START_MS"):
        return create_app(Config(clock=request.getfixturevalue("module_clock")))
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
