"""Running chosen contracts of the suite against a target, in this process, and reading the outcome.

Each run is a nested pytest session over ``contracts/`` with ``--target=SPEC``: the contracts get
their real fixtures (a fresh org per test, the ``world`` onboarding, hypothesis), exactly as in a
user's run. The nested session publishes its target in ``mockaep_contracts.targets``
(``configured_spec``, read by contracts that run later in this process), so the value is put back
afterwards.
"""
from __future__ import annotations

import pathlib
from dataclasses import dataclass

import pytest

from mockaep_contracts import targets

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"


@dataclass(frozen=True)
class Outcome:
    """How one contract ended: ``passed``, ``failed`` (its body failed), ``error`` (a fixture
    failed), ``skipped``; ``text`` is the failure's report (assertion message, traceback)."""

    outcome: str
    text: str = ""


class _Reports:
    """pytest plugin noting the outcome of each test of the nested session."""

    def __init__(self) -> None:
        self.outcomes: dict[str, Outcome] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome != "passed":
            outcome = report.outcome if report.when == "call" or report.outcome == "skipped" else "error"
            if self.outcomes.get(report.nodeid, Outcome("passed")).outcome == "passed":
                self.outcomes[report.nodeid] = Outcome(outcome, report.longreprtext)


def run_contracts(spec: str, contracts: list[str]) -> dict[str, Outcome]:
    """The outcome of each contract (``"test_module.py::test_name[param]"``) run against ``spec``."""
    plugin = _Reports()
    published = targets.configured_spec
    try:
        pytest.main([*(str(CONTRACTS / contract) for contract in contracts), f"--target={spec}",
                     f"--rootdir={ROOT}", "-c", str(ROOT / "pyproject.toml"), "-p", "no:cacheprovider", "-vv",
                     "--tb=short", "--no-header"], plugins=[plugin])
    finally:
        targets.configured_spec = published
    by_contract = {nodeid.split("contracts/", 1)[-1]: outcome for nodeid, outcome in plugin.outcomes.items()}
    missing = [contract for contract in contracts if contract not in by_contract]
    assert not missing, f"no such contract(s) in contracts/: {missing}"
    return by_contract
