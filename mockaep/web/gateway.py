"""The gateway in front of every service: headers → auth → tenant → body.

One place checks what the real API gateway checks before a service sees a request, and one
place turns errors into responses in the owning service's error shape. Services get a
:class:`RequestContext` (``current()``) and parse bodies with :func:`json_body`.

Order of checks (undocumented by Adobe; the digest recommends it): Authorization → x-api-key →
x-gw-ims-org-id → x-sandbox-name → Content-Type → body.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Callable, Iterator, Mapping

from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import get_content_length

from mockaep.core import errors
from mockaep.core.errors import BadRequest, GatewayError, PlatformError
from mockaep.core.mounts import MOUNTS
from mockaep.core.context import RequestContext
from mockaep.core.jsonreader import dumps, parse_json
from mockaep.core.request import QueryParams, RequestHeaders

#: URL prefix → (service name, error shape).
SERVICE_PREFIXES: dict[str, tuple[str, errors.ErrorShape]] = {prefix: (name, shape) for name, prefix, shape in MOUNTS}
SANDBOX_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
JSON_MEDIA_RE = re.compile(r"^application/([a-z0-9.+-]+\+)?json(-patch\+json)?$")
CONTENT_TYPE_ERROR = {
    "type": "/placeholder/type/uri",
    "status": 400,
    "title": "BadRequestError",
    "detail": "A valid content-type must be specified",
}


def service_of(path: str) -> tuple[str, errors.ErrorShape] | None:
    for prefix, found in SERVICE_PREFIXES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return found
    return None


def current() -> RequestContext:
    """The context the gateway built for this request (only on service routes)."""
    return g.mockaep_ctx


def emulator():
    return current_app.extensions["mockaep"]


#: WSGI environ key of the request's id (the client's ``x-request-id``, else the emulator's next
#: one); the edge (:mod:`mockaep.web.journal`) answers it as ``x-request-id`` unless the answer
#: names one.
REQUEST_ID_KEY = "mockaep.request_id"
#: WSGI environ key of the request body when the edge read it whole (as long as announced).
BODY_KEY = "mockaep.body"
#: WSGI environ key of the endpoint Flask routed the request to (None: no route), for the journal.
ENDPOINT_KEY = "mockaep.endpoint"


def request_id(environ: dict[str, Any] | None = None, emu=None) -> str:
    """The request's id: the client's ``x-request-id``, else the emulator's next one."""
    environ = request.environ if environ is None else environ
    found = environ.get(REQUEST_ID_KEY)
    if found is None:
        found = environ.get("HTTP_X_REQUEST_ID") or (emu or emulator()).request_ids.next()
        environ[REQUEST_ID_KEY] = found
    return found


class EnvironHeaders(Mapping[str, str]):
    """The request headers by lower-cased name, looked up in the WSGI environ when asked (a
    request reads a handful of its headers: none is copied up front)."""

    __slots__ = ("_environ",)

    def __init__(self, environ: Mapping[str, Any]) -> None:
        self._environ = environ

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        name = name.lower()
        if name == "content-type":
            return self._environ.get("CONTENT_TYPE") or default
        value = self._environ.get("HTTP_" + name.upper().replace("-", "_"))
        return default if value is None else value

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        for key in self._environ:
            if key.startswith("HTTP_"):
                yield key[5:].replace("_", "-").lower()
        if self._environ.get("CONTENT_TYPE"):
            yield "content-type"

    def __len__(self) -> int:
        return sum(1 for _name in self)


def headers_of(environ: Mapping[str, Any]) -> EnvironHeaders:
    """Every request header by lower-cased name (read from the WSGI environ when asked)."""
    return EnvironHeaders(environ)


# -- media types ---------------------------------------------------------------------------------
def accepts(*media_types: str) -> Callable:
    """Declare the body media types a view takes instead of JSON (e.g. octet-stream uploads)."""
    def mark(view: Callable) -> Callable:
        view.mockaep_media_types = tuple(m.lower() for m in media_types)  # type: ignore[attr-defined]
        return view
    return mark


def _media_type(environ: Mapping[str, Any]) -> str:
    """The request's media type, lower-cased, parameters dropped (read from the environ: the
    parsed form werkzeug would build is not needed)."""
    return environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()


def is_json_media(media: str) -> bool:
    return bool(JSON_MEDIA_RE.match(media))


