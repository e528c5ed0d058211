"""Continuation paging (Flow Service): ``limit`` and an opaque ``continuationToken``.

A list call states its query once — filter expressions, ``orderby``, ``limit``, ``count`` — and
the answer's ``_links.next.href`` is ``<base path>?continuationToken=<token>`` and nothing else
(FSY ``PageLinksResponse``): the token carries the whole query and the cursor. So a client that
follows the link as it is, one that re-sends its own parameters beside the token (aepp's
``getConnections``), and one that cuts the token out of the link (``href.split("=")[1]``) all get
the next page. With a token, the token's query governs; a ``limit`` sent beside it sets the size
of the pages that follow (keyset paging makes that harmless); other parameters beside a token are
checked (unknown ones are still refused) and otherwise not used.

Cursors are keysets, so paging visits every object that exists throughout exactly once even when
objects are added or removed between pages: in insertion order the last item's sequence number
(a cursor on a deleted item still resumes after its place); ordered by a field, the last item's
sort value and id (ties are broken by id). The service parses its own filter language and
``orderby`` (:class:`~mockaep.core.paging.selection.Condition` objects and a
:class:`~mockaep.core.paging.selection.SortKey`); this module reads the parameters and tokens,
runs :func:`~mockaep.core.paging.selection.select` and builds the envelope.

User text in a token (filter expressions, ``orderby``, an ordered cursor's sort value) travels
inside base64 blobs, so it cannot trip the token reader's nesting bounds; every part is size-
checked when issued and type-checked when read back, and anything else is refused with the
service's ``invalid-token`` code.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from mockaep.core.errors import BadRequest
from mockaep.core.jsonreader import parse_json
from mockaep.core.numbers import whole_number
from mockaep.core.paging.selection import Condition, Entry, SortKey, count, rank, select, sort_value
from mockaep.core.paging.tokens import TokenError, decode_token, encode_token
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection

#: Why a list request is refused; the service maps each to its code (``ContinuationRules.codes``).
REASONS = ("unknown-parameter", "limit-and-count", "invalid-value", "invalid-token", "too-large")
TOKEN_PARAMETER = "continuationToken"
#: Longest base64 text a token's query blob may take (filters and orderby): what keeps every
#: token this module issues under the token reader's length bound.
MAX_QUERY_BLOB = 4000
#: Longest JSON text of an ordered cursor's sort value; longer values are cut (see ``_cursor``).
MAX_CURSOR_VALUE = 1024
MAX_CURSOR_ID = 256
_MISSING_RANK = 9  # an ordered cursor on an item lacking the sort field


@dataclass(frozen=True)
class ContinuationRules:
    """What one list takes and how it refuses.

    ``parameters``: the query parameters it accepts (others: ``unknown-parameter``);
    ``filter_parameter``: the repeatable one holding filter expressions; ``max_limit``: larger
    ``limit`` values are served as this (the page size is a hint); ``max_filters``: more filter
    expressions than this are refused (``too-large``); ``codes``: reason → service error code.
    """

    parameters: tuple[str, ...] = ("property", "limit", "orderby", TOKEN_PARAMETER, "count")
    filter_parameter: str = "property"
    max_limit: int = 1000
    max_filters: int = 20
    codes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListQuery:
    """A list request's query: what a token carries."""

    filters: tuple[str, ...] = ()
    orderby: str | None = None
    limit: int | None = None
    count: bool = False


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: ``after`` (insertion order: a sequence number) or, ordered by a
    field, the last item's ranked sort value (``kind``, ``value``; ``truncated`` when cut) and id."""

    after: int | None = None
    kind: int | None = None
    value: Any = None
    truncated: bool = False
    id: str | None = None


def _error(rules: ContinuationRules, reason: str, detail: str) -> BadRequest:
    return BadRequest(detail, code=rules.codes.get(reason))


