"""Where the contract suite runs: a small registry of target kinds, extensible by entry points.

A target spec (``--target`` / ``MOCKAEP_TARGET``) is resolved by the longest matching prefix:

* ``inprocess`` (default): a fresh ``mockaep.create_app()`` called through the WSGI transport.
* ``http://HOST:PORT`` / ``https://...``: a running server. When it is a mockaep (it answers
  ``GET /_mockaep/health``) each test works in a fresh org of its own, cleared after the test
  (``POST /_mockaep/reset?org=``): other orgs on the server are never touched. A server run with
  ``--strict-auth`` needs ``MOCKAEP_ADMIN_TOKEN`` (its ``--admin-token``, for the control plane) and
  ``MOCKAEP_CLIENT_ID`` / ``MOCKAEP_CLIENT_SECRET`` (a ``--client`` not bound to orgs). Any other
  server is only isolated by names. An unreachable URL is one usage error before the run.
* ``platform``: the real Adobe gateway and IMS, credentials from ``AEP_CLIENT_ID``,
  ``AEP_CLIENT_SECRET``, ``AEP_ORG_ID``, ``AEP_SANDBOX``, ``AEP_SCOPES`` (optionally
  ``AEP_BASE_URL``/``AEP_IMS_URL``); skipped with the reason when they are absent.
* ``NAME:ARGS``: a target kind another package provides, found in the entry point group
  ``mockaep.contract_targets`` under ``NAME`` (mockaep's own ``record`` and ``replay``).

Plugins import nothing from this suite; they hand over objects with these few attributes:

A **target kind** (what the entry point loads):

* ``build(spec, overwrite=False)`` → a target object (below); ``spec`` is the whole
  ``NAME:ARGS`` string. ``overwrite`` is true when the user allows the target to replace files
  it writes (``--target-overwrite``); without it, such a target refuses an existing file.
* ``check(spec, overwrite=False)`` (optional): raise ``ValueError`` with a message for the user
  when ``spec`` cannot work (missing file, file in the way…), creating nothing. It runs once
  before the session, so a bad spec is one usage error rather than one error per contract.
* ``deterministic`` (optional, default false): runs against this kind must send the same
  requests every time (a replay matches recorded request bodies), so generated names carry no
  random part and hypothesis is derandomized. Read before any target is built.

A **target object** (what ``build`` returns) says where the platform is and what may be done to it:

* ``app`` (a WSGI app the suite calls in-process) or ``url`` (base URL serving both the gateway
  and IMS): the suite's clients are made from whichever is set.
* ``reset`` (optional): a callable clearing all state of a target the run owns (run once at the
  start), or None; ``forget`` (optional): ``forget(org_id)`` clears one test's org after the test;
  ``control_headers`` (optional): headers the control plane needs (an admin token); ``close`` (optional): called
  once after the session; ``is_mockaep`` (optional, default false): the ``/_mockaep`` control
  plane exists; ``deterministic``, ``skip_reason`` and ``details`` (optional) as on :class:`Target`.

:func:`register_target` registers a plain ``factory(spec) -> Target`` under a prefix at run time
(the built-in targets, tests).
"""
from __future__ import annotations

import itertools
import os
import uuid
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Callable

import requests

from mockaep import create_app  # the in-process target: the one thing the suite takes from mockaep
from mockaep_client import AEPClient
from mockaep_client.aep import IMS_URL, PLATFORM_URL

ENV_VAR = "MOCKAEP_TARGET"
DEFAULT_TARGET = "inprocess"
PLATFORM_ENV = ("AEP_CLIENT_ID", "AEP_CLIENT_SECRET", "AEP_ORG_ID")
#: A served mockaep's admin token (its ``--admin-token``): sent on control-plane calls.
ADMIN_TOKEN_ENV = "MOCKAEP_ADMIN_TOKEN"
#: Client credentials for a served mockaep run with ``--client`` (default: the emulator's own).
CLIENT_ENV = ("MOCKAEP_CLIENT_ID", "MOCKAEP_CLIENT_SECRET")
#: Entry point group of target kinds provided by other packages (see the module docstring).
ENTRY_POINT_GROUP = "mockaep.contract_targets"
#: The spec given on the command line (``--target``), set by the plugin; beats ``$MOCKAEP_TARGET``.
configured_spec: str | None = None


@dataclass
class Target:
    """A resolved target: how to make clients for it and what the suite may do to it.

    ``make_client(**overrides)`` builds a new :class:`~client.AEPClient` (overrides go to its
    constructor, e.g. ``sandbox=``). ``is_mockaep``: the control plane (``/_mockaep``) exists, so
    emulator-only checks may run. ``reset``: clears all state of a target the run owns (run once
    at the start). ``forget(org_id)``: clears one test's org after the test (a shared server).
    ``control_headers``: what control-plane calls (``/_mockaep``) must carry (an admin token).
    ``deterministic``: generated data must repeat from run to run (replayed cassettes match on
    request bodies), so names carry no random part and hypothesis is derandomized.
    ``skip_reason``: the target cannot run here (e.g. no credentials); every contract skips.
    """

    spec: str
    make_client: Callable[..., AEPClient]
    is_mockaep: bool = False
    reset: Callable[[], None] | None = None
    forget: Callable[[str], None] | None = None
    control_headers: dict[str, str] = field(default_factory=dict)
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

    @classmethod
    def adopt(cls, spec: str, built: Any) -> "Target":
        """The suite's view of a plugin's target object (see the module docstring)."""
        if isinstance(built, cls):
            return built
        app, url = getattr(built, "app", None), getattr(built, "url", None)
        if (app is None) == (url is None):
            raise ValueError(f"target {spec!r}: the target object must give exactly one of 'app' and 'url'")

        def make_client(**overrides: Any) -> AEPClient:
            return AEPClient.in_process(app, **overrides) if app is not None else AEPClient.for_emulator(
                url, **overrides)

        return cls(spec, make_client, is_mockaep=bool(getattr(built, "is_mockaep", False)),
                   reset=getattr(built, "reset", None), forget=getattr(built, "forget", None),
                   control_headers=dict(getattr(built, "control_headers", None) or {}),
                   close=getattr(built, "close", None) or (lambda: None),
                   deterministic=bool(getattr(built, "deterministic", False)),
                   skip_reason=getattr(built, "skip_reason", None), details=dict(getattr(built, "details", None) or {}))


