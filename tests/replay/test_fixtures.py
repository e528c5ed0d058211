"""The shipped seed scenarios load, every object reads back, and the generator still makes them."""
from __future__ import annotations

import importlib.util
import json

import pytest

from mockaep_client import AEPClient
from mockaep_client.aep import EMULATOR_ORG_ID
from mockaep import create_app
from mockaep.core.config import Config
from tests.replay.readers import read_everything
from tests.replay.servers import ROOT, Server

FIXTURES = ROOT / "fixtures"
SOURCES = ["salesforce-service-cloud", "servicenow"]
SPEC_IDS = {"salesforce-service-cloud": "cb66ab34-8619-49cb-96d1-39b37ede86ea",
            "servicenow": "eb13cb25-47ab-407f-ba89-c0125281c563"}


def _make_fixtures():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source", SOURCES)
def test_scenario_loads_and_every_object_reads_back(source):
    path = FIXTURES / f"{source}.state.json"
    document = json.loads(path.read_text())
    app = create_app(Config(seed_file=str(path)))
    http = app.test_client()
    assert http.get("/_mockaep/state?secrets=include").get_json() == document  # loaded exactly, nothing more
    # (reads come after: the seeded run then moves on with the wall clock, as runs do)
    answers = read_everything(http, document)
    assert answers and all(status == 200 for status, _ in answers.values()), \
        {key: status for key, (status, _) in answers.items() if status != 200}

    # the world hangs together when walked from the dataflow, as a client would
    client = AEPClient.in_process(app, sandbox=document["tenants"][0]["sandbox"])
    [flow_id] = document["tenants"][0]["collections"]["flows"]
    flow = client.flowservice.get_flow(flow_id)
    [source_id] = flow["sourceConnectionIds"]
    source_connection = client.flowservice.get_source_connection(source_id)
    base = client.flowservice.get_connection(source_connection["baseConnectionId"])
    assert base["connectionSpec"]["id"] == SPEC_IDS[source]
    [target_id] = flow["targetConnectionIds"]
    target = client.flowservice.get_target_connection(target_id)
    assert client.catalog.get_dataset(target["params"]["dataSetId"])
    assert flow["runs"]  # the scenario ran its dataflow once


def test_the_generator_still_builds_the_same_worlds():
    make_fixtures = _make_fixtures()
    for source in SOURCES:
        shipped = json.loads((FIXTURES / f"{source}.state.json").read_text())
        fresh = make_fixtures.build_scenario(source)
        shape = lambda doc: [(t["imsOrg"], t["sandbox"], {k: len(v) for k, v in t["collections"].items()})
                             for t in doc["tenants"]]  # noqa: E731
        assert shape(fresh) == shape(shipped)
        names = lambda doc: sorted(r.get("name") or r.get("title") or "" for t in doc["tenants"]  # noqa: E731
                                   for records in t["collections"].values() for r in records.values())
        assert names(fresh) == names(shipped)
        assert shipped["tenants"][0]["imsOrg"] == EMULATOR_ORG_ID


def test_serve_seed_answers_a_client_over_http():
    path = FIXTURES / "servicenow.state.json"
    [flow_id] = json.loads(path.read_text())["tenants"][0]["collections"]["flows"]
    with Server("serve", "--seed", str(path)) as server:
        with AEPClient.for_emulator(server.url) as client:
            assert client.flowservice.get_flow(flow_id)["name"].startswith("Seeded ServiceNow")
