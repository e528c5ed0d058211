"""``/mappingSets/validate`` and ``/mappingSets/preview``: check mappings, apply them to sample rows
(through the mapper, as a dataflow run does)."""
from __future__ import annotations

from typing import Any

from mockaep.core import validation
from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, shown
from mockaep.services.conversion import mapper, mapping_rules, models
from mockaep.services.conversion.evaluate import OPERATION_COST, Budget, BudgetExceeded


def validate_mapping_set(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """One ``{status, errors}`` entry per mapping, in order."""
    request = mapping_rules.read_request(ctx, body, "/mappingSets/validate")
    mapping_rules.check_mappings(ctx, request)
    return {"validationResponse": [{"status": "FAILED" if m.errors else "SUCCESS", "errors": m.errors or None}
                                   for m in request.mappings]}


def _stored_plan(ctx: RequestContext, reference: dict[str, Any]) -> mapper.MappingPlan:
    """A preview may name a stored set (``{"id", "version"?}``) instead of spelling it out."""
    version = reference.get("version")
    whole = isinstance(version, int) or isinstance(version, float) and version.is_integer()  # 1e999 reads as inf
    if version is not None and (isinstance(version, bool) or not whole):
        raise BadRequest("mappingSet.version must be an integer.",
                         sub_errors=[{"path": "/mappingSet/version", "message": "must be an integer"}])
    stored = models.get_mapping_set(ctx, reference["id"], None if version is None else int(version))
    if stored is None:
        raise BadRequest(f"The mapping set {shown(reference['id'], quoted=True)} does not exist.",
                         sub_errors=[{"path": "/mappingSet/id", "message": "mapping set not found"}])
    return mapper.plan_stored(ctx, stored)


def _too_much(what: str) -> BadRequest:
    return BadRequest(f"The preview asks for more work than one request may cause ({what}); send fewer rows or "
                      "lighter mappings.", sub_errors=[{"path": "/data", "message": "too much data to preview"}])


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
        plan = _stored_plan(ctx, reference)
    else:
        plan = mapper.plan(ctx, mapping_rules.read_request(ctx, reference, "/mappingSets/validate"))
    budget = Budget()  # one allowance for the whole request: rows x mappings x what each builds
    if len(rows) * len(plan.mappings) * OPERATION_COST > budget.remaining:  # the least it would cost
        raise _too_much("rows x mappings")
    try:
        return mapper.map_rows(plan, rows, mapper.clock(ctx), budget)
    except BudgetExceeded:
        raise _too_much("rows x mappings x what each builds") from None
