"""The Schema Registry's paging model: ``property`` filters, ``orderby``/``start``/``limit`` and the
``_page`` envelope (xdm/api/appendix.md query parameters; schemas.md list envelope).

* ``property=<path><op><value>`` (``==``, ``!=``, ``<``, ``>``, ``<=``, ``>=``, ``~`` a regular
  expression run by RE2; a bare path: the field exists). Comma-separated conditions all apply. An
  ``==`` on an indexed path is answered by the index.
* ``orderby=title,-version``: ordered by fields (``-`` descending); ``start`` is then a value of
  the primary field: the page holds the items strictly after it (before it, descending).
  ``_page.next`` is the primary value of the page's last item when more follow. A page is extended
  past ``limit`` while the next items share the last one's primary value, so a ``start`` never
  skips them (the appendix calls ``limit`` a hint "constrained by the need to provide the reliable
  operation of the ``start`` parameter").
* Without ``orderby``: the registry's default order (creation). ``limit`` alone is a hint (the
  community SDK sends ``limit=300`` on every list) and ``_page.next`` is an opaque ``start`` the
  next call sends alone, as the SDK does.
* At most :data:`MAX_PAGE` items per page whatever ``limit`` says (docs: "Limit: 300").

Ordering by a field sorts every match: the query's own semantics need all of them. The default
order reads lazily from the store and stops after the page.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from mockaep.core.errors import BadRequest
from mockaep.core.paging.selection import Condition, Entry, SortKey, select, sort_value
from mockaep.core.paging.tokens import TokenError, decode_token, encode_token
from mockaep.core.patterns import PatternError, compile_pattern
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection

MAX_PAGE = 300
MAX_LIMIT = 500
#: Bounds on what a list query may ask for (checked before any record is read).
MAX_FILTERS = 50
MAX_FILTER_LENGTH = 2048
MAX_ORDER_KEYS = 10
MAX_START_LENGTH = 1024

_FILTER_RE = re.compile(r"^(?P<path>[^=!<>~]+?)\s*(?:(?P<op>==|!=|<=|>=|<|>|~)\s*(?P<value>.*))?$", re.S)


# -- conditions ------------------------------------------------------------------------------------
def value_at(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (``meta:registryMetadata.repo:createdDate``); a top-level key
    that itself contains dots is found too. ``None`` when absent."""
    node: Any = record
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, Mapping) and path in node:
            return node[path]
        else:
            return None
    return node


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class PropertyFilter:
    """One ``property`` condition (a :class:`~mockaep.core.paging.selection.Condition`)."""

    path: str
    op: str | None
    value: str
    pattern: Any = None  # the compiled RE2 pattern of a ``~`` condition

    exact = False  # index keys are canonical forms: matches() still decides

    def narrow(self, collection: Collection) -> Sequence[int] | None:
        if self.op != "==":
            return None
        for path in (self.path + "[]", self.path):
            if collection.indexed(path):
                return collection.hits(path, self.value)
        return None

    def matches(self, record: Mapping[str, Any]) -> bool:
        actual = value_at(record, self.path)
        if self.op is None:
            return actual is not None
        return self._compare(actual)

    def _compare(self, actual: Any) -> bool:
        if isinstance(actual, list):
            if self.op == "!=":
                return all(self._compare_one(a, "==") is False for a in actual)
            return any(self._compare_one(a, self.op) for a in actual)
        return self._compare_one(actual, self.op)

    def _compare_one(self, actual: Any, op: str | None) -> bool:
        if actual is None or isinstance(actual, (dict, list)):
            return op == "!="
        text = _text(actual)
        if op == "==":
            return text == self.value
        if op == "!=":
            return text != self.value
        if op == "~":
            return self.pattern.search(text) is not None
        left: Any = text
        right: Any = self.value
        try:
            left, right = float(text), float(self.value)
        except ValueError:
            pass
        return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


def read_filters(values: Sequence[str]) -> list[PropertyFilter]:
    """The conditions of the ``property`` parameters (every occurrence applies)."""
    filters: list[PropertyFilter] = []
    for raw in values:
        if len(raw) > MAX_FILTER_LENGTH:
            raise BadRequest(f"A 'property' filter may be at most {MAX_FILTER_LENGTH} characters long.")
        parts = [raw] if "~" in raw else [p for p in raw.split(",") if p.strip()]
        for part in parts:
            match = _FILTER_RE.match(part.strip())
            if not match or not match["path"].strip():
                raise BadRequest(f"'property={raw[:200]}' is not a filter: use property=<field><op><value> with op "
                                 "one of ==, !=, <, >, <=, >=, ~ (or the field name alone).")
            op = match["op"]
            value = (match["value"] or "").strip().strip('"')
            pattern = None
            if op == "~":
                try:
                    pattern = compile_pattern(value)
                except PatternError as exc:
                    raise BadRequest(f"'property={raw[:200]}': {exc}.") from None
            filters.append(PropertyFilter(match["path"].strip(), op, value, pattern))
            if len(filters) > MAX_FILTERS:
                raise BadRequest(f"A list takes at most {MAX_FILTERS} 'property' conditions.")
    return filters


