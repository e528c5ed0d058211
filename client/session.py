"""The session: base URL, the headers every Platform call carries, auth, one request path.

Every service client goes through :meth:`PlatformSession.call`, which adds ``Authorization``,
``x-api-key``, ``x-gw-ims-org-id``, ``x-sandbox-name`` and (for JSON bodies) ``Content-Type``,
retries once with a fresh token after a 401 when the token can be renewed, retries 429 and 5xx
answers as :mod:`mockaep_client.retry` says, and raises the typed
error of :mod:`client.errors` for any non-2xx answer. :meth:`PlatformSession.send` is the same
request without the raising, for callers (the contract suite) that inspect refusals themselves.
"""
from __future__ import annotations

import json as jsonlib
from typing import Any, Iterable, Mapping

import requests

from mockaep_client.errors import TransportError, error_from_response
from mockaep_client.retry import RetryPolicy

#: Base path of each service on the gateway.
SERVICE_PATHS = {
    "flowservice": "/data/foundation/flowservice",
    "schemaregistry": "/data/foundation/schemaregistry",
    "catalog": "/data/foundation/catalog",
    "conversion": "/data/foundation/conversion",
    "ingestion": "/data/foundation/import",
    "dataaccess": "/data/foundation/export",
}

_OMIT = object()


class PlatformSession:
    """One org and sandbox on one gateway, with one way to authenticate."""

    def __init__(self, http: requests.Session, base_url: str, auth, api_key: str, org_id: str,
                 sandbox: str | None, timeout: float | None, retry: RetryPolicy | None = None) -> None:
        self.http = http
        #: How 429 and 5xx answers are retried (see :mod:`mockaep_client.retry`).
        self.retry = retry if retry is not None else RetryPolicy()
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.api_key = api_key
        self.org_id = org_id
        self.sandbox = sandbox
        self.timeout = timeout
        #: The last response received (status, headers, raw body) — handy for inspecting shapes.
        self.last_response: requests.Response | None = None

    def url(self, service: str, path: str) -> str:
        return f"{self.base_url}{SERVICE_PATHS[service]}{path}"

    def platform_headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.auth.access_token()}", "x-api-key": self.api_key,
                   "x-gw-ims-org-id": self.org_id}
        if self.sandbox:
            headers["x-sandbox-name"] = self.sandbox
        return headers

    def send(self, method: str, service: str, path: str, *, json: Any = _OMIT, data: bytes | str | None = None,
             params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
             headers: Mapping[str, str] | None = None, omit_headers: Iterable[str] = (),
             retry_on_401: bool = True) -> requests.Response:
        """One request; returns the response whatever its status.

        ``json`` is serialised with ``Content-Type: application/json``; ``data`` is sent as is
        (give the Content-Type in ``headers``). ``headers`` override the platform headers;
        ``omit_headers`` removes some (to see how the platform answers without them).
        """
        merged = self.platform_headers()
        body: bytes | str | None = data
        if json is not _OMIT:
            body = jsonlib.dumps(json)
            merged["Content-Type"] = "application/json"
        merged.update(headers or {})
        omitted = {name.lower() for name in omit_headers}
        merged = {k: v for k, v in merged.items() if k.lower() not in omitted}
        url = self.url(service, path)

        def attempt() -> requests.Response:
            try:
                return self.http.request(method, url, data=body, params=params, headers=merged,
                                         timeout=self.timeout)
            except requests.RequestException as exc:
                raise TransportError(f"cannot reach {url}: {exc}") from exc

        response = self.retry.run(method, attempt)
        if (response.status_code == 401 and retry_on_401 and self.auth.refreshable
                and "authorization" not in omitted and "Authorization" not in (headers or {})):
            # The token expired or was revoked early: renew it once and repeat the request.
            self.auth.invalidate()
            return self.send(method, service, path, json=json, data=data, params=params, headers=headers,
                             omit_headers=omit_headers, retry_on_401=False)
        self.last_response = response
        return response

    def call(self, method: str, service: str, path: str, **kwargs: Any) -> requests.Response:
        """:meth:`send`, raising the typed :class:`~client.errors.AEPError` for a non-2xx answer."""
        response = self.send(method, service, path, **kwargs)
        if response.status_code >= 400:
            raise error_from_response(response)
        return response


def body_of(response: requests.Response) -> Any:
    """The JSON body of a response (None when empty)."""
    if not response.content:
        return None
    return response.json()
