"""The client asks an org's XDM tenant id once: it never changes, and ``GET /stats`` is not free."""
from __future__ import annotations

from mockaep import create_app
from mockaep_client import AEPClient, onboard

ORG = "TENANTCACHE0000000000001@AdobeOrg"
OTHER = "TENANTCACHE0000000000002@AdobeOrg"


def test_two_onboardings_ask_for_the_tenant_id_once_per_org():
    app = create_app()
    control = app.test_client()
    first, second = AEPClient.in_process(app, org_id=ORG), AEPClient.in_process(app, org_id=OTHER)
    onboard(first, "servicenow")
    onboard(first, "salesforce-service-cloud")
    onboard(second, "servicenow")
    journal = control.get("/_mockaep/requests", query_string={"path": "/data/foundation/schemaregistry/stats"})
    asked = [entry["org"] for entry in journal.get_json()["requests"]]
    assert sorted(asked) == [ORG, OTHER]
    assert first.schemaregistry.tenant_id() != second.schemaregistry.tenant_id()
