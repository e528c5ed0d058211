"""Property: /mappingSets/preview of generated rows equals this test's own reading of the mappings.

The reference below is written from the documented behaviour, independently of the emulator's
evaluator (nothing is imported from mockaep.services.conversion): pass-through attributes,
constants, upper/lower/trim/concat/substr/len, nulls skipped by concat, absent sources left out,
and every value converted to text because all destinations are string fields of the schema.
"""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockaep import create_app
from tests.conversion.helpers import DataPrep, mapping_set

COLUMNS = ["given", "family", "code", "note"]
DESTINATIONS = ["person.name.firstName", "person.name.lastName", "person.name.middleName", "person.name.fullName",
                "person.name.suffix", "person.name.courtesyTitle"]

cell = st.one_of(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
                 st.text(alphabet=" abcXYZ019-", max_size=8), st.integers(-10**6, 10**6), st.booleans())
row = st.dictionaries(st.sampled_from(COLUMNS), cell, max_size=len(COLUMNS))
literal = st.text(alphabet='ab ,:"\\é-', max_size=6)
recipe = st.one_of(
    st.tuples(st.just("attribute"), st.sampled_from(COLUMNS)),
    st.tuples(st.just("static"), st.text(min_size=1, max_size=8)),
    st.tuples(st.sampled_from(["upper", "lower", "trim", "len"]), st.sampled_from(COLUMNS)),
    st.tuples(st.just("concat"), st.sampled_from(COLUMNS), literal, st.sampled_from(COLUMNS)),
    st.tuples(st.just("substr"), st.sampled_from(COLUMNS), st.integers(0, 6), st.integers(0, 6)),
)
plan = st.lists(st.tuples(st.sampled_from(DESTINATIONS), recipe), min_size=1, max_size=5,
                unique_by=lambda item: item[0])


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def as_mapping(destination: str, step: tuple) -> dict[str, Any]:
    kind = step[0]
    if kind == "attribute":
        return {"sourceType": "ATTRIBUTE", "source": step[1], "destination": destination}
    if kind == "static":
        return {"sourceType": "STATIC", "source": step[1], "destination": destination}
    if kind == "concat":
        source = f"concat({step[1]}, {quoted(step[2])}, {step[3]})"
    elif kind == "substr":
        source = f"substr({step[1]}, {step[2]}, {step[3]})"
    else:
        source = f"{kind}({step[1]})"
    return {"sourceType": "EXPRESSION", "source": source, "destination": destination}


# -- the reference ------------------------------------------------------------------------------
def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def reference_value(step: tuple, data: dict[str, Any]) -> Any:
    kind = step[0]
    if kind == "static":
        return step[1]
    if kind == "concat":
        parts = [text_of(data.get(step[1])), step[2], text_of(data.get(step[3]))]
        present = [p for p in parts if p is not None]
        return "".join(present) if present else None
    value = text_of(data.get(step[1]))
    if value is None:
        return None
    if kind == "attribute":
        return value
    if kind == "upper":
        return value.upper()
    if kind == "lower":
        return value.lower()
    if kind == "trim":
        return value.strip()
    if kind == "len":
        return len(value)
    start, length = step[2], step[3]
    return value[start:start + length]


def reference_document(steps: list[tuple[str, tuple]], data: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for destination, step in steps:
        value = reference_value(step, data)
        if value is None:
            continue
        node = document
        *parents, leaf = destination.split(".")
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = str(value)
    return document


@pytest.fixture(scope="module")
def target():
    prep = DataPrep(create_app().test_client())
    return prep, prep.target_schema("Preview property members")


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=4), steps=plan)
def test_preview_equals_the_reference(target, rows, steps):
    prep, schema_id = target
    body = {"data": rows, "mappingSet": mapping_set(schema_id, *(as_mapping(d, s) for d, s in steps))}
    response = prep.post("/mappingSets/preview", body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [{"data": reference_document(steps, data), "errors": None} for data in rows]
