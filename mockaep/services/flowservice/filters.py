"""Filter expressions of Flow Service lists (``property=``): parsing, matching, index use.

See ``query.py`` for the language. A :class:`Condition` is one parsed expression; equality
conditions on indexed paths take their candidates from the store's secondary index, so a
filtered list of a large collection reads only the records the index names.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

from mockaep.core.errors import BadRequest
from mockaep.core.ids import strip_quotes
from mockaep.core.store import Collection, values_at

#: One path segment: a field name (XDM names may hold ``:``, ``@``, ``-``), optionally ``[]``.
_SEGMENT = r"[A-Za-z0-9_$@:\-]+(?:\[\])?"
PATH_RE = re.compile(rf"^{_SEGMENT}(?:\.{_SEGMENT})*$")
_EXPRESSION_RE = re.compile(r"^(?P<path>[^=!<>~]*)(?P<op>[=!<>~]+)(?P<value>.*)$", re.S)
_OPERATOR_CHARS = re.compile(r"[=!<>~]")
OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "~")
RANGE_OPERATORS = ("<", "<=", ">", ">=")
#: Operators of other AEP query languages (Catalog's ``=``, regex ``=~``/``!~``): recognised,
#: not implemented by Flow Service (FSE 1440).
NOT_IMPLEMENTED = ("=", "=~", "!~", "~=")
#: Fields holding epoch-millisecond timestamps: range or equality values must be numbers (1452).
_NUMERIC_NAMES = re.compile(r"^(createdAt|updatedAt|started|updated|\w*AtUTC)$")

#: Top-level fields a filter or sort may name, per resource (FSE 1449 "Invalid field
#: connections in filter params"): the fields of the official *ItemDTO plus those the
#: platform documents elsewhere (description, labels). Resources not listed accept any field.
KNOWN_FIELDS: dict[str, frozenset[str]] = {}
_COMMON = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
           "sandboxId", "sandboxName", "imsOrgId", "name", "description", "state", "version", "etag")
KNOWN_FIELDS["connections"] = frozenset(_COMMON + ("connectionSpec", "auth"))
KNOWN_FIELDS["sourceConnections"] = frozenset(_COMMON + (
    "baseConnectionId", "data", "connectionSpec", "params", "providerRefId", "inheritedAttributes"))
KNOWN_FIELDS["targetConnections"] = KNOWN_FIELDS["sourceConnections"]
KNOWN_FIELDS["flows"] = frozenset(_COMMON + (
    "flowSpec", "sourceConnectionIds", "targetConnectionIds", "inheritedAttributes", "scheduleParams",
    "transformations", "runs", "lastOperation", "lastRunDetails", "labels", "options"))


def query_error(code: str, detail: str) -> BadRequest:
    return BadRequest(detail, code=code)


# -- filters -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """One ``property=`` expression, parsed."""

    path: str
    op: str  # one of OPERATORS, or "exists" / "missing"
    values: tuple[str, ...] = ()

    def matches(self, record: Mapping[str, Any]) -> bool:
        found = self._found(record)
        if self.op == "exists":
            return bool(found)
        if self.op == "missing":
            return not found
        if self.op == "==":
            return any(_equal(v, wanted) for v in found for wanted in self.values)
        if self.op == "!=":
            return not any(_equal(v, wanted) for v in found for wanted in self.values)
        if self.op == "~":
            return any(isinstance(v, str) and self.values[0] in v for v in found)
        wanted = self.values[0]
        return any(_ordered(v, self.op, wanted) for v in found)

    def _found(self, record: Mapping[str, Any]) -> list[Any]:
        """The non-null values at the path (as ``values_at``); a top-level field, the common case
        of a full pass, is read directly."""
        if "." not in self.path and isinstance(record, dict):
            value = record.get(self.path.removesuffix("[]"))
            if isinstance(value, list):
                return [v for v in value if v is not None]
            return [] if value is None else [value]
        return [v for v in values_at(record, self.path) if v is not None]


def as_number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    if isinstance(text, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*", text):
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _equal(stored: Any, wanted: str) -> bool:
    """Equality by the stored value's type (see the module docstring)."""
    if isinstance(stored, bool):
        return wanted == ("true" if stored else "false")
    if isinstance(stored, (int, float)):
        number = as_number(wanted)
        return number is not None and float(stored) == number
    if isinstance(stored, str):
        return stored == wanted
    return False


def _ordered(stored: Any, op: str, wanted: str) -> bool:
    left, right = as_number(stored), as_number(wanted)
    if left is not None and right is not None:
        a, b = left, right
    elif isinstance(stored, str):
        a, b = stored, wanted  # type: ignore[assignment]
    else:
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _split_values(text: str) -> list[str]:
    """Comma-separated values; commas inside double quotes belong to the value."""
    values, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return [strip_quotes(v) for v in values]


def _check_field(path: str, fields: frozenset[str] | None, code: str, what: str) -> None:
    if not PATH_RE.match(path):
        raise query_error(code, f"Invalid field {path} in {what}.")
    top = path.split(".", 1)[0].removesuffix("[]")
    if fields is not None and top not in fields:
        raise query_error(code, f"Invalid field {top} in {what}.")


