"""The one pager and filter of every Flow Service list (flows, connections, runs, specs…).

``list_response(records, request.args, resource="flows", base_path="/flows")`` answers a list
call with the platform's envelope ``{"items": [...], "_links": {"next": {"href": ...}}}``, or
``{"count": N}`` for ``count=true``, and raises the FSE errors for bad query parameters.

The language (Adobe's sort-and-filter guide and the FSE catalogue):

* ``property=<path><op><value>``, repeatable, all conditions AND-ed. ``<path>`` is dotted;
  ``name[]`` marks an array whose items are searched (a list met on the way fans out anyway).
  Operators: ``==`` (comma-separated values: any of them), ``!=`` (none of them), ``<``,
  ``<=``, ``>``, ``>=`` (one value only, else 1443), ``~`` (contains). ``property=<path>``
  keeps objects having the field, ``property=!<path>`` those lacking it. Values may be
  quoted (``name=="My flow"``); quotes are stripped.
* Equality compares by the stored value's type: numbers numerically (``15`` matches
  ``15.0``), booleans as ``true``/``false``, strings exactly (case-sensitive, as the ids and
  state names are lowercase by convention). ``<``/``>`` compare numerically when both sides
  are numbers (numeric strings included), else as strings.
* ``orderby=<path>`` / ``+<path>`` / ``-<path>``; ties are broken by ``id``. Without
  ``orderby`` objects come in insertion order. Objects lacking the field sort last.
* ``limit=<n>`` (positive integer) pages; ``_links.next.href`` carries an opaque
  ``continuationToken``. The token is a keyset cursor (the last object's sort key and id), so
  paging visits every object that exists throughout exactly once, even when objects are added
  or deleted between pages. Without ``limit`` the whole result is one page.
* ``count=true`` answers ``{"count": N}`` only; together with ``limit`` → 1401.
* ``start=<n>`` skips the first n objects of the first page (zero-based offset).

Errors (all 400, Flow Service shape): 1401 limit with count, 1432 bad sort sign, 1433 bad
sort field, 1440 operator known but not implemented, 1443 range operator with several values,
1449 invalid field, 1450 unknown operator, 1451 unknown query parameter, 1452 invalid value
for the field, 1453 empty or malformed filter expression.

Filters live in ``filters.py``: equality filters on indexed paths (``INDEXES`` of the
collection) take their candidates from the store's secondary index instead of reading every
record. Without ``orderby`` (insertion order) a store collection is read lazily and the pager
stops once it holds the page and one more object (for the next link), so a page costs its size
plus the index hits, not the collection; ``orderby``, ``count`` and non-indexed filters that
match little still need a full pass.
"""
from __future__ import annotations

import base64
import binascii
import copy
import functools
import itertools
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import urlencode

from mockaep.services.flowservice.filters import (KNOWN_FIELDS, PATH_RE, filter_records, iter_matches,
                                                  parse_condition, query_error)
from mockaep.core.store import Collection, values_at

DEFAULT_ALLOWED = ("property", "limit", "orderby", "continuationToken", "count", "start")


