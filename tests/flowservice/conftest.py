"""Fixtures of the Flow Service tests (helpers live in helpers.py)."""
from __future__ import annotations

import pytest

from tests.flowservice.helpers import FlowService


@pytest.fixture
def fs(http):
    """Flow Service (and its neighbours) of a fresh emulator, with gateway headers."""
    return FlowService(http)
