"""State documents: export → reset → seed reads back identically; bad ones are refused whole."""
from __future__ import annotations

import json
import re

import pytest

from mockaep_client import AEPClient, onboard
from mockaep import create_app
from mockaep.core.config import Config
from tests.conftest import ORG, OTHER_ORG
from tests.replay.readers import read_everything
from tests.replay.servers import run_mockaep

NOW_MS = 1_767_225_600_000
FIXED_CLOCK = Config(clock=lambda: NOW_MS)


def _world():
    """Both onboardings in two orgs and two sandboxes, a run and an ingested batch, on a fixed clock."""
    app = create_app(FIXED_CLOCK)
    acme = AEPClient.in_process(app, org_id=ORG)
    world = onboard(acme, "salesforce-service-cloud", name="State world SF", run=True, now=NOW_MS // 1000)
    batch = acme.ingestion.create_batch(world.dataset_id)
    acme.ingestion.upload_file(batch["id"], world.dataset_id, "contacts.json",
                               json.dumps([{"_id": "c-1", "person": {"name": {"fullName": "Ines Q."}}}]).encode())
    acme.ingestion.complete_batch(batch["id"])
    onboard(acme.with_sandbox("dev-sandbox"), "servicenow", name="State world SN dev", now=NOW_MS // 1000)
    onboard(AEPClient.in_process(app, org_id=OTHER_ORG), "servicenow", name="State world SN", run=True,
            now=NOW_MS // 1000)
    return app


@pytest.fixture(scope="module")
def world():
    app = _world()
    http = app.test_client()
    # Reading runs makes the runs a flow's schedule has made due (Flow Service creates them lazily,
    # with fresh ids): read once so that the export holds them, then export.
    read_everything(http, http.get("/_mockaep/state").get_json())
    # secrets=include: this round trip must give identical answers, credentials included
    document = http.get("/_mockaep/state?secrets=include").get_json()
    return app, document, read_everything(http, document)


def test_export_reset_seed_gives_identical_answers_for_every_object(world):
    app, document, before = world
    assert len(document["tenants"]) == 3
    assert all(status == 200 for status, _body in before.values()), \
        [key for key, (status, _b) in before.items() if status != 200]
    assert len(before) > 40

    http = app.test_client()
    assert http.post("/_mockaep/reset").status_code == 200
    assert http.get("/_mockaep/state").get_json()["tenants"] == []
    gone = read_everything(http, document)
    assert all(status == 404 for (_o, _s, url), (status, _b) in gone.items() if url.count("/") > 4
               and "?" not in url and not url.endswith(("/connections", "/flows", "/runs", "/dataSets",
                                                         "/batches", "/schemas", "/classes",
                                                         "/sourceConnections", "/targetConnections")))

    loaded = http.post("/_mockaep/state", json=document)
    assert loaded.status_code == 200
    assert {(t["imsOrg"], t["sandbox"]) for t in loaded.get_json()["loaded"]} == \
        {(t["imsOrg"], t["sandbox"]) for t in document["tenants"]}
    assert read_everything(http, document) == before
    assert http.get("/_mockaep/state?secrets=include").get_json() == document


def test_a_seed_file_at_start_up_gives_the_same_answers(world, tmp_path):
    _app, document, before = world
    seed = tmp_path / "world.state.json"
    seed.write_text(json.dumps(document))
    seeded = create_app(Config(clock=lambda: NOW_MS, seed_file=str(seed))).test_client()
    assert read_everything(seeded, document) == before


def test_export_can_be_scoped_to_one_org_and_sandbox(world):
    app, _document, _before = world
    http = app.test_client()
    only = http.get(f"/_mockaep/state?org={ORG}&sandbox=dev-sandbox").get_json()
    assert [(t["imsOrg"], t["sandbox"]) for t in only["tenants"]] == [(ORG, "dev-sandbox")]


def _tenant(org="X@AdobeOrg", sandbox="prod", **collections):
    return {"imsOrg": org, "sandbox": sandbox, "collections": collections, "meta": {}}


GOOD_TENANT = _tenant(flows={"f-1": {"id": "f-1", "name": "kept?", "flowSpec": {"id": "14518937-270c-4525-bdec-c2ba7cce3860"}}})
BAD_DOCUMENTS = [
    ("", "state document is empty"),
    ('{"format": "mockaep-state", "version": 1, "tenants": [', r"not valid JSON \(it looks truncated\)"),
    ("{format: mockaep-state}", "not valid JSON"),
    (json.dumps({"format": "mockaep-state", "version": 2, "tenants": []}), "unsupported state version 2"),
    (json.dumps({"format": "mockaep-cassette", "version": 1, "tenants": []}), "'format' must be 'mockaep-state'"),
    (json.dumps({"format": "mockaep-state", "version": 1, "tenants": [GOOD_TENANT, GOOD_TENANT]}),
     r"tenants\[1\] repeats org 'X@AdobeOrg' sandbox 'prod' of tenants\[0\]"),
    (json.dumps({"format": "mockaep-state", "version": 1,
                 "tenants": [GOOD_TENANT, _tenant("Y@AdobeOrg", flows={"f-2": ["not", "an", "object"]})]}),
     r"tenants\[1\]\.collections\.flows\.f-2 must be an object"),
]


@pytest.mark.parametrize("text, problem", BAD_DOCUMENTS)
def test_bad_state_documents_are_refused_and_nothing_is_loaded(world, text, problem):
    app, document, _before = world
    http = app.test_client()
    http.post("/_mockaep/reset")
    http.post("/_mockaep/state", json=document)
    refused = http.post("/_mockaep/state", data=text, content_type="application/json")
    assert refused.status_code == 400
    assert re.search(problem, refused.get_json()["detail"]), refused.get_json()
    assert http.get("/_mockaep/state?secrets=include").get_json() == document  # unchanged, not even the good first tenant


@pytest.mark.parametrize("text, problem", BAD_DOCUMENTS)
def test_bad_seed_files_are_refused_naming_the_file(tmp_path, text, problem):
    seed = tmp_path / "bad.state.json"
    seed.write_text(text)
    problem = problem.replace("state document is empty", "seed file is empty").replace(
        r"\(it looks truncated\)", r"\(the file looks truncated\)")
    with pytest.raises(ValueError, match=problem) as refused:
        create_app(Config(seed_file=str(seed)))
    assert str(refused.value).startswith(f"{seed}: ")


def test_missing_and_unreadable_seed_files(tmp_path):
    with pytest.raises(ValueError, match=r"absent\.json: seed file not found"):
        create_app(Config(seed_file=str(tmp_path / "absent.json")))
    with pytest.raises(ValueError, match="is a directory"):
        create_app(Config(seed_file=str(tmp_path)))
    (tmp_path / "latin1.json").write_bytes(b'{"format": "\xe9"}')
    with pytest.raises(ValueError, match="not UTF-8"):
        create_app(Config(seed_file=str(tmp_path / "latin1.json")))


def test_serve_refuses_a_bad_seed_naming_it(tmp_path):
    seed = tmp_path / "cut.state.json"
    seed.write_text('{"format": "mockaep-state", "version": 1, "tenants": [{"imsOrg": "A')
    done = run_mockaep("serve", "--seed", str(seed), "--port", "0")
    assert done.returncode != 0
    assert f"mockaep: {seed}: seed file is not valid JSON (the file looks truncated)" in done.stderr