def parse_condition(text: str, fields: frozenset[str] | None = None) -> Condition:
    """Parse one ``property`` value; raises the FSE 14xx error that fits the mistake."""
    expression = text.strip()
    if not expression:
        raise query_error("1453", f"Invalid query value {text} provided in query param.")
    negated = expression.startswith("!")
    bare = expression[1:] if negated else expression
    if not _OPERATOR_CHARS.search(bare):
        # Existence: "name" keeps objects having the field, "!name" those lacking it.
        _check_field(bare.strip(), fields, "1449", "filter params")
        return Condition(bare.strip(), "missing" if negated else "exists")
    match = _EXPRESSION_RE.match(expression)
    assert match is not None  # an operator character is present
    path, op, raw = match.group("path").strip(), match.group("op"), match.group("value")
    if not path:
        raise query_error("1453", f"Invalid query value {text} provided in query param.")
    if op in NOT_IMPLEMENTED:
        raise query_error("1440", f"Operator '{op}' not implemented.")
    if op not in OPERATORS:
        raise query_error("1450", f"Invalid operator {op} in filter params.")
    _check_field(path, fields, "1449", "filter params")
    if not raw.strip():
        raise query_error("1453", f"Invalid query value {text} provided in query param.")
    values = _split_values(raw) if op in ("==", "!=") else [strip_quotes(raw)]
    if op in RANGE_OPERATORS and "," in raw:
        raise query_error("1443", f"Operator '{op}' is not allowed for multiple values.")
    if any(v == "" for v in values):
        raise query_error("1453", f"Invalid query value {text} provided in query param.")
    last = path.rsplit(".", 1)[-1].removesuffix("[]")
    if _NUMERIC_NAMES.match(last) and op != "~" and any(as_number(v) is None for v in values):
        raise query_error("1452", f"Invalid value {raw} for field {path}.")
    return Condition(path, op, tuple(values))


def equality_values(expressions: Iterable[str], path: str) -> set[str] | None:
    """The values ``path`` must equal under the ``path==a,b`` expressions among ``expressions``
    (intersected when several), or None when none applies or one does not parse (the caller
    must then not narrow anything; the pager reports the bad expression)."""
    found: set[str] | None = None
    for text in expressions:
        try:
            condition = parse_condition(text)
        except BadRequest:
            return None
        if condition.op == "==" and condition.path == path:
            found = set(condition.values) if found is None else found & set(condition.values)
    return found


def _path_variants(path: str) -> Iterable[str]:
    """``a.b`` and ``a[].b`` find the same values; the index may be declared with either."""
    parts = [p.removesuffix("[]") for p in path.split(".")]
    if len(parts) > 4:
        return [path]
    return [".".join(p + ("[]" if flag else "") for p, flag in zip(parts, flags))
            for flags in itertools.product((False, True), repeat=len(parts))]


def _index_candidates(collection: Collection, conditions: Sequence[Condition]) -> set[str] | None:
    """Ids that may satisfy every ``==`` condition on an indexed path (None: no index helps)."""
    found: set[str] | None = None
    for condition in conditions:
        if condition.op != "==":
            continue
        indexed = next((p for p in _path_variants(condition.path) if collection.indexed(p)), None)
        if indexed is None:
            continue
        ids: set[str] = set()
        for wanted in condition.values:
            ids |= collection.lookup(indexed, wanted)
            number = as_number(wanted)
            if number is not None:
                ids |= collection.lookup(indexed, number)
        found = ids if found is None else found & ids
        if not found:
            return found
    return found


def _candidates(records: Iterable[Mapping[str, Any]] | Collection, index_source: Collection | None,
                conditions: Sequence[Condition]) -> list[Mapping[str, Any]]:
    """The objects to evaluate, in insertion order, narrowed by an index where one applies."""
    source = index_source if index_source is not None else (records if isinstance(records, Collection) else None)
    narrowed = _index_candidates(source, conditions) if source is not None else None
    if isinstance(records, Collection):
        if narrowed is None:
            return [record for _id, record in records.scan()]
        # The store orders the hits by insertion position: no other record is touched.
        return [records.peek(i) for i in records.in_order(narrowed)]  # type: ignore[misc]
    items = list(records)
    if narrowed is not None:
        items = [item for item in items if item.get("id") in narrowed]
    return items


def filter_records(records: Iterable[Mapping[str, Any]] | Collection, conditions: Sequence[Condition],
                   index_source: Collection | None = None) -> list[Mapping[str, Any]]:
    """The objects satisfying every condition, in insertion order (read-only, not copies)."""
    return [r for r in _candidates(records, index_source, conditions) if all(c.matches(r) for c in conditions)]


def iter_matches(collection: Collection, conditions: Sequence[Condition], index_source: Collection | None = None,
                 after: str | None = None) -> Iterator[Mapping[str, Any]]:
    """Lazily, the records of ``collection`` satisfying every condition, in insertion order;
    with ``after`` (an id the collection holds) only those inserted after it. A pager that stops
    early reads only the index hits and the records it consumed, not the whole collection."""
    source = index_source if index_source is not None else collection
    narrowed = _index_candidates(source, conditions)
    pairs: Iterable[tuple[str, Mapping[str, Any] | None]]
    if narrowed is not None:
        pairs = ((i, collection.peek(i)) for i in collection.in_order(narrowed, after))
    elif after is not None:
        order = list(collection.ids())  # ids only: the cursor's place in insertion order
        pairs = ((i, collection.peek(i)) for i in order[order.index(after) + 1:])
    else:
        pairs = collection.scan()
    for _id, record in pairs:
        if record is not None and all(c.matches(record) for c in conditions):
            yield record
