"""``POST /`` on Catalog: several sub-requests in one call (appendix.md).

Sub-requests run in order; ``<<requestId.attribute>>`` in a later resource or body is replaced by
that attribute of an earlier response (a ``["@/kind/<id>"]`` answer is aliased to ``id``). The
outer answer lists ``{id, code, body}`` per sub-request; when a write fails, every earlier write
of the call is undone (the journal) and the remaining sub-requests are not run.

Spec/doc conflict: catalog.yaml says 201 with an array of strings; the appendix shows the real
answer, 200 with one object per sub-request (its ``default`` response covers that).
"""
from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import parse_qsl

from mockaep.core import errors, validation
from mockaep.core.errors import BadRequest, PlatformError
from mockaep.core.context import RequestContext
from mockaep.services.catalog import batches, journal, models

TEMPLATE = re.compile(r"<<([^.<>]+)\.([^<>]+)>>")
MAX_SUB_REQUESTS = 100
Handler = Callable[[RequestContext, list[str], Any, list[tuple[str, str]]], Any]


def _routes() -> list[tuple[str, re.Pattern, Handler]]:
    one = r"/([^/?]+)"
    return [
        ("GET", re.compile(r"^/dataSets$"), lambda c, m, b, q: models.find_datasets(c, q)),
        ("POST", re.compile(r"^/dataSets$"), lambda c, m, b, q: [models.link("dataSets", models.create_dataset(c, b))]),
        ("GET", re.compile(rf"^/dataSets{one}$"), lambda c, m, b, q: models.show_dataset(c, m[0], q)),
        ("PUT", re.compile(rf"^/dataSets{one}$"),
         lambda c, m, b, q: (models.replace_dataset(c, m[0], b), [models.link("dataSets", m[0])])[1]),
        ("PATCH", re.compile(rf"^/dataSets{one}$"),
         lambda c, m, b, q: ((models.json_patch_dataset if isinstance(b, list) else models.merge_dataset)(c, m[0], b),
                             [models.link("dataSets", m[0])])[1]),
        ("DELETE", re.compile(rf"^/dataSets{one}$"),
         lambda c, m, b, q: (models.delete_dataset(c, m[0]), [models.link("dataSets", m[0])])[1]),
        ("GET", re.compile(r"^/batches$"), lambda c, m, b, q: batches.find_batches(c, q)),
        ("POST", re.compile(r"^/batches$"), lambda c, m, b, q: [batches.link_batch(batches.create_batch(c, b))]),
        ("GET", re.compile(rf"^/batches{one}$"), lambda c, m, b, q: batches.show_batch(c, m[0], q)),
        ("POST", re.compile(rf"^/batches{one}$"), lambda c, m, b, q: [batches.link_batch(batches.create_batch(c, b, m[0]))]),
        ("PUT", re.compile(rf"^/batches{one}$"),
         lambda c, m, b, q: (batches.replace_batch(c, m[0], b), [batches.link_batch(m[0])])[1]),
        ("PATCH", re.compile(rf"^/batches{one}$"),
         lambda c, m, b, q: (batches.patch_batch(c, m[0], b), [batches.link_batch(m[0])])[1]),
        ("DELETE", re.compile(rf"^/batches{one}$"),
         lambda c, m, b, q: (batches.delete_batch(c, m[0]), [batches.link_batch(m[0])])[1]),
    ]


ROUTES = _routes()


def _fill(value: Any, results: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return TEMPLATE.sub(lambda m: str(_attribute(results, m.group(1), m.group(2))), value)
    if isinstance(value, list):
        return [_fill(v, results) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, results) for k, v in value.items()}
    return value


def _attribute(results: dict[str, Any], request_id: str, attribute: str) -> Any:
    if request_id not in results:
        raise BadRequest(f"Template <<{request_id}.{attribute}>> refers to no earlier sub-request.")
    body = results[request_id]
    if isinstance(body, list) and body and isinstance(body[0], str) and attribute == "id":
        return body[0].rsplit("/", 1)[-1]
    if isinstance(body, dict):
        if attribute in body:
            return body[attribute]
        if len(body) == 1:
            (key, inner), = body.items()
            if attribute == "id":
                return key
            if isinstance(inner, dict) and attribute in inner:
                return inner[attribute]
    raise BadRequest(f"Template <<{request_id}.{attribute}>>: the response of '{request_id}' has no '{attribute}'.")


def _dispatch(ctx: RequestContext, method: str, resource: str, body: Any) -> Any:
    path, _, query_string = resource.partition("?")
    params = parse_qsl(query_string, keep_blank_values=True)
    path = "/" + path.strip("/")
    for route_method, pattern, handler in ROUTES:
        found = pattern.match(path)
        if found and route_method == method:
            return handler(ctx, list(found.groups()), body, params)  # type: ignore[arg-type]
    if any(pattern.match(path) for _m, pattern, _h in ROUTES):
        raise errors.MethodNotAllowed(f"Method {method} is not allowed on {path}.")
    raise errors.NotFound(f"No Catalog resource matches {method} {path}.")


def run(ctx: RequestContext, items: Any) -> list[dict[str, Any]]:
    validation.check_body(ctx, "catalog", "POST", "/", items)
    if not items:
        raise BadRequest("The batched request must contain at least one sub-request.")
    if len(items) > MAX_SUB_REQUESTS:
        raise BadRequest(f"A batched request takes at most {MAX_SUB_REQUESTS} sub-requests.")
    results: dict[str, Any] = {}
    answers: list[dict[str, Any]] = []
    with journal.recording() as entries:
        for position, item in enumerate(items):
            request_id = str(item.get("id", position))
            method = str(item.get("method", "GET")).upper()
            try:
                resource = _fill(item.get("resource"), results)
                if not isinstance(resource, str) or not resource.startswith("/"):
                    raise BadRequest("Each sub-request needs a 'resource' path starting with '/'.")
                body = _fill(item.get("body"), results)
                answer = _dispatch(ctx, method, resource, body)
            except PlatformError as error:
                answers.append({"id": request_id, "code": error.status,
                                "body": errors.CATALOG.render(error, ctx.request_id)})
                if method != "GET":
                    journal.undo(ctx, entries)
                    break
                continue
            results[request_id] = answer
            answers.append({"id": request_id, "code": 200, "body": answer})
    return answers
