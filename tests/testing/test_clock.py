"""The emulator clock over HTTP: GET/POST /_mockaep/clock, and what follows it (runs, tokens, timestamps)."""
from __future__ import annotations

import pytest

from mockaep import ThreadedServer, create_app
from mockaep.core.config import Config
from mockaep.testing import ControlPlane
from mockaep_client import AEPClient, AuthError, onboard
from mockaep_client import onboarding as steps

CLOCK = "/_mockaep/clock"
JAN_1_2026_MS = 1_767_225_600_000


def test_a_new_emulator_follows_the_wall_clock(http):
    body = http.get(CLOCK).get_json()
    assert body["mode"] == "wall" and isinstance(body["now"], int) and body["iso"].endswith("Z")


def test_set_takes_epoch_ms_or_iso_and_makes_the_clock_virtual(http):
    assert http.post(CLOCK, json={"set": JAN_1_2026_MS}).get_json() == {
        "now": JAN_1_2026_MS, "mode": "virtual", "iso": "2026-01-01T00:00:00.000Z"}
    # time stands still until moved
    assert http.get(CLOCK).get_json()["now"] == JAN_1_2026_MS
    assert http.post(CLOCK, json={"set": "2026-03-01T12:00:00+01:00"}).get_json()["iso"] == "2026-03-01T11:00:00.000Z"
    assert http.post(CLOCK, json={"set": "2026-03-01T12:00:00"}).get_json()["iso"] == "2026-03-01T12:00:00.000Z"


def test_the_last_millisecond_the_clock_takes_reads_back_exactly(http):
    last = 253402300799999  # 9999-12-31T23:59:59.999Z: beyond it, no ISO year of four digits
    assert http.post(CLOCK, json={"set": last}).get_json()["iso"] == "9999-12-31T23:59:59.999Z"


def test_advance_moves_a_virtual_clock_and_freezes_a_wall_one(http):
    http.post(CLOCK, json={"set": JAN_1_2026_MS})
    assert http.post(CLOCK, json={"advance": 90.5}).get_json()["now"] == JAN_1_2026_MS + 90_500
    wall = create_app(Config(clock=lambda: 5_000)).test_client()
    assert wall.post(CLOCK, json={"advance": 1}).get_json() == {"now": 6_000, "mode": "virtual",
                                                                "iso": "1970-01-01T00:00:06.000Z"}


def test_mode_wall_follows_the_time_source_again():
    http = create_app(Config(clock=lambda: 42_000, clock_mode="virtual")).test_client()
    assert http.get(CLOCK).get_json()["mode"] == "virtual"
    http.post(CLOCK, json={"advance": 10})
    assert http.post(CLOCK, json={"mode": "wall"}).get_json()["now"] == 42_000
    assert http.get(CLOCK).get_json()["mode"] == "wall"


@pytest.mark.parametrize("body", [
    {}, {"set": 1, "advance": 1}, {"advance": -1}, {"advance": "soon"}, {"advance": True}, {"advance": 1e12},
    {"set": "yesterday"}, {"set": -5}, {"set": 10**20}, {"set": None}, {"set": "x" * 100}, {"mode": "virtual"},
    {"mode": "sundial"}, {"rewind": 3}, [1], "advance",
])
def test_bad_clock_requests_are_400_and_change_nothing(http, body):
    http.post(CLOCK, json={"set": JAN_1_2026_MS})
    response = http.post(CLOCK, json=body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["detail"]
    assert http.get(CLOCK).get_json()["now"] == JAN_1_2026_MS


def test_malformed_json_is_400(http):
    response = http.post(CLOCK, data="{", content_type="application/json")
    assert response.status_code == 400


def test_timestamps_of_created_objects_follow_the_clock(app, http):
    http.post(CLOCK, json={"set": JAN_1_2026_MS})
    aep = AEPClient.in_process(app)
    created = aep.flowservice.create_connection(
        steps.base_connection_body("Clocked connection", steps.SOURCES["servicenow"]))
    assert aep.flowservice.get_connection(created.id)["createdAt"] == JAN_1_2026_MS
    http.post(CLOCK, json={"advance": 60})
    aep.flowservice.patch_connection(created.id, [{"op": "replace", "path": "/name", "value": "Renamed"}],
                                     created.etag)
    assert aep.flowservice.get_connection(created.id)["updatedAt"] == JAN_1_2026_MS + 60_000


def test_issued_tokens_expire_on_the_emulator_clock():
    app = create_app(Config(strict_auth=True, clock_mode="virtual", admin_tokens=("admin-secret",)))
    client = AEPClient.in_process(app)
    client.flowservice.list_flows()  # a token from the emulated IMS is accepted
    control = ControlPlane.in_process(app, admin_token="admin-secret")  # strict: the control plane is guarded
    held = AEPClient.in_process(app, access_token=client.access_token())  # never renewed
    control.advance_clock(86_398)
    assert held.flowservice.list_flows()["items"] == []  # still within its 86399 s
    control.advance_clock(1)  # the lifetime has passed
    with pytest.raises(AuthError) as refused:
        held.flowservice.list_flows()
    assert refused.value.status == 401


def test_runs_of_the_seed_dataflow_appear_when_the_clock_advances_over_http():
    """Acceptance: onboard against a real server, advance two hours, the flow's runs are listed."""
    with ThreadedServer(config=Config(clock_mode="virtual")) as server, AEPClient.for_emulator(server.url) as aep:
        created = onboard(aep, "salesforce-service-cloud", name="Clock acceptance")
        now_s = server.control.clock()["now"] // 1000
        assert created.flow_id
        listed = aep.flowservice.list_runs(property=f"flowId=={created.flow_id}")
        before = len(listed["items"])
        moved = server.control.advance_clock(7200)
        assert moved["now"] // 1000 == now_s + 7200
        after = aep.flowservice.list_runs(property=f"flowId=={created.flow_id}")["items"]
        # every 15 minutes over two hours: the schedule's slots have become runs
        assert len(after) >= before + 8
        assert {run["flowId"] for run in after} == {created.flow_id}
        assert any(run["metrics"]["statusSummary"]["status"] == "success" for run in after)
