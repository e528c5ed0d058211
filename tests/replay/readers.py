"""How to read back every kind of object the emulator stores, through the public API only."""
from __future__ import annotations

from urllib.parse import quote

from tests.conftest import gateway_headers

FLOW = "/data/foundation/flowservice"
XDM = "/data/foundation/schemaregistry"
XED = "application/vnd.adobe.xed+json; version=1"

#: Store kind → (URL template of one object, extra headers). ``{id}`` is the record's key.
READERS: dict[str, tuple[str, dict[str, str]]] = {
    "connections": (FLOW + "/connections/{id}", {}),
    "sourceConnections": (FLOW + "/sourceConnections/{id}", {}),
    "targetConnections": (FLOW + "/targetConnections/{id}", {}),
    "flows": (FLOW + "/flows/{id}", {}),
    "runs": (FLOW + "/runs/{id}", {}),
    "connectionSpecs": (FLOW + "/connectionSpecs/{id}", {}),
    "flowSpecs": (FLOW + "/flowSpecs/{id}", {}),
    "dataSets": ("/data/foundation/catalog/dataSets/{id}", {}),
    "batches": ("/data/foundation/catalog/batches/{id}", {}),
    "dataSetFiles": ("/data/foundation/catalog/dataSetFiles/{id}", {}),
    "mappingSets": ("/data/foundation/conversion/mappingSets/{id}", {}),
    "xdmSchemas": (XDM + "/tenant/schemas/{quoted}", {"Accept": XED}),
    "xdmClasses": (XDM + "/tenant/classes/{quoted}", {"Accept": XED}),
    "xdmFieldGroups": (XDM + "/tenant/mixins/{quoted}", {"Accept": XED}),
    "xdmDataTypes": (XDM + "/tenant/datatypes/{quoted}", {"Accept": XED}),
    "xdmDescriptors": (XDM + "/tenant/descriptors/{id}", {"Accept": XED}),
    "xdmAuditLog": (XDM + "/rpc/auditlog/{quoted}", {}),
}
#: Kinds that are bookkeeping behind other objects, with no GET of their own.
INTERNAL = {
    "stagedFiles": "files uploaded into an open batch; read through the batch and its dataSetFiles",
    "mappingSetVersions": "every version of a mapping set; read as GET /mappingSets/{id}?version=n",
    "dataSetFileParts": "the stored files behind a dataset file; read as GET /data/foundation/export/files/{id}",
    "batchFailedRows": "a batch's kept rejected rows; read as GET /data/foundation/export/batches/{id}/failed",
    "sourceTables": "a base connection's edited source tables; read as GET /_mockaep/sources/{id}/tables/...",
    "sourceRows": "the rows of an edited source table; read as GET /_mockaep/sources/{id}/tables/{table}/rows",
}
#: List endpoints compared too (their order comes from the store's insertion order).
LISTS = [
    (FLOW + "/connections", {}), (FLOW + "/sourceConnections", {}), (FLOW + "/targetConnections", {}),
    (FLOW + "/flows", {}), (FLOW + "/runs", {}), ("/data/foundation/catalog/dataSets", {}),
    ("/data/foundation/catalog/batches", {}), ("/data/foundation/conversion/mappingSets?limit=50&start=0", {}),
    (XDM + "/tenant/schemas", {"Accept": "application/vnd.adobe.xed-id+json"}),
    (XDM + "/tenant/classes", {"Accept": "application/vnd.adobe.xed-id+json"}),
]


def object_urls(snapshot: dict) -> list[tuple[str, str, str, dict[str, str]]]:
    """(org, sandbox, url, headers) for every object in a state document; unknown kinds fail loudly."""
    found = []
    for tenant in snapshot["tenants"]:
        for kind, records in tenant["collections"].items():
            if kind in INTERNAL:
                continue
            assert kind in READERS, (f"the state holds '{kind}' objects but tests/replay/readers.py does not say "
                                     f"how to read them back: add a READERS entry (or INTERNAL with a reason)")
            template, headers = READERS[kind]
            for record_id in records:
                url = template.format(id=record_id, quoted=quote(record_id, safe=""))
                found.append((tenant["imsOrg"], tenant["sandbox"], url, headers))
    return found


def read_everything(http, snapshot: dict) -> dict[tuple[str, str, str], tuple[int, object]]:
    """Status and body of every object's GET and every listing, per tenant."""
    answers = {}
    for org, sandbox, url, headers in object_urls(snapshot):
        response = http.get(url, headers=gateway_headers(org=org, sandbox=sandbox, **headers))
        answers[(org, sandbox, url)] = (response.status_code, response.get_json(silent=True))
    for tenant in snapshot["tenants"]:
        for url, headers in LISTS:
            response = http.get(url, headers=gateway_headers(org=tenant["imsOrg"], sandbox=tenant["sandbox"], **headers))
            answers[(tenant["imsOrg"], tenant["sandbox"], url)] = (response.status_code, response.get_json(silent=True))
    return answers