class QueryArgs:
    """Query parameters built by hand (a ``/search`` body), read like werkzeug's ``MultiDict``."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._pairs = list(pairs)

    def keys(self) -> list[str]:
        return list(dict.fromkeys(name for name, _value in self._pairs))

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self._pairs if key == name]


# -- ordering ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ordering:
    path: str | None  # None: insertion order
    descending: bool = False


def parse_orderby(text: str | None, fields: frozenset[str] | None = None) -> Ordering:
    if text is None:
        return Ordering(None)
    spec = text
    descending = False
    # A literal "+" in a query string arrives decoded as a space: both mean ascending.
    if spec[:1] in ("+", " "):
        spec = spec[1:]
    elif spec[:1] == "-":
        spec, descending = spec[1:], True
    if spec[:1] in ("+", "-", " ") or not spec:
        raise query_error("1432", "Sort order specified is not correct, prepend + for ascending order and - for "
                           "descending order in the fieldName.")
    if not PATH_RE.match(spec):
        raise query_error("1433", f"Incorrect field= {spec} passed in orderBy, example are +name, -name, name.")
    top = spec.split(".", 1)[0].removesuffix("[]")
    if fields is not None and top not in fields:
        raise query_error("1433", f"Incorrect field= {spec} passed in orderBy, example are +name, -name, name.")
    return Ordering(spec, descending)


def _rank(value: Any) -> tuple[int, Any]:
    if value is None:
        return (9, "")
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (3, json.dumps(value, sort_keys=True))


def _sort_value(record: Mapping[str, Any], path: str) -> Any:
    found = [v for v in values_at(record, path) if v is not None]
    return found[0] if found else None


def _compare(a: tuple[tuple[int, Any], str], b: tuple[tuple[int, Any], str], descending: bool) -> int:
    """Total order on (ranked value, id): missing values last, ties by id ascending."""
    (rank_a, value_a), id_a = a
    (rank_b, value_b), id_b = b
    if (rank_a == 9) != (rank_b == 9):
        return 1 if rank_a == 9 else -1
    if (rank_a, value_a) != (rank_b, value_b):
        less = (rank_a, value_a) < (rank_b, value_b)
        result = -1 if less else 1
        return -result if descending else result
    return (id_a > id_b) - (id_a < id_b)


# -- continuation tokens -------------------------------------------------------------------------
def _encode_token(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str) -> dict[str, Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (ValueError, binascii.Error, UnicodeError):
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        raise query_error("1453", f"Invalid query value continuationToken={token} provided in query param.")
    return payload


def _cursor_rank(cursor: Mapping[str, Any], token: str) -> tuple[int, Any]:
    rank = cursor.get("rank")
    if (not isinstance(rank, list) or len(rank) != 2 or not isinstance(rank[0], int)
            or isinstance(rank[0], bool) or rank[0] not in (0, 1, 2, 3, 9)):
        # A token issued without orderby (or forged) cannot resume an ordered listing.
        raise query_error("1453", f"Invalid query value continuationToken={token} provided in query param.")
    expected = {0: (int, float), 1: (str,), 2: (bool,), 3: (str,), 9: (str,)}[rank[0]]
    if not isinstance(rank[1], expected) or (rank[0] == 0 and isinstance(rank[1], bool)):
        raise query_error("1453", f"Invalid query value continuationToken={token} provided in query param.")
    return (rank[0], rank[1])


# -- the pager -----------------------------------------------------------------------------------
def _positive_int(name: str, raw: str, minimum: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum or value > 10**9:
        raise query_error("1452", f"Invalid value {raw} for field {name}.")
    return value


def list_response(
    records: Iterable[Mapping[str, Any]] | Collection,
    args: Any,
    *,
    resource: str,
    base_path: str,
    allowed: Sequence[str] = DEFAULT_ALLOWED,
    index_source: Collection | None = None,
    fields: Iterable[str] | None = None,
    render: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Answer a Flow Service list call (see the module docstring for the language).

    ``records``: the objects (a store ``Collection`` or any iterable of mappings with an ``id``),
    in their natural (insertion) order. ``args``: the request's query parameters (a werkzeug
    ``MultiDict``, or any mapping with ``getlist``/``keys``). ``resource`` names the kind in
    messages and selects the known top-level fields (``KNOWN_FIELDS``) unless ``fields`` gives
    them (``fields=()`` → any field). ``base_path`` (e.g. ``"/flows"``) starts ``_links.next.href``.
    ``allowed``: the query parameters this endpoint takes (others → 1451). ``index_source``: a
    collection whose indexes narrow ``==`` filters when ``records`` is not that collection.
    ``render`` turns a stored record into the listed item (default: a deep copy).
    """
    known = _known_fields(resource, fields)
    names = list(dict.fromkeys(args.keys()))
    for name in names:
        if name not in allowed:
            raise query_error("1451", f"Invalid params {name} provided in query params.")
    conditions = [parse_condition(text, known) for text in args.getlist("property")] if "property" in allowed else []
    ordering = parse_orderby(_single(args, "orderby"), known)
    limit_raw, count_raw = _single(args, "limit"), _single(args, "count")
    count = False
    if count_raw is not None:
        lowered = count_raw.strip().lower()
        if lowered not in ("true", "false"):
            raise query_error("1452", f"Invalid value {count_raw} for field count.")
        count = lowered == "true"
    if count and limit_raw is not None:
        raise query_error("1401", "The limit and count parameters cannot be given together in the same request. Please "
                           "provide either only the limit or the count parameter and try again.")
    limit = _positive_int("limit", limit_raw, 1) if limit_raw is not None else None
    start_raw = _single(args, "start")
    start = _positive_int("start", start_raw, 0) if start_raw is not None else 0
    token_raw = _single(args, "continuationToken")
    cursor = _decode_token(token_raw) if token_raw is not None else None

    if count:
        if isinstance(records, Collection):
            return {"count": sum(1 for _ in iter_matches(records, conditions, index_source))}
        return {"count": len(filter_records(records, conditions, index_source))}
    if ordering.path is None and isinstance(records, Collection):
        # Insertion order: read lazily and stop once the page (and one more, for the link) is
        # known, so a page costs its size plus index hits, not the collection.
        page, more = _insertion_page(records, conditions, index_source, cursor, start, limit)
    else:
        ordered = _ordered(records, conditions, index_source, ordering, cursor, token_raw)
        if cursor is None and start:
            ordered = ordered[start:]
        page = ordered if limit is None else ordered[:limit]
        more = limit is not None and len(ordered) > limit
    links: dict[str, Any] = {}
    if more:
        last_item = page[-1]
        payload: dict[str, Any] = {"id": str(last_item.get("id", ""))}
        if ordering.path is not None:
            payload["rank"] = list(_rank(_sort_value(last_item, ordering.path)))
        else:
            payload["createdAt"] = last_item.get("createdAt")
        links["next"] = {"href": _next_href(base_path, args, _encode_token(payload))}
    render = render or (lambda record: copy.deepcopy(dict(record)))
    return {"items": [render(r) for r in page], "_links": links}


