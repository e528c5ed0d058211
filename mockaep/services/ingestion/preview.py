"""``GET /batches/{b}/datasets/{d}/preview``: the rows uploaded so far, flattened into columns."""
from __future__ import annotations

import json
from typing import Any

from mockaep.core.errors import BadRequest
from mockaep.core.context import RequestContext
from mockaep.core.request import QueryParams
from mockaep.services.ingestion import rows as rowlib
from mockaep.core.blobs import BlobStore
from mockaep.services.ingestion.staging import ContentLost, file_bytes, require_target, staged_files


def preview(ctx: RequestContext, spool: BlobStore, batch_id: str, dataset_id: str,
            params: QueryParams) -> dict[str, Any]:
    """Rows of the files uploaded so far, flattened into columns (``nrow`` caps them; 0 = all)."""
    require_target(ctx, batch_id, dataset_id, writable=False)
    fmt = (params.get("format") or "").lower()
    if fmt not in rowlib.FORMATS:
        raise BadRequest(f"Query parameter 'format' is required: one of {', '.join(rowlib.FORMATS)}.")
    try:
        nrow = int(params.get("nrow", "0"))
    except ValueError:
        nrow = -1
    if nrow < 0:
        raise BadRequest("Query parameter 'nrow' must be a non-negative integer.")
    flags = {"multiline": str(params.get("isMultiLineJson", "false")).lower() == "true",
             "delimiter": params.get("delimiter") or ",", "quote": params.get("quote") or '"',
             "header": str(params.get("header", "true")).lower() != "false"}
    flat_rows: list[dict[str, Any]] = []
    for staged in staged_files(ctx, batch_id, dataset_id):
        if staged["state"] != "complete":
            continue
        try:
            parsed = rowlib.read_rows(file_bytes(spool, staged), fmt, **flags)
        except rowlib.FileError as exc:
            raise BadRequest(f"{staged['name']} cannot be previewed as {fmt}: {exc.description}") from None
        except ContentLost:
            raise BadRequest(f"{staged['name']} cannot be previewed: its bytes are not available (the state was "
                             "loaded from a document that does not carry uploads).") from None
        values = (rowlib.json_value(row.value, fmt) for row in parsed)
        flat_rows.extend(_flatten(value) for value in values if isinstance(value, dict))
    if nrow:
        flat_rows = flat_rows[:nrow]
    names: dict[str, None] = {}
    for flat in flat_rows:
        for name in flat:
            names.setdefault(name, None)
    columns = [{"cid": str(i), "name": name} for i, name in enumerate(names)]
    index = {name: str(i) for i, name in enumerate(names)}
    return {"formatParams": {"format": fmt, "delimiter": flags["delimiter"], "quote": flags["quote"],
                             "escape": params.get("escape") or "\\", "charset": params.get("charset") or "UTF-8",
                             "header": flags["header"]},
            "preview": {"columns": columns, "rows": [{index[k]: v for k, v in flat.items()} for flat in flat_rows]}}


def _flatten(value: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            out.update(_flatten(item, f"{name}."))
        else:
            out[name] = item if isinstance(item, str) else json.dumps(item)
    return out
