"""Derive the test fixtures of Postman collections from Adobe's official ones (Apache-2.0).

``mockaep import-postman`` and its tests need real collections, but nothing in the repository may
need ``../shared``. This script keeps what a collection's requests and saved examples are made
of and drops the prose:

* kept: the collection's ``info.name``/``info.schema`` and variables (key and value); per request
  the method, the URL (host, path, query, path variables: keys and values), the headers (key,
  value, disabled) and the body (mode and payload); per saved example response its status, code,
  headers, body and original request (kept the same way).
* dropped: every ``description``, the folders (requests are listed flat), ids, events, auth,
  cookies, Postman's display settings. Request and example names are replaced by what they
  are: ``METHOD /path`` and ``CODE Status``.

The result is still a Postman v2.1 collection, so ``mockaep import-postman`` reads it as it
reads the official one.

Usage: python tools/extract_postman.py [POSTMAN_DIR] [--out DIR]
(POSTMAN_DIR defaults to ../shared/reference/postman, DIR to tests/replay/data/postman.)
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: collection file stem → fixture name (the services' names under mockaep/services).
COLLECTIONS = {
    "flow-service": "flowservice",
    "schema-registry": "schemaregistry",
    "catalog": "catalog",
    "data-prep": "conversion",
    "batch-ingestion": "ingestion",
}


def _pairs(entries: Any, *keys: str) -> list[dict[str, Any]]:
    """Postman's ``[{key, value, description, …}]`` lists with only ``keys`` kept."""
    return [{k: entry[k] for k in keys if k in entry} for entry in entries or [] if isinstance(entry, dict)]


def _url(url: Any) -> Any:
    if not isinstance(url, dict):
        return url  # a plain URL string carries no prose
    kept: dict[str, Any] = {key: url[key] for key in ("protocol", "host", "port", "path") if key in url}
    kept["query"] = _pairs(url.get("query"), "key", "value", "disabled")
    kept["variable"] = _pairs(url.get("variable"), "key", "value")
    return kept


def _body(body: Any) -> Any:
    if not isinstance(body, dict):
        return None
    mode = body.get("mode")
    kept: dict[str, Any] = {"mode": mode}
    if mode == "raw":
        kept["raw"] = body.get("raw", "")
    elif mode in ("urlencoded", "formdata"):
        kept[mode] = _pairs(body.get(mode), "key", "value", "type", "src", "disabled")
    elif mode in ("file", "graphql") and mode in body:
        kept[mode] = body[mode]
    return kept


def _request(request: Any) -> Any:
    if not isinstance(request, dict):
        return request  # a bare URL string
    kept: dict[str, Any] = {"method": request.get("method", "GET"), "url": _url(request.get("url")),
                            "header": _pairs(request.get("header"), "key", "value", "disabled")}
    body = _body(request.get("body"))
    if body is not None:
        kept["body"] = body
    return kept


def _label(request: Any) -> str:
    """``METHOD /path`` of a request, the name it gets instead of its title."""
    if not isinstance(request, dict):
        return f"GET {request}"
    url = request.get("url")
    path = "/".join(str(s) for s in url.get("path", [])) if isinstance(url, dict) else str(url or "")
    return f"{request.get('method', 'GET')} /{path.lstrip('/')}"


def _requests(items: list[Any]):
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("item"), list):
            yield from _requests(item["item"])
        elif isinstance(item, dict) and "request" in item:
            yield item


def slim_collection(collection: dict[str, Any]) -> dict[str, Any]:
    """The collection with only its requests and saved examples (see the module docstring)."""
    items = []
    for item in _requests(collection.get("item", [])):
        examples = []
        for example in item.get("response", []) or []:
            if not isinstance(example, dict):
                continue
            kept: dict[str, Any] = {"name": f"{example.get('code', '')} {example.get('status', '')}".strip()}
            if "originalRequest" in example:
                kept["originalRequest"] = _request(example["originalRequest"])
            kept.update({"status": example.get("status", ""), "code": example.get("code"),
                         "header": _pairs(example.get("header"), "key", "value", "disabled"),
                         "body": example.get("body")})
            examples.append(kept)
        items.append({"name": _label(item["request"]), "request": _request(item["request"]), "response": examples})
    info = collection.get("info", {})
    return {"info": {key: info[key] for key in ("name", "schema") if key in info},
            "variable": _pairs(collection.get("variable"), "key", "value"), "item": items}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="official Postman collections → prose-free test fixtures")
    parser.add_argument("source", nargs="?", default=str(ROOT.parent / "shared" / "reference" / "postman"))
    parser.add_argument("--out", default=str(ROOT / "tests" / "replay" / "data" / "postman"))
    args = parser.parse_args(argv)
    source, target = pathlib.Path(args.source), pathlib.Path(args.out)
    target.mkdir(parents=True, exist_ok=True)
    for stem, name in COLLECTIONS.items():
        collection = json.loads((source / f"{stem}.json").read_text(encoding="utf-8"))
        out = target / f"{name}.json"
        out.write_text(json.dumps(slim_collection(collection), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{out}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
