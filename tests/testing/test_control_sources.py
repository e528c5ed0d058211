"""``ControlPlane``'s sources and landed rows, as a test author uses them (HTTP, in process)."""
from __future__ import annotations

import pytest

from mockaep import create_app
from mockaep.testing import ControlPlane
from mockaep.testing.control import ControlPlaneError
from mockaep_client import AEPClient, onboard

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z


def test_a_test_author_edits_a_source_and_reads_what_landed():
    app = create_app()
    control, aep = ControlPlane.in_process(app), AEPClient.in_process(app)
    control.set_clock(T0 * 1000)
    created = onboard(aep, "salesforce-service-cloud", now=T0)
    org, base = aep.org_id, created.base_connection_id
    rows = [{"Id": "001T1", "Name": "Tern & Co", "CreatedDate": "2025-12-30T08:00:00Z"},
            {"Id": "001T2", "Name": "Gannet Ltd", "CreatedDate": "2025-12-31T09:00:00Z"}]
    assert control.replace_source_rows(org, base, "Account", rows[:1]) == {"table": "Account", "total": 1,
                                                                           "edited": True}
    assert control.append_source_rows(org, base, "Account", rows[1:])["total"] == 2
    assert control.source_rows(org, base, "Account", start=1, limit=1)["rows"] == rows[1:]
    fault = control.set_source_fault(org, base, "slow", runs=1, delay_seconds=60)["fault"]
    assert fault["kind"] == "slow" and fault["delaySeconds"] == 60
    control.advance_clock(60)
    (run,) = aep.flowservice.list_runs(flow_id=created.flow_id)["items"]
    assert run["state"] == "inProgress"  # the slow source holds the copy
    control.advance_clock(60)
    (run,) = aep.flowservice.list_runs(flow_id=created.flow_id)["items"]
    assert run["state"] == "success"
    landed = control.dataset_rows(org, created.dataset_id)
    assert landed["total"] == 2 and [r["_id"] for r in landed["rows"]] == ["001T1", "001T2"]
    assert control.clear_source_fault(org, base)["fault"] is None
    assert control.clear_source_rows(org, base, "Account")["total"] == 0
    with pytest.raises(ControlPlaneError) as refused:
        control.source_rows(org, "00000000-0000-4000-8000-000000000000", "Account")
    assert refused.value.status == 404
