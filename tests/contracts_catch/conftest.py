"""The catalogue's two target kinds for the contract suite: ``broken:NAME`` (the variant with its
defect) and ``faithful:NAME`` (the same relay with the defect switched off)."""
from __future__ import annotations

import pytest

from mockaep import create_app
from mockaep_client import AEPClient
from mockaep_contracts.targets import Target, register_target
from tests.contracts_catch.variants import CATALOGUE


def catalogue_target(spec: str) -> Target:
    kind, _, name = spec.partition(":")
    if name not in CATALOGUE:
        raise ValueError(f"no variant {name!r} in the catalogue; known: {', '.join(sorted(CATALOGUE))}")
    relay = CATALOGUE[name](create_app(), defective=kind == "broken")
    # A mockaep behind the relay: each contract gets an org of its own, as on the in-process target.
    return Target(spec, lambda **overrides: AEPClient.in_process(relay, **overrides), is_mockaep=True)


@pytest.fixture(scope="session", autouse=True)
def catalogue_targets() -> None:
    register_target("broken:", catalogue_target)
    register_target("faithful:", catalogue_target)
