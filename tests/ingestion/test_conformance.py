"""schemathesis over the official batch-ingestion.yaml (with the documented overlay): no server
errors, and status codes, content types and response bodies as documented, for every operation.

Spec defects met here: the PATCH part upload declares ``multipart/form-data`` while its own
Content-Type parameter and api-overview.md say ``application/octet-stream`` (the emulator
answers 415 to multipart, which the spec lists); the format enum is spelled ``JSON``/``Parquet``/
``CSV`` while the docs send lowercase (both accepted). Relaxations live in tests/spec_overlay.py.
"""
from __future__ import annotations

from hypothesis import HealthCheck, settings

from mockaep import create_app
from tests.catalog.helpers import aim, seed_conformance_dataset
from tests.conformance import check_case, official_schema

APP = create_app()
seed_conformance_dataset(APP)
schema = official_schema("ingestion", APP)
schema.config.phases.coverage.enabled = False  # too slow for CI; fuzzing covers every operation


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_ingestion_conforms_to_its_official_spec(case):
    aim(case, APP)
    check_case(case)


def test_every_operation_is_exercised():
    operations = {(op.method.upper(), op.path) for op in (o.ok() for o in schema.get_all_operations())}
    files = "/batches/{batchId}/datasets/{datasetId}/files/{filePath}"
    assert operations == {
        ("POST", "/batches"), ("PUT", files), ("PATCH", files), ("POST", files), ("HEAD", files),
        ("GET", "/batches/{batchId}/datasets/{datasetId}/preview"), ("POST", "/batches/{batchId}"),
    }