def _ordered(records: Any, conditions: list, index_source: Collection | None, ordering: Ordering,
             cursor: Mapping[str, Any] | None, token_raw: str | None) -> list[Mapping[str, Any]]:
    """Every match, sorted by ``ordering`` (or in insertion order), after the cursor. (A full
    sort: timsort is linear on the already ordered stretches lists usually hold, where a top-k
    heap measured slower.)"""
    matched = filter_records(records, conditions, index_source)
    if ordering.path is None:
        return _after_insertion_cursor(records, matched, cursor) if cursor is not None else matched
    keyed = [((_rank(_sort_value(r, ordering.path)), str(r.get("id", ""))), r) for r in matched]
    if cursor is not None:
        last = (_cursor_rank(cursor, token_raw or ""), cursor["id"])
        keyed = [(k, r) for k, r in keyed if _compare(k, last, ordering.descending) > 0]
    keyed.sort(key=functools.cmp_to_key(lambda a, b: _compare(a[0], b[0], ordering.descending)))
    return [r for _k, r in keyed]


def _insertion_page(records: Collection, conditions: list, index_source: Collection | None,
                    cursor: Mapping[str, Any] | None, start: int,
                    limit: int | None) -> tuple[list[Mapping[str, Any]], bool]:
    """(page, whether more follow) in insertion order, reading no further than needed. Same
    cursor rules as :func:`_after_insertion_cursor`: after the cursor object while it exists,
    else after its creation time."""
    after, created = None, None
    if cursor is not None:
        if cursor["id"] in records:
            after = cursor["id"]
        else:
            created = cursor.get("createdAt")
            if not isinstance(created, (int, float)):
                return [], False
    matches: Iterable[Mapping[str, Any]] = iter_matches(records, conditions, index_source, after)
    if created is not None:
        matches = (r for r in matches if isinstance(r.get("createdAt"), (int, float)) and r["createdAt"] > created)
    if cursor is None and start:
        matches = itertools.islice(matches, start, None)
    if limit is None:
        return list(matches), False
    taken = list(itertools.islice(matches, limit + 1))
    return taken[:limit], len(taken) > limit


def _after_insertion_cursor(records: Any, ordered: list[Mapping[str, Any]],
                            cursor: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Objects after the cursor in insertion order. New objects are appended by the store, so
    the last object's position still separates seen from unseen (even if it no longer matches
    the filter); if it was deleted meanwhile, its creation time does."""
    for position, record in enumerate(ordered):
        if record.get("id") == cursor["id"]:
            return ordered[position + 1:]
    if isinstance(records, Collection) and cursor["id"] in records:
        order = list(records.ids())  # ids only: no record is read
        later = set(order[order.index(cursor["id"]) + 1:])
        return [r for r in ordered if r.get("id") in later]
    created = cursor.get("createdAt")
    if isinstance(created, (int, float)):
        return [r for r in ordered if isinstance(r.get("createdAt"), (int, float)) and r["createdAt"] > created]
    return []


def _next_href(base_path: str, args: Any, token: str) -> str:
    pairs = [(name, value) for name in dict.fromkeys(args.keys()) if name not in ("continuationToken", "start")
             for value in args.getlist(name)]
    pairs.append(("continuationToken", token))
    return f"{base_path}?{urlencode(pairs)}"


def _single(args: Any, name: str) -> str | None:
    values = args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise query_error("1453", f"Invalid query value {name} provided more than once in query param.")
    return values[0]


def _known_fields(resource: str, fields: Iterable[str] | None) -> frozenset[str] | None:
    if fields is not None:
        chosen = frozenset(fields)
        return chosen or None
    return KNOWN_FIELDS.get(resource)
