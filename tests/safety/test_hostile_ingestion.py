"""Batch Ingestion rows whose values validate against the schema but that Parquet cannot hold.

JSON integers have no limit and XDM's ``number`` has none either: an integer of 400 digits is a
valid ``number``, but no double holds it. Completing a batch holding one answered 500 and left
the batch ``processing`` for ever; the row is now rejected (as any unstorable row) and the batch
ends.
"""
from __future__ import annotations

import json

import pytest

import tests.catalog.helpers as helpers
from mockaep.core.context import tenant_id_for
from tests.conftest import ORG, gateway_headers
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture, populated_http_fixture  # noqa: F401 (the module's app, http fixtures)

HUGE = 10 ** 400


@pytest.fixture(scope="module")
def dataset(app):
    """A dataset whose schema has a ``number`` and an array of ``number`` under the tenant."""
    http = app.test_client()
    tenant = f"_{tenant_id_for(ORG)}"
    headers = gateway_headers(Accept="application/vnd.adobe.xed+json")
    group = {"title": "Hostile numbers", "description": "d", "type": "object",
             "meta:intendedToExtend": ["https://ns.adobe.com/xdm/context/profile"],
             "definitions": {"d": {"properties": {tenant: {"type": "object", "properties": {
                 "amount": {"type": "number"}, "amounts": {"type": "array", "items": {"type": "number"}}}}}}},
             "allOf": [{"$ref": "#/definitions/d"}]}
    made = http.post(f"{helpers.REGISTRY}/tenant/fieldgroups", headers=headers, json=group)
    assert made.status_code == 201, made.get_data(as_text=True)
    schema = http.post(f"{helpers.REGISTRY}/tenant/schemas", headers=headers, json={
        "title": "Hostile numbers schema", "description": "d", "type": "object",
        "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"}, {"$ref": made.json["$id"]}]})
    assert schema.status_code == 201, schema.get_data(as_text=True)
    return helpers.make_dataset(http, schema.json["$id"], "Hostile numbers")


@pytest.mark.parametrize("value", [{"amount": HUGE}, {"amounts": [1.5, -HUGE]}], ids=["number", "array item"])
def test_a_number_beyond_a_double_is_a_rejected_row(http, dataset, value):
    tenant = f"_{tenant_id_for(ORG)}"
    batch_id = helpers.open_batch(http, dataset)
    rows = [{tenant: {"amount": 2.5}}, {tenant: value}]
    text = "\n".join(json.dumps(row) for row in rows) + "\n"
    assert helpers.upload(http, batch_id, dataset, "rows.json", text).status_code == 200
    done = http.post(f"{helpers.IMPORT}/batches/{batch_id}?action=COMPLETE", headers=gateway_headers())
    hostile.check_answer(done, "ingestion")
    assert done.status_code == 200, done.get_data(as_text=True)[:300]
    batch = http.get(f"{helpers.CATALOG}/batches/{batch_id}", headers=gateway_headers()).json[batch_id]
    assert batch["status"] == "success", batch
    assert batch["metrics"]["failedRecordCount"] == 1, batch["metrics"]
