"""pytest plugin of the contract suite: the ``--target`` option and the fixtures built on it.

Loaded for every run by the root ``conftest.py``. ``--target`` (or ``$MOCKAEP_TARGET``) names
where contracts run (see :mod:`contracts.targets`); tests outside ``contracts/`` ignore it.
"""
from __future__ import annotations

import uuid

import pytest

from mockaep_contracts import targets


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockaep contracts")
    group.addoption("--target", action="store", default=None, metavar="TARGET",
                    help="where the contract suite runs: inprocess (default), a URL of a running server "
                         "(http://127.0.0.1:8080), platform (real AEP, credentials from AEP_* env vars), or "
                         "another registered prefix (e.g. replay:CASSETTE). Default: $MOCKAEP_TARGET or inprocess.")
    group.addoption("--target-overwrite", action="store_true", default=False,
                    help="let the target replace files it writes (record:CASSETTE refuses an existing one otherwise)")


def pytest_configure(config: pytest.Config) -> None:
    # Contract modules read the target at import time (hypothesis settings), so publish it early.
    targets.configured_spec = config.getoption("--target", default=None)
    if targets.configured_spec:
        try:  # once, before any contract: an unusable target is one usage error, not one per test
            targets.check_target(targets.configured_spec, overwrite=config.getoption("--target-overwrite"))
        except ValueError as exc:
            raise pytest.UsageError(f"--target: {exc}") from None
    config.addinivalue_line("markers", "emulator_only: contract that needs the mockaep control plane")


@pytest.fixture(scope="session")
def contract_target(request: pytest.FixtureRequest):
    """The resolved target; reset once when the run owns it (in-process, a cassette); skipped when
    it cannot run here. A served mockaep is never reset whole: each test's org is cleared after it."""
    target = targets.resolve_target(request.config.getoption("--target"),
                                    overwrite=request.config.getoption("--target-overwrite"))
    if target.skip_reason:
        pytest.skip(target.skip_reason)
    if target.reset is not None:
        target.reset()
    yield target
    target.close()


def isolates_tests(target) -> bool:
    """Whether each test can get an org of its own: on a mockaep every org exists and starts empty.

    Elsewhere (the real platform, a recording) the org is given: tests share it and keep apart by
    unique names.
    """
    return target.is_mockaep


@pytest.fixture(scope="session")
def _shared_aep(contract_target):
    """The session's one client, on targets that cannot isolate tests (one IMS token for the run)."""
    client = contract_target.make_client()
    yield client
    client.close()


@pytest.fixture
def aep(request: pytest.FixtureRequest, contract_target):
    """A client for the target; on a mockaep, in a fresh org of its own, so a test never sees
    another test's objects."""
    if not isolates_tests(contract_target):
        yield request.getfixturevalue("_shared_aep")
        return
    org_id = f"{uuid.uuid4().hex[:24].upper()}@AdobeOrg"
    client = contract_target.make_client(org_id=org_id)
    yield client
    client.close()
    if contract_target.forget is not None:
        contract_target.forget(org_id)


@pytest.fixture
def unique_name(contract_target):
    """``unique_name("label")`` → a name no other object of the run carries."""
    return contract_target.unique


@pytest.fixture(autouse=True)
def _emulator_only(request: pytest.FixtureRequest):
    if request.node.get_closest_marker("emulator_only") is not None:
        target = request.getfixturevalue("contract_target")
        if not target.is_mockaep:
            pytest.skip("needs a mockaep target (uses the /_mockaep control plane)")
