"""Where the contract suite runs: a small registry of targets, extensible by prefix.

A target spec (``--target`` / ``MOCKAEP_TARGET``) is resolved by the longest registered prefix:

* ``inprocess`` (default): a fresh ``mockaep.create_app()`` called through the WSGI transport.
* ``http://HOST:PORT`` / ``https://...``: a running server. When it is a mockaep (it answers
  ``GET /_mockaep/health``) the suite resets it once at the start; otherwise it only isolates its
  objects by unique names.
* ``platform``: the real Adobe gateway and IMS, credentials from ``AEP_CLIENT_ID``,
  ``AEP_CLIENT_SECRET``, ``AEP_ORG_ID``, ``AEP_SANDBOX``, ``AEP_SCOPES`` (optionally
  ``AEP_BASE_URL``/``AEP_IMS_URL``); skipped with the reason when they are absent.

Other targets (e.g. ``replay:CASSETTE``) register themselves with :func:`register_target`.
"""
from __future__ import annotations

import importlib
import importlib.util
import itertools
import os
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import requests

from mockaep_client import AEPClient
from mockaep_client.aep import IMS_URL, PLATFORM_URL

ENV_VAR = "MOCKAEP_TARGET"
DEFAULT_TARGET = "inprocess"
PLATFORM_ENV = ("AEP_CLIENT_ID", "AEP_CLIENT_SECRET", "AEP_ORG_ID")
#: Modules that register more targets when imported (looked up lazily; absent ones are skipped).
#: The replay work registers ``replay:`` from ``mockaep.replay.contract_target``.
EXTENSION_MODULES = ["mockaep.replay.contract_target"]
#: The spec given on the command line (``--target``), set by the plugin; beats ``$MOCKAEP_TARGET``.
configured_spec: str | None = None


@dataclass
class Target:
    """A resolved target: how to make clients for it and what the suite may do to it.

    ``make_client(**overrides)`` builds a new :class:`~client.AEPClient` (overrides go to its
    constructor, e.g. ``sandbox=``). ``is_mockaep``: the control plane (``/_mockaep``) exists, so
    emulator-only checks may run. ``reset``: clears all state (only for mockaep targets).
    ``deterministic``: generated data must repeat from run to run (replayed cassettes match on
    request bodies), so names carry no random part and hypothesis is derandomized.
    ``skip_reason``: the target cannot run here (e.g. no credentials); every contract skips.
    """

    spec: str
    make_client: Callable[..., AEPClient]
    is_mockaep: bool = False
    reset: Callable[[], None] | None = None
    close: Callable[[], None] = lambda: None
    deterministic: bool = False
    skip_reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    _counter: Any = field(default_factory=itertools.count, repr=False)
    _run: str = field(default_factory=lambda: uuid.uuid4().hex[:6], repr=False)

    def unique(self, label: str) -> str:
        """A name no other object of this run (nor, on shared targets, of another run) carries."""
        run = "contract" if self.deterministic else self._run
        return f"{label} {run}-{next(self._counter)}"


TargetFactory = Callable[[str], Target]
_REGISTRY: dict[str, TargetFactory] = {}
#: Prefixes whose targets need reproducible generated data (known before the target is built,
#: since hypothesis settings are fixed when test modules are imported).
_DETERMINISTIC: set[str] = {"replay:"}


def register_target(prefix: str, factory: TargetFactory, *, deterministic: bool = False) -> None:
    """Make specs starting with ``prefix`` resolve through ``factory(spec)`` (later wins).

    ``deterministic``: runs against this target must send the same requests every time (replay).
    """
    _REGISTRY[prefix] = factory
    if deterministic:
        _DETERMINISTIC.add(prefix)


def registered_prefixes() -> list[str]:
    return sorted(_REGISTRY)


def current_spec(spec: str | None = None) -> str:
    """``spec``, else the ``--target`` option, else ``$MOCKAEP_TARGET``, else ``inprocess``."""
    return (spec or configured_spec or os.environ.get(ENV_VAR) or DEFAULT_TARGET).strip()


