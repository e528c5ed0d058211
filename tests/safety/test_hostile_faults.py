"""Fault rules (/_mockaep/faults) the control plane must refuse up front, with nothing added.

Each case here was once accepted or answered 500: an ``operationId`` that is a JSON array or
object (a 500 looking it up), and a ``retryAfter`` HTTP-date carrying a line break or non-ASCII
text (accepted, then every matching request failed writing its ``Retry-After`` header).
"""
from __future__ import annotations

import pytest

from mockaep import create_app
from tests.conftest import gateway_headers
from tests.safety import hostile

DATE = "Wed, 21 Oct 2026 07:28:00 GMT"


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture
def http(app):
    client = app.test_client()
    yield client
    client.delete("/_mockaep/faults")


@pytest.mark.parametrize("rule", [
    {"match": {"operationId": ["listDatasets"]}, "effect": {"status": 503}},
    {"match": {"operationId": {"id": "listDatasets"}}, "effect": {"status": 503}},
    {"match": {"operationId": 7}, "effect": {"status": 503}},
    {"effect": {"status": 503, "retryAfter": f"{DATE}\r\nX-Injected: 1"}},
    {"effect": {"status": 503, "retryAfter": f"{DATE}\n"}},
    {"effect": {"status": 503, "retryAfter": f"{DATE} \u00e9t\u00e9"}},
    {"effect": {"status": 503, "retryAfter": DATE + " " * 100}},
], ids=["operationId array", "operationId object", "operationId number", "retryAfter CRLF", "retryAfter LF",
        "retryAfter non-ASCII", "retryAfter too long"])
def test_a_rule_that_cannot_be_applied_is_refused_and_nothing_is_added(http, rule):
    before = http.get("/_mockaep/faults").get_json()
    for body in (rule, [rule]):
        answer = http.post("/_mockaep/faults", json=body)
        assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
        hostile.check_error_shape(answer, "emulator")
    assert http.get("/_mockaep/faults").get_json() == before
    catalog = http.get("/data/foundation/catalog/dataSets", headers=gateway_headers())
    assert catalog.status_code == 200


def test_a_retry_after_date_is_sent_as_given(http):
    assert http.post("/_mockaep/faults", json={"effect": {"status": 503, "retryAfter": DATE}}).status_code == 201
    answer = http.get("/data/foundation/catalog/dataSets", headers=gateway_headers())
    assert answer.status_code == 503 and answer.headers["Retry-After"] == DATE


@pytest.mark.parametrize("given, sent", [("0", "0"), (" 30 ", "30"), (30, "30")])
def test_retry_after_seconds_may_be_written_as_a_string(http, given, sent):
    assert http.post("/_mockaep/faults", json={"effect": {"status": 429, "retryAfter": given}}).status_code == 201
    answer = http.get("/data/foundation/catalog/dataSets", headers=gateway_headers())
    assert answer.status_code == 429 and answer.headers["Retry-After"] == sent