# -- the checks ----------------------------------------------------------------------------------
def bearer_token(headers: dict[str, str]) -> str | None:
    """The bearer token of ``Authorization``; ``None`` without the header, 401013 when malformed."""
    header = headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise GatewayError(401, "401013", "Oauth token is not valid")
    return token


def check_request() -> None:
    """``before_request`` hook: refuse what the gateway refuses, then bind the tenant."""
    # the request, app and g behind Flask's proxies, read once (each proxy access has a cost)
    req = request._get_current_object()  # type: ignore[attr-defined]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    environ = req.environ
    environ[ENDPOINT_KEY] = req.endpoint  # Flask has just matched the URL: the journal reads it here
    emu = app.extensions["mockaep"]
    rid = request_id(environ, emu)
    # PATH_INFO is the path the routes matched (the prefixes are ASCII: no decoding needed)
    found = service_of(environ.get("PATH_INFO") or "/")
    if found is None or req.method == "OPTIONS":
        return
    service, _shape = found
    config = emu.config
    headers = headers_of(environ)

    token = bearer_token(headers)
    if token is None:
        raise GatewayError(403, "403010", "Oauth token is missing.")
    now_ms = emu.clock.now_ms()
    token_info = emu.ims.lookup(token, now_ms)
    if config.strict_auth and token_info is None:
        raise GatewayError(401, "401013", "Oauth token is not valid")
    api_key = headers.get("x-api-key", "").strip()
    if not api_key:
        raise GatewayError(403, "403000", "Api Key is required")
    # Strict auth binds a token to its client: the API key must be the client id it was issued to.
    if config.strict_auth and ((config.clients and api_key not in config.clients)
                               or (token_info is not None and token_info.client_id != api_key)):
        raise GatewayError(403, "403003", "Api Key is invalid")
    org = headers.get("x-gw-ims-org-id", "").strip()
    if not org:
        raise GatewayError(400, "400003", "Missing header")
    if config.strict_auth and token_info is not None and token_info.orgs and org not in token_info.orgs:
        raise GatewayError(403, "403025", "Profile is not valid")

    sandbox = headers.get("x-sandbox-name")
    if sandbox is None or not sandbox.strip():
        if config.require_sandbox_header:
            raise BadRequest("The header x-sandbox-name is missing in the request. Please add the header "
                             "in the request and try again.", code="2105", title="Header is missing")
        sandbox = config.default_sandbox
    sandbox = sandbox.strip()
    known = config.sandboxes
    # With --sandbox given, only the sandboxes named exist (prod too only when named).
    if not SANDBOX_NAME_RE.match(sandbox) or (known and sandbox not in known):
        raise errors.NotFound(f"The sandbox with the name {errors.shown(sandbox, quoted=True)} could not be found. Please ensure that "
                              "the sandbox name is correct and try again.", code="2100", title="Sandbox not found")

    view = app.view_functions.get(environ[ENDPOINT_KEY] or "")
    limit = config.max_upload_bytes if getattr(view, "mockaep_media_types", None) else config.max_body_bytes
    body = environ.get(BODY_KEY)  # read whole by the edge: its length is known
    length = len(body) if body is not None else get_content_length(environ)
    if length is not None and length > limit:
        raise errors.PayloadTooLarge(f"The request body ({length} bytes) is larger than the "
                                     f"{limit} bytes this endpoint accepts.")
    if req.method in ("POST", "PUT", "PATCH"):
        _check_media_type(view, bool(length) or bool(headers.get("transfer-encoding")), environ)

    user = token_info.user if token_info else hashlib.sha1(token.encode()).hexdigest()[:24].upper() + "@AdobeID"
    _bind_tenant(emu, org, sandbox, RequestContext(
        org=org, sandbox=sandbox, client_id=api_key, user_id=user, request_id=rid, tenant=None,  # type: ignore[arg-type]
        now_ms=now_ms,
        query=QueryParams(req.args.items(multi=True) if environ.get("QUERY_STRING") else ()),
        headers=RequestHeaders(headers), backends=emu.backends, runtime=emu), req.method)


#: Methods that only read: they never create a tenant (an unknown org or sandbox reads as empty).
READ_METHODS = ("GET", "HEAD")


