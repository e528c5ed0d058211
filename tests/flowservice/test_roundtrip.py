"""Properties over HTTP: what a client writes is what it reads back, and a random sequence of
creates, patches, actions and deletes leaves the lists equal to a simple model."""
from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, rule

from mockaep import create_app
from tests.flowservice.helpers import SERVICE_CLOUD, FlowService

texts = st.text(max_size=24)
#: What a rename changes, and what runs progressing on their own may change between two reads.
VOLATILE = ("name", "etag", "version", "updatedAt", "lastOperation", "lastRunDetails")
digits = st.integers(min_value=0, max_value=2_000_000_000)
schedules = st.fixed_dictionaries(
    {"startTime": st.one_of(digits, digits.map(str)),
     "frequency": st.sampled_from(["minute", "hour", "day", "week"])},
    optional={"backfill": st.one_of(st.booleans(), st.sampled_from(["true", "false"])),
              "endTime": st.one_of(digits, digits.map(str))},
).flatmap(lambda s: st.builds(
    lambda interval: {**s, "interval": interval},
    st.one_of(st.integers(15 if s["frequency"] == "minute" else 1, 500),
              st.integers(15 if s["frequency"] == "minute" else 1, 500).map(str))))


@settings(max_examples=30)
@given(name=texts, description=texts, username=texts, secret=texts)
def test_base_connection_reads_back_what_was_written(new_fs, name, description, username, secret):
    fs = new_fs()
    params = {"username": username, "password": secret, "securityToken": secret[::-1]}
    created = fs.created("/connections", {"name": name, "description": description,
                                          "auth": {"specName": "Basic Authentication", "params": params},
                                          "connectionSpec": {"id": SERVICE_CLOUD, "version": "1.0"}})
    item = fs.item("connections", created["id"])
    assert (item["name"], item["description"]) == (name, description)
    assert item["auth"] == {"specName": "Basic Authentication", "params": params}
    listed = fs.get("/connections").get_json()["items"]
    assert listed == [item]


@settings(max_examples=25)
@given(name=texts, schedule=schedules, delta=texts, renamed=texts)
def test_flow_reads_back_what_was_written_and_patched(new_fs, name, schedule, delta, renamed):
    fs = new_fs()
    chain = fs.chain()
    transformations = [{"name": "Copy", "params": {"deltaColumn": {"name": delta, "timezone": "UTC"}}}]
    flow = fs.flow(chain, name=name, scheduleParams=schedule, transformations=transformations)
    item = fs.item("flows", flow)
    assert item["name"] == name and item["scheduleParams"] == schedule
    assert item["transformations"] == transformations
    response = fs.patch(f"/flows/{flow}", [{"op": "replace", "path": "/name", "value": renamed},
                                           {"op": "replace", "path": "/scheduleParams", "value": schedule}],
                        item["etag"])
    assert response.status_code == 200, response.get_json()
    after = fs.item("flows", flow)
    assert after["name"] == renamed and after["scheduleParams"] == schedule
    assert {k: v for k, v in after.items() if k not in VOLATILE} == \
        {k: v for k, v in item.items() if k not in VOLATILE}


