"""Every Flow Service list (connections, flows, runs, specs, the /search calls) through the one
continuation pager (``mockaep.core.paging.continuation``) and the list language of ``filters``.

Query parameters the lists take (FSY): ``property`` (repeatable), ``limit``, ``orderby``,
``continuationToken``, ``count``; the spec catalogues take ``property`` only; a ``/search`` call
states its query in the body and takes ``continuationToken`` only. Refusals: 1451 unknown
parameter, 1401 ``limit`` with ``count``, 1452 bad value, 1453 bad token or oversized query.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from mockaep.core.errors import BadRequest
from mockaep.core.paging import continuation
from mockaep.core.paging.continuation import ContinuationRules, Cursor, ListQuery
from mockaep.core.paging.selection import Entry, SortKey
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection
from mockaep.services.flowservice.filters import KNOWN_FIELDS, Condition, mentions, parse_condition, parse_orderby

CODES = {"unknown-parameter": "1451", "limit-and-count": "1401", "invalid-value": "1452",
         "invalid-token": "1453", "too-large": "1453"}
LIST_RULES = ContinuationRules(codes=CODES)
#: ``/connectionSpecs`` and ``/flowSpecs`` take only ``property`` (FSY).
CATALOGUE_RULES = ContinuationRules(parameters=("property",), codes=CODES)
#: ``POST /<collection>/search``: the query is the body; the next page is asked with the token.
SEARCH_RULES = ContinuationRules(parameters=(continuation.TOKEN_PARAMETER,), codes=CODES)


@dataclass(frozen=True)
class ListRequest:
    """A list request, read and checked: what to select and where the page starts."""

    query: ListQuery
    cursor: Cursor | None
    conditions: Sequence[Condition]
    order: SortKey | None


def read(params: QueryParams, *, resource: str, rules: ContinuationRules = LIST_RULES,
         body: ListQuery | None = None) -> ListRequest:
    """Read a list request (parameters, or a search body; a token's query when one is sent)."""
    query, cursor = continuation.read_query(params, rules, body=body)
    fields = KNOWN_FIELDS.get(resource)
    conditions = [parse_condition(text, fields) for text in query.filters]
    return ListRequest(query, cursor, conditions, parse_orderby(query.orderby, fields))


def answer(collection: Collection, request: ListRequest, *, base_path: str,
           render: Callable[[Entry], Any] | None = None,
           computed: Mapping[str, Callable[[dict[str, Any]], dict[str, Any]]] | None = None) -> dict[str, Any]:
    """The page (or count) a list request asks for. ``computed``: top-level fields that are not
    stored (a flow's ``lastRunDetails``) → the function adding them, used only when a filter or
    the sort reads that field."""
    transform = None
    for name, add in (computed or {}).items():
        if mentions(request.conditions, request.order, name):
            transform = add
    return continuation.respond(collection, request.query, request.cursor, conditions=request.conditions,
                                order=request.order, base_path=base_path, render=render, transform=transform)


def answer_query(collection: Collection, params: QueryParams, *, resource: str, base_path: str,
         rules: ContinuationRules = LIST_RULES, **kwargs: Any) -> dict[str, Any]:
    """:func:`read` then :func:`answer`."""
    return answer(collection, read(params, resource=resource, rules=rules), base_path=base_path, **kwargs)


def search_query(body: Mapping[str, Any]) -> ListQuery:
    """A ``*FilterRequest`` body as a list query: ``queryString`` holds filter expressions joined
    by ``&``, each optionally written ``property=<expr>`` (the form of the GET parameter);
    ``limit``, ``orderby`` and ``count`` mean what they mean on lists."""
    filters = tuple(part.strip().removeprefix("property=") for part in str(body.get("queryString") or "").split("&")
                    if part.strip())
    limit = body.get("limit")
    counting = bool(body.get("count"))
    if counting and limit is not None:
        raise BadRequest("The limit and count parameters cannot be given together in the same request. Please "
                         "provide either only the limit or the count parameter and try again.", code="1401")
    if limit is not None and (type(limit) is not int or limit < 1):
        raise BadRequest(f"Invalid value {str(limit)[:50]} for field limit.", code="1452")
    orderby = body.get("orderby")
    return ListQuery(filters, orderby if isinstance(orderby, str) else None, limit, counting)


def projection(fields: Any) -> Callable[[Mapping[str, Any]], dict[str, Any]] | None:
    """``projectionFields`` (comma-separated top-level names): keep those and ``id`` of each item."""
    if not fields:
        return None
    wanted = {"id", *(name.strip() for name in str(fields).split(",") if name.strip())}
    return lambda item: {k: v for k, v in item.items() if k in wanted}
