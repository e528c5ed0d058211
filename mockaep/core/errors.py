"""Platform errors as values, and the one place each service's error shape is rendered.

Models raise :class:`PlatformError` (or a subclass); the Flask layer renders it in the error
shape of the service that owns the route. AEP services do not share one shape:

* Flow Service:     ``{"type": "https://ns.adobe.com/aep/errors/FLOW-<code>-<status>", "title",
                      "status", "report": {...}, "errorMessage", "errorDetails"}``
* Schema Registry:  ``{"type": "http://ns.adobe.com/aep/errors/XDM-<code>-<status>", "title",
                      "status", "report": {"registryRequestId", "timestamp", "detailed-message",
                      "sub-errors"}, "detail"}``
* Catalog, Data Prep, Batch Ingestion, Data Access: no literal body is documented; they get the
  same problem-detail pattern with the prefixes CAT, MAPPER, INGEST and EXPORT (the Data Access
  API's path, ``/data/foundation/export``: no code of it is published) — a documented choice.
* The gateway (headers, auth): ``{"error_code": "403010", "message": "Oauth token is missing."}``.
"""
from __future__ import annotations

import reprlib
import time
from dataclasses import dataclass, field
from typing import Any

#: Characters of a request's value that an error message quotes; the rest is cut (see :func:`shown`).
SHOWN_LENGTH = 200
#: Characters of an error's detail, whatever it quotes: the last guard of every refusal's size
#: (the places that quote a request's value cut it with :func:`shown`, keeping the message whole).
MAX_DETAIL_LENGTH = 1000
_MAX_INTEGER_BITS = 4 * SHOWN_LENGTH  # longer integers are described, never printed


