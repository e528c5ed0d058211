"""The per-service clients against the in-process emulator: paths, envelopes, results."""
from __future__ import annotations

import pytest

from mockaep_client import AEPClient, Created, NotFoundError, onboard
from mockaep_client.onboarding import SOURCES, base_connection_body


def test_iterate_follows_continuation_links_and_visits_each_once(aep):
    ids = [aep.flowservice.create_connection(base_connection_body(f"Paged {n}", SOURCES["servicenow"])).id
           for n in range(5)]
    seen = [item["id"] for item in aep.flowservice.iterate("connections", limit=2)]
    assert sorted(seen) == sorted(ids)


def test_get_by_id_unwraps_the_items_envelope(aep):
    created = aep.flowservice.create_connection(base_connection_body("Unwrapped", SOURCES["servicenow"]))
    assert isinstance(created, Created) and created.location
    connection = aep.flowservice.get_connection(created.id)
    assert connection["id"] == created.id
    assert aep.session.last_response.json()["items"][0]["id"] == created.id


def test_sandboxes_are_separate_worlds(aep):
    created = aep.flowservice.create_connection(base_connection_body("Sandboxed", SOURCES["servicenow"]))
    other = aep.with_sandbox("another-sandbox")
    assert other.session.auth is aep.session.auth  # one token serves both
    with pytest.raises(NotFoundError):
        other.flowservice.get_connection(created.id)
    assert aep.flowservice.get_connection(created.id)["sandboxName"] == "prod"


def test_onboard_refuses_an_unknown_source(aep):
    with pytest.raises(ValueError, match="servicenow"):
        onboard(aep, "no-such-crm")


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_onboard_returns_every_id_it_created(aep, source):
    result = onboard(aep, source, name=f"Unit {source}", run=True)
    ids = result.as_dict()
    for key in ("adhoc_class_id", "source_schema_id", "base_connection_id", "source_connection_id", "target_schema_id",
                "dataset_id", "target_connection_id", "mapping_set_id", "flow_spec_id", "flow_id", "run_id"):
        assert ids[key], key
    assert aep.flowservice.get_flow(result.flow_id)["name"] == f"Unit {source} dataflow"
    assert aep.catalog.get_dataset(result.dataset_id)["name"] == f"Unit {source} profile dataset"


def test_for_emulator_points_gateway_and_ims_at_one_url():
    aep = AEPClient.for_emulator("http://127.0.0.1:8080/")
    assert aep.base_url == aep.ims_url == "http://127.0.0.1:8080"
    assert aep.auth.token_url == "http://127.0.0.1:8080/ims/token/v3"


def test_delete_removes_the_object(aep):
    created = aep.flowservice.create_connection(base_connection_body("Short-lived", SOURCES["servicenow"]))
    aep.flowservice.delete_connection(created.id)
    assert aep.session.last_response.status_code == 204
    with pytest.raises(NotFoundError):
        aep.flowservice.get_connection(created.id)


def test_mapping_set_validate_and_preview(aep):
    result = onboard(aep, "salesforce-service-cloud", name="Unit mapping")
    from mockaep_client.onboarding import mapping_set_body

    body = mapping_set_body(result.target_schema_id)
    statuses = [entry["status"] for entry in aep.conversion.validate_mapping_set(body)["validationResponse"]]
    assert statuses == ["SUCCESS"] * 3
    preview = aep.conversion.preview_mapping_set(body, [{"Id": "1", "Name": "N", "CreatedDate": "2026-03-01"}])
    assert preview[0]["data"]["person"]["name"]["fullName"] == "N"
    listed = aep.conversion.list_mapping_sets(limit=10, start=0)
    assert result.mapping_set_id in [item["id"] for item in listed["data"]]
