"""List calls: ``property`` filters, ``orderby``/``start``/``limit`` paging, the list envelope
(appendix.md query parameters; schemas.md envelope). At most 300 results per page."""
from __future__ import annotations

import re
import urllib.parse
from typing import Any, Callable, Iterable, Mapping

from mockaep.core.errors import BadRequest

MAX_PAGE = 300
MAX_LIMIT = 500
FILTER_RE = re.compile(r"^(?P<path>[^=!<>~]+?)\s*(?:(?P<op>==|!=|<=|>=|<|>|~)\s*(?P<value>.*))?$")
SUMMARY = ("$id", "meta:altId", "version", "title")


def _value_at(resource: Mapping[str, Any], path: str) -> Any:
    node: Any = resource
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, Mapping) and path in node:
            return node[path]
        else:
            return None
    return node


def _compare(actual: Any, op: str, wanted: str) -> bool:
    if isinstance(actual, list):
        if op == "!=":
            return all(_compare(a, "==", wanted) is False for a in actual)
        return any(_compare(a, op, wanted) for a in actual)
    if actual is None:
        return op == "!="
    if isinstance(actual, bool):
        text = "true" if actual else "false"
    else:
        text = str(actual)
    if op == "==":
        return text == wanted
    if op == "!=":
        return text != wanted
    if op == "~":
        try:
            return re.search(wanted, text) is not None
        except re.error:
            raise BadRequest(f"'{wanted}' is not a valid regular expression.") from None
    left: Any = text
    right: Any = wanted
    try:
        left, right = float(text), float(wanted)
    except ValueError:
        pass
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


def parse_filters(values: Iterable[str]) -> list[tuple[str, str | None, str | None]]:
    filters = []
    for raw in values:
        for part in [p for p in raw.split(",") if p.strip()] if "~" not in raw else [raw]:
            match = FILTER_RE.match(part.strip())
            if not match or not match["path"].strip():
                raise BadRequest(f"'property={raw}' is not a filter: use property=<field><op><value> with op "
                                 "one of ==, !=, <, >, <=, >=, ~ (or the field name alone).")
            filters.append((match["path"].strip(), match["op"], (match["value"] or "").strip().strip('"')))
    return filters


def matcher(filters) -> Callable[[Mapping[str, Any]], bool]:
    def matches(resource: Mapping[str, Any]) -> bool:
        for path, op, value in filters:
            actual = _value_at(resource, path)
            if op is None:
                if actual is None:
                    return False
            elif not _compare(actual, op, value):
                return False
        return True
    return matches


def _sort_key(value: Any):
    if isinstance(value, bool) or value is None:
        return (2, str(value))
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, str(value))


def page(resources: list[Mapping[str, Any]], args: Mapping[str, str], base_url: str) -> dict[str, Any]:
    """Sort, page and wrap already filtered resources (items still raw)."""
    orderby = args.get("orderby")
    start = args.get("start")
    limit_text = args.get("limit")
    if (start is not None or limit_text is not None) and not orderby:
        raise BadRequest("'start' and 'limit' can only be used together with 'orderby'.")
    limit = MAX_PAGE
    if limit_text is not None:
        try:
            limit = int(float(limit_text))
        except ValueError:
            raise BadRequest(f"'limit' must be a number between 1 and {MAX_LIMIT}, not '{limit_text}'.") from None
        if not 0 < limit <= MAX_LIMIT or float(limit_text) != limit:
            raise BadRequest(f"'limit' must be a number between 1 and {MAX_LIMIT}, not '{limit_text}'.")
        limit = min(limit, MAX_PAGE)
    items = list(resources)
    primary = None
    descending = False
    if orderby:
        keys = [k.strip() for k in orderby.split(",") if k.strip()]
        if not keys or any(k in ("-", "+") for k in keys):
            raise BadRequest(f"'orderby={orderby}' names no field.")
        for key in reversed(keys):
            desc = key.startswith("-")
            name = key.lstrip("+-")
            items.sort(key=lambda r, n=name: _sort_key(_value_at(r, n)), reverse=desc)
        descending = keys[0].startswith("-")
        primary = keys[0].lstrip("+-")
        if start is not None:
            bound = _sort_key(_coerce(start))
            items = [r for r in items if (_sort_key(_value_at(r, primary)) < bound if descending
                                          else _sort_key(_value_at(r, primary)) > bound)]
    shown = items[:limit]
    more = len(items) > len(shown)
    next_start = None
    if more and primary:
        value = _value_at(shown[-1], primary)
        next_start = "" if value is None else str(value)
    page_info: dict[str, Any] = {"count": len(shown), "next": next_start}
    if orderby:
        page_info = {"orderby": orderby, **page_info}
    links: dict[str, Any] = {"next": None}
    if next_start is not None:
        query = urllib.parse.urlencode({"orderby": orderby, "start": next_start, "limit": limit})
        links["next"] = {"href": f"{base_url}?{query}"}
    return {"results": shown, "_page": page_info, "_links": links}


def _coerce(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def summary(resource: Mapping[str, Any]) -> dict[str, Any]:
    return {k: resource[k] for k in SUMMARY if k in resource}
