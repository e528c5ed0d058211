"""``--seed`` refusals are one ``mockaep:`` line naming the file, never a traceback."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ORG
from tests.replay.servers import run_mockaep


def _deep(levels: int) -> dict:
    node: dict = {"n": 1}
    for _ in range(levels):
        node = {"a": node}
    return node


def _document(records: dict) -> dict:
    return {"format": "mockaep-state", "version": 1,
            "tenants": [{"imsOrg": ORG, "sandbox": "prod", "collections": records, "meta": {}}]}


@pytest.mark.parametrize("document, problem", [
    (_document({"flows": {"f-1": _deep(600)}}), "nests deeper than"),
    (_document({"flows": {"f-1": ["not", "an", "object"]}}), "must be an object"),
    (_document({"flows": "not an object keyed by id"}), "must be an object keyed by id"),
    ({"format": "mockaep-state", "version": 1, "tenants": [{"imsOrg": 5, "sandbox": "prod"}]}, "imsOrg"),
    ([1, 2, 3], "must be a JSON object"),
], ids=["600-deep record", "record not an object", "collection not an object", "org not a string", "a list"])
def test_a_bad_seed_is_one_line(tmp_path, document, problem):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(document))
    done = run_mockaep("serve", "--port", "0", "--seed", str(seed))
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"mockaep: {seed}: ") and problem in lines[0]