class FlowServiceModel(RuleBasedStateMachine):
    """Random creates, renames, actions and deletes against a model of what should exist."""

    base_connections = Bundle("base_connections")
    source_connections = Bundle("source_connections")
    flows = Bundle("flows")

    app = None

    @initialize()
    def start(self):
        if FlowServiceModel.app is None:
            FlowServiceModel.app = create_app()
        self.fs = FlowService(FlowServiceModel.app.test_client(), org=f"M{uuid.uuid4().hex[:23].upper()}@AdobeOrg")
        schema = self.fs.target_schema()
        self.target = self.fs.target_connection(self.fs.dataset(schema), schema)
        self.model: dict[str, dict[str, dict]] = {"connections": {}, "sourceConnections": {}, "flows": {},
                                                  "targetConnections": {self.target: {}}}
        self.uses: dict[str, set[str]] = {}  # object id -> flows using it

    @rule(target=base_connections, name=texts)
    def create_base(self, name):
        object_id = self.fs.base_connection(name=name)
        self.model["connections"][object_id] = {"name": name}
        return object_id

    @rule(target=source_connections, base=base_connections, name=texts)
    def create_source(self, base, name):
        if base not in self.model["connections"]:
            return "00000000-0000-4000-8000-0000000000ba"  # its base was deleted: nothing is created
        object_id = self.fs.source_connection(base, name=name)
        self.model["sourceConnections"][object_id] = {"name": name, "base": base}
        return object_id

    @rule(target=flows, source=source_connections, name=texts)
    def create_flow(self, source, name):
        if source not in self.model["sourceConnections"]:
            return "00000000-0000-4000-8000-000000000000"
        chain = {"source": source, "target": self.target}
        object_id = self.fs.flow(chain, name=name)
        self.model["flows"][object_id] = {"name": name, "source": source, "state": "enabled"}
        return object_id

    @rule(flow=flows, name=texts)
    def rename_flow(self, flow, name):
        if flow not in self.model["flows"]:
            return
        etag = self.fs.item("flows", flow)["etag"]
        assert self.fs.patch(f"/flows/{flow}", [{"op": "replace", "path": "/name", "value": name}],
                             etag).status_code == 200
        self.model["flows"][flow]["name"] = name

    @rule(flow=flows, op=st.sampled_from(["ENABLE", "DISABLE"]))
    def act(self, flow, op):
        response = self.fs.post(f"/flows/{flow}/action", query={"op": op})
        if flow not in self.model["flows"]:
            assert response.status_code == 404
            return
        assert response.status_code == 200
        self.model["flows"][flow]["state"] = "enabled" if op == "ENABLE" else "disabled"

    @rule(flow=consumes(flows))
    def delete_flow(self, flow):
        response = self.fs.delete(f"/flows/{flow}")
        assert response.status_code == (204 if self.model["flows"].pop(flow, None) is not None else 404)

    @rule(source=source_connections)
    def delete_source(self, source):
        used = any(f["source"] == source for f in self.model["flows"].values())
        response = self.fs.delete(f"/sourceConnections/{source}")
        if source not in self.model["sourceConnections"]:
            assert response.status_code == 404
        elif used:
            assert response.status_code == 400
        else:
            assert response.status_code == 204
            del self.model["sourceConnections"][source]

    @rule(base=base_connections)
    def delete_base(self, base):
        used = any(self.model["sourceConnections"].get(f["source"], {}).get("base") == base
                   for f in self.model["flows"].values())
        response = self.fs.delete(f"/connections/{base}")
        if base not in self.model["connections"]:
            assert response.status_code == 404
        elif used:
            assert response.status_code == 400
        else:
            assert response.status_code == 204
            del self.model["connections"][base]

    @invariant()
    def lists_match_the_model(self):
        if not hasattr(self, "fs"):
            return
        flows = {f["id"]: f for f in self.fs.get("/flows").get_json()["items"]}
        assert {k: (v["name"], v["state"], v["sourceConnectionIds"]) for k, v in flows.items()} == \
            {k: (v["name"], v["state"], [v["source"]]) for k, v in self.model["flows"].items()}
        sources = {s["id"]: s["name"] for s in self.fs.get("/sourceConnections").get_json()["items"]}
        assert sources == {k: v["name"] for k, v in self.model["sourceConnections"].items()}
        bases = {b["id"]: b["name"] for b in self.fs.get("/connections").get_json()["items"]}
        assert bases == {k: v["name"] for k, v in self.model["connections"].items()}
        count = self.fs.get("/flows", query={"count": "true", "property": "state==disabled"}).get_json()["count"]
        assert count == sum(1 for f in self.model["flows"].values() if f["state"] == "disabled")


FlowServiceModel.TestCase.settings = settings(max_examples=12, stateful_step_count=12, deadline=None)
test_flow_service_state_machine = FlowServiceModel.TestCase
