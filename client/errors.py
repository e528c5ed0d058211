"""Typed errors: every refusal the platform answers with, carrying its status, body and request.

AEP services answer refusals in several shapes (the gateway's ``{"error_code", "message"}``, Flow
Service's ``{"type": ".../FLOW-1101-404", "errorMessage", "report"}``, Schema Registry's
``{"type": ".../XDM-1012-404", "detail", "report"}``, problem-detail bodies elsewhere, and OAuth2
``{"error", "error_description"}`` from IMS). :func:`error_from_response` reads them all into one
:class:`AEPError` with ``code`` and ``message`` filled in, and picks the subclass from the status.
"""
from __future__ import annotations

from typing import Any

import requests

from mockaep_client.retry import RetryPolicy


class AEPError(Exception):
    """A non-2xx answer from the platform (or a failure to reach it).

    ``status``: HTTP status; ``body``: the parsed JSON error body (or the raw text when it is not
    JSON); ``code``: the platform's error code (``"FLOW-1101-404"``, ``"XDM-1012-404"``,
    ``"403010"``, ``"invalid_client"``); ``title``/``message``: the human-readable parts;
    ``request_id``: the ``x-request-id`` the platform stamped; ``request``/``response``: the
    ``requests`` objects of the exchange.
    """

    def __init__(self, message: str, *, status: int | None = None, body: Any = None, code: str | None = None,
                 title: str | None = None, request_id: str | None = None,
                 request: requests.PreparedRequest | None = None,
                 response: requests.Response | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.code = code
        self.title = title
        self.request_id = request_id
        self.request = request
        self.response = response

    def __str__(self) -> str:
        where = f" ({self.request.method} {self.request.url})" if self.request is not None else ""
        code = f" {self.code}" if self.code else ""
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        return f"{status}{code}: {self.message}{where}"


class TransportError(AEPError):
    """The request never got an answer (connection refused, timeout, DNS...)."""


class BadRequestError(AEPError):
    """400: the request is malformed or breaks a rule of the platform."""


#: The platform's name for a 400 that names invalid fields is "validation"; one class serves both.
ValidationError = BadRequestError


class AuthError(AEPError):
    """401/403: token missing, invalid or expired; API key or org refused; permission denied."""


class IMSError(AuthError):
    """The IMS token endpoint refused the credentials (OAuth2 ``error`` body)."""


class NotFoundError(AEPError):
    """404: no such resource (or route) in this org and sandbox."""


class MethodNotAllowedError(AEPError):
    """405: the route exists but not with this method."""


class NotAcceptableError(AEPError):
    """406: the Accept header names a format or version the resource cannot be given in."""


class ConflictError(AEPError):
    """409: the resource conflicts with an existing one."""


class PreconditionFailedError(AEPError):
    """412: ``If-Match`` names an etag that is no longer current."""


class PayloadTooLargeError(AEPError):
    """413: the body is larger than the endpoint accepts."""


class UnsupportedMediaTypeError(AEPError):
    """415: the endpoint does not take this Content-Type."""


class RateLimitError(AEPError):
    """429: too many requests; ``retry_after`` seconds when the platform says."""

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait, from ``Retry-After`` (seconds or an HTTP-date); None when absent."""
        return RetryPolicy().retry_after(self.response) if self.response is not None else None


class ServerError(AEPError):
    """5xx: the platform failed."""


_BY_STATUS: dict[int, type[AEPError]] = {
    400: BadRequestError, 401: AuthError, 403: AuthError, 404: NotFoundError, 405: MethodNotAllowedError,
    406: NotAcceptableError, 409: ConflictError, 412: PreconditionFailedError, 413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError, 429: RateLimitError,
}


def error_class(status: int) -> type[AEPError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return AEPError


def parse_error_body(body: Any) -> tuple[str | None, str | None, str | None]:
    """``(code, title, message)`` from any of the platform's error shapes."""
    if not isinstance(body, dict):
        return None, None, None
    if "error_code" in body:  # the API gateway
        return str(body["error_code"]), None, body.get("message")
    if "error" in body and isinstance(body["error"], str):  # IMS (OAuth2)
        return body["error"], None, body.get("error_description")
    code = None
    type_uri = body.get("type")
    if isinstance(type_uri, str) and "/errors/" in type_uri:
        code = type_uri.rsplit("/", 1)[-1]
    report = body.get("report") if isinstance(body.get("report"), dict) else {}
    message = body.get("errorMessage") or body.get("detail") or report.get("detailed-message") or body.get("message")
    title = body.get("title")
    return code, title if isinstance(title, str) else None, message or title


def error_from_response(response: requests.Response, *, ims: bool = False) -> AEPError:
    """The typed error for a non-2xx ``response``."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    code, title, message = parse_error_body(body)
    cls: type[AEPError] = IMSError if ims else error_class(response.status_code)
    return cls(message or f"{response.status_code} {response.reason or ''}".strip(), status=response.status_code,
               body=body, code=code, title=title, request_id=response.headers.get("x-request-id"),
               request=response.request, response=response)
