"""Fixtures of the contract suite (the target and client come from contracts/plugin.py)."""
from __future__ import annotations

import pytest

from mockaep_client import onboard
from mockaep_contracts.strategies import CONTRACT_NOW



@pytest.fixture(scope="session")
def world(aep, contract_target):
    """One complete onboarding (Salesforce Service Cloud) that contracts build on and refer to."""
    return onboard(aep, "salesforce-service-cloud", name=contract_target.unique("Contract world"),
                   now=CONTRACT_NOW)
