"""The Catalog query language (filter-data.md): simple filters, ``property=``, ``tags=`` and the
date ranges, as conditions of the shared selection (``narrow`` from an index, ``matches``).
Paging (``start``, ``limit``, ``orderBy``, ``properties``) is the Catalog pager's
(:mod:`mockaep.core.paging.catalog`).

Semantics the documentation leaves open (chosen here, and mirrored by the tests):

* negations (``name=!x``, ``property=name!=x``) also keep objects that lack the property, as
  the Mongo-style ``$ne`` behind Catalog does; an array-valued property equals a value when
  one of its items does (Mongo again), so indexes and filters agree;
* comparisons (``<``, ``<=``, ``>``, ``>=``), regexes and equality need the property present;
* values compare as numbers when both sides are numbers, as dotted versions when both look
  like ``1.0.3``, otherwise as strings;
* ``*`` in a ``name`` value is a wildcard (matching any run, even empty), ``**`` a literal ``*``;
  in a ``tags`` value ``*`` is a wildcard too.

Every filter is user input: names, values and counts are bounded, regular expressions run in
linear time (RE2, :mod:`mockaep.core.patterns`), and every refusal is a 400 before anything is read.
"""
from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from mockaep.core.errors import BadRequest
from mockaep.core.paging import catalog as pager
from mockaep.core.patterns import Pattern, PatternError, compile_pattern
from mockaep.core.request import QueryParams
from mockaep.core.store import Collection, index_key

#: Parameters that steer the query (paging, or accepted and ignored) rather than filter on a
#: property of the same name.
CONTROL_PARAMS = set(pager.PARAMETERS) | {"property", "tags", "requestDataSource", "aggregate", "expansion"}
#: getting-started.md: these may come as headers too; a query parameter wins.
HEADER_PARAMS = pager.PARAMETERS
MAX_VALUES = 100
MAX_VALUE_LENGTH = 1024
_OPERATORS = ("==", "!=", "<=", ">=", "~", "<", ">")
_VERSION = re.compile(r"^\d+(\.\d+)+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
#: Epoch-millisecond bounds of the date-range filters (far beyond any real date).
MAX_EPOCH_MS = 10 ** 15


def request_params(query: QueryParams, headers: Any) -> QueryParams:
    """The request's query, plus the paging parameters sent as headers and not as parameters."""
    extra = [(name, headers.get(name)) for name in HEADER_PARAMS
             if name not in query and headers.get(name) is not None]
    return QueryParams(list(query.items()) + extra) if extra else query


# -- values -------------------------------------------------------------------------------------
def _checked(name: str, value: str) -> str:
    if len(value) > MAX_VALUE_LENGTH:
        raise BadRequest(f"The value of filter '{name[:100]}' is longer than {MAX_VALUE_LENGTH} characters.")
    return value


def split_values(name: str, raw: str) -> tuple[str, ...]:
    values = raw.split(",", MAX_VALUES)
    if len(values) > MAX_VALUES:
        raise BadRequest(f"Filter '{name[:100]}' lists more than {MAX_VALUES} values.")
    return tuple(_checked(name, v) for v in values)


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


# -- conditions (mockaep.core.paging.selection.Condition) ----------------------------------------
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


RANGES = {
    "createdAfter": (("created",), True), "createdBefore": (("created",), False),
    "startAfter": (("availableDates", "startDate"), True), "startBefore": (("availableDates", "startDate"), False),
    "endAfter": (("availableDates", "endDate"), True), "endBefore": (("availableDates", "endDate"), False),
}


def _union(lists: Iterable[Sequence[int]]) -> list[int]:
    """Ascending, without repeats: the sequence numbers of several index hits."""
    merged: list[int] = []
    for seq in heapq.merge(*lists):
        if not merged or merged[-1] != seq:
            merged.append(seq)
    return merged


# -- parsing ------------------------------------------------------------------------------------
def _name(raw: str, expression: str, renames: Mapping[str, str]) -> str:
    if not pager.PROPERTY_NAME.match(raw):
        raise BadRequest(f"Invalid property filter '{expression[:200]}': '{raw[:100]}' is not a top-level "
                         "property name.")
    return renames.get(raw, raw)


def parse_property(expression: str, *, use_index: bool = True, renames: Mapping[str, str] | None = None) -> Any:
    """One ``property=`` expression: ``name``, ``!name``, ``name~re``, ``name==v``, ``name<v``…"""
    renames = renames or {}
    text = _checked("property", expression.strip())
    if text.startswith("!") and pager.PROPERTY_NAME.match(text[1:]):
        return Exists(renames.get(text[1:], text[1:]), present=False)
    positions = [(text.find(op), op) for op in _OPERATORS if text.find(op) > 0]
    if not positions:
        if pager.PROPERTY_NAME.match(text):
            return Exists(renames.get(text, text))
        raise BadRequest(f"Invalid property filter '{expression[:200]}': expected a property name, optionally "
                         "followed by one of ==, !=, <, <=, >, >=, ~ and a value.")
    start = min(p for p, _ in positions)
    op = max((o for p, o in positions if p == start), key=len)
    prop, operand = _name(text[:start], expression, renames), text[start + len(op):]
    if op == "~":
        try:
            return Regex(prop, compile_pattern(operand))
        except PatternError as exc:
            raise BadRequest(f"Invalid regular expression in property filter '{expression[:200]}': {exc}.") from None
    if op in ("==", "!="):
        return Equals(prop, (operand,), negate=op == "!=", use_index=use_index)
    return Compare(prop, op, operand)


def parse_simple(prop: str, raw: str, *, use_index: bool = True) -> Equals:
    """``prop=v``, ``prop=!v``, ``prop=v1,v2`` (any of), ``prop=!v1,v2`` (none of)."""
    negate = raw.startswith("!")
    return Equals(prop, split_values(prop, raw[1:] if negate else raw), negate, use_index)


def parse_tags(raw: str) -> list[Tag]:
    found = []
    for part in (p for p in split_values("tags", raw) if p):
        name, sep, value = part.rpartition(":") if ":" in part else (part, "", "")
        if not sep or not name:
            raise BadRequest(f"Invalid tags filter '{raw[:200]}': use <tagName>:<value> pairs separated by commas.")
        found.append(Tag(name, Glob(value)))
    return found


def _epoch(name: str, raw: str) -> int:
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 16) or int(text) > MAX_EPOCH_MS:
        raise BadRequest(f"Invalid '{name}' value '{raw[:100]}': it must be a time in epoch milliseconds.")
    return int(text)


