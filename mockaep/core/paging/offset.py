"""The Data Prep pager: ``start`` (a zero-based offset) and ``limit`` over a ``data`` list, with
``_page: {count, limit}`` and, while more items follow, ``_links.next`` (mapping-set.md).

What data-prep.yaml fixes: both are int32 query parameters, ``limit`` defaulting to 10 and
``start`` to 0. The spec marks both required, yet the platform's own clients leave ``start`` out
(aepp's getMappingSets sends ``limit`` only) and are answered: an absent or empty value takes its
default. No page size smaller than the int32 range is documented, so that range is the bound.
Values are read as the platform's Java gateway reads them: a repeated parameter counts once (its
first value), whitespace around a number and a sign are allowed, nothing else is.

Cost: in insertion order (or its reverse) the page is read from the store starting by bisection;
when there is no condition, or one exact index-served condition, ``start`` is reached without
reading what it skips, otherwise the skipped matches are read and tested once. A page sorted by
a field (:func:`select_sorted_page`) reads every match: the only way to know a sort's first page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence
from urllib.parse import urlencode

from mockaep.core.errors import BadRequest
from mockaep.core.paging.selection import Condition, Selection, SortKey, select
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection
from mockaep.core.numbers import signed_number

DEFAULT_LIMIT = 10
DEFAULT_START = 0
#: The largest int32 (data-prep.yaml types both parameters ``format: int32``).
MAX_INT32 = 2**31 - 1


@dataclass(frozen=True)
class PageRequest:
    """One list request's paging: how many matches to skip, how many to answer."""

    start: int = DEFAULT_START
    limit: int = DEFAULT_LIMIT


def read_page_request(query: QueryParams) -> PageRequest:
    """``start`` and ``limit`` of a list request, or a 400 naming the parameter at fault."""
    limit = read_integer(query, "limit", minimum=1)
    start = read_integer(query, "start", minimum=0)
    return PageRequest(DEFAULT_START if start is None else start, DEFAULT_LIMIT if limit is None else limit)


def read_integer(query: QueryParams, name: str, *, minimum: int = 0, maximum: int = MAX_INT32) -> int | None:
    """An integer query parameter of a Data Prep call (``None`` when absent or empty)."""
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    # ASCII digits only, no longer than the bound: int() of a long text costs, and Python refuses
    # texts over 4300 digits with an error of its own
    value = signed_number(raw, len(str(max(maximum, -minimum))), plus=True)
    if value is None or not minimum <= value <= maximum:
        expected = f"an integer from {minimum} to {maximum}"
        raise BadRequest(f"The query parameter '{name}' must be {expected}, "
                         f"got '{raw[:40]}{'...' if len(raw) > 40 else ''}'.",
                         sub_errors=[{"path": f"?{name}", "message": f"must be {expected}"}])
    return value


def select_page(collection: Collection, conditions: Sequence[Condition], page: PageRequest, *,
                reverse: bool = False) -> Selection:
    """The matches of ``conditions`` on this page, in insertion order (``reverse``: newest first)."""
    return select(collection, conditions, reverse=reverse, offset=page.start, limit=page.limit)


def select_sorted_page(collection: Collection, conditions: Sequence[Condition], page: PageRequest,
                       field: str, *, descending: bool) -> Selection:
    """The matches on this page ordered by ``field`` (ties in insertion order): reads every match."""
    return select(collection, conditions, order=[SortKey(field, descending)], offset=page.start, limit=page.limit)


def envelope(items: list[Any], page: PageRequest, *, more: bool, path: str,
             carried: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """The list answer: ``data``, ``_page`` and, when ``more``, ``_links.next`` — ``path`` with
    the next ``limit``/``start`` and the ``carried`` parameters (filters, order) the page was asked with."""
    body: dict[str, Any] = {"data": items, "_page": {"count": len(items), "limit": page.limit}}
    if more:
        query = urlencode([("limit", page.limit), ("start", page.start + page.limit), *carried])
        body["_links"] = {"next": {"href": f"{path}?{query}", "templated": False}}
    return body
