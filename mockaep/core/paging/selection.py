"""The one selection every pager uses: filter a collection, order it, cut a page.

In insertion order (every list's default) the selection reads lazily from the store, starting
by bisection after a cursor (or at an offset), through the narrowest index the conditions
offer, and stops once it holds the page and one more record (to know whether another page
follows): the cost is the page plus the records the conditions reject, never the collection.
When every condition is answered by one index, an offset is reached without reading anything.
Ordering by a field needs every match (sorted once); conditions an index cannot serve need a
pass over the candidates. Those costs are the query's, and documented where a service offers it.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence

from mockaep.core.store import Collection, values_at


class Condition(Protocol):
    """One filter condition of a list query."""

    def narrow(self, collection: Collection) -> Sequence[int] | None:
        """Sequence numbers (ascending) that may match, from an index; ``None`` when no index helps."""

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Whether a record satisfies the condition."""

    @property
    def exact(self) -> bool:
        """True when :meth:`narrow`'s answer is exactly the matches (no need to call ``matches``)."""


@dataclass(frozen=True)
class SortKey:
    """Order by the value at a dotted ``path`` (first value when it fans out)."""

    path: str
    descending: bool = False


@dataclass(frozen=True)
class Entry:
    id: str
    seq: int
    record: dict[str, Any]


@dataclass(frozen=True)
class Selection:
    entries: list[Entry]
    more: bool            # whether more matches follow the page

    @property
    def records(self) -> list[dict[str, Any]]:
        return [e.record for e in self.entries]


def sort_value(record: Mapping[str, Any], path: str) -> Any:
    found = values_at(record, path)
    return found[0] if found else None


def rank(value: Any) -> tuple[int, Any]:
    """A total order over JSON values: numbers, then strings, then booleans, then the rest."""
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (3, json.dumps(value, sort_keys=True))


def select(collection: Collection, conditions: Sequence[Condition] = (), *, order: Sequence[SortKey] = (),
           reverse: bool = False, after: int | None = None, offset: int = 0, limit: int | None = None,
           after_key: Callable[[Entry], bool] | None = None,
           transform: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Selection:
    """Matches of ``conditions`` in ``collection``, one page of them.

    Insertion order (``order`` empty; ``reverse`` for newest first): start after sequence
    number ``after`` (a cursor) or skip ``offset`` matches, then take ``limit``. Ordered by
    fields: sort every match (records lacking a field sort last, whatever the direction),
    ties by insertion order; ``after_key`` skips matches up to and including the cursor (it
    answers True for every entry to skip), else ``offset`` is skipped. ``limit=None``: all.
    ``transform``: applied to each stored record before conditions see it (e.g. computed fields).
    """
    candidates, exact = _narrowest(collection, conditions)
    if not order:
        if exact and not conditions[1:] and transform is None and after is None and offset:
            after, offset = collection.at_offset(offset, candidates, reverse), 0
        matches = _matches(collection, conditions, candidates, exact, after=after, reverse=reverse,
                           transform=transform)
        if offset:
            matches = itertools.islice(matches, offset, None)
        if limit is None:
            return Selection(list(matches), False)
        taken = list(itertools.islice(matches, limit + 1))
        return Selection(taken[:limit], len(taken) > limit)
    everything = list(_matches(collection, conditions, candidates, exact, after=None, reverse=False,
                               transform=transform))
    for key in reversed(order):
        present = [e for e in everything if sort_value(e.record, key.path) is not None]
        missing = [e for e in everything if sort_value(e.record, key.path) is None]
        present.sort(key=lambda e, p=key.path: rank(sort_value(e.record, p)), reverse=key.descending)
        everything = present + missing
    if after_key is not None:
        position = 0
        while position < len(everything) and after_key(everything[position]):
            position += 1
        everything = everything[position:]
    elif offset:
        everything = everything[offset:]
    if limit is None:
        return Selection(everything, False)
    return Selection(everything[:limit], len(everything) > limit)


def count(collection: Collection, conditions: Sequence[Condition] = ()) -> int:
    """How many records match: answered by an index alone when it can."""
    candidates, exact = _narrowest(collection, conditions)
    if not conditions:
        return len(collection)
    if exact and not conditions[1:]:
        return len(candidates) if candidates is not None else 0
    return sum(1 for _ in _matches(collection, conditions, candidates, exact, after=None, reverse=False,
                                   transform=None))


def _narrowest(collection: Collection, conditions: Sequence[Condition]) -> tuple[Sequence[int] | None, bool]:
    """The smallest candidate list an index offers, and whether it is exact for a lone condition."""
    best: Sequence[int] | None = None
    best_exact = False
    for condition in conditions:
        hits = condition.narrow(collection)
        if hits is not None and (best is None or len(hits) < len(best)):
            best, best_exact = hits, bool(condition.exact)
    return best, best_exact


def _matches(collection: Collection, conditions: Sequence[Condition], candidates: Sequence[int] | None,
             exact: bool, *, after: int | None, reverse: bool,
             transform: Callable[[dict[str, Any]], dict[str, Any]] | None) -> Iterator[Entry]:
    lone_exact = exact and len(conditions) == 1
    for record_id in collection.ids(after=after, reverse=reverse, among=candidates):
        record = collection.get(record_id)
        if record is None:
            continue
        if transform is not None:
            record = transform(record)
        if lone_exact or all(c.matches(record) for c in conditions):
            yield Entry(record_id, collection.position(record_id) or 0, record)
