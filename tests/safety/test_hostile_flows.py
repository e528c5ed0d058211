"""Flow Service schedule values, run windows and mapping versions sent as numeric strings.

The tutorials send ``startTime``, ``interval`` and ``mappingVersion`` as strings, which Flow
Service reads as integers. A string of 5000 digits went to ``int()``, which refuses more than
4300: a 500. ``\\d`` also matched digits Java does not read (``"٣"`` was read as 3). Now an
integer is read from at most 19 ASCII digits (the DTOs' integers are 64-bit); anything else
stays text, which the schema refuses: a 400 that changes nothing.
"""
from __future__ import annotations

import pytest

from tests.conftest import gateway_headers
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture, populated_http_fixture  # noqa: F401 (the module's app, http fixtures)

FLOW = "/data/foundation/flowservice"
NOT_INTEGERS = ["9" * 5000, "-" + "9" * 5000, "9" * 20, "\u0663", "1\u00b2"]


def _flow(http):
    return http.get(f"{FLOW}/flows", headers=gateway_headers()).json["items"][0]


def _patch(http, flow, path, value):
    return http.patch(f"{FLOW}/flows/{flow['id']}", json=[{"op": "replace", "path": path, "value": value}],
                      headers=gateway_headers(**{"If-Match": flow["etag"]}))


@pytest.mark.parametrize("value", NOT_INTEGERS)
@pytest.mark.parametrize("field", ["startTime", "interval"])
def test_a_schedule_value_that_is_not_a_64_bit_integer_is_refused(http, field, value):
    flow = _flow(http)
    before = hostile.state(http)
    answer = _patch(http, flow, f"/scheduleParams/{field}", value)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "flowservice", before)


@pytest.mark.parametrize("value", NOT_INTEGERS)
def test_a_mapping_version_that_is_not_a_64_bit_integer_is_refused(http, value):
    flow = _flow(http)
    position = next(i for i, t in enumerate(flow["transformations"]) if "mappingVersion" in (t.get("params") or {}))
    before = hostile.state(http)
    answer = _patch(http, flow, f"/transformations/{position}/params/mappingVersion", value)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "flowservice", before)


def test_a_schedule_interval_as_a_numeric_string_is_still_read(http):
    flow = _flow(http)
    answer = _patch(http, flow, "/scheduleParams/interval", " 30 ")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]


@pytest.mark.parametrize("value", NOT_INTEGERS)
@pytest.mark.parametrize("field", ["startTime", "windowStartTime", "windowEndTime"])
def test_an_on_demand_run_window_that_is_not_a_64_bit_integer_is_refused(http, field, value):
    params = {"startTime": 1767225600, "windowStartTime": 1767222000, "windowEndTime": 1767225600, field: value}
    before = hostile.state(http)
    answer = http.post(f"{FLOW}/runs", json={"flowId": _flow(http)["id"], "params": params}, headers=gateway_headers())
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "flowservice", before)
