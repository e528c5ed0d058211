"""The per-service clients against the in-process emulator: paths, envelopes, results."""
from __future__ import annotations

import pytest

from client import AEPClient, Created, NotFoundError, onboard
from client.onboarding import SOURCES, base_connection_body


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
