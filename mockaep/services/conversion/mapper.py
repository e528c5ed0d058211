"""The mapper: a checked mapping set applied to source rows, one mapped document per row.

``/mappingSets/preview`` and the port's ``map_rows`` (dataflow runs) both go through
:func:`map_rows`, so a preview shows what a run produces.

Failures follow the platform's rule (data-prep/home.md, troubleshooting-guide.md): a
transformation that fails sets that destination attribute to null and is reported in the row's
``errors``; the rest of the row is still produced. Values are converted to the XDM type of their
destination field (a numeric id mapped to a string field becomes ``"1234"``, as in
mapping-set.md); a value that cannot be converted is a transformation failure too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping as MappingType

from mockaep.core.context import RequestContext
from mockaep.core.errors import MAX_DETAIL_LENGTH, shown
from mockaep.services.conversion import mapping_rules, paths
from mockaep.services.conversion.evaluate import OPERATION_COST, Budget, BudgetExceeded, Env, evaluate
from mockaep.services.conversion.functions.dates import as_date
from mockaep.services.conversion.functions.declaration import Function
from mockaep.services.conversion.library import library
from mockaep.services.conversion.mapping_rules import Mapping, MappingSetRequest
from mockaep.services.conversion.values import TransformError, is_number, iso, to_json, to_text


@dataclass(frozen=True)
class MappingPlan:
    """A mapping set ready to run: its checked mappings (expressions parsed), the resolved target
    schema (what values are converted to) and the function library its expressions call."""

    mappings: list[Mapping]
    schema: dict[str, Any]
    functions: MappingType[str, Function]


def plan(ctx: RequestContext, request: MappingSetRequest) -> MappingPlan:
    """Check every mapping (400 naming each problem when one cannot run) and resolve the target."""
    mapping_rules.check_mappings(ctx, request)
    mapping_rules.refuse_failed(request)
    resolved = ctx.backend("schemaregistry").resolve_schema(request.schema_ref) or {}
    return MappingPlan(request.mappings, resolved, library(ctx).functions)


def plan_stored(ctx: RequestContext, stored: dict[str, Any]) -> MappingPlan:
    """The plan of a stored version, read and checked as a request is (its target schema may have
    changed since the set was stored); a 400 when it can no longer run."""
    return plan(ctx, mapping_rules.read_request(ctx, stored, "/mappingSets/validate"))


def clock(ctx: RequestContext) -> datetime:
    """The emulator's time for ``now()`` and ``timestamp()`` (runs and previews are reproducible)."""
    return datetime.fromtimestamp(ctx.now_ms / 1000, tz=timezone.utc)


def map_rows(plan: MappingPlan, rows: list[Any], now: datetime, budget: Budget, *,
             budget_errors: bool = False) -> list[dict[str, Any]]:
    """One ``{"data": document, "errors": [...] | None}`` per row, in order.

    Work is charged to ``budget``. When it runs out: :class:`BudgetExceeded` (a preview refuses
    the whole request), or with ``budget_errors`` the row being mapped and every later one answer
    ``{"data": {}, "errors": [<why>]}`` (the rows of a run fail, the run goes on).
    """
    results: list[dict[str, Any]] = []
    for position, row in enumerate(rows):
        if not isinstance(row, dict):
            results.append(row_failure("a source row must be a JSON object"))
            continue
        try:
            results.append(apply_mappings(plan, row, now, budget))
        except BudgetExceeded as exc:
            if not budget_errors:
                raise
            reason = f"not mapped: {exc}"
            results.extend(row_failure(reason) for _ in rows[position:])
            break
    return results


def row_failure(reason: str) -> dict[str, Any]:
    """A row none of whose mappings ran (the error is the row's, not one mapping's)."""
    return {"data": {}, "errors": [{"destination": None, "exception": reason, "source": None, "columnName": None,
                                    "sourceType": None}]}


