"""``mock_aep()``: route ``requests`` calls for Adobe's hosts into an in-process emulator.

::

    with mock_aep() as aep:                      # a fresh emulator
        requests.post("https://ims-na1.adobelogin.com/ims/token/v3", data=...)    # answered offline
        requests.get("https://platform.adobe.io/data/foundation/flowservice/flows", headers=...)

    @mock_aep                                    # or @mock_aep(passthrough=["localhost"])
    def test_my_integration(): ...

While active, every ``requests.Session`` — made before or after, by your code or a library such as
``aepp`` — sends requests for ``platform.adobe.io`` and the IMS hosts (``ims-*.adobelogin.com``) to
the emulator through the client's WSGI transport (:class:`mockaep_client.WSGIAdapter`), so nothing
leaves the process. Other hosts are refused with ``requests.ConnectionError`` naming the host, or
pass through with ``passthrough=True`` (all) or a list of host names.

It works through requests' transport adapters: ``requests.Session.get_adapter`` answers the
emulator's adapter for those hosts (it is restored on exit; nested uses exit in reverse order).
"""
from __future__ import annotations

import functools
import inspect
import re
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter

from mockaep.app import create_app
from mockaep.testing.control import ControlPlane
from mockaep_client import AEPClient
from mockaep_client.aep import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_ORG_ID, IMS_URL, PLATFORM_URL
from mockaep_client.transport import WSGIAdapter

#: The platform gateway's host.
PLATFORM_HOSTS = frozenset({"platform.adobe.io"})
#: IMS hosts: ims-na1.adobelogin.com and its regional and stage siblings (ims-na1-stg1…).
IMS_HOST = re.compile(r"^ims-[a-z0-9-]+\.adobelogin\.com$")


def is_aep_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host in PLATFORM_HOSTS or IMS_HOST.match(host) is not None


class _RefusingAdapter(BaseAdapter):
    """Answers every request with ``requests.ConnectionError`` naming the host (no network)."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        host = urlsplit(request.url or "").hostname or "?"
        raise requests.ConnectionError(
            f"mock_aep refused a request to {host} ({request.method} {request.url}): only Adobe's hosts "
            f"(platform.adobe.io, ims-*.adobelogin.com) are served offline; pass passthrough=True or "
            f"passthrough=[{host!r}] to mock_aep to let it through", request=request)

    def close(self) -> None:
        pass


class MockAEP:
    """An active (or ready) interception; see :func:`mock_aep`.

    ``app``: the emulator requests go to; ``control``: its control plane (clock, journal,
    faults, state); ``client()``: an :class:`~mockaep_client.AEPClient` for the real URLs, which
    the interception answers.
    """

    def __init__(self, app: Any = None, passthrough: bool | Iterable[str] = False) -> None:
        self._given_app = app
        if isinstance(passthrough, str):
            raise TypeError("passthrough takes True, False or a list of host names, not a string")
        self.passthrough = passthrough if isinstance(passthrough, bool) else \
            frozenset(host.lower() for host in passthrough)
        self.app: Any = None
        self._adapter: WSGIAdapter | None = None
        self._refuse = _RefusingAdapter()
        self._original: Callable[..., BaseAdapter] | None = None
        self._patched: Callable[..., BaseAdapter] | None = None
        self._control: ControlPlane | None = None

    # -- routing ---------------------------------------------------------------------------------
    def adapter_for(self, url: str, mounted: BaseAdapter | None) -> BaseAdapter:
        """The adapter for ``url``, given the one the session would use (``mounted``).

        Adobe's hosts go to the emulator; a non-network adapter the session mounted itself (an
        in-process transport) is kept; other hosts pass through or are refused.
        """
        host = (urlsplit(url).hostname or "").lower()
        if is_aep_host(host):
            return self._adapter  # type: ignore[return-value]
        if mounted is not None and not isinstance(mounted, HTTPAdapter):
            return mounted
        if self.passthrough is True or (not isinstance(self.passthrough, bool) and host in self.passthrough):
            if mounted is None:
                raise requests.exceptions.InvalidSchema(f"No connection adapters were found for {url!r}")
            return mounted
        return self._refuse

    # -- life cycle ------------------------------------------------------------------------------
    def start(self) -> "MockAEP":
        if self._original is not None:
            raise RuntimeError("this mock_aep is already active")
        self.app = self._given_app if self._given_app is not None else create_app()
        self._adapter = WSGIAdapter(self.app)
        original = requests.Session.get_adapter
        mock = self

        def get_adapter(session: requests.Session, url: str) -> BaseAdapter:
            try:
                mounted: BaseAdapter | None = original(session, url)
            except requests.exceptions.InvalidSchema:
                mounted = None
            return mock.adapter_for(url, mounted)

        self._original, self._patched = original, get_adapter
        requests.Session.get_adapter = get_adapter  # type: ignore[method-assign]
        return self

    def stop(self) -> None:
        if self._original is None:
            return
        if requests.Session.get_adapter is not self._patched:
            raise RuntimeError("mock_aep blocks must end in the reverse order they started")
        requests.Session.get_adapter = self._original  # type: ignore[method-assign]
        self._original = self._patched = None
        if self._control is not None:
            self._control.close()
            self._control = None

    def __enter__(self) -> "MockAEP":
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    def __call__(self, func: Any) -> Any:
        """Decorate a function (or the ``test*`` methods of a class): each call runs under a new
        interception (a fresh emulator unless ``app`` was given)."""
        if inspect.isclass(func):
            for name, member in list(vars(func).items()):
                if name.startswith("test") and callable(member):
                    setattr(func, name, self(member))
            return func
        app, passthrough = self._given_app, self.passthrough

        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with MockAEP(app, passthrough):
                    return await func(*args, **kwargs)
            return run_async

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with MockAEP(app, passthrough):
                return func(*args, **kwargs)
        return run

    # -- conveniences ----------------------------------------------------------------------------
    @property
    def control(self) -> ControlPlane:
        if self.app is None:
            raise RuntimeError("mock_aep is not active")
        if self._control is None:
            self._control = ControlPlane.in_process(self.app)
        return self._control

    def client(self, *, client_id: str = EMULATOR_CLIENT_ID, client_secret: str = EMULATOR_CLIENT_SECRET,
               org_id: str = EMULATOR_ORG_ID, sandbox: str | None = "prod", **kwargs: Any) -> AEPClient:
        """A client for the real platform URLs (answered by the emulator while active)."""
        return AEPClient(PLATFORM_URL, IMS_URL, client_id=client_id, client_secret=client_secret, org_id=org_id,
                         sandbox=sandbox, **kwargs)


def mock_aep(func: Any = None, *, app: Any = None, passthrough: bool | Iterable[str] = False) -> Any:
    """Serve Adobe's hosts from an in-process emulator: a context manager and a decorator.

    ``app``: the emulator to use (default: a fresh ``mockaep.create_app()`` each time);
    ``passthrough``: False (default) refuses other hosts with ``requests.ConnectionError``,
    True lets them all through, a list of host names lets those through.
    ``@mock_aep`` and ``@mock_aep(...)`` both decorate.
    """
    mock = MockAEP(app, passthrough)
    if func is not None:
        return mock(func)
    return mock