def _bind_tenant(emu, org: str, sandbox: str, ctx: RequestContext, method: str) -> None:
    """Admit the request for its tenant, then hold the tenant's lock for the whole request.

    At most ``config.max_tenant_requests`` requests of one tenant are admitted at a time (running
    or waiting for its lock); more are answered 429 at once, so one tenant's burst cannot hold
    every server thread while other tenants wait (the platform throttles with 429 too).
    """
    key = (org, sandbox)
    if not emu.admission.enter(key):
        raise GatewayError(429, "429050", "Too many requests", headers={"Retry-After": "1"})
    binding = _Binding(emu, key)
    state = g._get_current_object()  # type: ignore[attr-defined]
    state.mockaep_binding = binding
    binding.hold = emu.store.hold(org, sandbox, write=method not in READ_METHODS)
    ctx.tenant = binding.hold.tenant
    ctx.now_ms = emu.clock.now_ms()  # read under the lock: a tenant's requests stamp times in order
    state.mockaep_ctx = ctx


class _Binding:
    """What a request holds until its teardown: its admission and its tenant (:class:`TenantHold`)."""

    __slots__ = ("emu", "admitted", "hold")

    def __init__(self, emu, admitted: tuple[str, str]) -> None:
        self.emu, self.admitted, self.hold = emu, admitted, None


def _check_media_type(view: Callable | None, has_body: bool, environ: Mapping[str, Any]) -> None:
    media = _media_type(environ)
    declared = getattr(view, "mockaep_media_types", None)
    if declared:
        if has_body and media not in declared:
            raise errors.UnsupportedMediaType(
                f"Content-Type '{media or '(none)'}' is not supported here; use {', '.join(declared)}.")
        return
    if not has_body and not media:
        return
    if not is_json_media(media):
        raise _ContentTypeError()


class _ContentTypeError(Exception):
    """The platform-wide body for a missing or wrong Content-Type (troubleshooting guide)."""


def release_tenant(_exc: BaseException | None = None) -> None:
    binding = g._get_current_object().pop("mockaep_binding", None)  # type: ignore[attr-defined]
    if binding is None:
        return
    if binding.hold is not None:
        binding.hold.release()
    binding.emu.admission.leave(binding.admitted)


# -- bodies --------------------------------------------------------------------------------------
_MISSING = object()


def json_body(*, required: bool = True, empty_code: str | None = None) -> Any:
    """The parsed JSON body; a 400 in the service's shape when it is absent or malformed.
    A body the edge already read whole (:data:`BODY_KEY`) is not read again."""
    raw = request.environ.get(BODY_KEY)
    if raw is None:
        raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise BadRequest("The request body cannot be null or empty. Please provide a request body and try again.",
                             code=empty_code)
        return None
    return parse_json(raw, what="request body")


# -- rendering -----------------------------------------------------------------------------------
def _shape_for_path() -> errors.ErrorShape:
    found = service_of(request.path)
    return found[1] if found else errors.EMULATOR


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(dumps(body), status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def render_platform_error(error: PlatformError) -> Response:
    body = _shape_for_path().render(error, request_id())
    return json_response(body, error.status, error.headers)


def render_gateway_error(error: GatewayError) -> Response:
    return json_response(error.body(), error.status, error.headers)


def render_http_exception(error: HTTPException) -> Response:
    """Routing and protocol errors (404, 405, 413…) in the owning service's shape."""
    status = error.code or 500
    if status == 404:
        detail = f"No resource matches {request.method} {request.path}."
        title = "Resource not found"
    elif status == 405:
        detail = f"Method {request.method} is not allowed on {request.path}."
        title = "Method not allowed"
    elif status == 413:
        detail = "The request body is larger than this endpoint accepts."
        title = "Payload too large"
    else:
        detail = error.description or error.name
        title = error.name
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(error.valid_methods))  # type: ignore[union-attr]
    return render_platform_error(PlatformError(detail, status=status, title=title, headers=headers))


def render_unexpected(error: Exception) -> Response:
    current_app.logger.exception("unexpected error", exc_info=error)
    return render_platform_error(PlatformError(
        "An internal error has occurred. Please try again. If the problem persists, please contact customer support.",
        status=500, title="Internal Error"))


def install(app) -> None:
    """Wire the gateway hooks and error renderers into the Flask app."""
    app.before_request(check_request)
    app.teardown_request(release_tenant)
    app.register_error_handler(PlatformError, render_platform_error)
    app.register_error_handler(GatewayError, render_gateway_error)
    app.register_error_handler(_ContentTypeError, lambda _e: json_response(CONTENT_TYPE_ERROR, 400))
    app.register_error_handler(HTTPException, render_http_exception)
    app.register_error_handler(Exception, render_unexpected)
