"""Every public method of aepp 0.6.0 that calls one of the five emulated services, driven unmodified
against ``mockaep serve`` in onboarding order: schema → connections → dataset → mapping → flow →
runs, a batch ingested, then reads, lists, updates and deletes.

Outcomes (docs/aepp.md has the table):
- works: the test asserts what a user relies on (ids returned, read-backs equal what was written,
  lists contain what was created, deletes make reads 404);
- ``xfail(strict=True)`` marked ``mockaep defect``: the platform accepts the call and the emulator
  does not yet; the mark must go when the emulator is fixed;
- ``platform refuses too``: the SDK's request is one the published API refuses; the test asserts
  the refusal and names the reference that says so.
aepp returns the parsed error body instead of raising, so refusals are read from ``status``.
"""
from __future__ import annotations

import pandas as pd
import pytest

from aepp import flowservice

SALESFORCE = "cfc0fee1-7dc0-40ef-b73e-d8b134c436f5"
DATA_LAKE = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
CRM_TO_AEP = "14518937-270c-4525-bdec-c2ba7cce3860"
PROFILE = "https://ns.adobe.com/xdm/context/profile"
XED_FULL = "application/vnd.adobe.xed-full+json;version=1"


def defect(what: str):
    return pytest.mark.xfail(strict=True, reason=f"mockaep defect: {what}")




def not_emulated(what: str):
    return pytest.mark.xfail(strict=True, reason=f"not emulated: {what}")


def status(response) -> int | None:
    """The HTTP status an aepp call ended with, read from the error body it returns (None: success)."""
    if isinstance(response, dict) and isinstance(response.get("status"), int) and (
            "title" in response or "type" in response):
        return response["status"]
    return None


def catalog_id(response: list) -> str:
    """Catalog create/update answers ``["@/dataSets/<id>"]``."""
    assert isinstance(response, list) and response and response[0].startswith("@/"), response
    return response[0].rsplit("/", 1)[-1]


# -- the onboarding, built from SDK calls that work -----------------------------------------------
@pytest.fixture(scope="module")
def tenant(sdk):
    return sdk.schema.getTenantId()


def loyalty_field_group(tenant: str, title: str) -> dict:
    return {"title": title, "description": "Loyalty programme membership", "type": "object",
            "meta:intendedToExtend": [PROFILE],
            "definitions": {"loyalty": {"properties": {f"_{tenant}": {"type": "object", "properties": {
                "loyaltyId": {"type": "string", "title": "Loyalty id"},
                "points": {"type": "integer", "title": "Points"}}}}}},
            "allOf": [{"$ref": "#/definitions/loyalty"}]}


@pytest.fixture(scope="module")
def field_group(sdk, tenant):
    created = sdk.schema.createFieldGroup(loyalty_field_group(tenant, "Loyalty membership"))
    assert created["$id"].startswith(f"https://ns.adobe.com/{tenant}/mixins/"), created
    return created


@pytest.fixture(scope="module")
def profile_schema(sdk, field_group):
    created = sdk.schema.createSchema({"title": "Loyalty members", "type": "object",
                                       "description": "Members of the loyalty programme",
                                       "allOf": [{"$ref": PROFILE}, {"$ref": field_group["$id"]}]})
    assert "$id" in created, created
    return created


@pytest.fixture(scope="module")
def identity_descriptor(sdk, tenant, profile_schema):
    operation = sdk.schema.createDescriptorOperation(
        sourceSchema=profile_schema["$id"], descType="xdm:descriptorIdentity",
        completePath=f"_{tenant}.loyaltyId", identityNSCode="Email", identityPrimary=True)
    created = sdk.schema.createDescriptor(descriptorObj=operation)
    assert created.get("@id"), created
    return created


@pytest.fixture(scope="module")
def dataset(sdk, profile_schema):
    return catalog_id(sdk.catalog.createDataSet(name="Loyalty members", schemaId=profile_schema["$id"]))


SALESFORCE_AUTH = {"specName": "Basic Authentication",
                   "params": {"environmentUrl": "https://acme.my.salesforce.com", "username": "integration@acme.test",
                              "password": "not-a-secret", "securityToken": "token"}}


@pytest.fixture(scope="module")
def base_connection(sdk):
    created = sdk.flow.createConnection(name="Salesforce CRM", auth=SALESFORCE_AUTH,
                                        connectionSpec={"id": SALESFORCE, "version": "1.0"})
    assert created.get("id"), created
    return created["id"]


def contact_source(base: str, name: str = "Salesforce contacts") -> dict:
    return {"name": name, "baseConnectionId": base, "data": {"format": "tabular"},
            "params": {"tableName": "Contact", "columns": [{"name": "Id", "type": "string"}]},
            "connectionSpec": {"id": SALESFORCE, "version": "1.0"}}


@pytest.fixture(scope="module")
def source_connection(sdk, base_connection):
    created = sdk.flow.createSourceConnection(contact_source(base_connection))
    assert created.get("id"), created
    return created["id"]


def lake_target(dataset: str, schema_id: str, name: str = "Loyalty members in the lake") -> dict:
    return {"name": name, "data": {"format": "parquet_xdm", "schema": {"id": schema_id, "version": XED_FULL}},
            "params": {"dataSetId": dataset}, "connectionSpec": {"id": DATA_LAKE, "version": "1.0"}}


@pytest.fixture(scope="module")
def target_connection(sdk, dataset, profile_schema):
    created = sdk.flow.createTargetConnection(data=lake_target(dataset, profile_schema["$id"]))
    assert created.get("id"), created
    return created["id"]


@pytest.fixture(scope="module")
def mapping_set(sdk, tenant, profile_schema):
    created = sdk.prep.createMappingSet(schemaId=profile_schema["$id"], mappingList=[
        {"sourceType": "ATTRIBUTE", "source": "Id", "destination": f"_{tenant}.loyaltyId"}])
    assert created.get("id"), created
    return created["id"]


def create_crm_flow(sdk, source: str, target: str, mapping: str, name: str) -> str:
    created = sdk.flow.createFlow(CRM_TO_AEP, name=name, source_connection_id=source, target_connection_id=target,
                                  schedule_start_time="1900000000", schedule_frequency="hour", schedule_interval=1,
                                  transformation_mapping_id=mapping, transformation_name="Mapping")
    assert created.get("id"), created
    return created["id"]


@pytest.fixture(scope="module")
def flow(sdk, source_connection, target_connection, mapping_set):
    return create_crm_flow(sdk, source_connection, target_connection, mapping_set, "Salesforce contacts to lake")


RUN_PARAMS = {"startTime": "1900000000", "windowStartTime": "1899996400", "windowEndTime": "1900000000",
              "deltaColumn": {"name": "LastModifiedDate"}}


