"""The tables behind a base connection, edited through the control plane (/_mockaep/sources), and
what explore shows of them: the same rows, the same columns, refusals that change nothing."""
from __future__ import annotations

import pytest

from mockaep.services.flowservice import sources as limits
from tests.flowservice.helpers import AMAZON_S3, Sources

ROWS = [{"Id": "500A", "Subject": "Printer jam", "LastModifiedDate": "2026-07-01T10:00:00Z"},
        {"Id": "500B", "Subject": "Login loop", "LastModifiedDate": "2026-07-02T11:30:00Z"}]


@pytest.fixture
def src(fs):
    return Sources(fs)


def explore(fs, base_id: str, **query):
    response = fs.get(f"/connections/{base_id}/explore", query=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def exported(fs) -> dict:
    document = fs.http.get("/_mockaep/state", query_string={"org": fs.headers["x-gw-ims-org-id"]}).get_json()
    return document["tenants"][0]["collections"] if document["tenants"] else {}


def test_an_unedited_table_is_its_fixture_as_explore_previews_it(fs, src):
    base = fs.base_connection()
    shown = src.rows(base, "Case")
    preview = explore(fs, base, objectType="table", object="Case", preview="true")
    assert shown["edited"] is False and shown["total"] == len(preview["data"]) > 0
    assert shown["rows"] == preview["data"] and shown["columns"] == preview["schema"]["columns"]


def test_replace_append_clear_and_explore_follows(fs, src):
    base = fs.base_connection()
    assert src.replace(base, "Case", ROWS) == {"table": "Case", "total": 2, "edited": True}
    assert explore(fs, base, objectType="table", object="Case", preview="true")["data"] == ROWS
    extra = {"Id": "500C", "Subject": "Toner", "LastModifiedDate": "2026-07-03T08:00:00Z", "Escalated": True}
    assert src.append(base, "Case", [extra])["total"] == 3
    preview = explore(fs, base, objectType="table", object="Case", preview="true", previewRowCount="2")
    assert preview["data"] == ROWS
    assert {"name": "Escalated", "type": "boolean", "xdm": {"type": "boolean"}} in preview["schema"]["columns"]
    assert src.rows(base, "Case")["rows"] == ROWS + [extra]
    assert src.clear(base, "Case") == {"table": "Case", "total": 0, "edited": True}
    assert "Case" in [t["name"] for t in explore(fs, base, objectType="root")]
    assert explore(fs, base, objectType="table", object="Case", preview="true")["data"] == []


def test_appending_to_an_unedited_table_keeps_its_fixture_rows(fs, src):
    base = fs.base_connection()
    fixture = src.rows(base, "Solution")["rows"]
    src.append(base, "Solution", [{"Id": "501X", "SolutionName": "Reboot"}])
    assert src.rows(base, "Solution")["rows"] == fixture + [{"Id": "501X", "SolutionName": "Reboot"}]


def test_a_new_table_takes_its_columns_from_its_rows_and_explore_lists_it(fs, src):
    base = fs.base_connection()
    src.replace(base, "Invoice", [{"Number": "INV-1", "Amount": 12.5, "Lines": 3, "Paid": False, "Tags": ["a"]}])
    assert "Invoice" in [t["path"] for t in explore(fs, base, objectType="root")]
    columns = explore(fs, base, objectType="table", object="Invoice")["schema"]["columns"]
    assert [(c["name"], c["type"]) for c in columns] == [("Number", "string"), ("Amount", "double"),
                                                         ("Lines", "integer"), ("Paid", "boolean"), ("Tags", "array")]


def test_each_base_connection_has_its_own_tables(fs, src):
    first, second = fs.base_connection(name="First"), fs.base_connection(name="Second")
    src.replace(first, "Case", ROWS)
    assert src.rows(second, "Case")["edited"] is False
    assert src.rows(second, "Case")["rows"] != ROWS


def test_rows_are_paged(fs, src):
    base = fs.base_connection()
    src.replace(base, "Case", [{"Id": str(n)} for n in range(7)])
    page = src.rows(base, "Case", start=5, limit=5)
    assert [r["Id"] for r in page["rows"]] == ["5", "6"] and page["total"] == 7
    assert [r["Id"] for r in src.rows(base, "Case", limit=3)["rows"]] == ["0", "1", "2"]


def test_deleting_the_base_connection_deletes_its_source(fs, src):
    base = fs.base_connection()
    src.replace(base, "Case", ROWS)
    assert src.fault(base, {"kind": "unavailable"}).status_code == 200
    assert {"sourceTables", "sourceRows", "sourceFaults"} <= set(exported(fs))
    assert fs.delete(f"/connections/{base}").status_code == 204
    assert not {"sourceTables", "sourceRows", "sourceFaults"} & set(exported(fs))
    assert src.call("GET", src.rows_url(base, "Case")).status_code == 404


def _too_many_rows() -> list[dict]:
    return [{"n": n} for n in range(limits.MAX_ROWS_PER_REQUEST + 1)]


@pytest.mark.parametrize("method, table, body, status", [
    ("PUT", "Case", {"rows": ROWS}, 400),
    ("PUT", "Case", [ROWS[0], "not a row"], 400),
    ("POST", "Case", [{"big": "x" * limits.MAX_ROW_BYTES}], 400),
    ("POST", "Case", [{f"c{n}": n for n in range(limits.MAX_COLUMNS + 1)}], 400),
    ("POST", "Case", [{"k" * 300: 1}], 400),
    ("PUT", "Case", None, 400),
    ("PUT", "Bad%20Name", ROWS, 400),
    ("PUT", "Case", "too-many", 400),
    ("GET", "NoSuchTable", None, 404),
    ("DELETE", "NoSuchTable", None, 404),
])
def test_refusals_change_nothing(fs, src, method, table, body, status):
    base = fs.base_connection()
    src.replace(base, "Case", ROWS)
    before = exported(fs)
    payload = _too_many_rows() if body == "too-many" else body
    response = src.call(method, src.rows_url(base, table), payload)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["type"].endswith(f"-{status}")
    assert exported(fs) == before


def test_a_table_holds_at_most_its_bound(fs, src):
    base = fs.base_connection()
    chunk = [{"n": n} for n in range(limits.MAX_ROWS_PER_REQUEST)]
    src.replace(base, "Case", chunk)
    for _ in range(limits.MAX_TABLE_ROWS // limits.MAX_ROWS_PER_REQUEST - 1):
        src.append(base, "Case", chunk)
    refused = src.call("POST", src.rows_url(base, "Case"), [{"n": -1}])
    assert refused.status_code == 400 and str(limits.MAX_TABLE_ROWS) in refused.get_json()["detail"]
    assert src.rows(base, "Case", limit=1)["total"] == limits.MAX_TABLE_ROWS


def test_only_table_sources_have_tables(fs, src):
    storage = fs.created("/connections", {
        "name": "Bucket", "connectionSpec": {"id": AMAZON_S3, "version": "1.0"},
        "auth": {"specName": "Access Key", "params": {"s3AccessKey": "AKIAEXAMPLE", "s3SecretKey": "secret"}}})["id"]
    refused = src.call("PUT", src.rows_url(storage, "anything"), ROWS)
    assert refused.status_code == 400 and "files" in refused.get_json()["detail"]
    assert src.call("GET", src.rows_url("00000000-0000-4000-8000-000000000000", "Case")).status_code == 404


def test_the_org_is_named_and_reads_create_no_tenant(fs):
    base = fs.base_connection()
    anonymous = fs.http.get(f"/_mockaep/sources/{base}/tables/Case/rows")
    assert anonymous.status_code == 400
    tenants = fs.http.get("/_mockaep/health").get_json()["tenants"]
    unknown = fs.http.get(f"/_mockaep/sources/{base}/tables/Case/rows", query_string={"org": "NOBODY@AdobeOrg"})
    assert unknown.status_code == 404
    assert fs.http.get("/_mockaep/health").get_json()["tenants"] == tenants
    other_sandbox = fs.http.get(f"/_mockaep/sources/{base}/tables/Case/rows",
                                query_string={"org": fs.headers["x-gw-ims-org-id"], "sandbox": "dev"})
    assert other_sandbox.status_code == 404
    by_headers = fs.http.get(f"/_mockaep/sources/{base}/tables/Case/rows", headers=fs.headers)
    assert by_headers.status_code == 200 and by_headers.get_json()["table"] == "Case"