# -- reading a request -----------------------------------------------------------------------------
def read_query(params: QueryParams, rules: ContinuationRules, *,
               body: ListQuery | None = None) -> tuple[ListQuery, Cursor | None]:
    """The query a list request asks for, and where its page starts.

    From the parameters, or ``body`` (a search request states its query in the body); with a
    ``continuationToken``, from the token. A repeated single-valued parameter is not an error:
    its first value counts (``QueryParams.get``).
    """
    for name in params.keys():
        if name not in rules.parameters:
            raise _error(rules, "unknown-parameter", f"Invalid params {name[:100]} provided in query params.")
    limit = _limit(params.get("limit"), rules) if "limit" in params else None
    counting = _count(params.get("count"), rules) if "count" in params else None
    if counting and limit is not None:
        raise _error(rules, "limit-and-count", "The limit and count parameters cannot be given together in the same "
                     "request. Please provide either only the limit or the count parameter and try again.")
    token = params.get(TOKEN_PARAMETER)
    if token is not None:
        query, cursor = _resume(token, rules)
        if limit is not None:
            query = ListQuery(query.filters, query.orderby, limit, query.count)
        if counting is not None:
            query = ListQuery(query.filters, query.orderby, None if counting else query.limit, counting)
        return query, cursor
    if body is not None:
        query = body
        if query.limit is not None:
            query = ListQuery(query.filters, query.orderby, min(query.limit, rules.max_limit), query.count)
    else:
        filters = tuple(params.getlist(rules.filter_parameter)) if rules.filter_parameter in rules.parameters else ()
        query = ListQuery(filters, params.get("orderby"), limit, bool(counting))
    _check_size(query, rules)
    return query, None


def _limit(raw: str | None, rules: ContinuationRules) -> int:
    value = whole_number((raw or "").strip(), 12)
    if value is None or value < 1:
        raise _error(rules, "invalid-value", f"Invalid value {str(raw)[:100]} for field limit.")
    return min(value, rules.max_limit)


def _count(raw: str | None, rules: ContinuationRules) -> bool:
    lowered = (raw or "").strip().lower()
    if lowered not in ("true", "false"):
        raise _error(rules, "invalid-value", f"Invalid value {str(raw)[:100]} for field count.")
    return lowered == "true"


def _check_size(query: ListQuery, rules: ContinuationRules) -> None:
    """Bounds on what a query may carry, checked before any work (and so that its token fits)."""
    if len(query.filters) > rules.max_filters:
        raise _error(rules, "too-large", f"At most {rules.max_filters} filter expressions may be given in one "
                     f"request; {len(query.filters)} were given.")
    if len(_blob([list(query.filters), query.orderby])) > MAX_QUERY_BLOB:
        raise _error(rules, "too-large", "The filter expressions and orderby of this request are too long to page "
                     f"through; keep them under about {MAX_QUERY_BLOB * 3 // 4} characters in all.")


# -- tokens ------------------------------------------------------------------------------------------
def _blob(value: Any) -> str:
    """User text as an opaque base64 string inside a token (no brackets reach the token reader)."""
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unblob(text: Any, limit: int) -> Any:
    if not isinstance(text, str) or not text or len(text) > limit:
        raise TokenError("blob")
    try:
        raw = base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))
    except (ValueError, binascii.Error):
        raise TokenError("blob") from None
    try:
        return parse_json(raw, what="continuation token")
    except BadRequest:
        raise TokenError("blob") from None


def _resume(token: str, rules: ContinuationRules) -> tuple[ListQuery, Cursor]:
    invalid = _error(rules, "invalid-token", f"Invalid query value continuationToken={token[:100]} provided in "
                                             "query param.")
    try:
        payload = decode_token(token)
        query = _query_of(payload, rules)
        cursor = _cursor_of(payload, query)
    except (TokenError, ValueError, TypeError):
        raise invalid from None
    return query, cursor


def _query_of(payload: Mapping[str, Any], rules: ContinuationRules) -> ListQuery:
    parts = _unblob(payload.get("q"), MAX_QUERY_BLOB)
    if not (isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], list)
            and len(parts[0]) <= rules.max_filters and all(isinstance(f, str) for f in parts[0])
            and (parts[1] is None or isinstance(parts[1], str))):
        raise TokenError("query")
    limit = payload.get("l")
    if limit is not None and (type(limit) is not int or not 1 <= limit <= rules.max_limit):
        raise TokenError("limit")
    return ListQuery(tuple(parts[0]), parts[1], limit, False)


