"""The Catalog pager: ``start``, ``limit``, ``orderBy`` and ``properties`` (filter-data.md) over the
shared selection. A Catalog list answers one JSON object keyed by id, in the chosen order.

What the documentation fixes: ``limit`` defaults to 20 and runs from 1 to 100 (a dataset list
that asks for ``observableSchema`` stops at 20); ``start`` is a zero-based offset; ``orderBy``
is a comma list of ``[asc:|desc:]<property>`` (ascending when no direction is given), later keys
breaking ties of earlier ones; ``properties`` keeps only the listed top-level properties of each
object (one it lacks is left out, one present without a value shows as ``{}``). Query
parameters take precedence over headers of the same name (the caller merges them).

Cost: the store keeps objects in insertion order, which is their ``created`` order (the
emulator stamps ``created`` from its clock when it first inserts an object), so no ``orderBy``,
``orderBy=created`` / ``asc:created`` and ``desc:created`` read the page (plus one) from the
store, starting by bisection; when the conditions are one index-served condition, or none, the
offset is reached without reading what it skips, otherwise the skipped matches are read and
tested once. Any other ``orderBy`` sorts every match (the only way to know the first page of a
sort), which costs the matches, not the page.

Every parameter is user input: each is parsed, bounded and refused with a 400 (the caller's
service shape) before any record is read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from mockaep.core.errors import BadRequest
from mockaep.core.paging.selection import Condition, Selection, SortKey, select
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection
from mockaep.core.numbers import whole_number

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
#: Largest ``start`` accepted (far past any collection the emulator holds; bounds the parse).
MAX_START = 1_000_000_000
MAX_ORDER_KEYS = 8
MAX_PROPERTIES = 100
MAX_PROPERTY_NAME = 256
#: Top-level property names as Catalog spells them (``adobe/pqs/table``-style tag names included).
PROPERTY_NAME = re.compile(r"^[A-Za-z0-9_@$:/-]{1,%d}$" % MAX_PROPERTY_NAME)
#: The property whose order is insertion order (see the module docstring).
INSERTION_FIELD = "created"
PARAMETERS = ("limit", "start", "orderBy", "properties")


@dataclass(frozen=True)
class PageRequest:
    """One list request's paging: what to skip, how many, in which order, which properties."""

    start: int = 0
    limit: int = DEFAULT_LIMIT
    order: tuple[SortKey, ...] = ()
    properties: tuple[str, ...] | None = None


def read_page_request(query: QueryParams, *, limit_when: Mapping[str, int] | None = None) -> PageRequest:
    """The paging of a list request, or a 400 naming the parameter at fault.

    ``limit_when``: a lower maximum ``limit`` when ``properties`` names a property
    (``{"observableSchema": 20}`` for datasets). A repeated parameter counts once (its first value).
    """
    properties = read_properties(query.get("properties"))
    maximum = MAX_LIMIT
    for name, cap in (limit_when or {}).items():
        if properties and name in properties:
            maximum = min(maximum, cap)
    raw_limit = query.get("limit")
    limit = min(DEFAULT_LIMIT, maximum) if raw_limit is None else _read_int("limit", raw_limit, 1, maximum)
    raw_start = query.get("start")
    start = 0 if raw_start is None else _read_int("start", raw_start, 0, MAX_START)
    raw_order = query.get("orderBy")
    order = () if raw_order is None else read_order(raw_order)
    return PageRequest(start, limit, order, properties)


def _read_int(name: str, raw: str, minimum: int, maximum: int) -> int:
    text = raw.strip()
    # digits only, and no more than the bound has: int() of a long text costs, and Python refuses
    # texts over 4300 digits with a ValueError of its own
    value = whole_number(text, len(str(maximum)))
    if value is None or not minimum <= value <= maximum:
        raise BadRequest(f"Invalid '{name}' value '{raw[:100]}': it must be an integer from {minimum} to {maximum}.")
    return value


def read_order(raw: str) -> tuple[SortKey, ...]:
    """``orderBy``: ``[asc:|desc:]<property>[,…]``, at most :data:`MAX_ORDER_KEYS` keys."""
    parts = [p.strip() for p in raw.split(",", MAX_ORDER_KEYS)]
    if len(parts) > MAX_ORDER_KEYS:
        raise BadRequest(f"Invalid orderBy: at most {MAX_ORDER_KEYS} properties can be sorted on.")
    keys = []
    for part in parts:
        if not part:
            continue
        direction, _, name = part.rpartition(":")
        if direction not in ("", "asc", "desc") or not PROPERTY_NAME.match(name):
            raise BadRequest(f"Invalid orderBy '{raw[:200]}': use [asc:|desc:]<property>[,…] with top-level "
                             "property names.")
        keys.append(SortKey(name, direction == "desc"))
    if not keys:
        raise BadRequest("Invalid orderBy '': name at least one property, e.g. orderBy=desc:created.")
    return tuple(keys)


def read_properties(raw: str | None) -> tuple[str, ...] | None:
    """``properties``: a comma list of top-level property names (``None``: every property)."""
    if raw is None:
        return None
    names = [p.strip() for p in raw.split(",", MAX_PROPERTIES)]
    if len(names) > MAX_PROPERTIES:
        raise BadRequest(f"Invalid properties: at most {MAX_PROPERTIES} properties can be listed.")
    names = [n for n in names if n]
    for name in names:
        if len(name) > MAX_PROPERTY_NAME:
            raise BadRequest(f"Invalid properties: a property name is at most {MAX_PROPERTY_NAME} characters.")
    return tuple(dict.fromkeys(names)) or None


def project(record: Mapping[str, Any], properties: Sequence[str] | None) -> dict[str, Any]:
    """The record with only ``properties`` (all when ``None``); a property present without a value
    shows as ``{}`` (filter-data.md)."""
    if properties is None:
        return dict(record)
    return {p: ({} if record[p] is None else record[p]) for p in properties if p in record}


def select_page(collection: Collection, conditions: Sequence[Condition], page: PageRequest, *,
                transform: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                insertion_field: str = INSERTION_FIELD) -> Selection:
    """The matches of ``conditions`` on this page (see the module docstring for what it costs)."""
    order = page.order
    if not order or (len(order) == 1 and order[0].path == insertion_field):
        reverse = bool(order) and order[0].descending
        return select(collection, conditions, reverse=reverse, offset=page.start, limit=page.limit,
                      transform=transform)
    # a sort by other properties: every match is read and sorted (the query's own cost)
    return select(collection, conditions, order=order, offset=page.start, limit=page.limit, transform=transform)


def list_page(collection: Collection, conditions: Sequence[Condition], page: PageRequest, *,
              transform: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """A Catalog list answer: ``{id: object}`` of the page, projected by ``properties``."""
    found = select_page(collection, conditions, page, transform=transform)
    return {entry.id: project(entry.record, page.properties) for entry in found.entries}


