"""The Catalog query language (filter-data.md): limit, start, orderBy, properties, filters.

A :class:`Query` is parsed once from the request's parameters (no Flask here: the routes pass
a list of ``(name, value)`` pairs) and then run over ``(id, record)`` pairs. Positive equality
filters on indexed paths narrow the candidates through the store's secondary indexes before
anything else is read; every other filter is evaluated on the remaining records in place.

Semantics the documentation leaves open (chosen here, and mirrored by the property tests):

* negations (``name=!x``, ``property=name!=x``) also keep objects that lack the property,
  as the Mongo-style ``$ne`` behind Catalog does;
* comparisons (``<``, ``<=``, ``>``, ``>=``), regexes and equality need the property present;
* values compare as numbers when both sides are numbers, as dotted versions when both look
  like ``1.0.3``, otherwise as strings;
* ``*`` in a ``name`` value is a wildcard (matching any run, even empty), ``**`` a literal ``*``.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from mockaep.core.errors import BadRequest
from mockaep.core.store import Collection, index_key

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
#: Datasets listed with their observableSchema are limited further (filter-data.md).
MAX_LIMIT_OBSERVABLE = 20
#: Parameters that steer the query rather than filter on a property of the same name.
CONTROL_PARAMS = {"limit", "start", "orderBy", "properties", "property", "tags", "createdAfter",
                  "createdBefore", "startAfter", "startBefore", "endAfter", "endBefore",
                  "requestDataSource", "aggregate", "expansion"}
_OPERATORS = ("==", "!=", "<=", ">=", "~", "<", ">")
_PROPERTY_NAME = re.compile(r"^[A-Za-z0-9_@$:/-]+$")
_VERSION = re.compile(r"^\d+(\.\d+)+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _parse_int(name: str, raw: str, minimum: int, maximum: int | None) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise BadRequest(f"Invalid '{name}' value '{raw}': it must be an integer between {minimum}{upper}.")
    return value


def comparable(value: Any) -> tuple:
    """A sort/compare key: numbers before versions before strings; bools as numbers."""
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, str):
        if _NUMBER.match(value):
            return (0, float(value))
        if _VERSION.match(value):
            return (1, tuple(int(p) for p in value.split(".")))
        return (2, value)
    return (3, str(value))


def wildcard(pattern: str) -> re.Pattern:
    """``*`` matches any run of characters; ``**`` is a literal asterisk."""
    parts = pattern.split("**")
    body = r"\*".join(".*".join(re.escape(chunk) for chunk in part.split("*")) for part in parts)
    return re.compile(rf"^{body}$", re.DOTALL)


def equals(prop: str, value: Any, wanted: str) -> bool:
    if prop == "name" and isinstance(value, str) and "*" in wanted:
        return bool(wildcard(wanted).match(value))
    key = index_key(value)
    return key is not None and key == wanted


@dataclass
class Condition:
    """One filter: a property, an operator and operand(s)."""

    prop: str
    op: str  # "in", "notin", "exists", "absent", "~", "==", "!=", "<", "<=", ">", ">="
    values: tuple[str, ...] = ()
    regex: re.Pattern | None = None

    def indexed_ids(self, collection: Collection) -> set[str] | None:
        """Ids that may match, from the store's index (positive equality only), else ``None``."""
        if self.op not in ("in", "==") or not collection.indexed(self.prop) \
                or (self.prop == "name" and any("*" in v for v in self.values)):
            return None
        found: set[str] = set()
        for value in self.values:
            found |= collection.lookup(self.prop, value)
        return found

    def matches(self, record: Mapping[str, Any]) -> bool:
        present = self.prop in record
        value = record.get(self.prop)
        if self.op == "exists":
            return present
        if self.op == "absent":
            return not present
        if self.op in ("notin", "!="):
            return not present or not any(equals(self.prop, value, v) for v in self.values)
        if not present:
            return False
        if self.op in ("in", "=="):
            return any(equals(self.prop, value, v) for v in self.values)
        if self.op == "~":
            return isinstance(value, (str, int, float)) and bool(self.regex.search(str(value)))  # type: ignore[union-attr]
        left, right = comparable(value), comparable(self.values[0])
        if left[0] != right[0]:
            return False
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[self.op]