TargetFactory = Callable[[str], Target]
_REGISTRY: dict[str, TargetFactory] = {}
#: Registered prefixes whose targets need reproducible generated data (known before the target
#: is built, since hypothesis settings are fixed when test modules are imported).
_DETERMINISTIC: set[str] = set()


def register_target(prefix: str, factory: TargetFactory, *, deterministic: bool = False) -> None:
    """Make specs starting with ``prefix`` resolve through ``factory(spec)`` (later wins; a
    registered prefix beats an entry point's of the same length).

    ``deterministic``: runs against this target must send the same requests every time (replay).
    """
    _REGISTRY[prefix] = factory
    if deterministic:
        _DETERMINISTIC.add(prefix)


def _plugin_entries() -> dict[str, Any]:
    """``NAME:`` prefix → entry point, for every entry point of :data:`ENTRY_POINT_GROUP`.

    Read on each call (a few milliseconds; nothing cached at module level); a kind's module is
    imported only when a spec names it.
    """
    return {f"{entry.name}:": entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


def registered_prefixes() -> list[str]:
    return sorted({*_REGISTRY, *_plugin_entries()})


def current_spec(spec: str | None = None) -> str:
    """``spec``, else the ``--target`` option, else ``$MOCKAEP_TARGET``, else ``inprocess``."""
    return (spec or configured_spec or os.environ.get(ENV_VAR) or DEFAULT_TARGET).strip()


def _matches(spec: str, prefixes) -> list[str]:
    return [prefix for prefix in prefixes if spec == prefix or spec.startswith(prefix)]


def prefix_for(spec: str | None = None) -> str:
    """The prefix ``spec`` resolves through; ValueError naming the known ones."""
    spec = current_spec(spec)
    matches = _matches(spec, {*_REGISTRY, *_plugin_entries()})
    if not matches:
        raise ValueError(f"unknown contract target {spec!r}; known prefixes: {', '.join(registered_prefixes())}")
    return max(matches, key=len)


def _kind_for(spec: str) -> tuple[str, Any]:
    """(prefix, plugin kind) for ``spec``, the kind being None when a registered factory serves it."""
    prefix = prefix_for(spec)
    return prefix, (None if prefix in _REGISTRY else _plugin_entries()[prefix].load())


def check_target(spec: str | None = None, *, overwrite: bool = False) -> None:
    """Raise ``ValueError`` when ``spec`` names no target or one that cannot work, building nothing."""
    spec = current_spec(spec)
    prefix, kind = _kind_for(spec)
    if prefix in ("http://", "https://"):
        _check_url(spec)
    check = getattr(kind, "check", None)
    if check is not None:
        check(spec, overwrite=overwrite)


def _check_url(spec: str) -> None:
    """A URL target must answer at all: one clear error instead of one traceback per contract."""
    url = spec.rstrip("/")
    try:
        requests.get(url, timeout=10)
    except requests.RequestException as exc:
        raise ValueError(f"cannot reach {url} ({type(exc).__name__}): is `mockaep serve` running there, "
                         "on that host and port?") from None


def resolve_target(spec: str | None = None, *, overwrite: bool = False) -> Target:
    """The target named by ``spec`` (see :func:`current_spec`), built by its registered factory
    or its entry point's kind. ``overwrite``: the target may replace files it writes."""
    spec = current_spec(spec)
    prefix, kind = _kind_for(spec)
    target = _REGISTRY[prefix](spec) if kind is None else Target.adopt(spec, kind.build(spec, overwrite=overwrite))
    target.deterministic = target.deterministic or is_deterministic(spec)
    return target


def is_deterministic(spec: str | None = None) -> bool:
    """Whether ``spec`` names a target that needs reproducible generated data (without building it)."""
    spec = current_spec(spec)
    if _matches(spec, _DETERMINISTIC):
        return True
    try:
        _prefix, kind = _kind_for(spec)
    except ValueError:  # an unknown target: pytest_configure reports it as a usage error
        return False
    return bool(getattr(kind, "deterministic", False))


# -- the built-in targets -------------------------------------------------------------------------
def _in_process(spec: str) -> Target:
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
    admin = os.environ.get(ADMIN_TOKEN_ENV, "").strip()
    control_headers = {"Authorization": f"Bearer {admin}"} if admin else {}
    credentials = {key: os.environ[name] for key, name in zip(("client_id", "client_secret"), CLIENT_ENV)
                   if os.environ.get(name)}

    def make_client(**overrides: Any) -> AEPClient:
        return AEPClient.for_emulator(url, **{**credentials, **overrides})

    def forget(org_id: str) -> None:
        # A shared server: only the test's own org is cleared, never the others on it.
        requests.post(f"{url}/_mockaep/reset", params={"org": org_id}, headers=control_headers,
                      timeout=30).raise_for_status()

    return Target(spec, make_client, is_mockaep=mockaep, forget=forget if mockaep else None,
                  control_headers=control_headers, details={"url": url})


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
