"""Fixtures of the contract suite (the target and client come from contracts/plugin.py)."""
from __future__ import annotations

import pytest

from mockaep_client import onboard
from mockaep_contracts.plugin import isolates_tests
from mockaep_contracts.strategies import CONTRACT_NOW


def _onboard_world(aep, target):
    return onboard(aep, "salesforce-service-cloud", name=target.unique("Contract world"), now=CONTRACT_NOW)


@pytest.fixture(scope="session")
def _shared_world(_shared_aep, contract_target):
    return _onboard_world(_shared_aep, contract_target)


@pytest.fixture
def world(request: pytest.FixtureRequest, aep, contract_target):
    """A complete onboarding (Salesforce Service Cloud) that contracts build on and refer to: the
    test's own on a mockaep (in the test's org), else one shared by the session."""
    if isolates_tests(contract_target):
        return _onboard_world(aep, contract_target)
    return request.getfixturevalue("_shared_world")
