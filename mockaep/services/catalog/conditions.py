"""The conditions of the Catalog query language (filter-data.md), as the shared selection takes
them (:class:`mockaep.core.paging.selection.Condition`): ``narrow`` through an index or the primary
map where one answers, ``matches`` on a record otherwise. :mod:`.query` reads them from a request.

Semantics the documentation leaves open (chosen here, and mirrored by the tests):

* negations (``name=!x``, ``property=name!=x``) also keep objects that lack the property, as
  the Mongo-style ``$ne`` behind Catalog does; an array-valued property equals a value when
  one of its items does (Mongo again), so indexes and filters agree;
* comparisons (``<``, ``<=``, ``>``, ``>=``), regexes and equality need the property present;
* values compare as numbers when both sides are numbers, as dotted versions when both look
  like ``1.0.3``, otherwise as strings (digits of any length, never converted to integers);
* ``*`` in a ``name`` value is a wildcard (matching any run, even empty), ``**`` a literal ``*``;
  in a ``tags`` value ``*`` is a wildcard too. Wildcards are matched chunk by chunk, linearly.
"""
from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from mockaep.core.patterns import Pattern
from mockaep.core.store import Collection, index_key

_VERSION = re.compile(r"^\d+(\.\d+)+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _digits_key(digits: str) -> tuple[int, str]:
    """A number written in digits, ordered without converting it (any length)."""
    stripped = digits.lstrip("0") or "0"
    return (len(stripped), stripped)


def comparable(value: Any) -> tuple:
    """A compare key: numbers before versions before strings; booleans as numbers."""
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        if _NUMBER.match(value):
            return (0, float(value))
        if _VERSION.match(value):
            return (1, tuple(_digits_key(p) for p in value.split(".")))
        return (2, value)
    return (3, str(value))


class Glob:
    """``*`` matches any run of characters (even empty), ``**`` a literal ``*``: literal chunks
    found left to right, linear in the text."""

    def __init__(self, pattern: str) -> None:
        parts = pattern.split("**")
        self.chunks = [piece.replace("\0", "*") for piece in "\0".join(parts).split("*")]

    def match(self, text: str) -> bool:
        chunks = self.chunks
        if len(chunks) == 1:
            return text == chunks[0]
        first, last = chunks[0], chunks[-1]
        if not text.startswith(first) or not text.endswith(last) or len(text) < len(first) + len(last):
            return False
        position, end = len(first), len(text) - len(last)
        for chunk in chunks[1:-1]:
            found = text.find(chunk, position, end)
            if found < 0:
                return False
            position = found + len(chunk)
        return True


def _top_values(record: Mapping[str, Any], prop: str) -> list[Any]:
    """The values of a top-level property: its items when it is an array."""
    value = record[prop]
    return list(value) if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Equals:
    """``prop=v1,v2`` (any of), ``prop=!v1,v2`` (none of), ``property=prop==v`` / ``prop!=v``.

    ``use_index``: whether an index of the listed collection may answer (not when conditions
    see computed objects, e.g. ``/lastBatches`` summaries)."""

    prop: str
    values: tuple[str, ...]
    negate: bool = False
    use_index: bool = True

    @property
    def _wild(self) -> bool:
        return self.prop == "name" and any("*" in v for v in self.values)

    @property
    def exact(self) -> bool:
        return not self.negate and not self._wild

    def narrow(self, collection: Collection) -> Sequence[int] | None:
        # dotted names are read as top-level keys here, so only plain names may use an index
        if self.negate or self._wild or not self.use_index or "." in self.prop or "[" in self.prop \
                or not collection.indexed(self.prop):
            return None
        return _union(collection.hits(self.prop, value) for value in self.values)

    def matches(self, record: Mapping[str, Any]) -> bool:
        found = self.prop in record and any(self._equal(v) for v in _top_values(record, self.prop))
        return not found if self.negate else found

    def _equal(self, value: Any) -> bool:
        if self._wild and isinstance(value, str):
            return any(Glob(w).match(value) if "*" in w else value == w for w in self.values)
        key = index_key(value)
        return key is not None and key in self.values


@dataclass(frozen=True)
class IdIn:
    """``batch=<id>[,…]`` (batches) and ``dataSetId=`` (``/lastBatches``): objects by id, found
    through the primary map (their positions), never by reading others."""

    field: str
    values: tuple[str, ...]
    negate: bool = False

    @property
    def exact(self) -> bool:
        return not self.negate

    def narrow(self, collection: Collection) -> Sequence[int] | None:
        if self.negate:
            return None
        return sorted({p for p in (collection.position(v) for v in self.values) if p is not None})

    def matches(self, record: Mapping[str, Any]) -> bool:
        found = record.get(self.field) in self.values
        return not found if self.negate else found


@dataclass(frozen=True)
class KeyIn:
    """``dataSetId=<id>[,…]`` on ``/lastBatches``: datasets by their key (a dataset record holds no
    id). Answered by :meth:`narrow` alone, from the primary map: the listings that use it let no
    other condition narrow, so the selection's candidates are always this condition's."""

    keys: tuple[str, ...]
    negate: bool = False
    exact = True

    def narrow(self, collection: Collection) -> Sequence[int]:
        if not self.negate:
            return sorted({p for p in (collection.position(k) for k in self.keys) if p is not None})
        # every other dataset: the ids in order, none decoded (a negated list's own cost)
        excluded = set(self.keys)
        return [p for p in (collection.position(i) for i in collection.ids() if i not in excluded) if p is not None]

    def matches(self, record: Mapping[str, Any]) -> bool:
        return True


@dataclass(frozen=True)
class Exists:
    """``property=prop`` (present) and ``property=!prop`` (absent)."""

    prop: str
    present: bool = True
    exact = False

    def narrow(self, collection: Collection) -> None:
        return None

    def matches(self, record: Mapping[str, Any]) -> bool:
        return (self.prop in record) == self.present


@dataclass(frozen=True)
class Compare:
    """``property=prop<v`` (``<=``, ``>``, ``>=``): numbers, dotted versions or strings."""

    prop: str
    op: str
    operand: str
    exact = False

    def narrow(self, collection: Collection) -> None:
        return None

    def matches(self, record: Mapping[str, Any]) -> bool:
        if self.prop not in record:
            return False
        left, right = comparable(record[self.prop]), comparable(self.operand)
        if left[0] != right[0]:
            return False
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[self.op]


@dataclass(frozen=True)
class Regex:
    """``property=prop~<regex>`` (RE2: linear in the text, whatever the pattern)."""

    prop: str
    pattern: Pattern
    exact = False

    def narrow(self, collection: Collection) -> None:
        return None

    def matches(self, record: Mapping[str, Any]) -> bool:
        value = record.get(self.prop)
        return isinstance(value, (str, int, float)) and not isinstance(value, bool) \
            and self.pattern.search(str(value)) is not None


@dataclass(frozen=True)
class Tag:
    """``tags=<name>:<value>`` (``*`` wildcards in the value)."""

    name: str
    glob: Glob
    exact = False

    def narrow(self, collection: Collection) -> None:
        return None

    def matches(self, record: Mapping[str, Any]) -> bool:
        tags = record.get("tags")
        if not isinstance(tags, dict) or self.name not in tags:
            return False
        values = tags[self.name] if isinstance(tags[self.name], list) else [tags[self.name]]
        return any(isinstance(v, str) and self.glob.match(v) for v in values)


@dataclass(frozen=True)
class Range:
    """``createdAfter``-style exclusive bounds on an epoch-ms field (possibly nested)."""

    path: tuple[str, ...]
    bound: int
    after: bool
    exact = False

    def narrow(self, collection: Collection) -> None:
        return None

    def matches(self, record: Mapping[str, Any]) -> bool:
        node: Any = record
        for part in self.path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, bool) or not isinstance(node, (int, float)):
            return False
        return node > self.bound if self.after else node < self.bound


@dataclass(frozen=True)
class Related:
    """``dataSet=<id>[,…]`` on batches: the batch relates to that object (``relatedObjects``)."""

    kind: str
    ids: tuple[str, ...]
    negate: bool = False
    exact = False  # the index holds related ids of every type

    def narrow(self, collection: Collection) -> Sequence[int] | None:
        if self.negate or not collection.indexed("relatedObjects[].id"):
            return None
        return _union(collection.hits("relatedObjects[].id", value) for value in self.ids)

    def matches(self, record: Mapping[str, Any]) -> bool:
        related = [r for r in record.get("relatedObjects") or [] if isinstance(r, dict) and r.get("type") == self.kind]
        found = any(r.get("id") in self.ids for r in related)
        return not found if self.negate else found


def _union(lists: Iterable[Sequence[int]]) -> list[int]:
    """Ascending, without repeats: the sequence numbers of several index hits."""
    merged: list[int] = []
    for seq in heapq.merge(*lists):
        if not merged or merged[-1] != seq:
            merged.append(seq)
    return merged
