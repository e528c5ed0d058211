"""``onboard()``: the whole customer-success source onboarding, call by call.

The sequence of Adobe's "collect data from a customer success system" tutorial (with its typos
fixed: the target connection uses the data lake spec, every call carries Authorization, ids chain
from one step to the next):

ad-hoc class → ad-hoc schema → base connection → source connection → target schema (Individual
Profile + person details + personal details) → dataset → target connection (data lake) →
mapping set → flow spec lookup (``name=="CRMToAEP"``) → dataflow with a schedule → optional run.

Names and sample values are mockaep's own. Returns an :class:`Onboarding` with every id created.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from mockaep_client.aep import AEPClient
from mockaep_client.schemaregistry import XED_FULL_NOTEXT

DATA_LAKE_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
CRM_FLOW_SPEC_NAME = "CRMToAEP"
PROFILE_CLASS = "https://ns.adobe.com/xdm/context/profile"
PERSON_DETAILS = "https://ns.adobe.com/xdm/context/profile-person-details"
PERSONAL_DETAILS = "https://ns.adobe.com/xdm/context/profile-personal-details"
ADHOC_BEHAVIOUR = "https://ns.adobe.com/xdm/data/adhoc"
DATASET_SCHEMA_CONTENT_TYPE = "application/vnd.adobe.xed+json;version=1"
TARGET_SCHEMA_VERSION = "application/vnd.adobe.xed-full+json;version=1"

#: The seed's three mappings: destination XDM path ← source column (Salesforce column names).
SEED_MAPPINGS = (("_id", "Id"), ("person.name.fullName", "Name"), ("_repo.createDate", "CreatedDate"))


@dataclass(frozen=True)
class SourceSystem:
    """What differs between the customer-success sources the tutorial covers: the connection spec,
    the credentials its auth spec asks for, the table read, its columns and how they map."""

    key: str
    connection_spec_id: str
    auth_params: dict[str, str]
    table: str
    columns: tuple[str, ...]
    mappings: tuple[tuple[str, str], ...]
    delta_column: str


SOURCES: dict[str, SourceSystem] = {
    "salesforce-service-cloud": SourceSystem(
        "salesforce-service-cloud", "cb66ab34-8619-49cb-96d1-39b37ede86ea",
        {"username": "onboarding.bot@example.org", "password": "not-a-real-password",
         "securityToken": "sample-token-0001"},
        "Account", ("Id", "Name", "Phone", "Industry", "BillingCity", "CreatedDate", "LastModifiedDate"),
        SEED_MAPPINGS, "CreatedDate"),
    # ServiceNow names the same facts differently: the seed's three destinations, its own columns.
    "servicenow": SourceSystem(
        "servicenow", "eb13cb25-47ab-407f-ba89-c0125281c563",
        {"endpoint": "https://example-instance.service-now.example", "username": "onboarding.bot",
         "password": "not-a-real-password"},
        "sys_user", ("sys_id", "user_name", "first_name", "last_name", "email", "active", "sys_created_on"),
        (("_id", "sys_id"), ("person.name.fullName", "user_name"), ("_repo.createDate", "sys_created_on")),
        "sys_created_on"),
}


@dataclass(frozen=True)
class Schedule:
    """A dataflow schedule; ``start_time`` is epoch seconds (now when omitted)."""

    frequency: str = "minute"
    interval: int | None = 15
    start_time: int | None = None
    backfill: bool | None = True

    def params(self, now: float | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"startTime": self.start_time if self.start_time is not None
                                  else int(now if now is not None else time.time()),
                                  "frequency": self.frequency}
        if self.interval is not None:
            params["interval"] = self.interval
        if self.backfill is not None:
            params["backfill"] = self.backfill
        return params


@dataclass
class Onboarding:
    """Every id the onboarding created, in creation order."""

    source: str
    tenant_id: str
    adhoc_class_id: str
    source_schema_id: str
    base_connection_id: str
    source_connection_id: str
    target_schema_id: str
    dataset_id: str
    target_connection_id: str
    mapping_set_id: str
    mapping_set_version: int
    flow_spec_id: str
    flow_id: str
    flow_etag: str | None
    run_id: str | None = None
    names: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the request bodies (used by onboard() and by the contract suite) -----------------------------
def adhoc_class_body(title: str, columns: tuple[str, ...]) -> dict[str, Any]:
    """An ad-hoc class describing every column of the raw rows (as strings)."""
    return {"title": title, "description": f"Raw rows of {title}", "type": "object",
            "allOf": [{"$ref": ADHOC_BEHAVIOUR},
                      {"properties": {"_adhoc": {"type": "object",
                                                 "properties": {c: {"type": "string"} for c in columns}}}}]}


def adhoc_schema_body(title: str, class_id: str) -> dict[str, Any]:
    return {"title": title, "description": "Shape of the rows as the source sends them", "type": "object",
            "allOf": [{"$ref": class_id}]}


def base_connection_body(name: str, system: SourceSystem, auth_params: dict[str, str] | None = None) -> dict[str, Any]:
    return {"name": name, "description": f"Credentials for {system.key}",
            "auth": {"specName": "Basic Authentication", "params": dict(auth_params or system.auth_params)},
            "connectionSpec": {"id": system.connection_spec_id, "version": "1.0"}}


def source_connection_body(name: str, system: SourceSystem, base_connection_id: str, schema_id: str,
                           table: str | None = None) -> dict[str, Any]:
    return {"name": name, "description": f"Rows of {table or system.table}", "baseConnectionId": base_connection_id,
            "data": {"format": "tabular", "schema": {"id": schema_id, "version": XED_FULL_NOTEXT}},
            "params": {"path": table or system.table},
            "connectionSpec": {"id": system.connection_spec_id, "version": "1.0"}}


def target_schema_body(title: str) -> dict[str, Any]:
    return {"type": "object", "title": title, "description": "Profiles built from the source rows",
            "allOf": [{"$ref": PROFILE_CLASS}, {"$ref": PERSON_DETAILS}, {"$ref": PERSONAL_DETAILS}]}


def dataset_body(name: str, schema_id: str) -> dict[str, Any]:
    return {"name": name, "description": "Landing dataset of the onboarding",
            "schemaRef": {"id": schema_id, "contentType": DATASET_SCHEMA_CONTENT_TYPE}}


def target_connection_body(name: str, schema_id: str, dataset_id: str) -> dict[str, Any]:
    return {"name": name, "description": "Data lake destination",
            "data": {"format": "parquet_xdm", "schema": {"id": schema_id, "version": TARGET_SCHEMA_VERSION}},
            "params": {"dataSetId": dataset_id},
            "connectionSpec": {"id": DATA_LAKE_SPEC_ID, "version": "1.0"}}


def mapping_set_body(schema_id: str, mappings: tuple[tuple[str, str], ...] = SEED_MAPPINGS) -> dict[str, Any]:
    """The tutorial's (legacy) request form: ``xdmSchema`` + ``destinationXdmPath``/``sourceAttribute``."""
    return {"version": 0, "xdmSchema": schema_id, "xdmVersion": "1.0", "id": None,
            "mappings": [{"destinationXdmPath": destination, "sourceAttribute": source, "identity": False,
                          "identityGroup": None, "namespaceCode": None, "version": 0}
                         for destination, source in mappings]}