Alias = Callable[[str], Any]


def conditions(query: QueryParams, *, aliases: Mapping[str, Alias] | None = None,
               renames: Mapping[str, str] | None = None, use_index: bool = True) -> list[Any]:
    """The filter conditions of a list request (every parameter but the paging ones).

    ``renames``: filter names whose property is stored under another name (``/lastBatches``).
    ``use_index=False``: the conditions do not narrow through indexes (a listing whose aliases
    must be the only ones that narrow, see :class:`KeyIn`)."""
    renames = renames or {}
    aliases = aliases or {}
    found: list[Any] = []
    for name, raw in query.items():
        if name in aliases:
            found.append(aliases[name](raw))
        elif name == "property":
            found.append(parse_property(raw, use_index=use_index, renames=renames))
        elif name == "tags":
            found.extend(parse_tags(raw))
        elif name in RANGES:
            path, after = RANGES[name]
            found.append(Range(path, _epoch(name, raw), after))
        elif name in CONTROL_PARAMS:
            continue
        else:
            if len(name) > pager.MAX_PROPERTY_NAME:
                raise BadRequest(f"A filter name is at most {pager.MAX_PROPERTY_NAME} characters.")
            found.append(parse_simple(renames.get(name, name), raw, use_index=use_index))
    return found


def listing(collection: Collection, query: QueryParams, *, aliases: Mapping[str, Alias] | None = None,
            limit_when: Mapping[str, int] | None = None) -> dict[str, Any]:
    """A Catalog list answer: ``{id: object}`` filtered, ordered, paged and projected."""
    page = pager.read_page_request(query, limit_when=limit_when)
    return pager.list_page(collection, conditions(query, aliases=aliases), page)


def show(record_id: str, record: Mapping[str, Any], query: QueryParams) -> dict[str, Any]:
    """A Catalog lookup answer: ``{id: object}``, projected by ``properties=`` (filters ignored)."""
    return {record_id: pager.project(record, pager.read_properties(query.get("properties")))}
