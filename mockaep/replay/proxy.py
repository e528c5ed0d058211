"""The recording proxy: a WSGI app that forwards every request upstream and tapes the exchange.

The client talks to the proxy as if it were the gateway; the proxy forwards with ``requests``
(no redirects followed, bodies passed through untouched), answers the client with what the
upstream said, and appends the exchange, scrubbed, to the cassette before answering. IMS calls
(``/ims/...``) can go to their own upstream, as on the real platform where IMS has another host.
Requests to the emulator's own control plane (``/_mockaep/...``) are forwarded but not taped:
they are not platform traffic.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Callable, Iterable
from urllib.parse import quote, urlsplit

import requests

from mockaep.replay.cassette import CassetteWriter, Interaction, utc_now_iso
from mockaep.replay.player import read_body, status_phrase
from mockaep.replay.scrub import Scrubber

logger = logging.getLogger("mockaep.replay")

#: Not forwarded upstream: per-connection headers, and what ``requests`` sets itself.
REQUEST_SKIP = frozenset({"host", "content-length", "connection", "keep-alive", "proxy-authorization",
                          "proxy-connection", "te", "trailers", "transfer-encoding", "upgrade", "accept-encoding"})
#: Not passed back nor taped: per-connection headers, and those the body no longer fits
#: (``requests`` hands over the decoded body; the length is recomputed).
RESPONSE_SKIP = frozenset({"connection", "keep-alive", "proxy-authenticate", "te", "trailers",
                           "transfer-encoding", "upgrade", "content-length", "content-encoding"})


def _request_headers(environ: dict[str, Any]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.setdefault(key[5:].replace("_", "-").title(), []).append(value)
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = [environ["CONTENT_TYPE"]]
    return headers


def _raw_target(environ: dict[str, Any]) -> str:
    """Path and query as the client sent them (keeps ``%2F`` inside Schema Registry ids)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        if "://" in raw:  # absolute-form request target
            split = urlsplit(raw)
            raw = split.path + (f"?{split.query}" if split.query else "")
        if "?" not in raw and environ.get("QUERY_STRING"):  # some servers leave the query out
            raw += "?" + environ["QUERY_STRING"]
        return raw
    path = environ.get("PATH_INFO", "/")
    try:
        path = path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    query = environ.get("QUERY_STRING", "")
    return quote(path, safe="/:@!$&()*+,;=-._~") + (f"?{query}" if query else "")


class RecordingProxy:
    """Forward to ``upstream`` (and ``ims_upstream`` for ``/ims/``), tape into ``writer``."""

    def __init__(self, upstream: str, writer: CassetteWriter, scrubber: Scrubber | None = None,
                 ims_upstream: str | None = None, session: requests.Session | None = None,
                 timeout: float = 120.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.ims_upstream = (ims_upstream or upstream).rstrip("/")
        self.writer = writer
        self.scrubber = scrubber or Scrubber()
        self.session = session or requests.Session()
        self.session.trust_env = False  # never route the recording through an environment proxy
        self.timeout = timeout

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        target = _raw_target(environ)
        base = self.ims_upstream if target.startswith("/ims/") else self.upstream
        url = base + target
        body = read_body(environ)
        headers = _request_headers(environ)
        forwarded = [(k, v) for k, vs in headers.items() if k.lower() not in REQUEST_SKIP for v in vs]
        forwarded.append(("Accept-Encoding", "identity"))  # keep taped bodies readable
        try:
            answer = self.session.request(method, url, headers=_merge(forwarded), data=body or None,
                                          allow_redirects=False, timeout=self.timeout)
        except requests.RequestException as exc:
            payload = json.dumps({"error": "upstream unreachable", "upstream": base,
                                  "detail": f"{type(exc).__name__}: {exc}"}).encode("utf-8")
            start_response("502 Bad Gateway", [("Content-Type", "application/json"),
                                               ("Content-Length", str(len(payload)))])
            return [payload]
        response_headers: dict[str, list[str]] = {}
        for key, value in answer.raw.headers.items():
            # a HEAD answer's Content-Length is the length of the body it does not carry: keep it
            if key.lower() not in RESPONSE_SKIP or (method == "HEAD" and key.lower() == "content-length"):
                response_headers.setdefault(key, []).append(value)
        content = answer.content
        if not target.startswith("/_mockaep/"):
            self.writer.append(self.scrubber.scrub(Interaction(
                method=method, uri=url,
                request_headers={k: vs for k, vs in headers.items() if k.lower() not in REQUEST_SKIP},
                request_body=body, status=answer.status_code, reason=answer.reason or "",
                response_headers=response_headers, response_body=content,
                meta={"recordedAt": utc_now_iso()})))
            logger.info("recorded #%d %s %s -> %d", self.writer.count, method, target, answer.status_code)
        out = [(k, v) for k, vs in response_headers.items() for v in vs]
        if answer.status_code not in (204, 304) and method != "HEAD":
            out.append(("Content-Length", str(len(content))))
        reason = answer.reason or status_phrase(answer.status_code)
        start_response(f"{answer.status_code} {reason}", out)
        return [content]


def _merge(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """``requests`` takes one value per header name; repeated ones are joined as HTTP allows."""
    merged: dict[str, str] = {}
    for key, value in pairs:
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged
