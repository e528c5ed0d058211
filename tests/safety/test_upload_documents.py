"""Uploaded files that are not JSON a row can hold fail their batch with the reason."""
from __future__ import annotations

import pytest

import tests.catalog.helpers as helpers
from tests.catalog.helpers import IMPORT
from tests.conftest import gateway_headers


@pytest.mark.parametrize("fmt, text, reason", [
    ("multiline", "[" * 50_000 + "]" * 50_000, "nests deeper than"),
    ("lines", '{"a":' * 50_000 + "1" + "}" * 50_000 + "\n", "nests deeper than"),
    ("lines", '{"a": NaN}\n', "NaN is not a JSON value"),
    ("lines", '{"a": 1e999}\n', "too large"),
])
def test_a_file_that_is_not_json_fails_its_batch_with_the_reason(http, fmt, text, reason):
    """Deeply nested documents and the numbers JSON cannot carry fail the batch (never a 500,
    never a batch left ``processing``); the valid rows of the same file would still count."""
    dataset_id = helpers.make_dataset(http, helpers.make_schema(http))
    batch_id = helpers.open_batch(http, dataset_id, inputFormat={"format": "json",
                                                                 "isMultiLineJson": fmt == "multiline"})
    assert helpers.upload(http, batch_id, dataset_id, "f.json", text).status_code == 200
    done = http.post(f"{IMPORT}/batches/{batch_id}?action=COMPLETE", headers=gateway_headers())
    assert done.status_code == 200
    settled = helpers.batch(http, batch_id)
    assert settled["status"] == "failed"
    assert reason in " ".join(error["description"] for error in settled["errors"])
