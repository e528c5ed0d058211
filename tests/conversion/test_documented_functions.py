"""Every example of data-prep/functions.md, run through the emulator's preview over HTTP.

The examples are facts extracted by tools/extract_dataprep_functions.py into
data/documented_functions.json (regenerate it from the docs; nothing here reads them). Each
example is mapped by an EXPRESSION mapping into a field of its own whose XDM type is read from
the documented result (text, number, boolean, array, object), so the preview's answer is the
value as the platform would write it. Entries marked ``corrected`` use the expression or result
the tool judged sound where the page's own is not (reason codes in the tool).
"""
from __future__ import annotations

import json
import pathlib
import re
from datetime import datetime
from typing import Any

import pytest

from mockaep import create_app
from mockaep.core.config import Config
from tests.conversion.helpers import DataPrep, expression, mapping_set

EXAMPLES: list[dict[str, Any]] = json.loads(
    (pathlib.Path(__file__).parent / "data" / "documented_functions.json").read_text(encoding="utf-8"))
PROFILE = "https://ns.adobe.com/xdm/context/profile"
REGISTRY = "/data/foundation/schemaregistry"
UUID_V4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def field_schema(value: Any) -> dict[str, Any]:
    """The XDM field that holds ``value`` as it is (null: a text field, which stays absent)."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, (int, float)):
        return {"type": "number"}
    if isinstance(value, list):
        return {"type": "array", "items": field_schema(value[0] if value else "")}
    if isinstance(value, dict):
        return {"type": "object", "properties": {key: field_schema(item) for key, item in value.items()}}
    return {"type": "string"}


def field_name(position: int) -> str:
    return f"example{position}"


def clock_ms(clock: str | int | None) -> int | None:
    if clock is None or isinstance(clock, int):
        return clock
    return int(datetime.fromisoformat(clock.replace("Z", "+00:00")).timestamp() * 1000)


class Examples:
    """One emulator (with the example's clock) and a schema with a field per example."""

    def __init__(self, clock: int | None) -> None:
        config = Config(clock=lambda: clock) if clock is not None else Config()
        self.prep = DataPrep(create_app(config).test_client())
        self.tenant = self.prep.call("GET", "/stats", prefix=REGISTRY).get_json()["tenantId"]
        fields = {field_name(n): field_schema(example["result"]) for n, example in enumerate(EXAMPLES)}
        group = self.prep.call("POST", "/tenant/fieldgroups", {
            "type": "object", "title": "Documented examples", "description": "One field per example",
            "meta:intendedToExtend": [PROFILE],
            "definitions": {"examples": {"properties": {f"_{self.tenant}": {"type": "object", "properties": fields}}}},
            "allOf": [{"$ref": "#/definitions/examples"}]}, prefix=REGISTRY)
        assert group.status_code == 201, group.get_json()
        schema = self.prep.call("POST", "/tenant/schemas", {
            "type": "object", "title": "Documented examples target", "description": "Where examples land",
            "allOf": [{"$ref": PROFILE}, {"$ref": group.get_json()["$id"]}]}, prefix=REGISTRY)
        assert schema.status_code == 201, schema.get_json()
        self.schema_id = schema.get_json()["$id"]

    def run(self, position: int, example: dict[str, Any]) -> Any:
        """The example's value as the preview writes it (``None`` when the field stays unset)."""
        destination = f"_{self.tenant}.{field_name(position)}"
        body = {"data": [example.get("row", {})],
                "mappingSet": mapping_set(self.schema_id, expression(example["expression"], destination))}
        response = self.prep.post("/mappingSets/preview", body)
        assert response.status_code == 200, response.get_json()
        (row,) = response.get_json()
        assert row["errors"] is None, row["errors"]
        return row["data"].get(f"_{self.tenant}", {}).get(field_name(position))


@pytest.fixture(scope="module")
def emulators():
    made: dict[int | None, Examples] = {}

    def for_clock(clock: int | None) -> Examples:
        if clock not in made:
            made[clock] = Examples(clock)
        return made[clock]
    return for_clock


def _id(example: dict[str, Any]) -> str:
    return f"{example['function']}:{example['expression'][:40]}"


@pytest.mark.parametrize("position, example", list(enumerate(EXAMPLES)), ids=[_id(e) for e in EXAMPLES])
def test_documented_example(emulators, position, example):
    emulator = emulators(clock_ms(example.get("clock")))
    value = emulator.run(position, example)
    match = example.get("match")
    if match == "uuid":  # random: a fresh version-4 UUID each time, of the documented form
        assert UUID_V4.fullmatch(value) and UUID_V4.fullmatch(example["result"])
        assert emulator.run(position, example) != value
    elif match == "ecid":  # derivation unpublished: the documented form, stable for one FPID
        for ecid in (value, example["result"]):
            assert re.fullmatch(r"\d{38}", ecid) and all(int(half) < 2**63 for half in (ecid[:19], ecid[19:]))
        assert emulator.run(position, example) == value
    else:
        assert value == example["result"]


def test_the_listing_names_every_documented_function(emulators):
    response = emulators(None).prep.get("/languages/el/functions")
    assert response.status_code == 200
    listed = {entry["function"] for entry in response.get_json()}
    documented = {example["function"] for example in EXAMPLES}
    assert len(documented) >= 80  # the page documents 81 names
    assert documented <= listed, sorted(documented - listed)


def test_every_documented_expression_validates(emulators):
    """The sound expressions are accepted by ``POST /languages/el/validate`` as well."""
    prep = emulators(None).prep
    for example in EXAMPLES:
        response = prep.post("/languages/el/validate", {"expression": example["expression"]})
        assert response.status_code == 200, (example["expression"], response.get_json())