def flow_body(name: str, flow_spec: dict[str, Any], source_connection_id: str, target_connection_id: str,
              mapping_set_id: str, mapping_set_version: int, schedule_params: dict[str, Any],
              delta_column: str = "CreatedDate") -> dict[str, Any]:
    return {"name": name, "description": "Scheduled copy of the source rows into the data lake",
            "flowSpec": {"id": flow_spec["id"], "version": flow_spec.get("version", "1.0")},
            "sourceConnectionIds": [source_connection_id], "targetConnectionIds": [target_connection_id],
            "transformations": [
                {"name": "Copy", "params": {"deltaColumn": {"name": delta_column}}},
                {"name": "Mapping", "params": {"mappingId": mapping_set_id,
                                               "mappingVersion": str(mapping_set_version)}}],
            "scheduleParams": schedule_params}


def run_params(now: float | None = None, delta_column: str = "CreatedDate") -> dict[str, Any]:
    """Params of an on-demand run over the last hour (epoch seconds)."""
    end = int(now if now is not None else time.time())
    return {"startTime": end, "windowStartTime": end - 3600, "windowEndTime": end,
            "deltaColumn": {"name": delta_column}}


# -- the sequence ---------------------------------------------------------------------------------
def onboard(client: AEPClient, source: str = "salesforce-service-cloud", *, name: str | None = None,
            auth_params: dict[str, str] | None = None, table: str | None = None,
            schedule: Schedule | None = None, run: bool = False, now: float | None = None) -> Onboarding:
    """Onboard a customer-success ``source`` (``"salesforce-service-cloud"`` or ``"servicenow"``).

    ``name`` prefixes every object's name/title (unique by default, since the Schema Registry
    refuses a title already used in the sandbox). Raises the client's typed errors on any refusal.
    """
    try:
        system = SOURCES[source]
    except KeyError:
        raise ValueError(f"unknown source {source!r}; choose one of {', '.join(SOURCES)}") from None
    prefix = name or f"Onboarding {source} {uuid.uuid4().hex[:8]}"
    names = {"class": f"{prefix} raw rows class", "source_schema": f"{prefix} raw rows schema",
             "base_connection": f"{prefix} base connection", "source_connection": f"{prefix} source connection",
             "target_schema": f"{prefix} profile schema", "dataset": f"{prefix} profile dataset",
             "target_connection": f"{prefix} data lake connection", "flow": f"{prefix} dataflow"}
    registry, flows = client.schemaregistry, client.flowservice

    tenant_id = registry.tenant_id()
    adhoc_class = registry.create_class(adhoc_class_body(names["class"], system.columns))
    source_schema = registry.create_schema(adhoc_schema_body(names["source_schema"], adhoc_class["$id"]))
    base = flows.create_connection(base_connection_body(names["base_connection"], system, auth_params))
    source_connection = flows.create_source_connection(
        source_connection_body(names["source_connection"], system, base.id, source_schema["$id"], table))
    target_schema = registry.create_schema(target_schema_body(names["target_schema"]))
    dataset = client.catalog.create_dataset(dataset_body(names["dataset"], target_schema["$id"]))
    target = flows.create_target_connection(
        target_connection_body(names["target_connection"], target_schema["$id"], dataset.id))
    mapping_set = client.conversion.create_mapping_set(mapping_set_body(target_schema["$id"], system.mappings))
    flow_spec = flows.find_flow_spec(CRM_FLOW_SPEC_NAME)
    if flow_spec is None:
        raise LookupError(f"the platform has no flow spec named {CRM_FLOW_SPEC_NAME}")
    schedule_params = (schedule or Schedule()).params(now)
    flow = flows.create_flow(flow_body(names["flow"], flow_spec, source_connection.id, target.id, mapping_set["id"],
                                       int(mapping_set.get("version", 0)), schedule_params, system.delta_column))
    run_id = flows.create_run(flow.id, run_params(now, system.delta_column))["id"] if run else None
    return Onboarding(source=source, tenant_id=tenant_id, adhoc_class_id=adhoc_class["$id"],
                      source_schema_id=source_schema["$id"], base_connection_id=base.id,
                      source_connection_id=source_connection.id, target_schema_id=target_schema["$id"],
                      dataset_id=dataset.id, target_connection_id=target.id, mapping_set_id=mapping_set["id"],
                      mapping_set_version=int(mapping_set.get("version", 0)), flow_spec_id=flow_spec["id"],
                      flow_id=flow.id, flow_etag=flow.etag, run_id=run_id, names=names)


__all__ = ["Onboarding", "Schedule", "SourceSystem", "SOURCES", "onboard"]
