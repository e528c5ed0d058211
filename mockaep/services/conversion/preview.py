"""``/mappingSets/validate`` and ``/mappingSets/preview``: check mappings, apply them to rows.

Preview follows the platform's rule for failures (data-prep/home.md, troubleshooting-guide.md):
a transformation that fails sets that destination attribute to null and is reported in the
row's ``errors``; the rest of the row is still produced. Values are converted to the XDM type
of their destination field (a numeric id mapped to a string field becomes ``"1234"``, as in
mapping-set.md); a value that cannot be converted is a transformation failure too.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

from mockaep.core.errors import BadRequest
from mockaep.core import validation
from mockaep.core.context import RequestContext
from mockaep.services.conversion import mapping_rules, models, paths
from mockaep.services.conversion.evaluate import OPERATION_COST, Budget, BudgetExceeded, Env, evaluate
from mockaep.services.conversion.functions.dates import as_date
from mockaep.services.conversion.mapping_rules import Mapping, MappingSetRequest
from mockaep.services.conversion.values import TransformError, is_number, iso, to_json, to_text


def validate_mapping_set(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """One ``{status, errors}`` entry per mapping, in order."""
    request = mapping_rules.read_request(ctx, body, "/mappingSets/validate")
    mapping_rules.check_mappings(ctx, request)
    return {"validationResponse": [{"status": "FAILED" if m.errors else "SUCCESS", "errors": m.errors or None}
                                   for m in request.mappings]}


def _stored_request(ctx: RequestContext, reference: dict[str, Any]) -> MappingSetRequest:
    """A preview may name a stored set (``{"id", "version"?}``) instead of spelling it out."""
    version = reference.get("version")
    if version is not None and (not is_number(version) or int(version) != version):
        raise BadRequest("mappingSet.version must be an integer.")
    stored = models.get_mapping_set(ctx, reference["id"], None if version is None else int(version))
    if stored is None:
        raise BadRequest(f"The mapping set '{reference['id']}' does not exist.",
                         sub_errors=[{"path": "/mappingSet/id", "message": "mapping set not found"}])
    return mapping_rules.read_request(ctx, stored, "/mappingSets/validate")


def preview(ctx: RequestContext, body: Any) -> list[dict[str, Any]]:
    view = body if not isinstance(body, dict) else {**body, "mappingSet": mapping_rules.request_view(
        body.get("mappingSet"))}
    validation.check_body(ctx, "conversion", "POST", "/mappingSets/preview", view)
    rows = body.get("data")
    reference = body.get("mappingSet")
    if not isinstance(rows, list):
        raise BadRequest("'data' must be an array of sample rows.",
                         sub_errors=[{"path": "/data", "message": "is required"}])
    if not isinstance(reference, dict):
        raise BadRequest("'mappingSet' is required.", sub_errors=[{"path": "/mappingSet", "message": "is required"}])
    if isinstance(reference.get("id"), str) and "mappings" not in reference:
        request = _stored_request(ctx, reference)
    else:
        request = mapping_rules.read_request(ctx, reference, "/mappingSets/validate")
    mapping_rules.check_mappings(ctx, request)
    mapping_rules.refuse_failed(request)
    resolved = ctx.backend("schemaregistry").resolve_schema(request.schema_ref) or {}
    now = datetime.fromtimestamp(ctx.now_ms / 1000, tz=timezone.utc)
    budget = Budget()  # one allowance for the whole request: rows x mappings x what each builds
    try:
        budget.spend(len(rows) * len(request.mappings) * OPERATION_COST)  # the least it will cost, up front
        return [apply_mappings(request.mappings, row, resolved, now, budget) for row in rows]
    except BudgetExceeded:
        raise BadRequest("The preview asks for more work than one request may cause (rows x mappings x what "
                         "each builds); send fewer rows or lighter mappings.",
                         sub_errors=[{"path": "/data", "message": "too much data to preview"}]) from None


def apply_mappings(mappings: list[Mapping], row: dict[str, Any], schema: dict[str, Any],
                   now: datetime, budget: Budget | None = None) -> dict[str, Any]:
    """One mapped document and its transformation errors (``null`` when there are none)."""
    env = Env(row=row, now=now, budget=budget or Budget())
    document: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for mapping in mappings:
        try:
            value = _source_value(mapping, env)
            if value is None:
                continue
            node = schema_node(schema, mapping.destination_path)
            if paths.has_wildcard(mapping.destination_path):
                if not isinstance(value, list):
                    raise TransformError("a [*] destination needs an array of values")
                value = [None if item is None else to_json(coerce(item, node)) for item in value]
            else:
                value = to_json(coerce(value, node))
            env.budget.spend_on(value)  # what the answer will carry
            paths.write(document, mapping.destination_path, value)
        except (TransformError, RecursionError) as exc:
            errors.append({"destination": mapping.destination, "exception": str(exc) or type(exc).__name__,
                           "source": mapping.source, "columnName": mapping.name or mapping.source,
                           "sourceType": mapping.source_type})
            if not paths.has_wildcard(mapping.destination_path):
                paths.write(document, mapping.destination_path, None)
    return {"data": document, "errors": errors or None}


def _source_value(mapping: Mapping, env: Env) -> Any:
    if mapping.source_type == "STATIC":
        return mapping.source
    if mapping.source_type == "EXPRESSION":
        assert mapping.tree is not None
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
                raise TransformError(f"{value!r} is not an integer") from None
        if not is_number(value) or (isinstance(value, float) and (not math.isfinite(value) or not value.is_integer())):
            raise TransformError(f"{to_text(value)!r} is not an integer")
        return int(value)
    if kind == "number":
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise TransformError(f"{value!r} is not a number") from None
        if not is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
            raise TransformError(f"{to_text(value)!r} is not a number")
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = to_text(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise TransformError(f"{to_text(value)!r} is not a boolean")
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