class _ShortRepr(reprlib.Repr):
    """``reprlib`` bounds of containers, and no printing of an integer with thousands of digits
    (``repr`` refuses past 4300 digits, and the work grows with the size)."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > _MAX_INTEGER_BITS:
            return f"<an integer of {x.bit_length()} bits>"
        return repr(x)


def shown(value: Any, limit: int = SHOWN_LENGTH, *, quoted: bool = False) -> str:
    """A request's value as an error message quotes it: its text (its ``repr`` when ``quoted``),
    at most ``limit`` characters of it, a cut marked ``…`` with the full length.

    Work and answer stay small whatever was sent: a long text is cut before it is printed,
    containers are printed with ``reprlib``'s bounds, a huge integer is described."""
    if isinstance(value, str):
        head = value[:limit]
        text = repr(head) if quoted else head
        return f"{text}… ({len(value)} characters)" if len(value) > limit else text
    if isinstance(value, (int, float, list, tuple, dict, set, frozenset)) or value is None:
        short = _ShortRepr()
        short.maxstring = short.maxother = limit
        text = short.repr(value)
    else:  # anything else (an exception, a token) by its text
        text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _bounded(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` (a report, a sub-error) with each text cut to :data:`MAX_DETAIL_LENGTH`."""
    return {key: shown(value, MAX_DETAIL_LENGTH) if isinstance(value, str) else value
            for key, value in fields.items()}


class PlatformError(Exception):
    """An error the platform answers with: HTTP status, service error code, title, detail.

    ``code`` is the service's numeric code without prefix or status (``"1101"`` for
    FLOW-1101-404); ``None`` lets the service pick its default code for the status.
    ``report`` adds keys to the Flow Service ``report`` object; ``sub_errors`` lists
    field-level problems (validation) and is rendered where the shape has room for them.
    A detail, or a text in ``report`` or a sub-error, longer than :data:`MAX_DETAIL_LENGTH` is cut.
    """

    status = 400
    title = "Invalid request"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        report: dict[str, Any] | None = None,
        sub_errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        detail = shown(detail, MAX_DETAIL_LENGTH)
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        self.code = code
        if title is not None:
            self.title = title
        self.report = _bounded(report or {})
        self.sub_errors = [_bounded(sub) for sub in sub_errors or []]
        self.headers = dict(headers or {})


class BadRequest(PlatformError):
    status = 400
    title = "Invalid request"


class NotFound(PlatformError):
    status = 404
    title = "Resource not found"


class Conflict(PlatformError):
    status = 409
    title = "Conflict"


class PreconditionFailed(PlatformError):
    status = 412
    title = "Version not matching"


class NotAcceptable(PlatformError):
    status = 406
    title = "Not Acceptable"


class PayloadTooLarge(PlatformError):
    status = 413
    title = "Payload too large"


class UnsupportedMediaType(PlatformError):
    status = 415
    title = "Unsupported Media Type"


class MethodNotAllowed(PlatformError):
    status = 405
    title = "Method not allowed"


class Forbidden(PlatformError):
    status = 403
    title = "Forbidden"


class GatewayError(Exception):
    """A refusal by the API gateway in front of every service (headers, token, org)."""

    def __init__(self, status: int, error_code: str, message: str, headers: dict[str, str] | None = None) -> None:
        message = shown(message, MAX_DETAIL_LENGTH)
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"error_code": self.error_code, "message": self.message}


@dataclass(frozen=True)
class ErrorShape:
    """How one service renders a :class:`PlatformError`."""

    prefix: str
    type_base: str
    default_codes: dict[int, str] = field(default_factory=dict)
    style: str = "problem"  # "flow" | "xdm" | "problem"

    def code_for(self, error: PlatformError) -> str:
        if error.code:
            return error.code
        return self.default_codes.get(error.status, str(error.status))

    def render(self, error: PlatformError, request_id: str) -> dict[str, Any]:
        code = self.code_for(error)
        body: dict[str, Any] = {
            "type": f"{self.type_base}{self.prefix}-{code}-{error.status}",
            "title": error.title,
            "status": error.status,
        }
        if self.style == "flow":
            report = {"detailed-message": error.detail, "request-id": request_id}
            report.update(error.report)
            if error.sub_errors:
                report["sub-errors"] = error.sub_errors
            body["report"] = report
            body["errorMessage"] = error.detail
            body["errorDetails"] = error.title
        elif self.style == "xdm":
            body["report"] = {
                "registryRequestId": request_id,
                "timestamp": time.strftime("%m-%d-%Y %H:%M:%S", time.gmtime()),
                "detailed-message": error.detail,
                "sub-errors": error.sub_errors,
                **error.report,
            }
            body["detail"] = error.detail
        else:
            body["detail"] = error.detail
            report = {"request-id": request_id, **error.report}
            if error.sub_errors:
                report["sub-errors"] = error.sub_errors
            body["report"] = report
        return body


FLOW = ErrorShape(
    "FLOW", "https://ns.adobe.com/aep/errors/",
    {400: "1100", 404: "1101", 405: "1100", 406: "1100", 409: "1100", 412: "1404",
     413: "1100", 415: "1100", 500: "1102"},
    style="flow",
)
XDM = ErrorShape(
    "XDM", "http://ns.adobe.com/aep/errors/",
    {400: "1000", 404: "1010", 405: "1000", 406: "1009", 409: "1521", 412: "1000",
     413: "1000", 415: "1000", 500: "1001"},
    style="xdm",
)
CATALOG = ErrorShape("CAT", "http://ns.adobe.com/aep/errors/",
                     {400: "1400", 404: "1404", 409: "1409", 412: "1412", 500: "1500"})
MAPPER = ErrorShape("MAPPER", "http://ns.adobe.com/aep/errors/",
                    {400: "1400", 404: "1404", 409: "1409", 500: "1500"})
INGEST = ErrorShape("INGEST", "http://ns.adobe.com/aep/errors/",
                    {400: "1400", 404: "1404", 409: "1409", 500: "1500"})
EXPORT = ErrorShape("EXPORT", "http://ns.adobe.com/aep/errors/", {400: "1400", 404: "1404", 500: "1500"})
#: Shape used outside any service (control plane, unknown prefixes).
EMULATOR = ErrorShape("MOCKAEP", "http://ns.adobe.com/aep/errors/", {})
