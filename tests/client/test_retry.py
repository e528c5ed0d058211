"""The client retries 429 and 5xx answers as the platform asks, against emulator fault rules."""
from __future__ import annotations

import email.utils

import pytest

from mockaep import ThreadedServer
from mockaep_client import AEPClient, RateLimitError, RetryPolicy, ServerError
from mockaep_client import onboarding as steps

FLOWS = "/data/foundation/flowservice/flows"


class Sleeps:
    """An injected sleep that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


def control(app):
    return app.test_client()


def add_fault(app, rule):
    response = control(app).post("/_mockaep/faults", json=rule)
    assert response.status_code == 201, response.get_json()


def journal(app, **filters):
    return control(app).get("/_mockaep/requests", query_string=filters).get_json()["requests"]


def test_two_429s_then_success_over_http(sleeps):
    """Acceptance: a rule of two 429s; the call succeeds after two retries; the journal shows three."""
    with ThreadedServer() as server:
        server.control.add_fault({"operationId": "listFlows"}, {"status": 429, "retryAfter": 2}, {"times": 2})
        with AEPClient.for_emulator(server.url, retry=RetryPolicy(sleep=sleeps)) as aep:
            assert aep.flowservice.list_flows() == {"items": [], "_links": {}}
        assert sleeps.delays == [2.0, 2.0]  # Retry-After honoured
        seen = server.control.requests(operationId="listFlows")
        assert [entry["status"] for entry in seen] == [200, 429, 429]


def test_backoff_is_exponential_without_retry_after(emulator_app, sleeps):
    add_fault(emulator_app, {"match": {"path": FLOWS}, "effect": {"status": 503}, "when": {"times": 3}})
    aep = AEPClient.in_process(emulator_app, retry=RetryPolicy(sleep=sleeps, backoff=0.5))
    aep.flowservice.list_flows()
    assert sleeps.delays == [0.5, 1.0, 2.0]


def test_attempts_are_bounded_and_the_last_answer_raises(emulator_app, sleeps):
    add_fault(emulator_app, {"match": {"path": FLOWS}, "effect": {"status": 500}})
    aep = AEPClient.in_process(emulator_app, retry=RetryPolicy(sleep=sleeps, attempts=3))
    with pytest.raises(ServerError) as failed:
        aep.flowservice.list_flows()
    assert failed.value.status == 500 and failed.value.code == "FLOW-1102-500"
    assert len(sleeps.delays) == 2 and len(journal(emulator_app, path=FLOWS)) == 3


def test_a_post_is_retried_on_429_only(emulator_app, sleeps):
    aep = AEPClient.in_process(emulator_app, retry=RetryPolicy(sleep=sleeps))
    body = steps.base_connection_body("Retried connection", steps.SOURCES["servicenow"])
    add_fault(emulator_app, {"match": {"operationId": "createConnection"}, "effect": {"status": 502},
                             "when": {"times": 1}})
    with pytest.raises(ServerError):
        aep.flowservice.create_connection(body)  # a 5xx may come after the write: not repeated
    assert sleeps.delays == []
    add_fault(emulator_app, {"match": {"operationId": "createConnection"}, "effect": {"status": 429},
                             "when": {"times": 1}})
    created = aep.flowservice.create_connection(body)
    assert created.id and len(sleeps.delays) == 1
    assert [e["status"] for e in journal(emulator_app, operationId="createConnection")] == [201, 429, 502]


def test_retry_after_as_an_http_date(emulator_app, sleeps):
    now = 1_800_000_000.0
    later = email.utils.formatdate(now + 7, usegmt=True)
    add_fault(emulator_app, {"effect": {"status": 429, "retryAfter": later}, "when": {"times": 1},
                             "match": {"path": FLOWS}})
    aep = AEPClient.in_process(emulator_app, retry=RetryPolicy(sleep=sleeps, now=lambda: now))
    aep.flowservice.list_flows()
    assert sleeps.delays == [7.0]


def test_a_long_retry_after_is_capped(emulator_app, sleeps):
    add_fault(emulator_app, {"effect": {"status": 429, "retryAfter": 3600}, "when": {"times": 1},
                             "match": {"path": FLOWS}})
    AEPClient.in_process(emulator_app, retry=RetryPolicy(sleep=sleeps, max_delay=10)).flowservice.list_flows()
    assert sleeps.delays == [10]


def test_no_retry_policy_raises_the_rate_limit_at_once(emulator_app, sleeps):
    add_fault(emulator_app, {"effect": {"status": 429, "retryAfter": 4}, "match": {"path": FLOWS}})
    aep = AEPClient.in_process(emulator_app, retry=RetryPolicy(attempts=1, sleep=sleeps))
    with pytest.raises(RateLimitError) as limited:
        aep.flowservice.list_flows()
    assert limited.value.retry_after == 4.0 and sleeps.delays == []


def test_ims_throttling_is_retried_too(emulator_app, sleeps):
    add_fault(emulator_app, {"match": {"service": "ims"}, "effect": {"status": 429, "retryAfter": 1},
                             "when": {"times": 1}})
    aep = AEPClient.in_process(emulator_app, retry=RetryPolicy(sleep=sleeps))
    assert aep.access_token()
    assert sleeps.delays == [1.0]


def test_other_errors_are_not_retried(emulator_app, sleeps):
    aep = AEPClient.in_process(emulator_app, retry=RetryPolicy(sleep=sleeps))
    with pytest.raises(Exception):
        aep.flowservice.get_flow("6f0b6a35-7f3a-4b3c-9c52-2b5f2d0c1a11")
    assert sleeps.delays == []


@pytest.mark.parametrize("options", [{"attempts": 0}, {"attempts": 50}, {"backoff": -1}, {"multiplier": 0.5}])
def test_unbounded_policies_are_refused(options):
    with pytest.raises(ValueError):
        RetryPolicy(**options)
