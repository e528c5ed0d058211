"""Serving a cassette in front of the emulator: order, misses, hybrid, bindings, control plane."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockaep import create_app
from mockaep.replay import install_replay
from mockaep.replay.cassette import write_cassette
from mockaep.replay.postman import import_collection
from tests.conftest import gateway_headers
from tests.replay.conftest import POSTMAN, exchange

FLOWS = "https://platform.adobe.io/data/foundation/flowservice/flows"
RUN_STATES = [b'{"state": "scheduled"}', b'{"state": "inProgress"}', b'{"state": "success"}']


def _replaying(path, **options):
    app = create_app()
    install_replay(app, path, **options)
    return app, app.test_client()


def test_answers_byte_for_byte_with_recorded_status_and_headers(write):
    body = b'{ "items" : [ {"id": "f-1", "name": "Flux \xc3\xa9t\xc3\xa9"} ] }\n'
    path = write([exchange(response=body, response_headers={"Content-Type": ["application/json"],
                                                            "x-request-id": ["rec-1"], "Content-Length": ["999"]})])
    _app, http = _replaying(path)
    answer = http.get("/data/foundation/flowservice/flows", headers=gateway_headers())
    assert answer.status_code == 200
    assert answer.get_data() == body
    assert answer.headers["x-request-id"] == "rec-1"
    assert answer.headers["Content-Length"] == str(len(body))
    assert answer.headers["x-mockaep-replay"] == "interaction=0"


def test_repeated_requests_replay_in_recorded_order_then_repeat_the_last(write):
    uri = "https://platform.adobe.io/data/foundation/flowservice/runs/r-1"
    path = write([exchange(uri=uri, response=state) for state in RUN_STATES])
    _app, http = _replaying(path)
    seen = [http.get("/data/foundation/flowservice/runs/r-1", headers=gateway_headers()).get_data()
            for _ in range(5)]
    assert seen == RUN_STATES + [RUN_STATES[-1]] * 2
    http.post("/_mockaep/replay/rewind")
    assert http.get("/data/foundation/flowservice/runs/r-1", headers=gateway_headers()).get_data() == RUN_STATES[0]


def test_a_miss_is_a_404_in_the_service_shape_naming_the_closest_recordings(write):
    path = write([exchange("POST", FLOWS, body={"name": "one"}, status=201),
                  exchange("GET", f"{FLOWS}/f-1"),
                  exchange("GET", "https://platform.adobe.io/data/foundation/catalog/dataSets")])
    _app, http = _replaying(path)
    answer = http.post("/data/foundation/flowservice/flows", json={"name": "two"}, headers=gateway_headers())
    assert answer.status_code == 404
    assert answer.headers["x-mockaep-replay"] == "miss"
    body = answer.get_json()
    assert body["type"].endswith("FLOW-1101-404") and body["title"] == "Request not recorded"
    assert path in body["errorMessage"]
    closest = body["replay"]["closest"]
    assert closest[0]["index"] == 0
    assert closest[0]["differences"] == ["body: at /name recorded 'one', received 'two'"]
    assert [c["index"] for c in closest] == [0, 1, 2]
    status = http.get("/_mockaep/replay").get_json()
    assert status["misses"] == 1 and status["played"] == 0 and status["mode"] == "strict"


def test_hybrid_mode_falls_through_to_the_stateful_emulator(write):
    path = write([exchange("GET", f"{FLOWS}/f-1", response=b'{"items": [{"id": "f-1"}]}')])
    app, http = _replaying(path, mode="hybrid")
    assert http.get("/data/foundation/flowservice/flows/f-1", headers=gateway_headers()).get_json() == \
        {"items": [{"id": "f-1"}]}
    fell_through = http.get("/data/foundation/flowservice/flows/f-2", headers=gateway_headers())
    assert fell_through.status_code == 404 and "x-mockaep-replay" not in fell_through.headers
    assert http.get("/_mockaep/health").get_json()["mode"] == "replay-hybrid"


def test_placeholders_bind_to_the_live_request_and_come_back_in_answers(write):
    recorded = exchange("GET", f"{FLOWS}/f-1", request_headers={"x-gw-ims-org-id": ["<IMS_ORG-1>"],
                                                                "x-api-key": ["<CLIENT_ID-1>"]},
                        response=json.dumps({"imsOrgId": "<IMS_ORG-1>", "createdBy": "<CLIENT_ID-1>@techacct",
                                             "other": "<SECRET-9>"}).encode())
    _app, http = _replaying(write([recorded]))
    org = 'QUOTE"ORG@AdobeOrg'
    answer = http.get("/data/foundation/flowservice/flows/f-1",
                      headers=gateway_headers(org=org, **{"x-api-key": "my-key"}))
    assert answer.get_json() == {"imsOrgId": org, "createdBy": "my-key@techacct", "other": "<SECRET-9>"}


def test_control_plane_stays_with_the_emulator(write):
    _app, http = _replaying(write([]))
    assert http.get("/_mockaep/health").get_json()["mode"] == "replay-strict"
    assert http.post("/_mockaep/reset").status_code == 200
    empty = http.get("/data/foundation/flowservice/flows", headers=gateway_headers())
    assert empty.status_code == 404 and "cassette is empty" in empty.get_json()["errorMessage"]


def test_install_refuses_bad_cassettes_modes_and_parts_leaving_the_app_alone(tmp_path, write):
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1, "interactions": [')
    app = create_app()
    original = app.wsgi_app
    with pytest.raises(ValueError, match=r"broken\.json: cassette is not valid JSON \(the file looks truncated\)"):
        install_replay(app, str(broken))
    with pytest.raises(ValueError, match="unknown replay mode 'loose'"):
        install_replay(app, write([]), mode="loose")
    with pytest.raises(ValueError, match="unknown match part"):
        install_replay(app, write([]), match_on=["verb"])
    assert app.wsgi_app is original and app.test_client().get("/_mockaep/health").get_json()["mode"] == "stateful"


def test_hybrid_replay_over_a_seeded_world(write):
    from mockaep.core.config import Config
    from tests.replay.servers import ROOT

    seed = ROOT / "fixtures" / "servicenow.state.json"
    [flow_id] = json.loads(seed.read_text())["tenants"][0]["collections"]["flows"]
    recorded = exchange("GET", f"{FLOWS}/{flow_id}", response=b'{"items": [{"id": "recorded"}]}')
    app = create_app(Config(seed_file=str(seed)))
    install_replay(app, write([recorded]), mode="hybrid")
    http = app.test_client()
    org = {"org": "MOCKAEP00000000000000001@AdobeOrg"}
    first = http.get(f"/data/foundation/flowservice/flows/{flow_id}", headers=gateway_headers(**org))
    assert first.get_json() == {"items": [{"id": "recorded"}]}
    # a request the cassette does not hold (another query) is answered by the seeded emulator
    seeded = http.get(f"/data/foundation/flowservice/flows/{flow_id}?property=state", headers=gateway_headers(**org))
    assert seeded.status_code == 200 and "x-mockaep-replay" not in seeded.headers
    assert seeded.get_json()["items"][0]["id"] == flow_id


def test_a_postman_cassette_answers_any_id_even_an_encoded_schema_id(tmp_path):
    interactions, meta = import_collection(str(POSTMAN / "schemaregistry.json"))
    write_cassette(tmp_path / "registry.json", interactions, meta)
    _app, http = _replaying(str(tmp_path / "registry.json"))
    answer = http.get("/data/foundation/schemaregistry/tenant/schemas/"
                      "https%3A%2F%2Fns.adobe.com%2Facme%2Fschemas%2F0a1b2c3d",
                      headers=gateway_headers(Accept="application/vnd.adobe.xed+json; version=1"))
    assert answer.status_code == 200 and "allOf" in answer.get_json()
    assert answer.headers["x-mockaep-replay"].startswith("interaction=")


def test_deeply_nested_bodies_are_handled_as_text(write):
    deep = b"[" * 5000 + b"]" * 5000
    path = write([exchange("POST", FLOWS, body=b'{"a": 1}', request_headers={"Content-Type": ["application/json"]})])
    _app, http = _replaying(path)
    answer = http.post("/data/foundation/flowservice/flows", data=deep, content_type="application/json",
                       headers=gateway_headers())
    assert answer.status_code == 404
    assert answer.get_json()["replay"]["closest"][0]["differences"] == ["body: recorded json body, received text body"]


_methods = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
_segments = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="/?#%"), max_size=12)


@given(method=_methods, segments=st.lists(_segments, max_size=4), query=st.text(max_size=30),
       body=st.one_of(st.binary(max_size=200), st.recursive(st.none() | st.booleans() | st.text(max_size=10),
                                                               lambda inner: st.lists(inner, max_size=3) |
                                                               st.dictionaries(st.text(max_size=5), inner,
                                                                               max_size=3)).map(
           lambda value: json.dumps(value).encode())),
       token=st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=30))
def test_any_request_gets_an_answer_never_a_server_error(replaying_app, method, segments, query, body, token):
    from urllib.parse import quote

    path = "/data/foundation/flowservice/" + "/".join(quote(s, safe="") for s in segments)
    answer = replaying_app.test_client().open(f"{path}?{quote(query, safe='=&')}", method=method, data=body,
                                              headers=gateway_headers(Authorization=f"Bearer {token}"),
                                              content_type="application/json")
    assert answer.status_code < 500
    if answer.headers.get("x-mockaep-replay") == "miss" and method != "HEAD":
        assert answer.get_json()["replay"]["closest"]


@pytest.fixture(scope="module")
def replaying_app(tmp_path_factory):
    from mockaep.replay.cassette import cassette_meta, write_cassette

    path = tmp_path_factory.mktemp("fuzz") / "tape.json"
    write_cassette(path, [exchange("GET", f"{FLOWS}/f-1", request_headers={"Authorization": ["Bearer <ACCESS_TOKEN-1>"]}),
                          exchange("POST", FLOWS, body={"name": "<SECRET-1>", "n": [1, {"x": None}]}, status=201)],
                   cassette_meta())
    app = create_app()
    install_replay(app, str(path))
    return app


def test_recorded_placeholders_match_long_live_values_in_linear_time(write):
    """A recorded body value with several placeholders against a long live value: a plain
    answer (a miss here), not minutes of backtracking under the player's lock (Python's
    ``.+?`` chains took 12 s for 3,000 characters; RE2 takes milliseconds for 200,000)."""
    recorded = "<SECRET>a<SECRET>b<SECRET>c<SECRET>d"
    path = write([exchange("POST", FLOWS, body={"name": recorded}, status=201),
                  exchange("POST", FLOWS, body={"name": "<SECRET>-<SECRET>"}, status=201,
                           response=b'{"id": "bound"}')])
    _app, http = _replaying(path)
    missed = http.post("/data/foundation/flowservice/flows", json={"name": "ab" * 100_000}, headers=gateway_headers())
    assert missed.status_code == 404 and missed.headers["x-mockaep-replay"] == "miss"
    matched = http.post("/data/foundation/flowservice/flows", json={"name": "x" * 100_000 + "-y"},
                        headers=gateway_headers())
    assert matched.status_code == 201 and matched.get_json() == {"id": "bound"}
