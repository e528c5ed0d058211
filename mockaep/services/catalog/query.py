"""The Catalog query language (filter-data.md): simple filters, ``property=``, ``tags=`` and the
date ranges, read from a request into conditions of the shared selection.
Paging (``start``, ``limit``, ``orderBy``, ``properties``) is the Catalog pager's
(:mod:`mockaep.core.paging.catalog`).

The conditions themselves, and the semantics chosen where the documentation is silent, are in
:mod:`.conditions`.

Every filter is user input: names, values and counts are bounded, regular expressions run in
linear time (RE2, :mod:`mockaep.core.patterns`), and every refusal is a 400 before anything is read.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from mockaep.core.errors import BadRequest
from mockaep.core.paging import catalog as pager
from mockaep.core.patterns import PatternError, compile_pattern
from mockaep.core.request import MAX_QUERY_PARAMETERS, QueryParams
from mockaep.core.store import Collection
from mockaep.core.numbers import whole_number
from mockaep.services.catalog.conditions import Compare, Equals, Exists, Glob, Range, Regex, Tag

#: Parameters that steer the query (paging, or accepted and ignored) rather than filter on a
#: property of the same name.
CONTROL_PARAMS = set(pager.PARAMETERS) | {"property", "tags", "requestDataSource", "aggregate", "expansion"}
#: getting-started.md: these may come as headers too; a query parameter wins.
HEADER_PARAMS = pager.PARAMETERS
MAX_VALUES = 100
MAX_VALUE_LENGTH = 1024
_OPERATORS = ("==", "!=", "<=", ">=", "~", "<", ">")
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


RANGES = {
    "createdAfter": (("created",), True), "createdBefore": (("created",), False),
    "startAfter": (("availableDates", "startDate"), True), "startBefore": (("availableDates", "startDate"), False),
    "endAfter": (("availableDates", "endDate"), True), "endBefore": (("availableDates", "endDate"), False),
}


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
    value = whole_number(text, 16)
    if value is None or value > MAX_EPOCH_MS:
        raise BadRequest(f"Invalid '{name}' value '{raw[:100]}': it must be a time in epoch milliseconds.")
    return value


Alias = Callable[[str], Any]


def conditions(query: QueryParams, *, aliases: Mapping[str, Alias] | None = None,
               renames: Mapping[str, str] | None = None, use_index: bool = True) -> list[Any]:
    """The filter conditions of a list request (every parameter but the paging ones).

    ``renames``: filter names whose property is stored under another name (``/lastBatches``).
    ``use_index=False``: the conditions do not narrow through indexes (a listing whose aliases
    must be the only ones that narrow, see :class:`.conditions.KeyIn`)."""
    renames = renames or {}
    aliases = aliases or {}
    if len(query.items()) > MAX_QUERY_PARAMETERS:
        raise BadRequest(f"A Catalog request takes at most {MAX_QUERY_PARAMETERS} query parameters.")
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
