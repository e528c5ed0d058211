"""``POST /`` on Catalog: several sub-requests in one call (appendix.md).

Sub-requests run in order; ``<<requestId.attribute>>`` in a later resource or body is replaced by
that attribute of an earlier response (a ``["@/kind/<id>"]`` answer is aliased to ``id``). The
outer answer lists ``{id, code, body}`` per sub-request; when a write fails, every earlier write
of the call is undone (the journal) and the remaining sub-requests are not run.

Bounds, checked before the work they cause: at most :data:`MAX_SUB_REQUESTS` sub-requests
(counted before anything else is looked at), a resource path of at most
:data:`MAX_RESOURCE_LENGTH` characters once templates are filled, at most
:data:`MAX_TEMPLATE_VALUE` characters per filled-in value and :data:`MAX_TEMPLATES` templates
per sub-request, and the query of a sub-request
bounded like a request's. Each sub-request then costs what the same request alone costs.

Spec/doc conflicts: catalog.yaml says 201 with an array of strings; the appendix shows the real
answer, 200 with one object per sub-request (its ``default`` response covers that). catalog.yaml
types a sub-request's ``body`` as an object, so a PATCH sub-request sends fields (a JSON Patch
array is refused by the schema).
"""
from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import parse_qsl

from mockaep.core import errors, validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, PlatformError, shown
from mockaep.core.request import MAX_QUERY_PARAMETERS, QueryParams
from mockaep.services.catalog import batches, models, objects
from mockaep.services.catalog.journal import Journal
from mockaep.services.catalog.resources import DATASET_FILES

TEMPLATE = re.compile(r"<<([^.<>]{1,200})\.([^<>]{1,200})>>")
MAX_SUB_REQUESTS = 100
MAX_RESOURCE_LENGTH = 2000
MAX_TEMPLATE_VALUE = 1000
MAX_TEMPLATES = 100
Handler = Callable[[RequestContext, Journal, list[str], Any, QueryParams], Any]
ONE = r"/([^/?]+)"


def _done(ref: str) -> list[str]:
    return [ref]


ROUTES: tuple[tuple[str, re.Pattern, Handler], ...] = (
    ("GET", re.compile(r"^/dataSets$"), lambda c, j, m, b, q: models.find_datasets(c, q)),
    ("POST", re.compile(r"^/dataSets$"),
     lambda c, j, m, b, q: _done(objects.link("dataSets", models.create_dataset(c, j, b, q)))),
    ("GET", re.compile(rf"^/dataSets{ONE}$"), lambda c, j, m, b, q: models.show_dataset(c, m[0], q)),
    ("PUT", re.compile(rf"^/dataSets{ONE}$"),
     lambda c, j, m, b, q: (models.replace_dataset(c, j, m[0], b), _done(objects.link("dataSets", m[0])))[1]),
    ("PATCH", re.compile(rf"^/dataSets{ONE}$"),
     lambda c, j, m, b, q: (models.patch_dataset(c, j, m[0], b, "application/json"),
                            _done(objects.link("dataSets", m[0])))[1]),
    ("DELETE", re.compile(rf"^/dataSets{ONE}$"),
     lambda c, j, m, b, q: (models.delete_dataset(c, j, m[0]), _done(objects.link("dataSets", m[0])))[1]),
    ("GET", re.compile(r"^/batches$"), lambda c, j, m, b, q: batches.find_batches(c, q)),
    ("POST", re.compile(r"^/batches$"), lambda c, j, m, b, q: _done(batches.link_batch(batches.create_batch(c, j, b)))),
    ("GET", re.compile(rf"^/batches{ONE}$"), lambda c, j, m, b, q: batches.show_batch(c, m[0], q)),
    ("POST", re.compile(rf"^/batches{ONE}$"),
     lambda c, j, m, b, q: _done(batches.link_batch(batches.create_batch(c, j, b, m[0])))),
    ("PUT", re.compile(rf"^/batches{ONE}$"),
     lambda c, j, m, b, q: (batches.replace_batch(c, j, m[0], b), _done(batches.link_batch(m[0])))[1]),
    ("PATCH", re.compile(rf"^/batches{ONE}$"),
     lambda c, j, m, b, q: (batches.patch_batch(c, j, m[0], b, "application/json"),
                            _done(batches.link_batch(m[0])))[1]),
    # The batch's data files stay on disk until the tenant goes or a snapshot no longer names them
    # (a later sub-request may fail and undo this deletion, so they cannot be freed here).
    ("DELETE", re.compile(rf"^/batches{ONE}$"),
     lambda c, j, m, b, q: (batches.delete_batch(c, j, m[0]), _done(batches.link_batch(m[0])))[1]),
    ("GET", re.compile(r"^/dataSetFiles$"), lambda c, j, m, b, q: batches.find_dataset_files(c, q)),
    ("GET", re.compile(rf"^/dataSetFiles{ONE}$"), lambda c, j, m, b, q: batches.show_dataset_file(c, m[0], q)),
    ("PATCH", re.compile(rf"^/dataSetFiles{ONE}$"),
     lambda c, j, m, b, q: (batches.patch_dataset_file(c, j, m[0], b, "application/json"),
                            _done(objects.link(DATASET_FILES, m[0])))[1]),
)