@pytest.fixture(scope="module")
def run(sdk, flow):
    created = sdk.flow.createRun(flow, params=RUN_PARAMS)
    assert created.get("id") and created.get("flowId") == flow, created
    return created


@pytest.fixture(scope="module")
def members(tenant):
    return [{"_id": "m-1", f"_{tenant}": {"loyaltyId": "L-1", "points": 120}},
            {"_id": "m-2", f"_{tenant}": {"loyaltyId": "L-2", "points": 45}}]


@pytest.fixture(scope="module")
def batch(sdk, dataset, members):
    """A batch ingested the aepp way: create, upload one JSON file, complete."""
    created = sdk.ingest.createBatch(dataset)
    assert created.get("id") and created["status"] == "loading", created
    assert sdk.ingest.uploadSmallFile(created["id"], dataset, "members.json", members) == {}
    finished = sdk.ingest.uploadSmallFileFinish(created["id"])
    assert status(finished) is None, finished
    return created["id"]


# == Schema Registry: class Schema ================================================================
def test_getStats_and_getTenantId(sdk, tenant):
    assert sdk.schema.getStats()["tenantId"] == tenant
    assert tenant


def test_schema_getResource(sdk, tenant):
    assert sdk.schema.getResource(f"{sdk.schema.endpoint}/stats")["tenantId"] == tenant


def test_getBehaviors(sdk):
    ids = {behaviour["$id"] for behaviour in sdk.schema.getBehaviors()}
    assert {"https://ns.adobe.com/xdm/data/record", "https://ns.adobe.com/xdm/data/time-series"} <= ids


def test_getBehavior(sdk):
    assert sdk.schema.getBehavior("https://ns.adobe.com/xdm/data/record")["$id"] == "https://ns.adobe.com/xdm/data/record"


def test_createFieldGroup_and_getFieldGroup(sdk, tenant, field_group):
    read = sdk.schema.getFieldGroup(field_group["$id"])
    assert read["title"] == "Loyalty membership"
    assert read["meta:altId"] == field_group["meta:altId"]


def test_getFieldGroups(sdk, field_group):
    assert field_group["$id"] in {group["$id"] for group in sdk.schema.getFieldGroups()}


def test_getFieldGroupsGlobal(sdk):
    assert "https://ns.adobe.com/xdm/context/profile-person-details" in {
        group["$id"] for group in sdk.schema.getFieldGroupsGlobal()}


def test_createSchema_and_getSchemas(sdk, profile_schema):
    listed = sdk.schema.getSchemas()
    assert profile_schema["$id"] in {item["$id"] for item in listed}


def test_createProfileSchema(sdk, field_group):
    created = sdk.schema.createProfileSchema("Loyalty members (profile helper)", fieldGroupIds=[field_group["$id"]])
    assert created.get("meta:class") == PROFILE, created


def test_createExperienceEventSchema(sdk):
    """With a standard field group mockaep ships for ExperienceEvent (its library holds no
    experienceevent-environment-details)."""
    created = sdk.schema.createExperienceEventSchema(
        "Store visits", fieldGroupIds=["https://ns.adobe.com/xdm/context/identitymap"])
    assert created.get("meta:class") == "https://ns.adobe.com/xdm/context/experienceevent", created


def test_getSchema(sdk, profile_schema):
    read = sdk.schema.getSchema(profile_schema["$id"])
    assert read["title"] == "Loyalty members"


def test_getSchema_with_a_documented_accept(sdk, profile_schema):
    """The same lookup with the Accept spelling the docs print works (aepp's Accept kwarg)."""
    read = sdk.schema.getSchema(profile_schema["$id"], Accept="application/vnd.adobe.xed-full+json; version=1")
    assert read["title"] == "Loyalty members"


def test_getSchemaPaths(sdk, tenant, profile_schema):
    assert f"_{tenant}.loyaltyId" in sdk.schema.getSchemaPaths(profile_schema["$id"])


def test_getSchemaSample(sdk, tenant, profile_schema):
    sample = sdk.schema.getSchemaSample(profile_schema["$id"])
    assert "loyaltyId" in sample[f"_{tenant}"]


def test_patchSchema(sdk, profile_schema):
    patched = sdk.schema.patchSchema(profile_schema["$id"],
                                     [{"op": "replace", "path": "/description", "value": "Patched by aepp"}])
    assert patched["description"] == "Patched by aepp"


def test_putSchema(sdk, profile_schema):
    current = sdk.schema.getSchema(profile_schema["$id"], Accept="application/vnd.adobe.xed+json; version=1")
    body = {key: current[key] for key in ("title", "type", "allOf")}
    replaced = sdk.schema.putSchema(profile_schema["$id"], {**body, "description": "Replaced by aepp"})
    assert replaced["description"] == "Replaced by aepp"
    assert replaced["$id"] == profile_schema["$id"]


def test_addFieldGroupToSchema(sdk, profile_schema):
    extended = sdk.schema.addFieldGroupToSchema(profile_schema["$id"],
                                                ["https://ns.adobe.com/xdm/context/profile-person-details"])
    assert "https://ns.adobe.com/xdm/context/profile-person-details" in extended.get("meta:extends", []), extended


def test_getSchemasGlobal(sdk):
    """``limit=300`` alone is taken; mockaep's global container holds classes, field groups, data
    types and behaviours but no standard schemas, so the list the SDK builds is empty."""
    assert sdk.schema.getSchemasGlobal() == []


def test_getClasses(sdk):
    created = sdk.schema.createClass(title="Store", class_template="https://ns.adobe.com/xdm/data/record")
    assert created["$id"] in {item["$id"] for item in sdk.schema.getClasses()}


def test_getClassesGlobal(sdk):
    assert PROFILE in {item["$id"] for item in sdk.schema.getClassesGlobal()}


def test_getClass(sdk):
    assert sdk.schema.getClass(PROFILE)["$id"] == PROFILE


def test_class_lifecycle_createClass_patchClass_putClass_deleteClass(sdk):
    created = sdk.schema.createClass(title="Point of sale", class_template="https://ns.adobe.com/xdm/data/record")
    class_id = created["$id"]
    assert sdk.schema.patchClass(class_id, [{"op": "replace", "path": "/description", "value": "patched"}])[
        "description"] == "patched"
    replaced = sdk.schema.putClass(class_id, {"title": "Point of sale", "type": "object", "description": "replaced",
                                              "allOf": [{"$ref": "https://ns.adobe.com/xdm/data/record"}]})
    assert replaced["description"] == "replaced"
    assert sdk.schema.deleteClass(class_id) == 204
    gone = sdk.schema.getClass(class_id, type="xed")
    assert status(gone) == 404


