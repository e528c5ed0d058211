"""Data Prep expressions and source values that once ended in a 500 or in unbounded work.

A transformation that cannot be done is a row error (the attribute nulled, the reason reported),
never a 500; what a function builds is bounded before the work (``MAX_ARRAY_LENGTH`` items).
"""
from __future__ import annotations

import time

import pytest

from mockaep.services.conversion.values import MAX_ARRAY_LENGTH
from tests.conftest import gateway_headers
from tests.conversion.helpers import DataPrep, mapping_set
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture, populated_http_fixture  # noqa: F401 (the module's app, http fixtures)

CONVERSION = "/data/foundation/conversion"
FIRST_NAME = "person.name.firstName"
BIRTH = "person.birthDate"  # a "date" field: a source value is read as a date


@pytest.fixture(scope="module")
def target_schema(app):
    return DataPrep(app.test_client()).target_schema("Hostile Data Prep targets")


def _preview(http, schema_id, rows, *mappings):
    answer = http.post(f"{CONVERSION}/mappingSets/preview", headers=gateway_headers(),
                       json={"data": rows, "mappingSet": mapping_set(schema_id, *mappings)})
    hostile.check_answer(answer, "conversion")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()[0]


def _expression(source, destination=FIRST_NAME):
    return {"sourceType": "EXPRESSION", "source": source, "destination": destination}


# -- zone offsets beyond a day: dateutil keeps them, Python refuses them when asked ----------------------
OUT_OF_RANGE = ["2024-01-01T00:00:00+99:99", "2024-01-01T00:00:00-24:00", "2024-01-01 12:00 +9999",
                "2024-01-01T00:00:00+19:00"]


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_a_date_with_an_offset_out_of_range_is_a_row_error(http, target_schema, text):
    result = _preview(http, target_schema, [{"when": text}], _expression(f'date("{text}")'),
                      _expression("date(when)", "person.name.lastName"))
    assert result["data"]["person"]["name"] == {"firstName": None, "lastName": None}, result
    assert {error["destination"] for error in result["errors"]} == {FIRST_NAME, "person.name.lastName"}
    assert all("offset" in error["exception"] for error in result["errors"]), result["errors"]


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_a_source_date_with_an_offset_out_of_range_is_a_row_error(http, target_schema, text):
    """The value goes into a date field as it is: the field's type reads it as a date."""
    result = _preview(http, target_schema, [{"born": text}],
                      {"sourceType": "ATTRIBUTE", "source": "born", "destination": BIRTH})
    assert [error["destination"] for error in result["errors"] or []] == [BIRTH], result


@pytest.mark.parametrize("offset", ["+19:00", "+05:99", "+\u0663"])  # U+0663: an Arabic-Indic 3
def test_a_zone_offset_out_of_range_is_a_row_error(http, target_schema, offset):
    result = _preview(http, target_schema, [{"a": 1}], _expression(f'zone_date_to_zone(now(), "{offset}")'))
    assert result["data"]["person"]["name"]["firstName"] is None, result
    assert result["errors"] and result["errors"][0]["destination"] == FIRST_NAME, result


def test_the_widest_offsets_are_read(http, target_schema):
    result = _preview(http, target_schema, [{"a": 1}], _expression('date("2024-01-01T00:00:00+18:00")'),
                      _expression('zone_date_to_zone(date("2024-01-01T00:00:00Z"), "-18:00")', "person.name.lastName"))
    assert result["errors"] is None, result["errors"]
    assert result["data"]["person"]["name"] == {"firstName": "2024-01-01T00:00:00+18:00",
                                                "lastName": "2023-12-31T06:00:00-18:00"}


# -- explode: bounded pieces, Java's split (no captured groups) ---------------------------------------------
def test_explode_refuses_more_pieces_than_an_array_may_hold_before_the_work(http, target_schema):
    """An empty pattern matches between every character: 900 000 pieces took seconds to build."""
    text = "a" * 900_000
    started = time.monotonic()
    result = _preview(http, target_schema, [{"text": text}], _expression('join("|", explode(text, ""))'))
    elapsed = time.monotonic() - started
    assert result["errors"] and str(MAX_ARRAY_LENGTH) in result["errors"][0]["exception"], result["errors"]
    assert elapsed < 2.5, f"{elapsed:.2f} s"


def test_explode_up_to_the_bound(http, target_schema):
    result = _preview(http, target_schema, [{"text": "a" * MAX_ARRAY_LENGTH}],
                      _expression('size_of(explode(text, ""))'))
    assert result["errors"] is None and result["data"]["person"]["name"]["firstName"] == str(MAX_ARRAY_LENGTH)


# -- split: the same bound on its pieces ------------------------------------------------------------------------
@pytest.mark.parametrize("text, separator", [("a," * (MAX_ARRAY_LENGTH + 1), ","), ("a " * (MAX_ARRAY_LENGTH + 1), "")])
def test_split_refuses_more_pieces_than_an_array_may_hold(http, target_schema, text, separator):
    result = _preview(http, target_schema, [{"text": text}], _expression(f'size_of(split(text, "{separator}"))'))
    assert result["data"]["person"]["name"]["firstName"] is None, result["data"]
    assert result["errors"] and str(MAX_ARRAY_LENGTH) in result["errors"][0]["exception"], result["errors"]


def test_split_up_to_the_bound(http, target_schema):
    """Empty pieces are dropped before counting: many separators in a row are no more pieces."""
    text = "a," * MAX_ARRAY_LENGTH + ",;" * MAX_ARRAY_LENGTH
    result = _preview(http, target_schema, [{"text": text}], _expression('size_of(split(text, ",;"))'))
    assert result["errors"] is None and result["data"]["person"]["name"]["firstName"] == str(MAX_ARRAY_LENGTH)


@pytest.mark.parametrize("expression, expected", [
    ('join("|", explode("a1b2c", "([0-9])"))', "a|b|c"),  # Java's split keeps no group
    ('join("|", explode("baaac", "a*"))', "b||c"),
    ('join("|", explode("abc", ""))', "a|b|c"),
    ('join("|", explode("a;b;;", ";"))', "a|b"),
])
def test_explode_splits_as_java_does(http, target_schema, expression, expected):
    result = _preview(http, target_schema, [{"a": 1}], _expression(expression))
    assert result["errors"] is None and result["data"]["person"]["name"]["firstName"] == expected, result