def parse_property(expression: str) -> Condition:
    """One ``property=`` expression: ``name``, ``!name``, ``name~re``, ``name==v``, ``name<v``…"""
    text = expression.strip()
    if text.startswith("!") and _PROPERTY_NAME.match(text[1:]):
        return Condition(text[1:], "absent")
    positions = [(text.find(op), op) for op in _OPERATORS if text.find(op) > 0]
    if not positions:
        if _PROPERTY_NAME.match(text):
            return Condition(text, "exists")
        raise BadRequest(f"Invalid property filter '{expression}': expected a property name, optionally "
                         "followed by one of ==, !=, <, <=, >, >=, ~ and a value.")
    start = min(p for p, _ in positions)
    op = max((o for p, o in positions if p == start), key=len)
    prop, operand = text[:start], text[start + len(op):]
    if not _PROPERTY_NAME.match(prop):
        raise BadRequest(f"Invalid property filter '{expression}': '{prop}' is not a top-level property name.")
    if op == "~":
        try:
            return Condition(prop, "~", (operand,), re.compile(operand))
        except re.error as exc:
            raise BadRequest(f"Invalid regular expression in property filter '{expression}': {exc}.") from None
    return Condition(prop, op, (operand,))


def parse_simple(prop: str, raw: str) -> Condition:
    """``prop=v``, ``prop=!v``, ``prop=v1,v2`` (any of), ``prop=!v1,v2`` (none of)."""
    negate = raw.startswith("!")
    values = tuple(v for v in (raw[1:] if negate else raw).split(","))
    return Condition(prop, "notin" if negate else "in", values)


@dataclass
class TagCondition:
    name: str
    pattern: re.Pattern

    def matches(self, record: Mapping[str, Any]) -> bool:
        tags = record.get("tags")
        if not isinstance(tags, dict) or self.name not in tags:
            return False
        values = tags[self.name] if isinstance(tags[self.name], list) else [tags[self.name]]
        return any(isinstance(v, str) and self.pattern.match(v) for v in values)


@dataclass
class RangeCondition:
    """``createdAfter``-style exclusive bounds on an epoch-ms field (possibly nested)."""

    path: tuple[str, ...]
    bound: int
    after: bool

    def matches(self, record: Mapping[str, Any]) -> bool:
        node: Any = record
        for part in self.path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, bool) or not isinstance(node, (int, float)):
            return False
        return node > self.bound if self.after else node < self.bound


RANGES = {
    "createdAfter": (("created",), True), "createdBefore": (("created",), False),
    "startAfter": (("availableDates", "startDate"), True), "startBefore": (("availableDates", "startDate"), False),
    "endAfter": (("availableDates", "endDate"), True), "endBefore": (("availableDates", "endDate"), False),
}


