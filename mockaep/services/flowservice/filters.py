"""The Flow Service list language: ``property=`` filter expressions and ``orderby``.

Adobe's sort-and-filter guide and the FSE catalogue:

* ``property=<path><op><value>``, repeatable, all conditions AND-ed. ``<path>`` is dotted;
  ``name[]`` marks an array whose items are searched (a list met on the way fans out anyway).
  Operators: ``==`` (comma-separated values: any of them), ``!=`` (none of them), ``<``,
  ``<=``, ``>``, ``>=`` (one value only, else 1443), ``~`` (contains). ``property=<path>``
  keeps objects having the field, ``property=!<path>`` those lacking it. Values may be
  quoted (``name=="My flow"``); quotes are stripped.
* Equality compares by the stored value's type: numbers numerically (``15`` matches
  ``15.0``), booleans as ``true``/``false``, strings exactly. ``<``/``>`` compare numerically
  when both sides are numbers (numeric strings included), else as strings.
* ``orderby=<path>`` / ``+<path>`` / ``-<path>``; ties by id; objects lacking the field last.

Errors (400, Flow Service shape): 1432 bad sort sign, 1433 bad sort field, 1440 operator known
but not implemented, 1443 range operator with several values, 1449 invalid field, 1450 unknown
operator, 1452 invalid value for the field, 1453 empty, malformed or oversized expression.
The language has no regular expressions (``=~`` is 1440).

A :class:`Condition` implements ``mockaep.core.paging.selection.Condition``: an ``==`` on an
indexed path takes its candidates from the store's index, so a filtered list reads the page, not
the collection.
"""
from __future__ import annotations

import heapq
import itertools
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from mockaep.core.errors import BadRequest
from mockaep.core.ids import strip_quotes
from mockaep.core.paging.selection import SortKey
from mockaep.core.store import Collection, values_at

#: One path segment: a field name (XDM names may hold ``:``, ``@``, ``-``), optionally ``[]``.
_SEGMENT = r"[A-Za-z0-9_$@:\-]+(?:\[\])?"
PATH_RE = re.compile(rf"^{_SEGMENT}(?:\.{_SEGMENT})*$")
_EXPRESSION_RE = re.compile(r"^(?P<path>[^=!<>~]*)(?P<op>[=!<>~]+)(?P<value>.*)$", re.S)
_OPERATOR_CHARS = re.compile(r"[=!<>~]")
_NUMBER_RE = re.compile(r"\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*")
OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "~")
RANGE_OPERATORS = ("<", "<=", ">", ">=")
#: Operators of other AEP query languages (Catalog's ``=``, regex ``=~``/``!~``): recognised,
#: not implemented by Flow Service (FSE 1440).
NOT_IMPLEMENTED = ("=", "=~", "!~", "~=")
#: Fields holding epoch-millisecond timestamps: range or equality values must be numbers (1452).
_NUMERIC_NAMES = re.compile(r"^(createdAt|updatedAt|started|updated|\w*AtUTC)$")
#: Values one ``==``/``!=`` list may hold, and segments one path may have.
MAX_VALUES = 100
MAX_PATH_SEGMENTS = 16

#: Top-level fields a filter or sort may name, per resource (FSE 1449 "Invalid field
#: connections in filter params"): the fields of the official *ItemDTO plus those the
#: platform documents elsewhere (description, labels, a run's state and params). Resources not
#: listed (the spec catalogues) accept any field.
_COMMON = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
           "sandboxId", "sandboxName", "imsOrgId", "name", "description", "state", "version", "etag")
_CONNECTION = _COMMON + ("baseConnectionId", "data", "connectionSpec", "params", "providerRefId",
                         "inheritedAttributes")
KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "connections": frozenset(_COMMON + ("connectionSpec", "auth")),
    "sourceConnections": frozenset(_CONNECTION),
    "targetConnections": frozenset(_CONNECTION),
    "flows": frozenset(_COMMON + (
        "flowSpec", "sourceConnectionIds", "targetConnectionIds", "inheritedAttributes", "scheduleParams",
        "transformations", "runs", "lastOperation", "lastRunDetails", "labels", "options")),
    "runs": frozenset(("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
                       "sandboxId", "sandboxName", "imsOrgId", "flowId", "flowSpec", "providerRefId", "etag",
                       "state", "params", "metrics", "activities")),
}


def query_error(code: str, detail: str) -> BadRequest:
    return BadRequest(detail, code=code)


# -- conditions ----------------------------------------------------------------------------------
def as_number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    if isinstance(text, str) and len(text) < 100 and _NUMBER_RE.fullmatch(text):
        try:
            return float(text)
        except (ValueError, OverflowError):
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


