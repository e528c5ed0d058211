"""Postman collection (v2.1) → cassette: the saved example responses become recorded exchanges.

Adobe's collections are generated from the OpenAPI specs: the example requests carry ``<string>``
style values and ``:NAME`` path variables, and the example answers show the documented shapes.
Each example becomes one exchange flagged ``"wildcards": true`` (see :mod:`.matcher`): ``:NAME``
is written as a ``{NAME}`` segment that matches any id, recorded query parameters are optional,
``<...>`` values match anything and bodies are not compared.

By default only the first 2xx example of each request is kept: replay answers repeated identical
requests in recorded order, so keeping a 200 followed by its 403 and 503 examples would answer
the second call with a 403. ``all_examples=True`` keeps every example, in the collection's order.
"""
from __future__ import annotations

import pathlib
import re
from typing import Any, Iterator

from mockaep.core.jsonreader import read_json
from mockaep.replay.cassette import CassetteError, Interaction, cassette_meta

VARIABLE_RE = re.compile(r"\{\{([^{}]+)\}\}")
DEFAULT_SCHEME = "https"


def _walk(items: list[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("item"), list):
            yield from _walk(item["item"])
        elif isinstance(item.get("request"), (dict, str)):
            yield item


def _substitute(text: str, variables: dict[str, str]) -> str:
    # unknown variables become template segments so they still match any value
    return VARIABLE_RE.sub(lambda m: variables.get(m.group(1).strip(), "{" + m.group(1).strip() + "}"), text)


def _url(url: Any, variables: dict[str, str]) -> str:
    if isinstance(url, str):
        raw = _substitute(url, variables)
    else:
        host = ".".join(_substitute(str(h), variables) for h in url.get("host", []))
        segments = []
        for segment in url.get("path", []):
            segment = _substitute(str(segment), variables)
            segments.append("{" + segment[1:] + "}" if segment.startswith(":") else segment)
        raw = host.rstrip("/") + ("/" + "/".join(segments) if segments else "")
        query = [f"{q.get('key', '')}={q.get('value') or ''}" for q in url.get("query", [])
                 if isinstance(q, dict) and not q.get("disabled") and q.get("key")]
        if query:
            raw += "?" + "&".join(query)
    if raw.startswith("//"):
        raw = f"{DEFAULT_SCHEME}:{raw}"
    elif "://" not in raw:
        raw = f"{DEFAULT_SCHEME}://{raw.lstrip('/')}"
    return raw


def _headers(entries: Any) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("key") and not entry.get("disabled"):
            headers.setdefault(str(entry["key"]), []).append(str(entry.get("value") or ""))
    return headers


def _request_body(body: Any) -> bytes:
    if not isinstance(body, dict):
        return b""
    mode = body.get("mode")
    if mode == "raw":
        return str(body.get("raw") or "").encode("utf-8")
    if mode == "urlencoded":
        from urllib.parse import urlencode

        return urlencode([(p.get("key", ""), p.get("value", "")) for p in body.get("urlencoded", [])
                          if isinstance(p, dict) and not p.get("disabled")]).encode("utf-8")
    return b""  # formdata/file bodies: Postman keeps file paths, not contents


def interactions_from_collection(collection: Any, source: str, all_examples: bool = False) -> list[Interaction]:
    """The collection's saved examples as exchanges (checked whole; raises CassetteError)."""
    if not isinstance(collection, dict) or not isinstance(collection.get("item"), list):
        raise CassetteError("not a Postman collection: no 'item' list")
    schema = str(collection.get("info", {}).get("schema", ""))
    if schema and "v2." not in schema:
        raise CassetteError(f"unsupported Postman collection schema {schema!r} (v2.0/v2.1 are read)")
    variables = {str(v.get("key")): str(v.get("value", "")) for v in collection.get("variable", [])
                 if isinstance(v, dict) and v.get("key")}
    interactions = []
    for item in _walk(collection["item"]):
        request = item["request"] if isinstance(item["request"], dict) else {"url": item["request"]}
        examples = [e for e in item.get("response", []) if isinstance(e, dict)]
        if not all_examples:
            examples = [e for e in examples if 200 <= int(e.get("code") or 0) < 300][:1]
        for example in examples:
            original = example.get("originalRequest") or request
            method = str(original.get("method") or request.get("method") or "GET").upper()
            code = int(example.get("code") or 200)
            interactions.append(Interaction(
                method=method,
                uri=_url(original.get("url") or request.get("url") or "", variables),
                request_headers=_headers(original.get("header")),
                request_body=_request_body(original.get("body")),
                status=code,
                reason=str(example.get("status") or ""),
                response_headers=_headers(example.get("header")),
                response_body=str(example.get("body") or "").encode("utf-8"),
                meta={"source": source, "item": str(item.get("name", "")), "example": str(example.get("name", "")),
                      "wildcards": True},
            ))
    return interactions


def import_collection(path: str, all_examples: bool = False) -> tuple[list[Interaction], dict[str, Any]]:
    """Read a collection file; errors name the file and the problem."""
    name = str(path)
    collection = read_json(path, "collection", CassetteError)
    try:
        interactions = interactions_from_collection(collection, f"postman:{pathlib.Path(path).name}", all_examples)
    except (CassetteError, TypeError, ValueError, AttributeError) as exc:
        raise CassetteError(f"{name}: {exc}") from None
    meta = cassette_meta(source="postman", collection=str(collection.get("info", {}).get("name", "")),
                         collectionFile=pathlib.Path(path).name)
    return interactions, meta
