"""Transports: where a request goes. ``requests`` adapters mounted by URL prefix.

* HTTP (the default ``requests`` adapter): a running emulator or the real gateway.
* :class:`WSGIAdapter`: calls a WSGI application (``mockaep.create_app()``) in-process, without a
  socket. The client never imports mockaep; it is handed the app object.
"""
from __future__ import annotations

import io
from typing import Any, Callable
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.response import HTTPResponse
from werkzeug.test import EnvironBuilder, run_wsgi_app

#: Base URL the in-process transport answers on (never resolved: the adapter intercepts it).
IN_PROCESS_URL = "http://mockaep.in-process"


class WSGIAdapter(BaseAdapter):
    """A ``requests`` adapter that hands each prepared request to a WSGI app and returns its answer."""

    def __init__(self, app: Callable[..., Any]) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        url = urlsplit(request.url or "")
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, (bytes, bytearray)):
            body = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in body)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "host")}
        builder = EnvironBuilder(path=url.path or "/", base_url=f"{url.scheme}://{url.netloc}",
                                 query_string=url.query, method=request.method or "GET", headers=headers,
                                 data=bytes(body) if body is not None else None)
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        # requests leaves the Content-Type header to the caller; the WSGI environ needs it as a key.
        if "Content-Type" not in headers and "content-type" not in {k.lower() for k in headers}:
            environ.pop("CONTENT_TYPE", None)
        try:
            app_iter, status, response_headers = run_wsgi_app(self.app, environ, buffered=True)
        except ConnectionError as exc:  # the app dropped the connection (e.g. a mockaep fault rule)
            raise requests.ConnectionError(f"connection dropped: {exc}", request=request) from exc
        try:
            content = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close:
                close()
        return self._build_response(request, status, list(response_headers.items()), content)

    def _build_response(self, request: requests.PreparedRequest, status: str, headers: list[tuple[str, str]],
                        content: bytes) -> requests.Response:
        code, _, reason = status.partition(" ")
        response = requests.Response()
        response.status_code = int(code)
        response.reason = reason
        response.headers = CaseInsensitiveDict(headers)
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.raw = HTTPResponse(body=io.BytesIO(content), headers=headers, status=int(code),
                                    preload_content=False, decode_content=False)
        response._content = content
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[attr-defined]
        return response

    def close(self) -> None:
        pass