def test_field_group_updates_patch_extend_put(sdk, tenant):
    group = sdk.schema.createFieldGroup(loyalty_field_group(tenant, "Loyalty tiers"))
    group_id = group["$id"]
    assert sdk.schema.patchFieldGroup(group_id, [{"op": "replace", "path": "/description", "value": "tiers"}])[
        "description"] == "tiers"
    extended = sdk.schema.extendFieldGroup(group_id)
    assert "https://ns.adobe.com/xdm/context/experienceevent" in extended["meta:intendedToExtend"]
    raw = sdk.schema.getFieldGroup(group_id, full=False)
    copy = sdk.schema.copyFieldGroup(raw, title="Loyalty tiers")
    replaced = sdk.schema.putFieldGroup(group_id, {**copy, "description": "replaced"})
    assert replaced["description"] == "replaced"
    assert sdk.schema.deleteFieldGroup(group_id) == 204
    assert status(sdk.schema.getFieldGroup(group_id)) == 404


def test_data_type_lifecycle(sdk, tenant):
    body = {"title": "Postal address", "description": "An address", "type": "object",
            "definitions": {"address": {"properties": {f"_{tenant}": {"type": "object", "properties": {
                "street": {"type": "string"}}}}}},
            "allOf": [{"$ref": "#/definitions/address"}]}
    created = sdk.schema.createDataType(body)
    alt_id = created["meta:altId"]
    assert sdk.schema.getDataType(created["$id"])["title"] == "Postal address"
    assert sdk.schema.patchDataType(alt_id, [{"op": "replace", "path": "/description", "value": "patched"}])[
        "description"] == "patched"
    assert sdk.schema.putDataType(alt_id, {**body, "description": "replaced"})["description"] == "replaced"
    assert sdk.schema.deleteDataType(created["$id"]) == 204
    assert status(sdk.schema.getDataType(created["$id"])) == 404


def test_getDataTypes(sdk, tenant):
    created = sdk.schema.createDataType({"title": "Opening hours", "description": "d", "type": "object",
                                         "definitions": {"hours": {"properties": {f"_{tenant}": {
                                             "type": "object", "properties": {"opens": {"type": "string"}}}}}},
                                         "allOf": [{"$ref": "#/definitions/hours"}]})
    assert created["$id"] in {item["$id"] for item in sdk.schema.getDataTypes()}


def test_getDataTypesGlobal(sdk):
    assert sdk.schema.getDataTypesGlobal()


def test_descriptors_create_get_list_put(sdk, profile_schema, identity_descriptor):
    descriptor_id = identity_descriptor["@id"]
    assert sdk.schema.getDescriptor(descriptor_id)["xdm:sourceSchema"] == profile_schema["$id"]
    assert descriptor_id in {item["@id"] for item in sdk.schema.getDescriptors()}
    assert descriptor_id in sdk.schema.getDescriptors(id_desc=True)
    body = {key: value for key, value in identity_descriptor.items() if key.startswith(("@type", "xdm:"))}
    replaced = sdk.schema.putDescriptor(descriptor_id, {**body, "xdm:namespace": "Phone"})
    assert replaced["xdm:namespace"] == "Phone"
    sdk.schema.putDescriptor(descriptor_id, body)


def test_deleteDescriptor(sdk, tenant, profile_schema):
    created = sdk.schema.createDescriptor(sourceSchema=profile_schema["$id"], sourceProperty=f"/_{tenant}/loyaltyId",
                                          desc_type="xdm:descriptorReferenceIdentity",
                                          **{"xdm:identityNamespace": "Email"})
    assert "@id" in created, created
    assert sdk.schema.deleteDescriptor(created["@id"]) == 204
    assert status(sdk.schema.getDescriptor(created["@id"])) == 404


def test_createDescriptor_alternateDisplayInfo(sdk, tenant, profile_schema):
    operation = sdk.schema.createDescriptorOperation(sourceSchema=profile_schema["$id"],
                                                     descType="xdm:alternateDisplayInfo",
                                                     completePath=f"_{tenant}.points", alternateTitle="Loyalty points")
    created = sdk.schema.createDescriptor(operation)
    assert sdk.schema.getDescriptor(created["@id"])["xdm:title"] == {"en_us": "Loyalty points"}


