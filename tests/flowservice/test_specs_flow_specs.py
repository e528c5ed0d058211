"""/flowSpecs over HTTP: CRMToAEP as the seed shows it, CloudStorageToAEP, search, SDK writes."""
from __future__ import annotations

import pytest

from tests.flowservice.helpers import AMAZON_S3, CRM_TO_AEP, DATA_LAKE, SERVICE_CLOUD, SERVICENOW, error_code
from tests.flowservice.test_specs_connection_specs import PROVIDER, custom_spec

CLOUD_STORAGE = "9753525b-82c7-4dce-8a9b-5ccfce2b9876"
REST_SPEC = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
             "properties": {"mappingId": {"type": "string"}, "mappingVersion": {"type": "string"}}}


def flow_spec_body(name: str = "TideTablesToAEP", **overrides) -> dict:
    body = {
        "name": name,
        "providerId": PROVIDER,
        "version": "1.0",
        "sourceConnectionSpecIds": [SERVICE_CLOUD],
        "targetConnectionSpecIds": [DATA_LAKE],
        "transformationSpec": [{"name": "Mapping", "spec": REST_SPEC}],
        "scheduleSpec": {"name": "PeriodicSchedule", "type": "Periodic",
                         "spec": {"type": "object", "properties": {"startTime": {"type": "integer"}},
                                  "required": ["startTime"]}},
        "attributes": {"notification": {"category": "sources", "flowRun": {"enabled": True}}},
    }
    body.update(overrides)
    return body


def test_tutorial_filter_with_literal_quotes_finds_crm_to_aep(fs):
    response = fs.get('/flowSpecs?property=name=="CRMToAEP"')
    assert response.status_code == 200
    (spec,) = response.get_json()["items"]
    assert spec["id"] == CRM_TO_AEP
    assert spec["providerId"] == PROVIDER and spec["version"] == "1.0"


def test_crm_to_aep_schedule_is_the_seed_one(fs):
    (spec,) = fs.get(f"/flowSpecs/{CRM_TO_AEP}").get_json()["items"]
    schedule = spec["scheduleSpec"]
    assert (schedule["name"], schedule["type"]) == ("PeriodicSchedule", "Periodic")
    schema = schedule["spec"]
    assert schema["properties"]["frequency"]["enum"] == ["minute", "hour", "day", "week"]
    assert schema["required"] == ["startTime", "frequency", "interval"]
    assert schema["if"] == {"properties": {"frequency": {"const": "minute"}}}
    assert schema["then"] == {"properties": {"interval": {"minimum": 15}}}
    assert schema["else"] == {"properties": {"interval": {"minimum": 1}}}


def test_crm_to_aep_transformations_sources_and_run_spec(fs):
    (spec,) = fs.get(f"/flowSpecs/{CRM_TO_AEP}").get_json()["items"]
    by_name = {t["name"]: t["spec"] for t in spec["transformationSpecs"]}
    assert set(by_name) == {"Copy", "Mapping"}
    assert by_name["Copy"]["required"] == ["deltaColumn"]
    assert by_name["Copy"]["properties"]["deltaColumn"]["required"] == ["name"]
    assert by_name["Mapping"]["properties"]["mappingVersion"]["type"] == "string"
    assert {SERVICE_CLOUD, SERVICENOW} <= set(spec["sourceConnectionSpecIds"])
    assert spec["targetConnectionSpecIds"] == [DATA_LAKE]
    assert spec["runSpec"]["name"] == "ProviderParams"
    assert set(spec["runSpec"]["spec"]["required"]) == {"startTime", "windowStartTime", "windowEndTime",
                                                         "deltaColumn"}


def test_cloud_storage_flow_spec_takes_s3_and_once(fs):
    (spec,) = fs.get(f"/flowSpecs/{CLOUD_STORAGE}").get_json()["items"]
    assert spec["name"] == "CloudStorageToAEP"
    assert AMAZON_S3 in spec["sourceConnectionSpecIds"]
    assert "once" in spec["scheduleSpec"]["spec"]["properties"]["frequency"]["enum"]


