"""The cassette file: vcrpy's layout, written incrementally, refused whole when broken."""
from __future__ import annotations

import json

import pytest

from mockaep.replay.cassette import (CassetteError, CassetteWriter, cassette_meta, load_cassette,
                                     render_cassette)
from tests.replay.conftest import exchange


def test_writer_leaves_a_complete_canonical_document_after_every_exchange(tmp_path):
    path = tmp_path / "tape.json"
    meta = cassette_meta(upstream="https://platform.adobe.io")
    writer = CassetteWriter(path, meta)
    written = []
    assert json.loads(path.read_text())["interactions"] == []
    for number in range(3):
        written.append(exchange(uri=f"https://platform.adobe.io/data/foundation/flowservice/flows/{number}",
                                response=f'{{"n": {number}, "name": "Café ☕"}}'.encode()))
        writer.append(written[-1])
        # what a crash would leave: the whole document, sorted and indented like a final write
        assert path.read_text(encoding="utf-8") == render_cassette(written, meta)
    writer.close(closedAt="now")
    document = json.loads(path.read_text())
    assert document["version"] == 1
    assert document["mockaep"]["closedAt"] == "now"
    assert [i["request"]["uri"][-1] for i in document["interactions"]] == ["0", "1", "2"]
    assert load_cassette(path).interactions[2].response_body == '{"n": 2, "name": "Café ☕"}'.encode()


def test_writer_refuses_to_overwrite_unless_told(tmp_path):
    path = tmp_path / "tape.json"
    path.write_text("keep me")
    with pytest.raises(CassetteError, match=r"tape\.json.*already exists.*--overwrite"):
        CassetteWriter(path, cassette_meta())
    assert path.read_text() == "keep me"
    CassetteWriter(path, cassette_meta(), overwrite=True).close()
    assert json.loads(path.read_text())["interactions"] == []


def test_binary_bodies_round_trip_as_base64(write):
    blob = bytes(range(256))
    path = write([exchange("PUT", body=blob, response=blob)])
    document = json.loads(open(path).read())
    assert document["interactions"][0]["mockaep"]["requestBodyEncoding"] == "base64"
    loaded = load_cassette(path).interactions[0]
    assert loaded.request_body == blob and loaded.response_body == blob


def test_vcrpy_reads_our_cassettes(write):
    vcr_serialize = pytest.importorskip("vcr.serialize")
    from vcr.serializers import jsonserializer

    path = write([exchange("POST", body={"name": "a flow"}, status=201, response=b'{"id": "f-1"}'),
                  exchange()], upstream="https://platform.adobe.io")
    requests_, responses = vcr_serialize.deserialize(open(path).read(), jsonserializer)[:2]
    assert [r.method for r in requests_] == ["POST", "GET"]
    assert requests_[0].uri.endswith("/flowservice/flows")
    assert json.loads(requests_[0].body) == {"name": "a flow"}
    assert responses[0]["status"] == {"code": 201, "message": ""}
    assert responses[0]["body"]["string"] == b'{"id": "f-1"}'


def test_a_plain_vcrpy_cassette_loads(tmp_path):
    path = tmp_path / "vcr.json"
    path.write_text(json.dumps({"version": 1, "interactions": [{
        "request": {"method": "GET", "uri": "https://platform.adobe.io/data/foundation/catalog/dataSets",
                    "body": None, "headers": {"Accept": "application/json"}},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}}}]}))
    loaded = load_cassette(path)
    assert loaded.interactions[0].request_headers == {"Accept": ["application/json"]}
    assert loaded.meta == {}


GOOD = {"version": 1, "mockaep": {"format": "mockaep-cassette", "formatVersion": 1}, "interactions": [
    {"request": {"method": "GET", "uri": "https://x/y", "body": None, "headers": {}},
     "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": ""}}}]}


def _bad(**changes):
    document = json.loads(json.dumps(GOOD))
    for dotted, value in changes.items():
        node = document
        *parents, last = dotted.split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    return json.dumps(document)