def test_union_enabled_with_patchSchema_then_getUnions_and_getXDMprofileSchema(sdk, profile_schema,
                                                                                identity_descriptor):
    patched = sdk.schema.patchSchema(profile_schema["$id"],
                                     [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
    assert patched.get("meta:immutableTags") == ["union"], patched
    assert "https://ns.adobe.com/xdm/context/profile__union" in {u["$id"] for u in sdk.schema.getUnions()}
    assert profile_schema["$id"] in {s["$id"] for s in sdk.schema.getXDMprofileSchema()["results"]}


def test_enableSchemaForRealTime(sdk, tenant):
    created = sdk.schema.createSchema({"title": "Loyalty members (real time)", "type": "object", "description": "d",
                                       "allOf": [{"$ref": PROFILE}, {"$ref": "https://ns.adobe.com/xdm/context/identitymap"}]})
    assert sdk.schema.enableSchemaForRealTime(created["$id"]).get("meta:immutableTags") == ["union"]


def test_enableSchemaForUPS(sdk):
    created = sdk.schema.createSchema({"title": "Loyalty members (UPS)", "type": "object", "description": "d",
                                       "allOf": [{"$ref": PROFILE}, {"$ref": "https://ns.adobe.com/xdm/context/identitymap"}]})
    assert sdk.schema.enableSchemaForUPS(created["$id"]).get("meta:immutableTags") == ["union"]


def test_getUnion(sdk, profile_schema, identity_descriptor):
    assert sdk.schema.getUnion("https://ns.adobe.com/xdm/context/profile__union")["$id"].endswith("profile__union")


def test_getAuditLogs(sdk, profile_schema):
    log = sdk.schema.getAuditLogs(profile_schema["$id"])
    assert log and log[0]["id"] == profile_schema["$id"]


def test_exportResource(sdk, profile_schema, field_group):
    exported = sdk.schema.exportResource(profile_schema["$id"])
    assert {"Loyalty members", "Loyalty membership"} <= {item.get("title") for item in exported}


def test_importResource_is_refused_as_by_the_platform(sdk, profile_schema):
    """aepp posts to /rpc/export/; the API imports at POST /rpc/import (schema-registry.yaml paths,
    docs xdm/api/import.md), so the platform has no such operation either."""
    exported = sdk.schema.exportResource(profile_schema["$id"])
    assert status(sdk.schema.importResource(exported)) in (404, 405)


def test_FieldGroupManager(sdk, field_group):
    assert sdk.schema.FieldGroupManager(field_group["$id"]).title == "Loyalty membership"


def test_SchemaManager(sdk, profile_schema):
    assert sdk.schema.SchemaManager(profile_schema["$id"]).title == "Loyalty members"


def test_DataTypeManager(sdk, tenant):
    created = sdk.schema.createDataType({"title": "Membership card", "description": "d", "type": "object",
                                         "definitions": {"card": {"properties": {f"_{tenant}": {
                                             "type": "object", "properties": {"number": {"type": "string"}}}}}},
                                         "allOf": [{"$ref": "#/definitions/card"}]})
    assert sdk.schema.DataTypeManager(created["$id"]).title == "Membership card"


def test_deleteSchema(sdk, field_group):
    created = sdk.schema.createSchema({"title": "Short lived", "type": "object", "description": "d",
                                       "allOf": [{"$ref": PROFILE}]})
    assert sdk.schema.deleteSchema(created["$id"]) == 204
    assert status(sdk.schema.getSchema(created["$id"], Accept="application/vnd.adobe.xed+json; version=1")) == 404


# == Catalog: class Catalog =======================================================================
def test_createDataSet_and_getDataSet(sdk, dataset, profile_schema):
    read = sdk.catalog.getDataSet(dataset)[dataset]
    assert read["name"] == "Loyalty members"
    assert read["schemaRef"]["id"] == profile_schema["$id"]


def test_getResource_and_getResources(sdk, dataset):
    assert "dataSet" in sdk.catalog.getResources()
    assert dataset in sdk.catalog.getResource(f"{sdk.catalog.endpoint}/dataSets/{dataset}")


def test_getResourceToFile_fails_in_the_sdk(sdk, dataset, tmp_path):
    """aepp 0.6.0 builds its curl command from an undefined name: it raises before any request."""
    with pytest.raises(NameError):
        sdk.catalog.getResourceToFile(f"{sdk.catalog.endpoint}/dataSets/{dataset}", str(tmp_path / "out.json"))


def test_getDataSets(sdk, dataset):
    listed = sdk.catalog.getDataSets()
    assert dataset in listed
    assert sdk.catalog.data.ids["Loyalty members"] == dataset
    assert "Loyalty members" in sdk.catalog.data.table_names


def test_getDatasetsInfos(sdk, dataset):
    infos = sdk.catalog.getDatasetsInfos()
    assert dataset in set(infos["id"])


def test_getProfileSnapshotDatasets(sdk, dataset):
    assert sdk.catalog.getProfileSnapshotDatasets() == {}


def test_getDataSetObservableSchema(sdk, dataset):
    assert isinstance(sdk.catalog.getDataSetObservableSchema(dataset), dict)


def test_profile_and_identity_tags(sdk, dataset):
    """enable/disable Profile, upsert and Identity: JSON Patch on /tags, read back from the dataset."""
    def tags():
        return sdk.catalog.getDataSet(dataset)[dataset]["tags"]

    assert catalog_id(sdk.catalog.enableDatasetProfile(dataset)) == dataset
    assert tags()["unifiedProfile"] == ["enabled:true"]
    sdk.catalog.enableDatasetUpsert(dataset)
    assert tags()["unifiedProfile"] == ["enabled:true", "isUpsert:true"]
    sdk.catalog.enableDatasetIdentity(dataset)
    assert tags()["unifiedIdentity"] == ["enabled:true"]
    sdk.catalog.disableDatasetProfile(dataset)
    assert tags()["unifiedProfile"] == ["enabled:false"]
    sdk.catalog.disableDatasetIdentity(dataset)
    assert tags()["unifiedIdentity"] == ["enabled:false"]


def test_disableDatasetValidationContext_is_refused_as_by_the_platform(sdk, dataset):
    """A JSON Patch array sent as application/json: catalog.yaml types an application/json PATCH body as
    a dataSetRequest object (the array form needs application/json-patch+json)."""
    assert status(sdk.catalog.disableDatasetValidationContext(dataset)) == 400


def test_patchDataset_patchDatasetV2_setDatasetTTL_putDataset(sdk, dataset):
    def read():
        return sdk.catalog.getDataSet(dataset)[dataset]

    sdk.catalog.patchDataset(dataset, {"description": "patched"})
    assert read()["description"] == "patched"
    sdk.catalog.patchDatasetV2(dataset, {"description": "patched v2"})
    assert read()["description"] == "patched v2"
    sdk.catalog.setDatasetTTL(dataset, "P3M")
    assert read()["extensions"]["adobe_lakeHouse"]["rowExpiration"]["ttlValue"] == "P3M"
    current = read()
    sdk.catalog.putDataset(dataset, {"name": current["name"], "schemaRef": current["schemaRef"],
                                     "description": "replaced"})
    assert read()["description"] == "replaced"
    assert read()["name"] == "Loyalty members"


def test_getDataSetExpiration_is_refused_as_by_the_platform(sdk, dataset):
    """GET /catalog/ttl/{id} is not an operation of catalog.yaml."""
    assert status(sdk.catalog.getDataSetExpiration(dataset)) == 404


@pytest.mark.parametrize("call", ["getDataSetViews", "getDataSetView", "getDataSetViewFiles"])
def test_dataset_views_are_refused_as_by_the_platform(sdk, dataset, call):
    """/dataSets/{id}/views[...] is not in catalog.yaml (aepp marks it 'apparently deprecated')."""
    method = getattr(sdk.catalog, call)
    answer = method(dataset) if call == "getDataSetViews" else method(dataset, "view-1")
    assert status(answer) == 404


def test_catalog_createBatch(sdk, dataset):
    created = sdk.catalog.createBatch({"status": "staging", "relatedObjects": [{"type": "dataSet", "id": dataset}]})
    batch_id = catalog_id(created)
    assert sdk.catalog.getBatch(batch_id)[batch_id]["relatedObjects"][0]["id"] == dataset


def test_ingestion_then_getBatch_getBatches_getLastBatches_findActiveBatch(sdk, dataset, batch):
    read = sdk.catalog.getBatch(batch)[batch]
    assert read["status"] == "success"
    assert read["metrics"]["inputRecordCount"] == 2
    assert batch in sdk.catalog.getBatches(limit=100)
    assert batch in sdk.catalog.getBatches(limit=1, n_results=100)
    assert sdk.catalog.getLastBatches(dataset)[dataset]["lastBatchId"] == batch
    assert sdk.catalog.findActiveBatch(batch) == batch


@pytest.fixture(scope="module")
def failed_batch(sdk, dataset, tenant):
    created = sdk.ingest.createBatch(dataset)
    sdk.ingest.uploadSmallFile(created["id"], dataset, "bad.json", [{"_id": "m-9", f"_{tenant}": {"points": "many"}}])
    sdk.ingest.uploadSmallFileFinish(created["id"])
    assert sdk.catalog.getBatch(created["id"])[created["id"]]["status"] == "failed"
    return created["id"]


def test_getFailedBatchesDF(sdk, failed_batch):
    assert failed_batch in sdk.catalog.getFailedBatchesDF(limit=100).index


def test_getMapperErrors(sdk, failed_batch):
    assert isinstance(sdk.catalog.getMapperErrors(), pd.DataFrame)


def test_createUnionProfileDataset(sdk, profile_schema, identity_descriptor):
    sdk.schema.patchSchema(profile_schema["$id"], [{"op": "add", "path": "/meta:immutableTags", "value": ["union"]}])
    assert catalog_id(sdk.catalog.createUnionProfileDataset())


# == Batch Ingestion: class DataIngestion =========================================================
def test_large_file_upload_and_headFileStatus(sdk, dataset, members):
    created = sdk.ingest.createBatch(dataset)
    body = b'[{"_id": "m-3"}]'
    assert sdk.ingest.uploadLargeFileStartEnd(created["id"], dataset, "big.json")["name"] == "big.json"
    assert sdk.ingest.uploadLargeFilePart(created["id"], dataset, "big.json", body,
                                          f"bytes 0-{len(body) - 1}/{len(body)}")["sizeInBytes"] == len(body)
    assert sdk.ingest.uploadLargeFileStartEnd(created["id"], dataset, "big.json", action="COMPLETE")[
        "sizeInBytes"] == len(body)
    assert sdk.ingest.headFileStatus(created["id"], dataset, "big.json") == {}
    sdk.ingest.uploadSmallFileFinish(created["id"])
    assert sdk.catalog.getBatch(created["id"])[created["id"]]["status"] == "success"


def test_getPreviewBatchDataset_is_refused_as_by_the_platform(sdk, dataset):
    """aepp never sends the preview's ``format`` query parameter, which batch-ingestion.yaml marks
    required on GET /batches/{batchId}/datasets/{datasetId}/preview."""
    created = sdk.ingest.createBatch(dataset)
    sdk.ingest.uploadSmallFile(created["id"], dataset, "one.json", [{"_id": "m-4"}])
    assert status(sdk.ingest.getPreviewBatchDataset(created["id"], dataset)) == 400


def test_createBatch_with_replay_and_deleteBatch(sdk, dataset, batch):
    replay = sdk.ingest.createBatch(dataset, replay={"predecessors": [batch], "reason": "replace"})
    assert replay.get("id") and replay["id"] != batch, replay
    sdk.ingest.uploadSmallFile(replay["id"], dataset, "members.json", [{"_id": "m-1"}])
    assert status(sdk.ingest.uploadSmallFileFinish(replay["id"])) is None
    reverted = sdk.ingest.deleteBatch(replay["id"])
    assert status(reverted) is None, reverted
    assert sdk.catalog.getBatch(replay["id"])[replay["id"]]["status"] in ("inactive", "deleted")


def test_replayBatch_is_refused_as_by_the_platform(sdk, dataset, batch):
    """aepp sends PATCH /import/batches; batch-ingestion.yaml has no PATCH on /batches (a replay is a
    POST /batches with a ``replay`` object, as createBatch(replay=...) does)."""
    assert status(sdk.ingest.replayBatch(dataset, [batch])) == 405


# == Flow Service: class FlowService ==============================================================
def test_connection_specs(sdk):
    specs = sdk.flow.getConnectionSpecs()
    assert SALESFORCE in {spec["id"] for spec in specs}
    assert sdk.flow.getConnectionSpecsMap()["salesforce"] == SALESFORCE
    assert sdk.flow.getConnectionSpecIdFromName("salesforce") == SALESFORCE
    assert sdk.flow.getConnectionSpec(SALESFORCE)["items"][0]["name"] == "salesforce"


def test_flow_specs(sdk):
    assert CRM_TO_AEP in {spec["id"] for spec in sdk.flow.getFlowSpecs()}
    assert sdk.flow.getFlowSpec(CRM_TO_AEP)["name"] == "CRMToAEP"
    assert sdk.flow.getFlowSpecIdFromNames("CRMToAEP", "salesforce") == CRM_TO_AEP


def test_createConnection_getConnection_connectionTest_patchConnection(sdk, base_connection):
    assert sdk.flow.getConnection(base_connection)["name"] == "Salesforce CRM"
    assert sdk.flow.connectionTest(base_connection).get("result") is True
    sdk.flow.patchConnection(base_connection, [{"op": "replace", "path": "/name", "value": "Salesforce CRM (EU)"}])
    assert sdk.flow.getConnection(base_connection)["name"] == "Salesforce CRM (EU)"


def test_getConnections_pages(sdk, base_connection):
    extra = [sdk.flow.createConnection(name=f"Salesforce {n}", auth=SALESFORCE_AUTH,
                                       connectionSpec={"id": SALESFORCE, "version": "1.0"})["id"] for n in range(2)]
    listed = sdk.flow.getConnections(limit=2)
    assert {base_connection, *extra} <= {item["id"] for item in listed}


def test_flow_getResource(sdk, base_connection):
    assert sdk.flow.getResource(f"{sdk.flow.endpoint}/connections/{base_connection}")["items"][0]["id"] == base_connection


def test_source_connections(sdk, source_connection):
    assert source_connection in {item["id"] for item in sdk.flow.getSourceConnections()}
    read = sdk.flow.getSourceConnection(source_connection)
    assert read["params"]["tableName"] == "Contact"
    sdk.flow.updateSourceConnection(source_connection, read["etag"],
                                    [{"op": "add", "path": "/description", "value": "Contacts table"}])
    assert sdk.flow.getSourceConnection(source_connection)["description"] == "Contacts table"


def test_getSourceConnections_pages(sdk, base_connection, source_connection):
    other = sdk.flow.createSourceConnection(contact_source(base_connection, "Salesforce contacts (copy)"))["id"]
    assert {source_connection, other} <= {item["id"] for item in sdk.flow.getSourceConnections(limit=1)}


def test_target_connections(sdk, target_connection, dataset):
    assert target_connection in {item["id"] for item in sdk.flow.getTargetConnections()}
    read = sdk.flow.getTargetConnection(target_connection)
    assert read["params"]["dataSetId"] == dataset
    sdk.flow.updateTargetConnection(target_connection, read["etag"],
                                    [{"op": "add", "path": "/description", "value": "Lake target"}])
    assert sdk.flow.getTargetConnection(target_connection)["description"] == "Lake target"


def test_createTargetConnection_from_arguments(sdk, dataset):
    created = sdk.flow.createTargetConnection(name="Lake (arguments)", connectionSpecId=DATA_LAKE, datasetId=dataset)
    assert sdk.flow.getTargetConnection(created["id"])["data"]["format"] == "parquet_xdm"


def test_getTargetConnections_pages(sdk, dataset, profile_schema, target_connection):
    other = sdk.flow.createTargetConnection(data=lake_target(dataset, profile_schema["$id"], "Lake (copy)"))["id"]
    assert {target_connection, other} <= {item["id"] for item in sdk.flow.getTargetConnections(limit=1)}


def test_createTargetConnectionDataLake(sdk, dataset, profile_schema):
    """aepp finds the data lake by its platform name ``datalake`` and sends its default format
    (``delimited``) for the incoming data."""
    created = sdk.flow.createTargetConnectionDataLake(name="Lake (helper)", datasetId=dataset,
                                                      schemaId=profile_schema["$id"])
    assert sdk.flow.getTargetConnection(created["id"])["params"]["dataSetId"] == dataset


def test_flow_createFlow_getFlow_getFlows_updateFlow(sdk, flow, source_connection, mapping_set):
    read = sdk.flow.getFlow(flow)
    assert read["sourceConnectionIds"] == [source_connection]
    assert read["transformations"][0]["params"]["mappingId"] == mapping_set
    assert flow in {item["id"] for item in sdk.flow.getFlows()}
    assert sdk.flow.getFlows(filterMappingSetIds=[mapping_set])[0]["id"] == flow
    sdk.flow.updateFlow(flow, read["etag"], [{"op": "replace", "path": "/name", "value": "Contacts to lake"}])
    assert sdk.flow.getFlow(flow)["name"] == "Contacts to lake"


def test_getFlows_pages(sdk, flow, source_connection, target_connection, mapping_set):
    other = create_crm_flow(sdk, source_connection, target_connection, mapping_set, "Contacts to lake (copy)")
    assert {flow, other} <= {item["id"] for item in sdk.flow.getFlows(limit=1)}


def test_postFlowAction(sdk, flow):
    assert status(sdk.flow.postFlowAction(flow, "disable")) is None
    assert sdk.flow.getFlow(flow)["state"] == "disabled"
    assert status(sdk.flow.postFlowAction(flow, "enable")) is None
    assert sdk.flow.getFlow(flow)["state"] == "enabled"


def test_updatePolicy_fails_in_the_sdk(sdk, flow):
    """aepp 0.6.0 calls updateFlow without the etag it requires: it raises before sending anything."""
    with pytest.raises(Exception, match="etag"):
        sdk.flow.updatePolicy(flow, "/dulepolicy/marketingActions/email")


def test_createRun_getRun_getRuns(sdk, flow, run):
    assert sdk.flow.getRun(run["id"])[0]["flowId"] == flow
    assert run["id"] in {item["id"] for item in sdk.flow.getRuns(prop=f"flowId=={flow}")}
    assert run["id"] in {item["id"] for item in sdk.flow.getRuns()}


def test_createRun_without_params_is_refused_as_by_the_platform(sdk, flow):
    """aepp's default run ({flowId, status}) has no window or delta column: create-flow-runs.md requires
    the delta column for table-based sources (CRM flows)."""
    assert status(sdk.flow.createRun(flow)) == 400


def test_getRuns_pages(sdk, flow, run):
    other = sdk.flow.createRun(flow, params=RUN_PARAMS)["id"]
    assert {run["id"], other} <= {item["id"] for item in sdk.flow.getRuns(limit=1)}


def test_getUPSFlows_and_getUISFlows_exclude_source_flows(sdk, flow):
    assert flow not in {item["id"] for item in sdk.flow.getUPSFlows()}
    assert flow not in {item["id"] for item in sdk.flow.getUISFlows()}


def test_createConnectionToUPS(sdk):
    created = sdk.flow.createConnectionToUPS("Profile store")
    assert sdk.flow.getConnection(created["id"])["connectionSpec"]["id"] == "8a9c3494-9708-43d7-ae3f-cda01e5030e1"


@defect("no flow spec takes a dataset into Profile, so no dataset-to-Profile flow these helpers look for can exist")
@pytest.mark.parametrize("call", ["getUPSFlow", "getUISFlow", "getUPSFlowRuns", "getUISFlowRuns"])
def test_profile_flow_lookups(sdk, dataset, call):
    answer = getattr(sdk.flow, call)(datasetId=dataset)
    assert "error" not in answer


def test_createConnectionStreaming_and_createSourceConnectionStreaming(sdk):
    base = sdk.flow.createConnectionStreaming(name="Web events", sourceId="web-events", paramName="web")
    assert base.get("id"), base
    source = sdk.flow.createSourceConnectionStreaming(base["id"], name="Web events source")
    assert sdk.flow.getSourceConnection(source["id"])["baseConnectionId"] == base["id"]


def test_createFlowStreaming(sdk, dataset):
    created = sdk.flow.createFlowStreaming(datasetId=dataset)
    flow = sdk.flow.getFlow(created["flow"]["id"])
    assert flow["flowSpec"]["id"] == "d8a6f005-7eaf-4153-983e-e8574508b877"
    assert flow["inheritedAttributes"]["targetConnections"][0]["connectionSpec"]["id"] == DATA_LAKE


def test_createSourceConnectionDataLandingZone(sdk):
    created = sdk.flow.createSourceConnectionDataLandingZone(name="DLZ files", path="drop/members.csv")
    assert sdk.flow.getSourceConnection(created["id"])["params"]["path"] == "drop/members.csv"


def test_createFlowDataLandingZoneToDataLake_is_refused_for_an_unknown_source(sdk, target_connection):
    """The helper finds CloudStorageToAEP for landing-zone → datalake by name, then posts the source
    connection id it was given: "source-id" names no source connection, which the platform refuses."""
    assert status(sdk.flow.createFlowDataLandingZoneToDataLake("DLZ to lake", "source-id", target_connection,
                                                               "1900000000")) == 400


def test_createFlowDataLandingZoneToDataLake(sdk, target_connection):
    source = sdk.flow.createSourceConnectionDataLandingZone(name="DLZ drop", path="/drop/members.csv")["id"]
    created = sdk.flow.createFlowDataLandingZoneToDataLake("DLZ to lake", source, target_connection, "1900000000")
    assert sdk.flow.getFlow(created["id"])["sourceConnectionIds"] == [source]


def test_landing_zone_explore(sdk):
    listed = sdk.flow.exploreLandingZone()
    assert {"type": "folder", "name": "drop", "path": "/drop", "canPreview": False, "canFetchSchema": False} in listed
    inside = sdk.flow.exploreLandingZone(objectType="folder", object="/drop")
    assert "/drop/members.csv" in {entry["path"] for entry in inside}
    content = sdk.flow.getLandingZoneContent(file="/drop/members.csv")
    assert content["data"] and {c["name"] for c in content["schema"]["columns"]} >= {"member_id", "email"}


def test_getLandingZoneContent_without_a_file_is_refused(sdk):
    """Without ``file`` aepp asks for objectType=file with no object: there is no file to read."""
    assert status(sdk.flow.getLandingZoneContent()) == 400


def test_createSourceConnectionDataLake(sdk, dataset):
    created = sdk.flow.createSourceConnectionDataLake(name="Lake export", dataset_ids=[dataset])
    assert sdk.flow.getSourceConnection(created["id"])["params"]["datasets"] == [{"dataSetId": dataset}]


def test_createTargetConnectionDataLandingZone(sdk):
    created = sdk.flow.createTargetConnectionDataLandingZone(name="To DLZ", path="exports")
    assert sdk.flow.getTargetConnection(created["id"])["params"]["path"] == "exports"


def test_dlz_export_chain_target_without_data_is_refused_as_by_the_platform(sdk):
    """The base connection works; aepp's dataset-export target connection has no ``data``, which
    flow-service.yaml's CreateTargetConnectionRequest requires."""
    base = sdk.flow.createBaseConnectionDLZTarget("DLZ destination")
    assert base.get("id"), base
    assert status(sdk.flow.createTargetConnectionDatasetToDataLandingZone("To DLZ", base["id"], "/exports")) == 400


def test_createFlowDataLakeToDataLandingZone_with_source_connections_is_refused_as_by_the_platform(
        sdk, source_connection, target_connection):
    """The dataset-export flow spec takes a data lake source and a destination target; a Salesforce
    source and a data lake target are refused (1413), as the platform refuses them."""
    answer = sdk.flow.createFlowDataLakeToDataLandingZone("Lake to DLZ", source_connection, target_connection,
                                                          "1900000000")
    assert status(answer) == 400 and answer["type"].endswith("FLOW-1413-400")


def test_createFlowDataLakeToDataLandingZone(sdk, dataset):
    source = sdk.flow.createSourceConnectionDataLake(name="Lake export", dataset_ids=[dataset])["id"]
    target = sdk.flow.createTargetConnectionDataLandingZone(name="To DLZ", path="/exports")["id"]
    created = sdk.flow.createFlowDataLakeToDataLandingZone("Lake to DLZ", source, target, "1900000000")
    flow = sdk.flow.getFlow(created["id"])
    assert flow["inheritedAttributes"]["properties"]["isDestinationFlow"] is True
    assert created["id"] in {item["id"] for item in sdk.flow.getFlows(onlyDestinations=True)}


@not_emulated("the exportable datasets of a destination spec (GET /connectionSpecs/{id}/configs?outputType="
              "activationDatasets, pageInfo.hasNext): its shape is known only from aepp, and listing datasets "
              "needs a Catalog call Flow Service's port does not have")
@pytest.mark.parametrize("call", ["getExportableDatasetsDLZ", "exportDatasetToDLZ"])
def test_dataset_export(sdk, dataset, call):
    if call == "getExportableDatasetsDLZ":
        assert dataset in {item["id"] for item in sdk.flow.getExportableDatasets(
            "10440537-2a7b-4583-ac39-ed38d4b848e8")}
        assert dataset in {item["id"] for item in sdk.flow.getExportableDatasetsDLZ()}
    else:
        assert sdk.flow.exportDatasetToDLZ([dataset], scheduleStart="1900000000").get("id")


def test_createBaseConnectionS3Target(sdk):
    created = sdk.flow.createBaseConnectionS3Target("S3 exports", "AKIAEXAMPLE", "secret")
    assert sdk.flow.getConnection(created["id"])["auth"]["specName"] == "Access Key"


def test_createBaseConnectionBlobTarget(sdk):
    created = sdk.flow.createBaseConnectionBlobTarget("Blob exports", "DefaultEndpointsProtocol=https")
    assert sdk.flow.getConnection(created["id"])["auth"]["specName"] == "ConnectionString"


# == Flow Service: class FlowManager ==============================================================
def test_FlowManager(sdk, aep_connection, flow, source_connection, target_connection, mapping_set, dataset):
    manager = flowservice.FlowManager(flow, config=aep_connection)
    assert manager.flowSpec["name"] == "CRMToAEP"
    assert manager.flowMapping["id"] == mapping_set
    assert manager.flowTargetConnection["params"]["datasetName"] == "Loyalty members"
    assert manager.summary()["id"] == flow
    assert manager.getFlowSpec()["id"] == CRM_TO_AEP
    assert manager.getSourceConnection()["id"] == source_connection
    assert manager.getTargetConnection()["id"] == target_connection
    assert manager.getConnectionSpec()["items"][0]["id"] == SALESFORCE
    assert manager.getTargetConnectionSpec()["items"][0]["id"] == SALESFORCE  # aepp reads the source's spec here
    assert isinstance(manager.getRuns(), list)
    assert manager.updateFlow([{"op": "add", "path": "/description", "value": "managed"}]).get("etag")
    assert sdk.flow.getFlow(flow)["description"] == "managed"


def test_FlowManager_updateFlowMapping(sdk, aep_connection, flow, mapping_set):
    """The flow is re-pointed at the mapping set's current version. (aepp then keeps the PATCH answer,
    {id, etag} per flow-service.yaml CreateFlowResponse, as its flowData: an SDK quirk, not checked.)"""
    version = sdk.prep.getMappingSet(mapping_set)["version"]
    flowservice.FlowManager(flow, config=aep_connection).updateFlowMapping(mapping_set)
    params = sdk.flow.getFlow(flow)["transformations"][0]["params"]
    assert params["mappingId"] == mapping_set
    assert int(params["mappingVersion"]) == version


# == Data Prep: class DataPrep ====================================================================
def test_mapping_set_read_and_update(sdk, tenant, mapping_set, profile_schema):
    read = sdk.prep.getMappingSet(mapping_set)
    assert read["outputSchema"]["schemaRef"]["id"] == profile_schema["$id"]
    assert sdk.prep.getMappingSet(mapping_set, mappingRulesOnly=True)[0]["source"] == "Id"
    mappings = sdk.prep.getMappingSetMappings(mapping_set)
    assert [m["destination"] for m in mappings] == [f"_{tenant}.loyaltyId"]
    assert sdk.prep.getMappingSetMapping(mapping_set, mappings[0]["id"])["source"] == "Id"
    updated = sdk.prep.updateMappingSet(mapping_set, [
        {"sourceType": "ATTRIBUTE", "source": "Id", "destination": f"_{tenant}.loyaltyId"},
        {"sourceType": "ATTRIBUTE", "source": "Points", "destination": f"_{tenant}.points"}])
    assert updated["version"] == read["version"] + 1
    assert len(sdk.prep.getMappingSetMappings(mapping_set)) == 2
    assert sdk.prep.copyMappingRules(sdk.prep.getMappingSet(mapping_set), "other")[0]["destination"] == "_other.loyaltyId"


def test_getMappingSets(sdk, mapping_set):
    assert mapping_set in {item["id"] for item in sdk.prep.getMappingSets()}


def test_previewDataOutput(sdk, tenant, profile_schema):
    preview = sdk.prep.previewDataOutput([{"Id": "L-7"}], {
        "outputSchema": {"schemaRef": {"id": profile_schema["$id"], "contentType": XED_FULL}},
        "mappings": [{"sourceType": "ATTRIBUTE", "source": "Id", "destination": f"_{tenant}.loyaltyId"}]})
    assert preview[0]["data"][f"_{tenant}"]["loyaltyId"] == "L-7"


def test_expression_language(sdk):
    assert "concat" in {item["function"] for item in sdk.prep.getMappingSetFunctions()}
    assert "+" in {item["operatorSymbol"] for item in sdk.prep.getMappingSetOperators()}
    assert sdk.prep.validateExpression("upper(Id)")["validationStatus"] == "succeeded"


@pytest.mark.parametrize("call", ["createMappingSetMapping", "updateMappingSetMapping", "deleteMappingSetMapping",
                                  "deleteMappingSet"])
def test_mapping_writes_the_api_lacks_are_refused_as_by_the_platform(sdk, tenant, mapping_set, call):
    """data-prep.yaml offers only GET on /mappingSets/{id}/mappings[/{mappingId}] and no DELETE on
    /mappingSets/{id}: mappings change through PUT /mappingSets/{id} (updateMappingSet)."""
    mapping = {"sourceType": "ATTRIBUTE", "source": "Points", "destination": f"_{tenant}.points"}
    mapping_id = sdk.prep.getMappingSetMappings(mapping_set)[0]["id"]
    answer = {"createMappingSetMapping": lambda: sdk.prep.createMappingSetMapping(mapping_set, mapping),
              "updateMappingSetMapping": lambda: sdk.prep.updateMappingSetMapping(mapping_set, mapping_id, mapping),
              "deleteMappingSetMapping": lambda: sdk.prep.deleteMappingSetMapping(mapping_set, mapping_id),
              "deleteMappingSet": lambda: sdk.prep.deleteMappingSet(mapping_set)}[call]()
    assert status(answer) == 405
    assert sdk.prep.getMappingSet(mapping_set)["id"] == mapping_set


@pytest.mark.parametrize("call", ["getXDMBatchConversions", "getXDMBatchConversion",
                                  "getXDMBatchConversionActivities", "getXDMBatchConversionRequestActivities",
                                  "createXDMConversion", "getMappingSuggestions"])
def test_conversion_endpoints_the_api_lacks_are_refused_as_by_the_platform(sdk, dataset, batch, mapping_set, call):
    """/xdmBatchConversions and /mappingSets/suggestion are not operations of data-prep.yaml."""
    answer = {"getXDMBatchConversions": lambda: sdk.prep.getXDMBatchConversions(),
              "getXDMBatchConversion": lambda: sdk.prep.getXDMBatchConversion("c-1"),
              "getXDMBatchConversionActivities": lambda: sdk.prep.getXDMBatchConversionActivities("c-1"),
              "getXDMBatchConversionRequestActivities":
                  lambda: sdk.prep.getXDMBatchConversionRequestActivities("r-1", "a-1"),
              "createXDMConversion": lambda: sdk.prep.createXDMConversion(dataset, batch, mapping_set),
              "getMappingSuggestions": lambda: sdk.prep.getMappingSuggestions(dataSetId=dataset)}[call]()
    assert status(answer) == 404


# == Data Access: class DataAccess ================================================================
@pytest.fixture(scope="module")
def landed(sdk, dataset, tenant):
    """A batch ingested the aepp way, for reading back (its own rows: other tests replace batches)."""
    rows = [{"_id": "m-7", f"_{tenant}": {"loyaltyId": "L-7", "points": 7}},
            {"_id": "m-8", f"_{tenant}": {"loyaltyId": "L-8", "points": 8}}]
    created = sdk.ingest.createBatch(dataset)
    assert sdk.ingest.uploadSmallFile(created["id"], dataset, "landed.json", rows) == {}
    assert status(sdk.ingest.uploadSmallFileFinish(created["id"])) is None
    return created["id"], rows


def test_dataaccess_getBatchFiles_getFiles_getHeadFile_read_back_the_batch(sdk, landed):
    batch_id, rows = landed
    (entry,) = sdk.access.getBatchFiles(batch_id)
    assert entry["records"] == "2" and entry["isValid"] is True
    (stored,) = sdk.access.getFiles(entry["dataSetFileId"])["data"]
    assert stored["name"].endswith(".parquet")
    data = sdk.access.getFiles(entry["dataSetFileId"], path=stored["name"])  # io.BytesIO for a .parquet name
    frame = sdk.access.transformDataToDataFrame(data)
    assert sorted(frame["_id"]) == ["m-7", "m-8"]
    # aepp's headData calls res.headers() (not callable): for a 200 it hands back {}, for an error
    # the answer's headers, so {} is the emulator's 200
    assert sdk.access.getHeadFile(entry["dataSetFileId"], stored["name"]) == {}
    assert sdk.access.getHeadFile(entry["dataSetFileId"], "no-such.parquet") != {}


def test_dataaccess_getPreview_getBatchFailed_getBatchMeta(sdk, dataset, landed):
    batch_id, rows = landed
    assert {"m-7", "m-8"} <= {row["_id"] for row in sdk.access.getPreview(dataset)}
    assert sdk.access.getBatchFailed(batch_id) == []  # the dataset keeps no error diagnostics
    assert sdk.access.getBatchMeta(batch_id) == {"data": [], "_page": {"limit": 100, "count": 0}}


# == deletes, last: reads after a delete answer 404 ==============================================
def test_deletes_make_reads_404(sdk, flow, source_connection, target_connection, base_connection, dataset):
    for other in {item["id"] for item in sdk.flow.getFlows()} - {flow}:
        assert sdk.flow.deleteFlow(other) == 204
    assert sdk.flow.deleteFlow(flow) == 204
    assert status(sdk.flow.getResource(f"{sdk.flow.endpoint}/flows/{flow}")) == 404
    assert sdk.flow.getFlow(flow) == {}
    assert sdk.flow.deleteSourceConnection(source_connection) == 204
    assert sdk.flow.getSourceConnection(source_connection) == {}
    assert sdk.flow.deleteTargetConnection(target_connection) == 204
    assert sdk.flow.getTargetConnection(target_connection) is None
    assert sdk.flow.deleteConnection(base_connection) == 204
    assert sdk.flow.getConnection(base_connection) == {}
    assert sdk.catalog.deleteDataSet(dataset) == 200
    assert status(sdk.catalog.getDataSet(dataset)) == 404
