"""What the platform's answers look like, as assertions shared by the contracts.

Only shapes the platform documents are asserted strictly: the gateway's ``{"error_code",
"message"}``, Flow Service's ``FLOW-<code>-<status>`` problem body and Schema Registry's
``XDM-<code>-<status>`` body. Catalog, Data Prep and Batch Ingestion document no error body, so
for them the contracts require a JSON object with the status and a human-readable message.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

import requests

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HEX24_RE = re.compile(r"^[0-9a-f]{24}$")
HEX32_RE = re.compile(r"^[0-9a-f]{32}$")
QUOTED_ETAG_RE = re.compile(r'^"[^"]+"$')

#: Ids in each platform format that no object carries (fixed, so every run sends the same requests).
UNKNOWN_UUID = "0badc0de-0000-4000-8000-00000000c0de"
UNKNOWN_HEX24 = "0badc0de0000400080000000"
UNKNOWN_HEX32 = "0badc0de00004000800000000000c0de"

_DOCUMENTED_PREFIX = {"flowservice": "FLOW", "schemaregistry": "XDM"}


def json_of(response: requests.Response) -> Any:
    assert response.headers.get("Content-Type", "").startswith("application/json"), (
        f"expected a JSON answer, got Content-Type {response.headers.get('Content-Type')!r}: {response.text[:200]}")
    return response.json()


def describe(response: requests.Response) -> str:
    request = response.request
    return f"{request.method} {request.url} → {response.status_code} {response.text[:400]}"


def assert_status(response: requests.Response, *expected: int) -> None:
    assert response.status_code in expected, f"expected {expected}, got {describe(response)}"


def assert_gateway_error(response: requests.Response, status: int, error_code: str) -> None:
    """A refusal by the API gateway, before any service: ``{"error_code", "message"}``."""
    assert_status(response, status)
    body = json_of(response)
    assert body.get("error_code") == error_code, describe(response)
    assert isinstance(body.get("message"), str) and body["message"], describe(response)


def error_code(response: requests.Response) -> str | None:
    body = response.json()
    type_uri = body.get("type") if isinstance(body, dict) else None
    return type_uri.rsplit("/", 1)[-1] if isinstance(type_uri, str) else None


def assert_service_error(response: requests.Response, service: str, status: int | Iterable[int],
                         code: str | None = None) -> dict[str, Any]:
    """A refusal in the owning service's error shape; ``code`` is the number (``"1101"``)."""
    statuses = (status,) if isinstance(status, int) else tuple(status)
    assert_status(response, *statuses)
    body = json_of(response)
    assert isinstance(body, dict), describe(response)
    prefix = _DOCUMENTED_PREFIX.get(service)
    if prefix is not None:
        found = error_code(response)
        assert found and re.fullmatch(rf"{prefix}-\d+-{response.status_code}", found), (
            f"expected a {prefix}-<code>-{response.status_code} error type, got {describe(response)}")
        if code is not None:
            assert found == f"{prefix}-{code}-{response.status_code}", describe(response)
        assert body.get("status") == response.status_code, describe(response)
        assert isinstance(body.get("title"), str), describe(response)
        assert isinstance(body.get("report"), dict), describe(response)
        message_key = "errorMessage" if service == "flowservice" else "detail"
        assert isinstance(body.get(message_key), str) and body[message_key], describe(response)
    else:
        message = body.get("detail") or body.get("message") or body.get("title")
        assert isinstance(message, str) and message, describe(response)
    return body


def assert_round_trip(sent: Any, read: Any, *, path: str = "", loose: bool = False) -> None:
    """Everything ``sent`` is in ``read`` (server-added fields are ignored).

    ``loose``: scalars compare by their string form (the platform echoes schedule numbers and
    booleans as the strings clients often send, or coerces strings to numbers).
    """
    if isinstance(sent, dict):
        assert isinstance(read, dict), f"{path or '/'}: sent an object, read {read!r}"
        for key, value in sent.items():
            assert key in read, f"{path}/{key}: sent {value!r}, missing from what was read back"
            assert_round_trip(value, read[key], path=f"{path}/{key}", loose=loose)
    elif isinstance(sent, list):
        assert isinstance(read, list) and len(read) == len(sent), f"{path}: sent {sent!r}, read {read!r}"
        for index, (one, other) in enumerate(zip(sent, read)):
            assert_round_trip(one, other, path=f"{path}/{index}", loose=loose)
    elif loose:
        assert _loose(sent) == _loose(read), f"{path}: sent {sent!r}, read {read!r}"
    else:
        assert sent == read, f"{path}: sent {sent!r}, read {read!r}"


def _loose(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
