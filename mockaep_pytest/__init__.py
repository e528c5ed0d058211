"""pytest plugin of mockaep, registered as ``mockaep`` under the ``pytest11`` entry points.

Fixtures: ``aep_app`` (a fresh in-process emulator per test), ``aep_client`` (an
``mockaep_client.AEPClient`` bound to it), ``aep_server`` (a real HTTP server shared by the
session — one per xdist worker — with a fresh org per test). See :mod:`mockaep.testing.fixtures`.

pytest loads this module in every run where mockaep is installed, so it imports nothing but
pytest: the emulator (Flask, the specs) is loaded the first time a test asks for a fixture. It
adds no command-line option.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Iterator

import pytest


def _fixtures() -> ModuleType:
    # Loaded on first use, not at plugin import: most test runs never need the emulator.
    return importlib.import_module("mockaep.testing.fixtures")


@pytest.fixture
def aep_app() -> Any:
    """A fresh, empty emulator (a Flask app), called in-process."""
    return _fixtures().new_app()


@pytest.fixture
def aep_client(aep_app: Any) -> Iterator[Any]:
    """A ``mockaep_client.AEPClient`` bound to ``aep_app`` (no socket)."""
    client = _fixtures().in_process_client(aep_app)
    yield client
    client.close()


@pytest.fixture(scope="session")
def _mockaep_session_server() -> Iterator[Any]:
    server = _fixtures().start_session_server()
    yield server
    server.stop()


@pytest.fixture
def aep_server(_mockaep_session_server: Any) -> Iterator[Any]:
    """A fresh org on the session's real HTTP emulator: ``.url``, ``.org``, ``.headers``, ``.client()``."""
    served = _fixtures().ServedOrg(_mockaep_session_server)
    yield served
    served.finish()