def _cursor_of(payload: Mapping[str, Any], query: ListQuery) -> Cursor:
    if query.orderby is None:
        after = payload.get("a")
        if type(after) is not int or after < -1:
            raise TokenError("cursor")
        return Cursor(after=after)
    parts = _unblob(payload.get("c"), 4 * (MAX_CURSOR_VALUE + MAX_CURSOR_ID))
    if not (isinstance(parts, list) and len(parts) == 4):
        raise TokenError("cursor")
    kind, value, record_id, truncated = parts
    expected = {0: (int, float), 1: (str,), 2: (bool,), 3: (str,), _MISSING_RANK: (type(None),)}
    if (type(kind) is not int or kind not in expected or not isinstance(value, expected[kind])
            or (kind == 0 and isinstance(value, bool)) or not isinstance(record_id, str)
            or not isinstance(truncated, bool)):
        raise TokenError("cursor")
    return Cursor(kind=kind, value=value, truncated=truncated, id=record_id)


def _token(query: ListQuery, last: Entry, order: SortKey | None) -> str:
    payload: dict[str, Any] = {"q": _blob([list(query.filters), query.orderby])}
    if query.limit is not None:
        payload["l"] = query.limit
    if order is None:
        payload["a"] = last.seq
    else:
        found = sort_value(last.record, order.path)
        kind, value = (_MISSING_RANK, None) if found is None else rank(found)
        value, truncated = _cut(value)
        payload["c"] = _blob([kind, value, last.id[:MAX_CURSOR_ID], truncated])
    return encode_token(payload)


def _cut(value: Any) -> tuple[Any, bool]:
    """A sort value short enough for a token: long text is cut to a prefix (``truncated``)."""
    if not isinstance(value, str) or len(json.dumps(value, ensure_ascii=False)) <= MAX_CURSOR_VALUE:
        return value, False
    cut = value[:MAX_CURSOR_VALUE]
    while len(json.dumps(cut, ensure_ascii=False)) > MAX_CURSOR_VALUE:
        cut = cut[: len(cut) // 2]
    return cut, True


# -- answering -----------------------------------------------------------------------------------------
def respond(collection: Collection, query: ListQuery, cursor: Cursor | None, *, conditions: Sequence[Condition],
            order: SortKey | None, base_path: str,
            render: Callable[[Entry], Any] | None = None,
            transform: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The answer to a list request: ``{"count": N}``, or ``{"items": [...], "_links": {...}}``.

    ``render`` turns a selected entry into the listed item (default: the decoded record);
    ``transform`` adds computed fields before filters and ordering see a record.
    """
    if query.count:
        return {"count": count(collection, conditions) if transform is None else
                len(select(collection, conditions, transform=transform).entries)}
    if order is None:
        selection = select(collection, conditions, after=cursor.after if cursor else None, limit=query.limit,
                           transform=transform)
    else:
        # Ties are broken by id whatever the direction, so the order is total and a cursor exact.
        selection = select(collection, conditions, order=[order, SortKey("id")], limit=query.limit,
                           after_key=_skip(collection, order, cursor, transform) if cursor else None,
                           transform=transform)
    links: dict[str, Any] = {}
    if selection.more:
        links["next"] = {"href": f"{base_path}?{TOKEN_PARAMETER}={_token(query, selection.entries[-1], order)}"}
    items = [render(e) for e in selection.entries] if render is not None else selection.records
    return {"items": items, "_links": links}


def _skip(collection: Collection, order: SortKey, cursor: Cursor,
          transform: Callable[[dict[str, Any]], dict[str, Any]] | None) -> Callable[[Entry], bool]:
    """For ``select``'s ``after_key``: whether an entry comes at or before the cursor."""
    kind, value = cursor.kind, cursor.value
    if cursor.truncated and cursor.id is not None:
        # The cursor's item still holding the value it was cut from gives the value back whole.
        record = collection.get(cursor.id)
        if record is not None:
            found = sort_value(transform(record) if transform else record, order.path)
            if found is not None and rank(found)[0] == kind and str(rank(found)[1]).startswith(value):
                value = rank(found)[1]
    anchor_missing = kind == _MISSING_RANK
    anchor = (kind, value)
    anchor_id = cursor.id or ""

    def at_or_before(entry: Entry) -> bool:
        found = sort_value(entry.record, order.path)
        if (found is None) != anchor_missing:
            return found is not None  # present values come before missing ones
        if found is not None:
            ranked = rank(found)
            if ranked != anchor:
                try:
                    return ranked > anchor if order.descending else ranked < anchor
                except TypeError:  # only a forged cursor can pair a kind with a foreign value
                    return False
        return entry.id <= anchor_id

    return at_or_before