def test_every_packaged_flow_spec_is_listed(fs):
    names = {item["name"] for item in fs.get("/flowSpecs").get_json()["items"]}
    assert {"CRMToAEP", "CloudStorageToAEP"} <= names


def test_filter_on_source_spec_ids(fs):
    response = fs.get("/flowSpecs", query={"property": f"sourceConnectionSpecIds[]=={AMAZON_S3}"})
    assert [item["name"] for item in response.get_json()["items"]] == ["CloudStorageToAEP"]


def test_unknown_flow_spec_is_404(fs):
    response = fs.get("/flowSpecs/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert error_code(response) == "FLOW-1101-404"


@pytest.mark.parametrize("query, code", [({"orderby": "name"}, "FLOW-1451-400"),
                                          ({"property": "name=~CRM"}, "FLOW-1440-400"),
                                          ({"property": "name"}, None)])
def test_list_parameters(fs, query, code):
    response = fs.get("/flowSpecs", query=query)
    if code is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 400 and error_code(response) == code


def test_create_accepts_the_singular_key_and_answers_with_the_plural(fs):
    response = fs.post("/flowSpecs", flow_spec_body())
    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/flowSpecs/{created['id']}")
    assert "transformationSpec" not in created
    assert created["transformationSpecs"][0]["name"] == "Mapping"
    (found,) = fs.get(f"/flowSpecs/{created['id']}").get_json()["items"]
    assert found == created
    listed = fs.get("/flowSpecs", query={"property": "name==TideTablesToAEP"}).get_json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]


@pytest.mark.parametrize("change", [
    {"name": None},
    {"transformationSpecs": [{"name": "Mapping", "spec": {"type": 7}}]},
    {"transformationSpecs": [{"spec": REST_SPEC}], "transformationSpec": None},
    {"transformationSpecs": [{"name": "Mapping", "spec": REST_SPEC}]},  # both spellings at once
    {"scheduleSpec": {"name": "PeriodicSchedule", "spec": {"required": "startTime"}}},
    {"runSpec": {"name": "ProviderParams", "spec": []}},
    {"sourceConnectionSpecIds": "not-a-list"},
])
def test_invalid_flow_specs_are_refused_and_nothing_is_stored(fs, change):
    body = flow_spec_body()
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    before = fs.get("/flowSpecs").get_json()
    response = fs.post("/flowSpecs", body)
    assert response.status_code == 400, response.get_json()
    assert fs.get("/flowSpecs").get_json() == before


def test_put_replaces_an_own_flow_spec(fs):
    created = fs.created("/flowSpecs", flow_spec_body())
    response = fs.call("PUT", f"/flowSpecs/{created['id']}",
                       flow_spec_body(sourceConnectionSpecIds=[SERVICE_CLOUD, SERVICENOW]))
    assert response.status_code == 200
    assert response.get_json()["sourceConnectionSpecIds"] == [SERVICE_CLOUD, SERVICENOW]
    assert response.get_json()["createdAt"] == created["createdAt"]


def test_sdk_adds_a_new_source_to_a_platform_flow_spec(fs):
    """The Sources SDK workflow: PUT the platform flow spec with the new connection spec id added."""
    own_source = fs.created("/connectionSpecs", custom_spec())["id"]
    (platform,) = fs.get(f"/flowSpecs/{CRM_TO_AEP}").get_json()["items"]
    body = {**platform, "sourceConnectionSpecIds": platform["sourceConnectionSpecIds"] + [own_source]}
    response = fs.call("PUT", f"/flowSpecs/{CRM_TO_AEP}", body)
    assert response.status_code == 200, response.get_json()
    assert own_source in response.get_json()["sourceConnectionSpecIds"]
    (extended,) = fs.get(f"/flowSpecs/{CRM_TO_AEP}").get_json()["items"]
    assert own_source in extended["sourceConnectionSpecIds"]
    assert extended["scheduleSpec"] == platform["scheduleSpec"]
    listed = fs.get('/flowSpecs?property=name=="CRMToAEP"').get_json()["items"]
    assert len(listed) == 1 and own_source in listed[0]["sourceConnectionSpecIds"]
    # Another sandbox still sees the platform's list.
    (other,) = fs.get(f"/flowSpecs/{CRM_TO_AEP}", headers={"x-sandbox-name": "dev"}).get_json()["items"]
    assert own_source not in other["sourceConnectionSpecIds"]


