"""Which official operations the emulator serves, derived from the app's own URL map."""
from __future__ import annotations

import re
from dataclasses import dataclass

from werkzeug.exceptions import HTTPException

from mockaep.app import create_app
from mockaep.registry import SERVICES
from mockaep.core.validation import load_openapi

SPEC_FILES = {
    "flowservice": "flow-service.yaml",
    "schemaregistry": "schema-registry.yaml",
    "catalog": "catalog.yaml",
    "conversion": "data-prep.yaml",
    "ingestion": "batch-ingestion.yaml",
    "dataaccess": "data-access.yaml",
}


@dataclass(frozen=True)
class CoverageRow:
    method: str
    path: str
    operation_id: str | None
    served: bool


def coverage_table(app=None) -> dict[str, list[CoverageRow]]:
    """spec file → one row per official operation, ``served`` when a route of ours matches it."""
    app = app or create_app()
    adapter = app.url_map.bind("localhost")
    table: dict[str, list[CoverageRow]] = {}
    for service in SERVICES:
        spec = load_openapi(service.name)
        base = spec.document.get("basePath", "") if spec.swagger2 else ""
        rows = []
        for op in spec.operations():
            sample = re.sub(r"\{[^}]+\}", "x0sample", op.path)
            url = service.prefix + (sample if not base or sample.startswith("/") else "/" + sample)
            try:
                endpoint, _ = adapter.match(url, method=op.method)
                served = not endpoint.startswith("control_")
            except HTTPException:
                served = False
            rows.append(CoverageRow(op.method, op.path, op.operation_id, served))
        table[SPEC_FILES[service.name]] = rows
    return table
