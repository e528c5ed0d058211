"""Tests that prove what they claim: each broken emulator of the catalogue
(:mod:`tests.contracts_catch.variants`) makes the contracts it targets fail, for the reason they
check — and the same contracts pass against the emulator behind the same relay with the defect
switched off, so the failure is the defect's doing. Every contract family has a variant."""
from __future__ import annotations

import re

import pytest

from mockaep_contracts import targets
from tests.contracts_catch import variants
from tests.contracts_catch.runner import CONTRACTS, run_contracts
from tests.contracts_catch.variants import CATALOGUE


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_the_variant_is_caught_by_the_contracts_it_targets(name):
    variant = CATALOGUE[name]
    outcomes = run_contracts(f"broken:{name}", list(variant.caught_by))
    for contract, reason in variant.caught_by.items():
        outcome = outcomes[contract]
        assert outcome.outcome == "failed", (
            f"{name} ({variant.defect}): {contract} {outcome.outcome}, it should have failed\n{outcome.text[:3000]}")
        assert re.search(reason, outcome.text), (
            f"{name}: {contract} failed, but not with /{reason}/:\n{outcome.text[:3000]}")


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_the_same_contracts_pass_with_the_defect_switched_off(name):
    outcomes = run_contracts(f"faithful:{name}", list(CATALOGUE[name].caught_by))
    failed = {contract: outcome for contract, outcome in outcomes.items() if outcome.outcome != "passed"}
    assert not failed, "\n".join(f"{contract}: {outcome.outcome}\n{outcome.text[:2000]}"
                                 for contract, outcome in failed.items())


def test_every_contract_family_has_a_variant_of_its_own():
    families = {path.stem.removeprefix("test_") for path in CONTRACTS.glob("test_*.py")}
    covered = {variant.family for variant in CATALOGUE.values()}
    assert families - covered == set(), "contract families without a broken variant in the catalogue"
    assert covered <= families, "variants naming a family that has no module in contracts/"
    for variant in CATALOGUE.values():
        assert any(contract.startswith(f"test_{variant.family}.py::") for contract in variant.caught_by), (
            f"{variant.name} targets {variant.family} but no contract of that family catches it")


def test_the_catalogue_table_lists_every_variant():
    table = variants.__doc__ or ""
    assert [name for name in CATALOGUE if not re.search(rf"^{re.escape(name)}\s", table, re.M)] == []


def test_a_nested_run_leaves_the_sessions_target_as_it_was():
    """Contracts collected by this session run after the catalogue: they must keep their target."""
    before = targets.configured_spec
    outcomes = run_contracts("faithful:preview-wrong-value",
                             ["test_mapping.py::test_validate_reports_one_result_per_mapping"])
    assert [outcome.outcome for outcome in outcomes.values()] == ["passed"]
    assert targets.configured_spec == before
