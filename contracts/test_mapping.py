"""Data Prep on the onboarded target schema: validate and preview the seed's mappings."""
from __future__ import annotations

from mockaep_client import onboarding as steps
from mockaep_contracts.shapes import assert_status

SALESFORCE = steps.SOURCES["salesforce-service-cloud"]


def test_validate_reports_one_result_per_mapping(aep, world):
    rows = SALESFORCE.mappings + (("person.noSuchField", "Phone"),)
    result = aep.conversion.validate_mapping_set(steps.mapping_set_body(world.target_schema_id, rows))
    assert_status(aep.session.last_response, 200)
    statuses = [entry["status"] for entry in result["validationResponse"]]
    assert statuses == ["SUCCESS", "SUCCESS", "SUCCESS", "FAILED"]
    failure = result["validationResponse"][-1]["errors"][0]
    assert failure["destination"] == "person.noSuchField" and failure["source"] == "Phone"
    assert {"exception", "columnName", "sourceType"} <= set(failure)


def test_preview_applies_the_seed_mappings_to_sample_rows(aep, world):
    rows = [{"Id": "0015g00000Sample1", "Name": "Example Outfitters", "CreatedDate": "2026-01-05T09:30:00Z"},
            {"Id": "0015g00000Sample2", "Name": "Sample Freight", "CreatedDate": "2026-02-11T16:45:00Z"}]
    preview = aep.conversion.preview_mapping_set(steps.mapping_set_body(world.target_schema_id), rows)
    assert_status(aep.session.last_response, 200)
    assert [entry["data"] for entry in preview] == [
        {"_id": row["Id"], "person": {"name": {"fullName": row["Name"]}}, "_repo": {"createDate": row["CreatedDate"]}}
        for row in rows]
    assert all(not entry.get("errors") for entry in preview)