@pytest.mark.parametrize("text, problem", [
    ("", "empty"),
    (json.dumps(GOOD)[:-40], "not valid JSON.*truncated"),
    ("{'version': 1}", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    (_bad(version=2), "unsupported cassette version 2"),
    (_bad(**{"mockaep.formatVersion": 7}), "unsupported mockaep cassette format.*version 7"),
    (_bad(interactions={}), "'interactions' must be a list"),
    (_bad(**{"interactions.0.response.status": {"code": "ok"}}), r"interactions\[0\]\.response\.status\.code"),
    (_bad(**{"interactions.0.request.method": 5}), r"interactions\[0\]\.request\.method"),
    (_bad(**{"interactions.0.request.headers": {"Accept": [1]}}), r"request\.headers\.Accept"),
    (_bad(**{"interactions.0.mockaep": {"responseBodyEncoding": "base64"}, "interactions.0.response.body":
                                        {"string": "%%%"}}), "not valid base64"),
])
def test_bad_cassettes_are_refused_naming_the_file_and_the_problem(tmp_path, text, problem):
    path = tmp_path / "broken.json"
    path.write_text(text)
    with pytest.raises(CassetteError, match=problem) as caught:
        load_cassette(path)
    assert str(caught.value).startswith(str(path) + ":")


def test_missing_and_unreadable_cassettes(tmp_path):
    with pytest.raises(CassetteError, match=r"nowhere\.json: cassette file not found"):
        load_cassette(tmp_path / "nowhere.json")
    with pytest.raises(CassetteError, match="is a directory"):
        load_cassette(tmp_path)
    (tmp_path / "latin1.json").write_bytes(b'{"version": 1, "x": "\xe9"}')
    with pytest.raises(CassetteError, match="not UTF-8"):
        load_cassette(tmp_path / "latin1.json")


def test_the_format_is_told_by_content_not_by_name(tmp_path):
    """What the recorder writes as ``--out tape.yaml`` is JSON, and is read as JSON, exactly."""
    awkward = "DEL \x7f, NEL \x85, BOM \ufeff: valid JSON string content YAML 1.1 refuses or alters"
    recorded = exchange(response=json.dumps({"name": awkward}, ensure_ascii=False).encode())
    for name in ("tape.yaml", "tape.yml", "tape", "tape.cassette"):
        with CassetteWriter(tmp_path / name, cassette_meta()) as writer:
            writer.append(recorded)
        assert json.loads(load_cassette(tmp_path / name).interactions[0].response_body) == {"name": awkward}
    (tmp_path / "vcr.json").write_text("version: 1\ninteractions: []\n")  # YAML, whatever the name says
    assert load_cassette(tmp_path / "vcr.json").interactions == []


def test_vcrpy_yaml_cassettes_replay(tmp_path):
    pytest.importorskip("yaml")
    vcr_serialize = pytest.importorskip("vcr.serialize")
    from vcr.request import Request
    from vcr.serializers import yamlserializer

    from mockaep import create_app
    from mockaep.replay import install_replay
    from tests.conftest import gateway_headers

    uri = "https://platform.adobe.io/data/foundation/catalog/dataSets/5f0c1a2b3c4d5e6f7a8b9c0d"
    response = {"status": {"code": 200, "message": "OK"}, "headers": {"Content-Type": ["application/json"]},
                "body": {"string": b'{"5f0c1a2b3c4d5e6f7a8b9c0d": {"name": "from vcrpy"}}'}}
    path = tmp_path / "vcr.yaml"
    path.write_text(vcr_serialize.serialize({"requests": [Request("GET", uri, None, {})], "responses": [response]},
                                            yamlserializer))
    app = create_app()
    install_replay(app, str(path))
    answer = app.test_client().get("/data/foundation/catalog/dataSets/5f0c1a2b3c4d5e6f7a8b9c0d",
                                   headers=gateway_headers())
    assert answer.status_code == 200 and answer.get_json() == {"5f0c1a2b3c4d5e6f7a8b9c0d": {"name": "from vcrpy"}}
    path.write_text("interactions: [\n  - request: {")
    with pytest.raises(CassetteError, match=r"vcr\.yaml: cassette is neither JSON nor valid YAML"):
        load_cassette(path)
