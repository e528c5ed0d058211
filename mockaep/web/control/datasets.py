"""Control plane: a dataset's landed rows as JSON (emulator-only), for assertions.

``GET /_mockaep/datasets/{dataSetId}/rows?start=&limit=`` → ``{"rows", "start", "limit", "total",
"unavailableFiles"}``: the rows of the dataset's valid dataset files in the order they landed, as
the JSON documents they were (the Parquet files the Data Access API serves, read back; the
platform's ``_acp_system_metadata`` column left out). ``limit`` ≤ 1000 (default 100). The tenant's
runs are first brought up to the clock (Flow Service's port), so what the clock made land is there;
Catalog reads the rows through its port, only the files the page needs.
"""
from __future__ import annotations

from flask import Blueprint

from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.numbers import whole_number
from mockaep.web.control.scope import tenant_context
from mockaep.web.gateway import json_response

blueprint = Blueprint("control_datasets", __name__, url_prefix="/_mockaep/datasets")
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_START = 1_000_000_000


def _number(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    value = whole_number(raw.strip(), 10)
    if value is None or not low <= value <= high:
        raise BadRequest(f"'{name}' must be a whole number from {low} to {high}; got '{raw[:50]}'.")
    return value


@blueprint.route("/<dataset_id>/rows", methods=["GET"])
def dataset_rows(dataset_id: str):
    with tenant_context(write=False) as ctx:
        start = _number(ctx.query.get("start"), "start", 0, 0, MAX_START)
        limit = _number(ctx.query.get("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        if ctx.backend("catalog").get_dataset(dataset_id) is None:
            raise NotFound(f"Dataset '{dataset_id[:200]}' was not found in org {ctx.org}, sandbox {ctx.sandbox}.")
        ctx.backend("flowservice").catch_up()
        found = ctx.backend("catalog").dataset_rows(dataset_id, start, limit) or \
            {"rows": [], "total": 0, "unavailableFiles": []}
        return json_response({"rows": found["rows"], "start": start, "limit": limit, "total": found["total"],
                              "unavailableFiles": found["unavailableFiles"]})