class _Filler:
    """Fills the templates of one sub-request, at most :data:`MAX_TEMPLATES` of them."""

    def __init__(self, results: dict[str, Any]) -> None:
        self.results = results
        self.count = 0

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return TEMPLATE.sub(self._one, value) if "<<" in value else value
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        return value

    def _one(self, found: re.Match) -> str:
        self.count += 1
        if self.count > MAX_TEMPLATES:
            raise BadRequest(f"A sub-request may use at most {MAX_TEMPLATES} templates.")
        return _attribute(self.results, found.group(1), found.group(2))


def _attribute(results: dict[str, Any], request_id: str, attribute: str) -> str:
    if request_id not in results:
        raise BadRequest(f"Template <<{request_id}.{attribute}>> refers to no earlier sub-request.")
    body = results[request_id]
    found: Any = _MISSING
    if isinstance(body, list) and body and isinstance(body[0], str) and attribute == "id":
        found = body[0].rsplit("/", 1)[-1]
    elif isinstance(body, dict):
        if attribute in body:
            found = body[attribute]
        elif len(body) == 1:
            (key, inner), = body.items()
            if attribute == "id":
                found = key
            elif isinstance(inner, dict) and attribute in inner:
                found = inner[attribute]
    if found is _MISSING:
        raise BadRequest(f"Template <<{request_id}.{attribute}>>: the response of '{request_id}' has no "
                         f"'{attribute}'.")
    text = found if isinstance(found, str) else str(found)
    if len(text) > MAX_TEMPLATE_VALUE:
        raise BadRequest(f"Template <<{request_id}.{attribute}>> stands for a value longer than "
                         f"{MAX_TEMPLATE_VALUE} characters; templates fill in ids and short attributes.")
    return text


_MISSING = object()


def _dispatch(ctx: RequestContext, journal: Journal, method: str, resource: str, body: Any) -> Any:
    if len(resource) > MAX_RESOURCE_LENGTH:
        raise BadRequest(f"A sub-request's resource is at most {MAX_RESOURCE_LENGTH} characters.")
    path, _, query_string = resource.partition("?")
    try:
        params = QueryParams(parse_qsl(query_string, keep_blank_values=True, max_num_fields=MAX_QUERY_PARAMETERS))
    except ValueError:
        raise BadRequest(f"A sub-request's resource has more than {MAX_QUERY_PARAMETERS} query parameters.") from None
    path = "/" + path.strip("/")
    # No Catalog path holds a control character or white space: such a path names no resource
    # (and ``$`` would have matched before a final newline: the patterns match whole paths).
    if path.isprintable() and " " not in path:
        for route_method, pattern, handler in ROUTES:
            found = pattern.fullmatch(path)
            if found and route_method == method:
                return handler(ctx, journal, list(found.groups()), body, params)
        if any(pattern.fullmatch(path) for _m, pattern, _h in ROUTES):
            raise errors.MethodNotAllowed(f"Method {shown(method, 20)} is not allowed on {shown(path, quoted=True)}.")
    raise errors.NotFound(f"No Catalog resource matches {shown(method, 20)} {shown(path, quoted=True)}.")


def run(ctx: RequestContext, journal: Journal, items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise BadRequest("The batched request must be an array of sub-requests "
                         '({"id", "resource", "method", "body"}).')
    if not items:
        raise BadRequest("The batched request must contain at least one sub-request.")
    if len(items) > MAX_SUB_REQUESTS:  # before any other work on the items
        raise BadRequest(f"A batched request takes at most {MAX_SUB_REQUESTS} sub-requests; this one has "
                         f"{len(items)}.")
    validation.check_body(ctx, "catalog", "POST", "/", items)
    results: dict[str, Any] = {}
    answers: list[dict[str, Any]] = []
    start = journal.mark()
    for position, item in enumerate(items):
        request_id = str(item.get("id", position))[:200]
        method = str(item.get("method", "GET")).upper()
        try:
            filler = _Filler(results)
            resource = filler.fill(item.get("resource"))
            if not isinstance(resource, str) or not resource.startswith("/"):
                raise BadRequest("Each sub-request needs a 'resource' path starting with '/'.")
            body = filler.fill(item.get("body"))
            answer = _dispatch(ctx, journal, method, resource, body)
        except PlatformError as error:
            answers.append({"id": request_id, "code": error.status,
                            "body": errors.CATALOG.render(error, ctx.request_id)})
            if method != "GET":
                journal.undo(start)
                break
            continue
        results[request_id] = answer
        answers.append({"id": request_id, "code": 200, "body": answer})
    return answers
