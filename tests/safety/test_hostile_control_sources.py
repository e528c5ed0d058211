"""Hypothesis over the control plane's sources and dataset rows (/_mockaep/sources, /_mockaep/datasets):
whatever the method, ids, tenant, paging and body, the answer is never a 5xx; a refusal is JSON in
the emulator's error shape and changes nothing; an accepted write leaves a state that still loads."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ORG, OTHER_ORG, gateway_headers
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture  # noqa: F401 (the module's app fixtures)

METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH"]
TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_characters="\x7f"), max_size=30)
SEGMENT = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="/?#%\x7f"),
                  min_size=1, max_size=20)
CELLS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT
ROWS = st.lists(st.dictionaries(st.text(max_size=12), st.recursive(
    CELLS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6), max_size=5), max_size=5)
JSON_VALUES = st.recursive(CELLS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                           max_leaves=12)
FAULTS = st.fixed_dictionaries({"kind": st.sampled_from(["unavailable", "throttled", "slow", "other"])},
                               optional={"runs": st.integers(-2, 3) | TEXT, "delaySeconds": st.integers(-5, 10**7)})


@pytest.fixture(scope="module")
def known(app):
    http = app.test_client()
    base = http.get("/data/foundation/flowservice/connections", headers=gateway_headers()).json["items"][0]["id"]
    dataset = next(iter(http.get("/data/foundation/catalog/dataSets", headers=gateway_headers()).json))
    return {"base": base, "dataset": dataset}


@st.composite
def requests(draw, known):
    base = draw(st.sampled_from([known["base"], "00000000-0000-4000-8000-000000000000"]) | SEGMENT)
    table = draw(st.sampled_from(["Account", "Case", "NewTable", "Bad Name", "a" * 200]) | SEGMENT)
    path = draw(st.sampled_from([f"/_mockaep/sources/{base}/tables/{table}/rows", f"/_mockaep/sources/{base}/fault",
                                 f"/_mockaep/datasets/{draw(st.sampled_from([known['dataset'], 'nope']))}/rows"]))
    query = {}
    for name, choices in (("org", st.sampled_from([ORG, OTHER_ORG, ""]) | TEXT),
                          ("sandbox", st.sampled_from(["prod", "dev", "Bad_Sandbox"]) | TEXT),
                          ("start", st.sampled_from(["0", "3", "-1", "99999999999"]) | TEXT),
                          ("limit", st.sampled_from(["1", "1000", "1001", "0"]) | TEXT)):
        if draw(st.booleans()):
            query[name] = draw(choices)
    body = draw(st.one_of(st.none(), st.binary(max_size=100), ROWS.map(lambda v: json.dumps(v).encode()),
                          FAULTS.map(lambda v: json.dumps(v).encode()), JSON_VALUES.map(lambda v: json.dumps(v).encode())))
    return draw(st.sampled_from(METHODS)), path, query, body


@settings(max_examples=120)
@given(data=st.data())
def test_control_sources_never_answer_5xx_and_refusals_change_nothing(app, known, data):
    method, path, query, body = data.draw(requests(known))
    http = app.test_client()
    before = hostile.state(http)
    answer = http.open(path, method=method, query_string=query, data=body,
                       headers={"Content-Type": "application/json"})
    assert answer.status_code < 500, f"{method} {path} → {answer.status_code}: {answer.get_data(as_text=True)[:400]}"
    after = hostile.state(http)
    if answer.status_code >= 400:
        hostile.check_error_shape(answer, "emulator")
        assert after == before
    else:
        # what was accepted is a state that loads again, whole
        assert app.test_client().post("/_mockaep/state", json=after).status_code == 200
