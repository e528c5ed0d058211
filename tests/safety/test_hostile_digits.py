"""Numbers in query parameters and JSON pointers that only look like digits.

``str.isdigit()`` is true of ``²`` (superscript two) and other Unicode digits that ``int()``
refuses, and ``int()`` refuses a text of more than 4300 digits: each case here answered 500 when
it was written. Where the spec documents no 400 (Data Access ``start``/``limit``) such a value
counts as absent; elsewhere it is a 400 in the owning service's shape that changes nothing.
"""
from __future__ import annotations

import pytest

from mockaep import create_app
from tests.catalog.helpers import IMPORT, make_dataset, make_schema, member, ndjson, open_batch, upload
from tests.conftest import ORG, gateway_headers
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture, populated_http_fixture  # noqa: F401 (the module's app, http fixtures)

EXPORT = "/data/foundation/export"
FLOW = "/data/foundation/flowservice"
SUPERSCRIPT = "\u00b2"  # '²': isdigit() is true, int() refuses it
NOT_NUMBERS = [SUPERSCRIPT, SUPERSCRIPT * 3, "1" + SUPERSCRIPT, "9" * 5000]


@pytest.fixture(scope="module")
def landed(app):
    """A completed batch of two files, one row rejected and kept (error diagnostics on)."""
    http = app.test_client()
    dataset = make_dataset(http, make_schema(http), enableErrorDiagnostics=True)
    batch_id = open_batch(http, dataset)
    for name, rows in (("a.json", [member("m1"), member("m9", tier="platinum")]), ("b.json", [member("m2")])):
        assert upload(http, batch_id, dataset, name, ndjson(rows)).status_code == 200
    assert http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=gateway_headers()).status_code == 200
    files = http.get(f"{EXPORT}/batches/{batch_id}/files", headers=gateway_headers()).get_json()["data"]
    return {"dataset": dataset, "batch": batch_id, "file": files[0]["dataSetFileId"]}


@pytest.mark.parametrize("value", NOT_NUMBERS)
@pytest.mark.parametrize("name", ["start", "limit"])
@pytest.mark.parametrize("path", ["/batches/{batch}/files", "/batches/{batch}/failed", "/files/{file}"])
def test_data_access_paging_that_is_not_a_number_counts_as_absent(http, landed, path, name, value):
    url = EXPORT + path.format(**landed)
    plain = http.get(url, headers=gateway_headers())
    odd = http.get(url, headers=gateway_headers(), query_string={name: value})
    assert plain.status_code == 200 and odd.status_code == 200, odd.get_data(as_text=True)[:300]
    if not (path == "/files/{file}" and name == "start"):  # there start is a name, not a count
        assert odd.get_json() == plain.get_json()


@pytest.mark.parametrize("value", NOT_NUMBERS)
@pytest.mark.parametrize("name", ["start", "limit"])
def test_control_plane_rows_refuse_paging_that_is_not_a_number(http, landed, name, value):
    base = http.get(f"{FLOW}/connections", headers=gateway_headers()).get_json()["items"][0]["id"]
    for url in (f"/_mockaep/datasets/{landed['dataset']}/rows", f"/_mockaep/sources/{base}/tables/Account/rows"):
        before = hostile.state(http)
        answer = http.get(url, query_string={"org": ORG, name: value})
        assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
        hostile.check_refusal(http, answer, "emulator", before)


@pytest.mark.parametrize("query", [{"limit": v} for v in NOT_NUMBERS] + [{"status": SUPERSCRIPT * 3},
                                                                          {"status": "9" * 5000}])
def test_the_journal_refuses_filters_that_are_not_numbers(http, query):
    answer = http.get("/_mockaep/requests", query_string=query)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_error_shape(answer, "emulator")


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_explore_refuses_a_preview_row_count_that_is_not_a_number(http, value):
    base = http.get(f"{FLOW}/connections", headers=gateway_headers()).get_json()["items"][0]["id"]
    answer = http.get(f"{FLOW}/connections/{base}/explore", headers=gateway_headers(),
                      query_string={"objectType": "table", "object": "Account", "preview": "true",
                                    "previewRowCount": value})
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_error_shape(answer, "flowservice")


@pytest.mark.parametrize("index", [SUPERSCRIPT, "9" * 5000])
def test_a_flow_patch_through_an_index_that_is_not_a_number_is_refused(http, index):
    flow = http.get(f"{FLOW}/flows", headers=gateway_headers()).get_json()["items"][0]
    before = hostile.state(http)
    answer = http.patch(f"{FLOW}/flows/{flow['id']}", headers={**gateway_headers(), "If-Match": flow["etag"]},
                        json=[{"op": "replace", "path": f"/transformations/{index}/name", "value": "Copy"}])
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "flowservice", before)


@pytest.mark.parametrize("index", [SUPERSCRIPT, "9" * 5000])
def test_a_connection_spec_reference_through_an_index_that_is_not_a_number_is_refused(http, index):
    spec = {"type": "object", "allOf": [{"type": "object"}], "properties": {"token": {"$ref": f"#/allOf/{index}"}}}
    body = {"name": "Digits source", "providerId": "0ed90a81-07f4-4586-8190-b40eccef1c5a", "version": "1.0",
            "type": "generic-rest", "authSpec": [{"name": "Token", "type": "Token", "spec": spec}],
            "sourceSpec": {"attributes": {"uiAttributes": {"isSource": True}},
                           "spec": {"type": "object", "properties": {}}}}
    before = hostile.state(http)
    answer = http.post(f"{FLOW}/connectionSpecs", headers=gateway_headers(), json=body)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    hostile.check_refusal(http, answer, "flowservice", before)


def test_waitress_never_hands_the_app_a_content_length_that_is_not_ascii():
    """The journal reads ``CONTENT_LENGTH`` itself: a non-ASCII one is a length it does not know."""
    app = create_app()
    answer = app.test_client().get("/_mockaep/health", environ_overrides={"CONTENT_LENGTH": SUPERSCRIPT})
    assert answer.status_code < 500
