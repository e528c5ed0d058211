"""What the pytest fixtures of mockaep build (the plugin, ``mockaep_pytest``, only wires them).

* ``aep_app``: a fresh emulator (Flask app) per test, called in-process.
* ``aep_client``: a :class:`mockaep_client.AEPClient` bound to ``aep_app`` without a socket.
* ``aep_server``: a :class:`ServedOrg` — one real HTTP server per pytest session (per xdist worker,
  each worker being its own session), and a fresh IMS org per test, so tests never see each
  other's objects. After each test its fault rules are removed, the clock follows the wall again
  and the journal is emptied (the tests of one worker run one after another).
"""
from __future__ import annotations

import uuid
from typing import Any

from mockaep.app import create_app
from mockaep.core.config import Config
from mockaep.testing.control import ControlPlane
from mockaep.testing.server import ThreadedServer
from mockaep_client import AEPClient
from mockaep_client.aep import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET


def new_org() -> str:
    """A fresh IMS org id (24 hex characters + ``@AdobeOrg``, as the platform's look)."""
    return f"{uuid.uuid4().hex[:24].upper()}@AdobeOrg"


def new_app(config: Config | None = None) -> Any:
    return create_app(config)


def in_process_client(app: Any, **kwargs: Any) -> AEPClient:
    return AEPClient.in_process(app, **kwargs)


def start_session_server() -> ThreadedServer:
    return ThreadedServer(threads=4).start()


class ServedOrg:
    """A fresh org on a running emulator: what the ``aep_server`` fixture gives a test.

    ``url``: the server's base URL (gateway and IMS); ``org``/``sandbox``: the tenant to use;
    ``headers``: the gateway headers for it, with a token from the server's IMS; ``client()``:
    an :class:`~mockaep_client.AEPClient` for it; ``control``: the control plane;
    ``requests(**filters)``: the journal of this org.
    """

    def __init__(self, server: ThreadedServer, org: str | None = None, sandbox: str = "prod",
                 client_id: str = EMULATOR_CLIENT_ID, client_secret: str = EMULATOR_CLIENT_SECRET) -> None:
        self.server = server
        self.url = server.url
        self.org = org or new_org()
        self.sandbox = sandbox
        self.client_id = client_id
        self.client_secret = client_secret
        self.control: ControlPlane = server.control
        self._token: str | None = None
        self._clients: list[AEPClient] = []

    @property
    def token(self) -> str:
        """An access token from the server's IMS (fetched once)."""
        if self._token is None:
            response = self.control.http.post(f"{self.url}/ims/token/v3", timeout=30, data={
                "grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self.client_secret, "scope": "openid,AdobeID,read_organizations"})
            response.raise_for_status()
            self._token = response.json()["access_token"]
        return self._token

    @property
    def headers(self) -> dict[str, str]:
        """Authorization, x-api-key, x-gw-ims-org-id and x-sandbox-name for this org."""
        return {"Authorization": f"Bearer {self.token}", "x-api-key": self.client_id,
                "x-gw-ims-org-id": self.org, "x-sandbox-name": self.sandbox}

    def client(self, **kwargs: Any) -> AEPClient:
        """A client for this org (closed at the end of the test)."""
        options = {"client_id": self.client_id, "client_secret": self.client_secret, "org_id": self.org,
                   "sandbox": self.sandbox, **kwargs}
        made = AEPClient.for_emulator(self.url, **options)
        self._clients.append(made)
        return made

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """Journaled requests of this org, newest first (filters as ``ControlPlane.requests``)."""
        return self.control.requests(**{"org": self.org, **filters})

    def finish(self) -> None:
        """End of the test: close its clients; remove fault rules, free the clock, empty the journal."""
        for made in self._clients:
            made.close()
        self.control.clear_faults()
        self.control.wall_clock()
        self.control.clear_requests()

    def __repr__(self) -> str:
        return f"<ServedOrg {self.org} at {self.url}>"
