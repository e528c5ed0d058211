"""Acceptance: the seed onboarding through the README's public testing interface only — the pytest
fixtures, ``mock_aep`` and ``ThreadedServer`` — and with the community SDK ``aepp`` unmodified."""
from __future__ import annotations

import time

import aepp
import pytest
import requests
from aepp import catalog, dataprep, flowservice, schema

from mockaep import ThreadedServer, mock_aep
from mockaep_client import AEPClient, onboard

ORG = "ACME0000000000000000000A@AdobeOrg"
SALESFORCE_SERVICE_CLOUD = "cb66ab34-8619-49cb-96d1-39b37ede86ea"
DATA_LAKE = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"


def assert_world(aep: AEPClient, created) -> None:
    """Every object of the onboarding reads back, and they refer to each other."""
    flow = aep.flowservice.get_flow(created.flow_id)
    assert flow["sourceConnectionIds"] == [created.source_connection_id]
    assert flow["targetConnectionIds"] == [created.target_connection_id]
    target = aep.flowservice.get_target_connection(created.target_connection_id)
    assert target["params"]["dataSetId"] == created.dataset_id
    assert aep.catalog.get_dataset(created.dataset_id)["schemaRef"]["id"] == created.target_schema_id


def test_seed_onboarding_with_aep_client(aep_client):
    assert_world(aep_client, onboard(aep_client, "salesforce-service-cloud", run=True))


def test_seed_onboarding_over_http_with_aep_server(aep_server):
    aep = aep_server.client()
    created = onboard(aep, "servicenow")
    assert_world(aep, created)
    assert {e["org"] for e in aep_server.requests()} == {aep_server.org}


def test_seed_onboarding_against_a_threaded_server():
    with ThreadedServer() as server, AEPClient.for_emulator(server.url) as aep:
        created = onboard(aep, "salesforce-service-cloud")
        assert_world(aep, created)
        server.control.advance_clock(7200)
        assert aep.flowservice.list_runs(property=f"flowId=={created.flow_id}")["items"]


def test_seed_onboarding_against_the_real_urls_under_mock_aep():
    with mock_aep() as mocked:
        aep = AEPClient(client_id="my-integration", client_secret="s3cret", org_id=ORG, sandbox="prod")
        assert aep.base_url == "https://platform.adobe.io"
        assert_world(aep, onboard(aep, "salesforce-service-cloud"))
        assert mocked.control.requests(service="ims")  # the token came from the emulated IMS
        with pytest.raises(requests.ConnectionError, match="example.org"):  # other hosts are refused
            requests.get("https://example.org", timeout=2)


# -- the community SDK, unmodified ---------------------------------------------------------------------
def test_seed_onboarding_with_aepp_under_mock_aep():
    with mock_aep() as mocked:
        connection = aepp.configure(org_id=ORG, client_id="my-integration", secret="s3cret",
                                    scopes="openid,AdobeID,read_organizations", sandbox="prod",
                                    connectInstance=True)
        registry = schema.Schema(config=connection)
        flows = flowservice.FlowService(config=connection)
        datasets = catalog.Catalog(config=connection)
        mappings = dataprep.DataPrep(config=connection)

        adhoc_class = registry.createClass({
            "title": "Service desk accounts (ad-hoc)", "description": "Columns of the Account table",
            "type": "object",
            "allOf": [{"$ref": "https://ns.adobe.com/xdm/data/adhoc"},
                      {"properties": {"_adhoc": {"type": "object", "properties": {
                          "Id": {"type": "string"}, "Name": {"type": "string"},
                          "CreatedDate": {"type": "string"}}}}}]})
        adhoc_schema = registry.createSchema({
            "title": "Service desk accounts schema (ad-hoc)", "description": "Raw Account rows", "type": "object",
            "allOf": [{"$ref": adhoc_class["$id"]}]})
        base = flows.createConnection(data={
            "name": "Service desk (Salesforce Service Cloud)",
            "auth": {"specName": "Basic Authentication",
                     "params": {"username": "ops@example.com", "password": "not-a-real-password",
                                "securityToken": "tok-123"}},
            "connectionSpec": {"id": SALESFORCE_SERVICE_CLOUD, "version": "1.0"}})
        source = flows.createSourceConnection({
            "name": "Accounts from the service desk", "baseConnectionId": base["id"],
            "data": {"format": "tabular", "schema": {
                "id": adhoc_schema["$id"], "version": "application/vnd.adobe.xed-full-notext+json; version=1"}},
            "params": {"path": "Account"},
            "connectionSpec": {"id": SALESFORCE_SERVICE_CLOUD, "version": "1.0"}})
        target_schema = registry.createSchema({
            "type": "object", "title": "Service desk customers (profile)", "description": "Where accounts land",
            "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"},
                      {"$ref": "https://ns.adobe.com/xdm/context/profile-person-details"},
                      {"$ref": "https://ns.adobe.com/xdm/context/profile-personal-details"}]})
        [dataset_ref] = datasets.createDataSet(data={
            "name": "Service desk customers",
            "schemaRef": {"id": target_schema["$id"],
                          "contentType": "application/vnd.adobe.xed-full-notext+json; version=1"}})
        dataset_id = dataset_ref.rsplit("/", 1)[-1]
        target = flows.createTargetConnection(data={
            "name": "Service desk customers in the data lake",
            "data": {"format": "parquet_xdm", "schema": {
                "id": target_schema["$id"], "version": "application/vnd.adobe.xed-full+json;version=1"}},
            "params": {"dataSetId": dataset_id},
            "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}})
        mapping_set = mappings.createMappingSet(mappingSet={
            "version": 0, "xdmSchema": target_schema["$id"], "xdmVersion": "1.0", "id": None,
            "mappings": [
                {"destinationXdmPath": "_id", "sourceAttribute": "Id", "identity": False, "version": 0},
                {"destinationXdmPath": "person.name.fullName", "sourceAttribute": "Name", "identity": False,
                 "version": 0},
                {"destinationXdmPath": "_repo.createDate", "sourceAttribute": "CreatedDate", "identity": False,
                 "version": 0}]})
        [flow_spec] = flows.getFlowSpecs(prop='name=="CRMToAEP"')
        flow = flows.createFlow(flow_spec["id"], obj={
            "name": "Service desk accounts to Platform",
            "flowSpec": {"id": flow_spec["id"], "version": "1.0"},
            "sourceConnectionIds": [source["id"]], "targetConnectionIds": [target["id"]],
            "transformations": [
                {"name": "Copy", "params": {"deltaColumn": {"name": "CreatedDate"}}},
                {"name": "Mapping", "params": {"mappingId": mapping_set["id"], "mappingVersion": "0"}}],
            "scheduleParams": {"startTime": str(int(time.time())), "frequency": "minute", "interval": "15",
                               "backfill": "true"}})
        assert flows.getFlow(flow["id"])["sourceConnectionIds"] == [source["id"]]
        mocked.control.advance_clock(7200)
        runs = flows.getRuns(prop=f"flowId=={flow['id']}")
        assert len(runs) >= 8 and {run["flowId"] for run in runs} == {flow["id"]}

        journal = mocked.control.requests()
        assert all(entry["status"] < 400 for entry in journal), [
            (e["method"], e["path"], e["status"]) for e in journal if e["status"] >= 400]
        operations = {entry["operationId"] for entry in journal}
        assert {"createClass", "createSchema", "createConnection", "createSourceConnection", "createDataset",
                "createTargetConnection", "createMappingSet", "listFlowSpecs", "createFlow",
                "listFlowRuns"} <= operations
        assert any(entry["service"] == "ims" for entry in journal)  # aepp fetched its token offline