@pytest.mark.parametrize("mutate, code", [
    (lambda spec: {**spec, "name": "Renamed"}, "FLOW-1426-400"),
    (lambda spec: {**spec, "sourceConnectionSpecIds": spec["sourceConnectionSpecIds"][1:]}, "FLOW-1426-400"),
    (lambda spec: {**spec, "sourceConnectionSpecIds": spec["sourceConnectionSpecIds"]
                   + ["00000000-0000-4000-8000-00000000abcd"]}, "FLOW-1413-400"),
])
def test_platform_flow_specs_only_grow_with_own_sources(fs, mutate, code):
    (platform,) = fs.get(f"/flowSpecs/{CRM_TO_AEP}").get_json()["items"]
    response = fs.call("PUT", f"/flowSpecs/{CRM_TO_AEP}", mutate(platform))
    assert response.status_code == 400
    assert error_code(response) == code
    assert fs.get(f"/flowSpecs/{CRM_TO_AEP}").get_json()["items"] == [platform]


def test_put_on_an_unknown_flow_spec_is_404(fs):
    assert fs.call("PUT", "/flowSpecs/00000000-0000-4000-8000-000000000002", flow_spec_body()).status_code == 404


def test_search_uses_the_list_language(fs):
    response = fs.post("/flowSpecs/search", {"queryString": f"name==CRMToAEP&providerId=={PROVIDER}",
                                             "projectionFields": "name"})
    assert response.status_code == 200
    assert response.get_json()["items"] == [{"id": CRM_TO_AEP, "name": "CRMToAEP"}]
    counted = fs.post("/flowSpecs/search", {"queryString": f"targetConnectionSpecIds[]=={DATA_LAKE}", "count": True})
    into_the_lake = [s for s in fs.get("/flowSpecs").get_json()["items"] if DATA_LAKE in s["targetConnectionSpecIds"]]
    assert counted.get_json() == {"count": len(into_the_lake)} and len(into_the_lake) >= 2


@pytest.mark.parametrize("body, code", [({"queryString": "name!!x"}, "FLOW-1450-400"),
                                        ({"limit": 5000}, "FLOW-1100-400"),
                                        ({"groupByProperty": "providerId"}, "FLOW-1442-400"),
                                        ({"limit": 1, "count": True}, "FLOW-1401-400")])
def test_search_refusals(fs, body, code):
    response = fs.post("/flowSpecs/search", body)
    assert response.status_code == 400
    assert error_code(response) == code


def test_a_spec_list_answers_what_the_tenant_sees_before_and_after_its_own_spec_writes(new_fs):
    """Lists of the packaged catalogue are answered from kept answers: a tenant's own spec shows
    in its lists at once, never in another tenant's."""
    mine, theirs = new_fs(), new_fs()
    query = '/flowSpecs?property=name=="CRMToAEP"'
    packaged = mine.get(query).get_data()
    assert mine.get(query).get_data() == packaged == theirs.get(query).get_data()
    everything = theirs.get("/flowSpecs").get_json()["items"]
    created = mine.post("/flowSpecs", flow_spec_body("CRMToAEP-mine"))
    assert created.status_code == 201, created.get_json()
    spec_id = created.get_json()["id"]
    assert spec_id in {s["id"] for s in mine.get("/flowSpecs").get_json()["items"]}
    assert [s["id"] for s in mine.get('/flowSpecs?property=name=="CRMToAEP-mine"').get_json()["items"]] == [spec_id]
    assert theirs.get("/flowSpecs").get_json()["items"] == everything
    assert theirs.get('/flowSpecs?property=name=="CRMToAEP-mine"').get_json()["items"] == []
    assert mine.get(query).get_data() == packaged  # the packaged spec, still answered alike
