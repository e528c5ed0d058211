"""``AEPClient``: one org and sandbox on one gateway, with a client per service."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import requests

from mockaep_client.auth import ClientCredentials, StaticToken, Token
from mockaep_client.catalog import Catalog
from mockaep_client.conversion import Conversion
from mockaep_client.dataaccess import DataAccess
from mockaep_client.flowservice import FlowService
from mockaep_client.ingestion import BatchIngestion
from mockaep_client.retry import RetryPolicy
from mockaep_client.schemaregistry import SchemaRegistry
from mockaep_client.session import PlatformSession
from mockaep_client.transport import IN_PROCESS_URL, WSGIAdapter

PLATFORM_URL = "https://platform.adobe.io"
IMS_URL = "https://ims-na1.adobelogin.com"
DEFAULT_SCOPES = ("openid", "AdobeID", "read_organizations", "additional_info.projectedProductContext",
                  "session")

#: Credentials the emulator accepts by default (it takes any client unless configured otherwise).
EMULATOR_CLIENT_ID = "mockaep-client"
EMULATOR_CLIENT_SECRET = "mockaep-secret"
EMULATOR_ORG_ID = "MOCKAEP00000000000000001@AdobeOrg"


class AEPClient:
    """Talks to the platform's gateway (or an emulator of it) as one org and sandbox.

    Give ``client_id``/``client_secret`` to have tokens fetched from IMS (cached, renewed before
    expiry and once after a 401), or ``access_token`` to use a token you already hold. The
    ``transport`` is a ``requests`` adapter mounted on ``base_url`` and ``ims_url`` (the
    in-process WSGI adapter, for example); by default requests go over HTTP.
    ``retry`` says how 429 and 5xx answers are retried (default: :class:`RetryPolicy` — 4 attempts,
    exponential backoff, ``Retry-After`` honoured; ``RetryPolicy(attempts=1)`` never retries).
    Service clients: ``flowservice``, ``schemaregistry``, ``catalog``, ``conversion``, ``ingestion``,
    ``dataaccess``.
    """

    def __init__(self, base_url: str = PLATFORM_URL, ims_url: str = IMS_URL, *, client_id: str,
                 client_secret: str | None = None, org_id: str, sandbox: str | None = "prod",
                 scopes: Sequence[str] = DEFAULT_SCOPES, access_token: str | None = None,
                 transport: requests.adapters.BaseAdapter | None = None, timeout: float | None = 30.0,
                 clock: Callable[[], float] | None = None, refresh_margin: float = 300.0,
                 retry: RetryPolicy | None = None) -> None:
        self.http = requests.Session()
        self.http.trust_env = transport is None  # no proxy lookups for in-process calls
        if transport is not None:
            for url in {base_url.rstrip("/"), ims_url.rstrip("/")}:
                self.http.mount(url, transport)
        retry = retry if retry is not None else RetryPolicy()
        if access_token is not None:
            self.auth: StaticToken | ClientCredentials = StaticToken(access_token)
        elif client_secret is not None:
            extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
            self.auth = ClientCredentials(self.http, ims_url, client_id, client_secret, scopes, timeout=timeout,
                                          refresh_margin=refresh_margin, retry=retry, **extra)
        else:
            raise ValueError("AEPClient needs client_secret (IMS OAuth) or access_token")
        self.base_url = base_url.rstrip("/")
        self.ims_url = ims_url.rstrip("/")
        self.client_id = client_id
        self.org_id = org_id
        self.sandbox = sandbox
        self.session = PlatformSession(self.http, base_url, self.auth, client_id, org_id, sandbox, timeout, retry)
        self.flowservice = FlowService(self.session)
        self.schemaregistry = SchemaRegistry(self.session)
        self.catalog = Catalog(self.session)
        self.conversion = Conversion(self.session)
        self.ingestion = BatchIngestion(self.session)
        self.dataaccess = DataAccess(self.session)

    # -- conveniences ---------------------------------------------------------------------------
    @classmethod
    def for_emulator(cls, url: str, *, client_id: str = EMULATOR_CLIENT_ID,
                     client_secret: str = EMULATOR_CLIENT_SECRET, org_id: str = EMULATOR_ORG_ID,
                     sandbox: str | None = "prod", **kwargs: Any) -> "AEPClient":
        """A client for a running emulator: the gateway and IMS both live at ``url``."""
        return cls(url, url, client_id=client_id, client_secret=client_secret, org_id=org_id, sandbox=sandbox,
                   **kwargs)

    @classmethod
    def in_process(cls, app: Any, *, client_id: str = EMULATOR_CLIENT_ID,
                   client_secret: str = EMULATOR_CLIENT_SECRET, org_id: str = EMULATOR_ORG_ID,
                   sandbox: str | None = "prod", **kwargs: Any) -> "AEPClient":
        """A client calling the WSGI ``app`` (``mockaep.create_app()``) directly, without a socket."""
        return cls(IN_PROCESS_URL, IN_PROCESS_URL, client_id=client_id, client_secret=client_secret, org_id=org_id,
                   sandbox=sandbox, transport=WSGIAdapter(app), **kwargs)

    def ims_token(self) -> Token:
        """A fresh IMS token (``POST /ims/token/v3``), bypassing the cache."""
        if not isinstance(self.auth, ClientCredentials):
            raise TypeError("this client holds a static access token; it has no IMS credentials")
        return self.auth.fetch()

    def access_token(self) -> str:
        """The token the next call will send (fetched or renewed if needed)."""
        return self.auth.access_token()

    def with_sandbox(self, sandbox: str | None) -> "AEPClient":
        """Another client for the same org and credentials in another sandbox (shares the token)."""
        other = object.__new__(AEPClient)
        other.__dict__.update(self.__dict__)
        other.sandbox = sandbox
        other.session = PlatformSession(self.http, self.base_url, self.auth, self.client_id, self.org_id, sandbox,
                                        self.session.timeout, self.session.retry)
        other.flowservice = FlowService(other.session)
        other.schemaregistry = SchemaRegistry(other.session)
        other.catalog = Catalog(other.session)
        other.conversion = Conversion(other.session)
        other.ingestion = BatchIngestion(other.session)
        other.dataaccess = DataAccess(other.session)
        return other

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "AEPClient":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()