@dataclass
class Query:
    limit: int = DEFAULT_LIMIT
    start: int = 0
    order: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)
    properties: list[str] | None = None
    conditions: list[Any] = field(default_factory=list)

    @classmethod
    def parse(cls, params: Iterable[tuple[str, str]], *, aliases: Mapping[str, Callable[[str], Any]] | None = None,
              max_limit: int = MAX_LIMIT) -> "Query":
        """Build a query from request parameters; ``aliases`` turn a parameter into a condition."""
        query = cls()
        aliases = aliases or {}
        limit_raw = None
        for name, raw in params:
            if name == "limit":
                limit_raw = raw
            elif name == "start":
                query.start = _parse_int("start", raw, 0, None)
            elif name == "orderBy":
                query.order = parse_order(raw)
            elif name == "properties":
                query.properties = [p.strip() for p in raw.split(",") if p.strip()]
            elif name == "property":
                query.conditions.append(parse_property(raw))
            elif name == "tags":
                query.conditions.extend(parse_tags(raw))
            elif name in RANGES:
                path, after = RANGES[name]
                query.conditions.append(RangeCondition(path, _parse_int(name, raw, 0, None), after))
            elif name in aliases:
                query.conditions.append(aliases[name](raw))
            elif name in CONTROL_PARAMS:
                continue
            else:
                query.conditions.append(parse_simple(name, raw))
        if query.properties and "observableSchema" in query.properties:
            max_limit = min(max_limit, MAX_LIMIT_OBSERVABLE)
        if limit_raw is not None:
            query.limit = _parse_int("limit", limit_raw, 1, max_limit)
        return query

    # -- running ---------------------------------------------------------------------------
    def candidates(self, collection: Collection) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Records worth evaluating: narrowed by the conditions that can use an index."""
        narrowed: set[str] | None = None
        for cond in self.conditions:
            ids = cond.indexed_ids(collection) if hasattr(cond, "indexed_ids") else None
            if ids is not None:
                narrowed = ids if narrowed is None else narrowed & ids
        if narrowed is None:
            return collection.scan()
        return ((rid, rec) for rid in collection.ids() if rid in narrowed
                for rec in (collection.peek(rid),) if rec is not None)

    def matches(self, record: Mapping[str, Any]) -> bool:
        return all(cond.matches(record) for cond in self.conditions)

    def run(self, pairs: Iterable[tuple[str, Mapping[str, Any]]]) -> list[tuple[str, Mapping[str, Any]]]:
        """Filter, sort (stable: insertion order breaks ties), then page."""
        found = [(rid, rec) for rid, rec in pairs if self.matches(rec)]
        for prop, descending in reversed(self.order):
            present = [pair for pair in found if pair[1].get(prop) is not None]
            missing = [pair for pair in found if pair[1].get(prop) is None]
            present.sort(key=lambda pair: comparable(pair[1][prop]), reverse=descending)
            found = present + missing
        return found[self.start:self.start + self.limit]

    def project(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Keep only the requested top-level properties (all when none were asked for)."""
        if not self.properties:
            return copy.deepcopy(dict(record))
        return {p: ({} if record[p] is None else copy.deepcopy(record[p])) for p in self.properties if p in record}


def parse_order(raw: str) -> list[tuple[str, bool]]:
    order = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        direction, _, prop = part.rpartition(":")
        if direction not in ("", "asc", "desc") or not _PROPERTY_NAME.match(prop):
            raise BadRequest(f"Invalid orderBy '{raw}': use [asc:|desc:]<property>[,…].")
        order.append((prop, direction == "desc"))
    if not order:
        raise BadRequest("Invalid orderBy '': name at least one property.")
    return order


def parse_tags(raw: str) -> list[TagCondition]:
    found = []
    for part in (p for p in raw.split(",") if p):
        name, sep, value = part.rpartition(":") if ":" in part else (part, "", "")
        if not sep or not name:
            raise BadRequest(f"Invalid tags filter '{raw}': use <tagName>:<value> pairs separated by commas.")
        found.append(TagCondition(name, wildcard(value)))
    return found


def listing(collection: Collection, params: Iterable[tuple[str, str]], *,
            aliases: Mapping[str, Callable[[str], Any]] | None = None) -> dict[str, Any]:
    """A Catalog list answer: ``{id: object}`` filtered, sorted, paged and projected by ``params``."""
    query = Query.parse(params, aliases=aliases)
    return {rid: query.project(rec) for rid, rec in query.run(query.candidates(collection))}


def lookup(record_id: str, record: Mapping[str, Any], params: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """A Catalog lookup answer: ``{id: object}``, projected by ``properties=`` (other filters ignored)."""
    query = Query.parse([(k, v) for k, v in params if k == "properties"])
    return {record_id: query.project(record)}
