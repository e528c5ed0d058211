"""One sandbox, one id: every service reports the same ``sandboxId`` for an (org, sandbox) pair."""
from __future__ import annotations

from mockaep import create_app
from mockaep_client import AEPClient, onboard
from tests.conftest import ORG


def _sandbox_ids(app, sandbox: str) -> set[str]:
    client = AEPClient.in_process(app, org_id=ORG, sandbox=sandbox)
    created = onboard(client, "servicenow", name=f"identity in {sandbox}")
    http = app.test_client()
    headers = client.session.platform_headers()
    schema = http.get(f"/data/foundation/schemaregistry/tenant/schemas/{created.target_schema_id.replace('/', '%2F')}",
                      headers={**headers, "Accept": "application/vnd.adobe.xed+json;version=1"}).json
    dataset = http.get(f"/data/foundation/catalog/dataSets/{created.dataset_id}", headers=headers).json
    flow = http.get(f"/data/foundation/flowservice/flows/{created.flow_id}", headers=headers).json
    return {schema["meta:sandboxId"], next(iter(dataset.values()))["sandboxId"], flow["items"][0]["sandboxId"]}


def test_schema_registry_catalog_and_flow_service_report_one_sandbox_id():
    app = create_app()
    prod, dev = _sandbox_ids(app, "prod"), _sandbox_ids(app, "dev-1")
    assert len(prod) == 1 and len(dev) == 1
    assert prod != dev
