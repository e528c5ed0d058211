"""Hypothesis over the gateway: random methods, paths, headers, query strings and bodies.

Whatever arrives, the answer is never a 5xx; a refusal is JSON in the gateway's or the owning
service's error shape and changes nothing.
"""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ORG, OTHER_ORG
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture  # noqa: F401 (the module's app fixtures)

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND"]
PATHS = [
    "/data/foundation/flowservice/connections", "/data/foundation/flowservice/sourceConnections",
    "/data/foundation/flowservice/targetConnections", "/data/foundation/flowservice/flows",
    "/data/foundation/flowservice/runs", "/data/foundation/flowservice/connectionSpecs",
    "/data/foundation/flowservice/flowSpecs", "/data/foundation/schemaregistry/tenant/schemas",
    "/data/foundation/schemaregistry/tenant/fieldgroups", "/data/foundation/schemaregistry/global/classes",
    "/data/foundation/schemaregistry/rpc/sampledata", "/data/foundation/schemaregistry/tenant/descriptors",
    "/data/foundation/catalog/dataSets", "/data/foundation/catalog/batches", "/data/foundation/catalog/",
    "/data/foundation/catalog/dataSetFiles", "/data/foundation/conversion/mappingSets",
    "/data/foundation/conversion/mappingSets/validate", "/data/foundation/import/batches",
    "/data/foundation/export/batches", "/data/foundation/export/files", "/data/foundation/export/datasets",
    "/data/foundation", "/", "/nothing/here",
]
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255, blacklist_characters="\x7f"), max_size=40)
SEGMENT = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="/?#%\x7f"),
                  min_size=1, max_size=20)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20)


@st.composite
def requests(draw):
    path = draw(st.sampled_from(PATHS)).rstrip("/")
    path += "".join("/" + s for s in draw(st.lists(SEGMENT, max_size=3))) or ("/" if not path else "")
    headers = {}
    for name, good in (("Authorization", "Bearer hostile-token"), ("x-api-key", "hostile-client"),
                       ("x-gw-ims-org-id", draw(st.sampled_from([ORG, OTHER_ORG]))), ("x-sandbox-name", "prod")):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            continue
        headers[name] = draw(HEADER_TEXT) if choice == 1 else good
    headers.update(draw(st.dictionaries(st.from_regex(r"\A[A-Za-z][A-Za-z0-9-]{0,15}\Z"), HEADER_TEXT, max_size=3)))
    headers["Content-Type"] = draw(st.sampled_from(["application/json", "application/octet-stream", "text/plain",
                                                    "application/json-patch+json", "application/x-www-form-urlencoded"])
                                   | HEADER_TEXT)
    body = draw(st.one_of(st.none(), st.binary(max_size=200), JSON_VALUES.map(lambda v: json.dumps(v).encode())))
    query = draw(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=30)), max_size=4))
    return draw(st.sampled_from(METHODS)), path or "/", headers, query, body


@settings(max_examples=150)
@given(request=requests())
def test_any_request_is_answered_without_a_5xx_and_refusals_change_nothing(app, request):
    method, path, headers, query, body = request
    http = app.test_client()
    before = hostile.state(http)
    answer = http.open(path, method=method, headers=headers, query_string=query, data=body)
    assert answer.status_code < 500, f"{method} {path} → {answer.status_code}: {answer.get_data(as_text=True)[:400]}"
    if answer.status_code >= 400:
        if method != "HEAD":
            hostile.check_error_shape(answer, hostile.service_of(path))
        assert hostile.state(http) == before
