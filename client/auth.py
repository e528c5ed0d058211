"""Access tokens: a static one, or Adobe IMS OAuth server-to-server (client credentials).

IMS answers ``POST {ims_url}/ims/token/v3`` (form-encoded ``grant_type=client_credentials``,
``client_id``, ``client_secret``, ``scope`` comma-separated) with ``{"access_token",
"token_type": "bearer", "expires_in": <seconds>}``. Tokens live about 24 h; the client caches one
and fetches a new one shortly before it expires, or once after the platform answers 401.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import requests

from mockaep_client.errors import IMSError, TransportError, error_from_response
from mockaep_client.retry import RetryPolicy

TOKEN_PATH = "/ims/token/v3"


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_at: float  # seconds on the provider's clock
    token_type: str = "bearer"


class StaticToken:
    """A token the caller already holds; never refreshed."""

    refreshable = False

    def __init__(self, access_token: str) -> None:
        self._token = access_token

    def access_token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        """Nothing to do: a static token cannot be renewed."""


class ClientCredentials:
    """OAuth client-credentials tokens from IMS, cached until ``refresh_margin`` seconds before expiry."""

    refreshable = True

    def __init__(self, session: requests.Session, ims_url: str, client_id: str, client_secret: str,
                 scopes: Sequence[str] = (), *, timeout: float | None = 30.0,
                 clock: Callable[[], float] = time.time, refresh_margin: float = 300.0,
                 retry: RetryPolicy | None = None) -> None:
        self._session = session
        self._retry = retry if retry is not None else RetryPolicy()
        self.token_url = ims_url.rstrip("/") + TOKEN_PATH
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = tuple(scopes)
        self._timeout = timeout
        self._clock = clock
        self._margin = refresh_margin
        self._token: Token | None = None
        self._lock = threading.Lock()
        #: How many tokens were fetched (observability, tests).
        self.fetch_count = 0

    def fetch(self) -> Token:
        """Ask IMS for a new token (always a network call)."""
        form = {"grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self._client_secret, "scope": ",".join(self.scopes)}

        def attempt() -> requests.Response:
            try:
                return self._session.post(self.token_url, data=form, timeout=self._timeout,
                                          headers={"Accept": "application/json"})
            except requests.RequestException as exc:
                raise TransportError(f"cannot reach IMS at {self.token_url}: {exc}") from exc

        response = self._retry.run("POST", attempt)
        if response.status_code != 200:
            raise error_from_response(response, ims=True)
        try:
            body = response.json()
            token = Token(body["access_token"], self._clock() + float(body["expires_in"]),
                          body.get("token_type", "bearer"))
        except (ValueError, KeyError, TypeError) as exc:
            raise IMSError(f"IMS answered 200 without a usable token: {exc}", status=200,
                           request=response.request, response=response) from None
        self.fetch_count += 1
        return token

    def access_token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._token.expires_at - self._margin:
                self._token = self.fetch()
            return self._token.access_token

    def invalidate(self) -> None:
        """Forget the cached token (the platform said 401): the next call fetches a new one."""
        with self._lock:
            self._token = None