def apply_mappings(plan: MappingPlan, row: dict[str, Any], now: datetime, budget: Budget) -> dict[str, Any]:
    """One mapped document and its transformation errors (``null`` when there are none)."""
    env = Env(row=row, now=now, functions=plan.functions, budget=budget)
    document: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for mapping in plan.mappings:
        budget.spend(OPERATION_COST)  # applying a mapping is an operation, whatever it reads
        try:
            value = _source_value(mapping, env)
            if value is None:
                continue
            node = schema_node(plan.schema, mapping.destination_path)
            if paths.has_wildcard(mapping.destination_path):
                if not isinstance(value, list):
                    raise TransformError("a [*] destination needs an array of values")
                value = [None if item is None else to_json(coerce(item, node)) for item in value]
            else:
                value = to_json(coerce(value, node))
            budget.spend_on(value)  # what the answer will carry
            paths.write(document, mapping.destination_path, value)
        except (TransformError, RecursionError) as exc:
            errors.append({"destination": mapping.destination,
                           "exception": shown(str(exc) or type(exc).__name__, MAX_DETAIL_LENGTH),
                           "source": mapping.source, "columnName": mapping.name or mapping.source,
                           "sourceType": mapping.source_type})
            if not paths.has_wildcard(mapping.destination_path):
                paths.write(document, mapping.destination_path, None)
    return {"data": document, "errors": errors or None}


def _source_value(mapping: Mapping, env: Env) -> Any:
    if mapping.source_type == "STATIC":
        return mapping.source
    if mapping.source_type == "EXPRESSION":
        if mapping.tree is None:  # a plan holds checked mappings only; kept as a failure, never a 500
            raise TransformError("the expression was not checked")
        return evaluate(mapping.tree, env)
    return paths.lookup_attribute(env.row, mapping.source)


def schema_node(schema: dict[str, Any], segments: list[paths.Segment]) -> dict[str, Any] | None:
    """The JSON Schema of the field a destination designates (``None`` when unknown)."""
    node: Any = schema
    for segment in segments:
        if not isinstance(node, dict):
            return None
        if isinstance(segment, str):
            while _type(node) == "array" and isinstance(node.get("items"), dict):
                node = node["items"]
            node = (node.get("properties") or {}).get(segment)
        elif _type(node) == "array":
            node = node.get("items")
    return node if isinstance(node, dict) else None


def _type(node: dict[str, Any]) -> str | None:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def coerce(value: Any, node: dict[str, Any] | None) -> Any:
    """``value`` converted to the XDM type of ``node``; TransformError when it cannot be."""
    if node is None or value is None:
        return value
    kind = _type(node)
    if kind == "string":
        fmt = node.get("format")
        if fmt in ("date-time", "date"):
            found = as_date(value)
            return iso(found) if fmt == "date-time" else found.date().isoformat()  # type: ignore[union-attr]
        if isinstance(value, (list, dict)):
            raise TransformError("an array or object cannot go into a string field")
        return to_text(value)
    if kind == "integer":
        if isinstance(value, str):
            try:
                value = float(value.strip()) if any(c in value for c in ".eE") else int(value.strip())
            except ValueError:
                raise TransformError(f"{shown(value, quoted=True)} is not an integer") from None
        if not is_number(value) or (isinstance(value, float) and (not math.isfinite(value) or not value.is_integer())):
            raise TransformError(f"{shown(to_text(value), quoted=True)} is not an integer")
        return int(value)
    if kind == "number":
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise TransformError(f"{shown(value, quoted=True)} is not a number") from None
        if not is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
            raise TransformError(f"{shown(to_text(value), quoted=True)} is not a number")
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = to_text(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise TransformError(f"{shown(to_text(value), quoted=True)} is not a boolean")
    if kind == "array":
        if not isinstance(value, list):
            raise TransformError("an array field needs an array value")
        items = node.get("items") if isinstance(node.get("items"), dict) else None
        return [coerce(item, items) for item in value]
    if kind == "object":
        if not isinstance(value, dict):
            raise TransformError("an object field needs an object value")
        properties = node.get("properties") or {}
        return {key: coerce(item, properties.get(key)) for key, item in value.items()}
    return value
