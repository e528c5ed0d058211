from __future__ import annotations

import pytest

from tests.conversion.helpers import DataPrep


@pytest.fixture
def prep(http):
    return DataPrep(http)


@pytest.fixture
def schema_id(prep):
    return prep.target_schema()