@dataclass(frozen=True)
class Condition:
    """One ``property=`` expression, parsed; a ``selection.Condition``."""

    path: str
    op: str  # one of OPERATORS, or "exists" / "missing"
    values: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        # The index compares canonical strings (True → "true", 15.0 → "15"); a numeric value is
        # also looked up as a number, which can name strings ("15") that equality refuses.
        return self.op == "==" and all(as_number(v) is None for v in self.values)

    def narrow(self, collection: Collection) -> Sequence[int] | None:
        if self.op != "==":
            return None
        indexed = next((p for p in _path_variants(self.path) if collection.indexed(p)), None)
        if indexed is None:
            return None
        keys: list[Any] = []
        for wanted in self.values:
            keys.append(wanted)
            number = as_number(wanted)
            if number is not None:
                keys.append(number)
        lists = [hits for hits in (collection.hits(indexed, key) for key in keys) if hits]
        if len(lists) <= 1:
            return lists[0] if lists else ()
        # Several values: the union of their (ascending) hit lists, still ascending.
        return [seq for seq, _group in itertools.groupby(heapq.merge(*lists))]

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


def _path_variants(path: str) -> Iterable[str]:
    """``a.b`` and ``a[].b`` find the same values; the index may be declared with either."""
    parts = [p.removesuffix("[]") for p in path.split(".")]
    if len(parts) > 4:
        return [path]
    return [".".join(p + ("[]" if flag else "") for p, flag in zip(parts, flags))
            for flags in itertools.product((False, True), repeat=len(parts))]


# -- parsing -------------------------------------------------------------------------------------
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
    if not PATH_RE.match(path) or path.count(".") >= MAX_PATH_SEGMENTS:
        raise query_error(code, f"Invalid field {path[:200]} in {what}.")
    top = path.split(".", 1)[0].removesuffix("[]")
    if fields is not None and top not in fields:
        raise query_error(code, f"Invalid field {top[:200]} in {what}.")


def parse_condition(text: str, fields: frozenset[str] | None = None) -> Condition:
    """Parse one ``property`` value; raises the FSE 14xx error that fits the mistake."""
    expression = text.strip()
    shown = text[:200]
    if not expression:
        raise query_error("1453", f"Invalid query value {shown} provided in query param.")
    negated = expression.startswith("!")
    bare = expression[1:] if negated else expression
    if not _OPERATOR_CHARS.search(bare):
        # Existence: "name" keeps objects having the field, "!name" those lacking it.
        _check_field(bare.strip(), fields, "1449", "filter params")
        return Condition(bare.strip(), "missing" if negated else "exists")
    match = _EXPRESSION_RE.match(expression)
    if match is None:  # an operator character is present, so the expression always matches
        raise query_error("1453", f"Invalid query value {shown} provided in query param.")
    path, op, raw = match.group("path").strip(), match.group("op"), match.group("value")
    if not path:
        raise query_error("1453", f"Invalid query value {shown} provided in query param.")
    if op in NOT_IMPLEMENTED:
        raise query_error("1440", f"Operator '{op}' not implemented.")
    if op not in OPERATORS:
        raise query_error("1450", f"Invalid operator {op[:20]} in filter params.")
    _check_field(path, fields, "1449", "filter params")
    if not raw.strip():
        raise query_error("1453", f"Invalid query value {shown} provided in query param.")
    values = _split_values(raw) if op in ("==", "!=") else [strip_quotes(raw)]
    if op in RANGE_OPERATORS and "," in raw:
        raise query_error("1443", f"Operator '{op}' is not allowed for multiple values.")
    if len(values) > MAX_VALUES:
        raise query_error("1453", f"At most {MAX_VALUES} values may be listed in one filter expression; "
                                  f"{len(values)} were given.")
    if any(v == "" for v in values):
        raise query_error("1453", f"Invalid query value {shown} provided in query param.")
    last = path.rsplit(".", 1)[-1].removesuffix("[]")
    if _NUMERIC_NAMES.match(last) and op != "~" and any(as_number(v) is None for v in values):
        raise query_error("1452", f"Invalid value {raw[:200]} for field {path}.")
    return Condition(path, op, tuple(values))


def parse_orderby(text: str | None, fields: frozenset[str] | None = None) -> SortKey | None:
    """``orderby`` as a sort key (None: insertion order)."""
    if text is None:
        return None
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
    top = spec.split(".", 1)[0].removesuffix("[]")
    if not PATH_RE.match(spec) or spec.count(".") >= MAX_PATH_SEGMENTS or (fields is not None and top not in fields):
        raise query_error("1433", f"Incorrect field= {spec[:200]} passed in orderBy, example are +name, -name, name.")
    return SortKey(spec, descending)


def equality_values(conditions: Sequence[Condition], path: str) -> set[str] | None:
    """The values ``path`` must equal under the ``==`` conditions among ``conditions`` (intersected
    when several), or None when none applies."""
    found: set[str] | None = None
    for condition in conditions:
        if condition.op == "==" and condition.path == path:
            found = set(condition.values) if found is None else found & set(condition.values)
    return found


def mentions(conditions: Sequence[Condition], order: SortKey | None, top: str) -> bool:
    """Whether a filter or the sort reads the top-level field ``top``."""
    paths = [c.path for c in conditions] + ([order.path] if order else [])
    return any(p.split(".", 1)[0].removesuffix("[]") == top for p in paths)
