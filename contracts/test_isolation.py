"""Tenants are isolated: an org's objects are invisible to another org, and a sandbox's to another
sandbox of the same org — by id (404 in the owning service's shape) and in lists — both ways.

It needs a target where a second org and sandbox can be used (a mockaep: every org and sandbox
exists and starts empty); on the platform the credentials name one org, so it is skipped there.
"""
from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest

from mockaep_client import onboarding as steps
from mockaep_contracts.plugin import isolates_tests
from mockaep_contracts.shapes import assert_service_error, assert_status, json_of

#: A sandbox the test's client does not work in (the suite's clients work in ``prod``).
OTHER_SANDBOX = "contract-isolation"
SCHEMA_LOOKUP = {"Accept": "application/vnd.adobe.xed+json; version=1"}


@pytest.fixture(params=["org", "sandbox"])
def stranger(request: pytest.FixtureRequest, contract_target):
    """A client of another tenant than the test's ``aep``: another org, or another sandbox of its org."""
    if not isolates_tests(contract_target):
        pytest.skip("needs a target where a second org and sandbox can be used (a mockaep)")
    aep = request.getfixturevalue("aep")
    if request.param == "sandbox":
        yield aep.with_sandbox(OTHER_SANDBOX)
        return
    client = contract_target.make_client(org_id=f"{uuid.uuid4().hex[:24].upper()}@AdobeOrg")
    yield client
    client.close()


def _reads(world) -> list[tuple[str, str, dict]]:
    """(service, path, headers) reading one onboarded object of each service by id."""
    return [
        ("flowservice", f"/connections/{world.base_connection_id}", {}),
        ("flowservice", f"/sourceConnections/{world.source_connection_id}", {}),
        ("flowservice", f"/flows/{world.flow_id}", {}),
        ("schemaregistry", f"/tenant/schemas/{quote(world.target_schema_id, safe='')}", SCHEMA_LOOKUP),
        ("catalog", f"/dataSets/{world.dataset_id}", {}),
        ("conversion", f"/mappingSets/{world.mapping_set_id}", {}),
    ]


def test_another_tenant_sees_none_of_the_objects(stranger, aep, world):
    listed = stranger.session.send("GET", "flowservice", "/flows")
    if listed.status_code == 404:  # a mockaep serving named sandboxes only (``mockaep serve --sandbox``)
        pytest.skip(f"the target has no sandbox {OTHER_SANDBOX!r}")
    assert_status(listed, 200)
    assert world.flow_id not in [item["id"] for item in json_of(listed)["items"]], (
        f"{stranger.org_id}/{stranger.sandbox} lists a flow of {aep.org_id}/{aep.sandbox}")
    assert world.dataset_id not in (stranger.catalog.list_datasets(limit=100) or {})
    for service, path, headers in _reads(world):
        response = stranger.session.send("GET", service, path, headers=headers)
        assert_service_error(response, service, 404)
        assert_status(aep.session.send("GET", service, path, headers=headers), 200)  # the owner still sees it


def test_objects_of_another_tenant_stay_there(stranger, aep, unique_name):
    name = unique_name("Contract stranger's connection")
    created = stranger.flowservice.create_connection(
        steps.base_connection_body(name, steps.SOURCES["salesforce-service-cloud"]))
    assert stranger.flowservice.get_connection(created.id)["name"] == name
    assert_service_error(aep.session.send("GET", "flowservice", f"/connections/{created.id}"), "flowservice", 404)
    assert aep.flowservice.list_connections(property=f'name=="{name}"')["items"] == []