# -- the page request ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PageRequest:
    """What a list call asks for: order, where to start, how many."""

    orderby: str | None = None
    order: tuple[SortKey, ...] = ()
    start: str | None = None   # with ``orderby``: the primary value to start after
    after: int | None = None   # without: the sequence number to start after (from our own next)
    limit: int = MAX_PAGE


def read_page_request(query: QueryParams) -> PageRequest:
    """``orderby``, ``start`` and ``limit`` of a list call; malformed values are 400."""
    orderby = query.get("orderby")
    start = query.get("start")
    limit_text = query.get("limit")
    limit = MAX_PAGE
    if limit_text is not None:
        try:
            number = float(limit_text)
        except ValueError:
            number = -1.0
        if not 0 < number <= MAX_LIMIT or not number.is_integer():
            raise BadRequest(f"'limit' must be a whole number between 1 and {MAX_LIMIT}, not '{limit_text[:50]}'.")
        limit = min(int(number), MAX_PAGE)
    if start is not None and len(start) > MAX_START_LENGTH:
        raise BadRequest(f"'start' may be at most {MAX_START_LENGTH} characters long.")
    if orderby is None:
        after = None
        if start is not None:
            after = _read_cursor(start)
        return PageRequest(start=None, after=after, limit=limit)
    keys = [k.strip() for k in orderby.split(",")]
    if not orderby.strip() or any(k in ("", "-", "+") for k in keys):
        raise BadRequest(f"'orderby={orderby[:200]}' names no field: use orderby=<field>[,<field>…], '-' before a "
                         "field for descending order.")
    if len(keys) > MAX_ORDER_KEYS:
        raise BadRequest(f"'orderby' takes at most {MAX_ORDER_KEYS} fields.")
    order = tuple(SortKey(k.lstrip("+-"), k.startswith("-")) for k in keys)
    return PageRequest(orderby=orderby, order=order, start=start, limit=limit)


def _read_cursor(start: str) -> int:
    try:
        payload = decode_token(start)
    except TokenError:
        payload = {}
    after = payload.get("after")
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise BadRequest(f"'start={start[:100]}' without 'orderby' must be the '_page.next' of a previous page; "
                         "to start at a value, name the field in 'orderby'.")
    return after


# -- the page --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    envelope: Callable[[list[Any]], dict[str, Any]]

    def body(self, shown: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
        """The list body with each record as ``shown`` renders it."""
        return self.envelope([shown(r) for r in self.records])


def page(collection: Collection, conditions: Sequence[Condition], request: PageRequest, *, base_url: str,
         query: QueryParams | None = None) -> Page:
    """One page of ``collection`` (records as stored) and its envelope."""
    if not request.order:
        found = select(collection, conditions, after=request.after, limit=request.limit)
        entries, more = found.entries, found.more
        next_start = encode_token({"after": entries[-1].seq}) if more and entries else None
    else:
        primary = request.order[0]
        bound = request.start
        skip = None if bound is None else (lambda e: _not_beyond(sort_value(e.record, primary.path), bound,
                                                                 primary.descending))
        everything = select(collection, conditions, order=request.order, after_key=skip).entries
        entries = _cut(everything, request.limit, primary.path)
        more = len(entries) < len(everything)
        next_start = _start_text(sort_value(entries[-1].record, primary.path)) if more and entries else None
    records = [e.record for e in entries]

    def envelope(results: list[Any]) -> dict[str, Any]:
        info: dict[str, Any] = {"count": len(results), "next": next_start}
        if request.orderby:
            info = {"orderby": request.orderby, **info}
        links: dict[str, Any] = {"next": None}
        if next_start is not None:
            links["next"] = {"href": f"{base_url}?{_next_query(query, request, next_start)}"}
        return {"results": results, "_page": info, "_links": links}

    return Page(records, envelope)


def _cut(entries: list[Entry], limit: int, primary: str) -> list[Entry]:
    """The first ``limit`` entries, extended over the ones sharing the last one's primary value
    (so that ``start`` = that value skips none of them), never beyond :data:`MAX_LIMIT`."""
    if len(entries) <= limit:
        return entries
    last = sort_value(entries[limit - 1].record, primary)
    end = limit
    while end < len(entries) and end < MAX_LIMIT and last is not None \
            and sort_value(entries[end].record, primary) == last:
        end += 1
    return entries[:end]


def _start_text(value: Any) -> str:
    if value is None:
        return ""
    return _text(value)


def _not_beyond(value: Any, start: str, descending: bool) -> bool:
    """Whether an item whose primary value is ``value`` comes at or before ``start`` (is skipped)."""
    if value is None:
        return False  # items lacking the field sort last: always after any start
    if isinstance(value, bool):
        ordered = (value, start.lower() == "true")
    elif isinstance(value, (int, float)):
        try:
            ordered = (float(value), float(start))
        except ValueError:
            return False  # numbers sort before strings
    else:
        ordered = (_text(value), start)
    left, right = ordered
    return left >= right if descending else left <= right


def _next_query(query: QueryParams | None, request: PageRequest, next_start: str) -> str:
    pairs = [(k, v) for k, v in (query.items() if query is not None else []) if k not in ("start", "limit")]
    pairs += [("start", next_start), ("limit", str(request.limit))]
    return urllib.parse.urlencode(pairs)