def _load_extensions() -> None:
    for module in list(EXTENSION_MODULES):
        try:
            found = importlib.util.find_spec(module)
        except ModuleNotFoundError:  # its parent package does not exist
            found = None
        if found is not None:
            importlib.import_module(module)
        EXTENSION_MODULES.remove(module)


def prefix_for(spec: str | None = None) -> str:
    """The registered prefix ``spec`` resolves through; ValueError naming the known ones."""
    _load_extensions()
    spec = current_spec(spec)
    matches = [prefix for prefix in _REGISTRY if spec == prefix or spec.startswith(prefix)]
    if not matches:
        raise ValueError(f"unknown contract target {spec!r}; known prefixes: {', '.join(registered_prefixes())}")
    return max(matches, key=len)


def resolve_target(spec: str | None = None) -> Target:
    """The target named by ``spec`` (see :func:`current_spec`), built by its registered factory."""
    spec = current_spec(spec)
    target = _REGISTRY[prefix_for(spec)](spec)
    target.deterministic = target.deterministic or is_deterministic(spec)
    return target


def is_deterministic(spec: str | None = None) -> bool:
    """Whether ``spec`` names a target that needs reproducible generated data (without building it)."""
    _load_extensions()
    spec = current_spec(spec)
    return any(spec.startswith(prefix) for prefix in _DETERMINISTIC)


# -- the built-in targets -------------------------------------------------------------------------
def _in_process(spec: str) -> Target:
    from mockaep import create_app  # the only place contracts import mockaep

    app = create_app()

    def make_client(**overrides: Any) -> AEPClient:
        return AEPClient.in_process(app, **overrides)

    def reset() -> None:
        # Through the control plane, as for a served emulator: no reaching into the app's state.
        response = app.test_client().post("/_mockaep/reset")
        if response.status_code != 200:
            raise RuntimeError(f"the in-process emulator refused a reset: {response.status_code}")

    return Target(spec, make_client, is_mockaep=True, reset=reset, details={"app": app})


def probe_mockaep(url: str, timeout: float = 5.0) -> bool:
    """Whether ``url`` is a mockaep (answers ``GET /_mockaep/health`` with status ok)."""
    try:
        response = requests.get(f"{url.rstrip('/')}/_mockaep/health", timeout=timeout)
        return response.status_code == 200 and response.json().get("status") == "ok"
    except (requests.RequestException, ValueError):
        return False


def _url(spec: str) -> Target:
    url = spec.rstrip("/")
    mockaep = probe_mockaep(url)

    def make_client(**overrides: Any) -> AEPClient:
        return AEPClient.for_emulator(url, **overrides)

    def reset() -> None:
        requests.post(f"{url}/_mockaep/reset", timeout=10).raise_for_status()

    return Target(spec, make_client, is_mockaep=mockaep, reset=reset if mockaep else None, details={"url": url})


def _platform(spec: str) -> Target:
    missing = [name for name in PLATFORM_ENV if not os.environ.get(name)]
    settings = {
        "base_url": os.environ.get("AEP_BASE_URL", PLATFORM_URL), "ims_url": os.environ.get("AEP_IMS_URL", IMS_URL),
        "client_id": os.environ.get("AEP_CLIENT_ID", ""), "client_secret": os.environ.get("AEP_CLIENT_SECRET", ""),
        "org_id": os.environ.get("AEP_ORG_ID", ""), "sandbox": os.environ.get("AEP_SANDBOX") or "prod",
    }
    scopes = [s.strip() for s in os.environ.get("AEP_SCOPES", "").split(",") if s.strip()]

    def make_client(**overrides: Any) -> AEPClient:
        kwargs = {**settings, **({"scopes": scopes} if scopes else {}), **overrides}
        return AEPClient(kwargs.pop("base_url"), kwargs.pop("ims_url"), **kwargs)

    reason = (f"the platform target needs credentials in the environment: {', '.join(missing)} not set"
              if missing else None)
    return Target(spec, make_client, skip_reason=reason)


register_target("inprocess", _in_process)
register_target("http://", _url)
register_target("https://", _url)
register_target("platform", _platform)
