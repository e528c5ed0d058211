"""Bounded work in Data Prep: huge numbers, user regular expressions, sizes and nesting never
cost more than the request's size and never answer 5xx.

A failure that only a row's data can reveal is a transformation error of that row (the preview
answers 200 with the attribute nulled and the error listed, the platform's documented rule); a
problem visible in the request itself (an expression, a literal pattern, too much work asked
for) is a 400 in the MAPPER error shape.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockaep import create_app
from mockaep.services.conversion.evaluate import OPERATION_COST, REQUEST_BUDGET
from mockaep.services.conversion.expressions import MAX_NESTING, MAX_TREE_DEPTH
from mockaep.services.conversion.functions import REGISTRY
from mockaep.services.conversion.values import MAX_INTEGER_DIGITS, MAX_TEXT_LENGTH
from tests.conversion.helpers import DataPrep, assert_mapper_error, attribute, expression, mapping_set

TEXT = "person.name.firstName"  # a string field of the target schema
REGISTRY_PATH = "/data/foundation/schemaregistry"
PROFILE = "https://ns.adobe.com/xdm/context/profile"


def _preview(prep, schema_id, rows, *mappings):
    return prep.post("/mappingSets/preview", {"data": rows, "mappingSet": mapping_set(schema_id, *mappings)})


def _one(prep, schema_id, source: str, row=None) -> dict:
    """The preview of one EXPRESSION mapping into a text field, for one row."""
    response = _preview(prep, schema_id, [row or {}], expression(source, TEXT))
    assert response.status_code == 200, response.get_json()
    (result,) = response.get_json()
    return result


def _value(result: dict):
    return result["data"].get("person", {}).get("name", {}).get("firstName")


def _failed(result: dict, fragment: str) -> None:
    assert _value(result) is None
    assert result["errors"] and fragment in result["errors"][0]["exception"], result["errors"]


# -- numbers --------------------------------------------------------------------------------------
@pytest.mark.parametrize("source, text", [
    ("1e308 * 10", "Infinity"), ("-1e308 * 10", "-Infinity"), ("1e308 * 10 - 1e308 * 10", "NaN"),
    ("9" * MAX_INTEGER_DIGITS + " + 0.5", "Infinity"),  # an integer beyond a double reads as Infinity
    ('to_decimal("1e400")', "Infinity"), ('to_float("1e39")', "Infinity"),
    (" * ".join(["99999999999999999999"] * 3), str(99999999999999999999 ** 3)),
])
def test_number_overflow_gives_java_values(prep, schema_id, source, text):
    result = _one(prep, schema_id, source)
    assert result["errors"] is None and _value(result) == text


@pytest.mark.parametrize("source, row, fragment", [
    (" * ".join(["9" * 600] * 2), None, "integer overflow"),
    ("big * big * big", {"big": int("9" * 4000)}, "integer overflow"),
    ('to_bigint("1e100000")', None, "integer digits"), ('to_bigint("1e1000000000")', None, "integer digits"),
    ('to_integer("1e1000000000")', None, "32-bit"), ("to_bigint(text)", {"text": "9" * 5000}, "at most"),
    ("[1, 2][1e308 * 10]", None, "integer"),
    ('lpad("a", ' + "9" * MAX_INTEGER_DIGITS + ', "x")', None, "at most"), ('json_to_object(text)', {"text": "9" * 5000}, "JSON"),
])
def test_huge_integers_are_refused_before_they_are_built(prep, schema_id, source, row, fragment):
    _failed(_one(prep, schema_id, source, row), fragment)


def test_an_index_past_any_array_reads_null(prep, schema_id):
    result = _one(prep, schema_id, "[1, 2][" + "9" * MAX_INTEGER_DIGITS + "]")
    assert result["errors"] is None and _value(result) is None


@pytest.mark.parametrize("source", ["1e400", "1" * (MAX_INTEGER_DIGITS + 1), "2.5e999"])
def test_number_literals_out_of_range_are_refused(prep, schema_id, source):
    assert_mapper_error(prep.post("/languages/el/validate", {"expression": source}), 400)
    assert_mapper_error(_preview(prep, schema_id, [{}], expression(source, TEXT)), 400)


def test_a_huge_number_into_a_number_field_is_a_row_error(prep, schema_id):
    response = _preview(prep, schema_id, [{}], expression("1e308 * 10", "person.birthYear"))
    (row,) = response.get_json()
    assert row["data"]["person"]["birthYear"] is None and "not an integer" in row["errors"][0]["exception"]


# -- regular expressions ----------------------------------------------------------------------------
@pytest.mark.parametrize("source", [
    'matches_regex(city, "(")', 'extract_regex(city, "[a-")', 'explode(city, "*")', 'city =~ "(unclosed"',
    'city !~ "(a)\\\\1"',  # a back-reference: RE2 refuses what needs backtracking
    'matches_regex(city, "(?=look)ahead")', 'extract_regex(city, "' + "a" * 1001 + '")',
])
def test_unusable_literal_patterns_are_refused_with_400(prep, schema_id, source):
    body = assert_mapper_error(prep.post("/languages/el/validate", {"expression": source}), 400)
    assert "regular expression" in body["detail"]
    before = prep.state()
    assert_mapper_error(prep.post("/mappingSets", mapping_set(schema_id, expression(source, TEXT))), 400)
    assert prep.state() == before
    assert_mapper_error(_preview(prep, schema_id, [{"city": "x"}], expression(source, TEXT)), 400)


@pytest.mark.parametrize("source", ['matches_regex(city, pattern)', "city =~ pattern",
                                    'join(",", explode(city, pattern))', 'join(",", extract_regex(city, pattern))'])
def test_a_pattern_from_the_data_fails_that_row_only(prep, schema_id, source):
    response = _preview(prep, schema_id, [{"city": "Lyon", "pattern": "(a)\\1"}, {"city": "Lyon", "pattern": "L.*"}],
                        expression(source, TEXT), attribute("city", "person.name.lastName"))
    first, second = response.get_json()
    assert "regular expression" in first["errors"][0]["exception"]
    assert first["data"]["person"]["name"]["lastName"] == "Lyon"
    assert second["errors"] is None


def test_patterns_run_in_linear_time(prep, schema_id):
    """The classic catastrophic pattern answers (RE2 has no backtracking to explode)."""
    row = {"text": "a" * 50_000 + "!"}
    assert _value(_one(prep, schema_id, 'matches_regex(text, "(a+)+$")', row)) == "false"
    assert _value(_one(prep, schema_id, 'text =~ "(a|aa)*b"', row)) == "false"
    date_format = "dMdMdMdMdMdMdMdMdMdMdMdMdMdMdMdMdMdMdMdM"  # adjacent variable-width fields
    _failed(_one(prep, schema_id, f'date(text, "{date_format}")', {"text": "1" * 60 + "x"}), "date")


# -- sizes ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("source, row", [
    (f'lpad("a", {MAX_TEXT_LENGTH + 1}, "x")', None), (f'rpad("a", {10 ** 30}, "x")', None),
    ("concat(" + ", ".join(["text"] * 5) + ")", {"text": "x" * (MAX_TEXT_LENGTH // 4)}),
    ("text + text + text + text + text", {"text": "x" * (MAX_TEXT_LENGTH // 4)}),
    ('replacestr(text, "", "0123456789")', {"text": "x" * (MAX_TEXT_LENGTH // 8)}),
    ('join(",", items, items, items)', {"items": ["a"] * (MAX_TEXT_LENGTH // 5)}),
    ("join_arrays(items, items, items)", {"items": list(range(40_000))}),
    ("add_to_array(items, 1, 2)", {"items": list(range(100_000))}),
    ('arrays_to_object("a", items, "b", items, "c", items)', {"items": list(range(40_000))}),
])
def test_values_past_the_size_bounds_are_refused_before_they_are_built(prep, schema_id, source, row):
    _failed(_one(prep, schema_id, source, row), "at most")


def test_a_preview_asking_for_too_much_work_is_refused_whole(prep, schema_id):
    rows = [{"n": n} for n in range(REQUEST_BUDGET // (MAX_TEXT_LENGTH // 2) + 1)]
    response = _preview(prep, schema_id, rows, expression(f'lpad("a", {MAX_TEXT_LENGTH // 2}, "x")', TEXT))
    body = assert_mapper_error(response, 400)
    assert "preview" in body["detail"]


def test_reading_a_large_value_many_times_counts_each_reading(prep, schema_id):
    """md5 of a large text answers 32 characters, but reading the text is the work."""
    row = {"text": "x" * 2_000_000}
    assert _value(_one(prep, schema_id, "md5(text)", row)) is not None
    source = "concat(" + ", ".join(["md5(text)"] * (REQUEST_BUDGET // len(row["text"]) + 1)) + ")"
    assert_mapper_error(_preview(prep, schema_id, [row], expression(source, TEXT)), 400)


def test_too_many_rows_times_mappings_are_refused_up_front(prep, schema_id):
    mappings = [attribute(f"column{n}", TEXT) for n in range(100)]
    rows = [{}] * (REQUEST_BUDGET // OPERATION_COST // len(mappings) + 1)
    assert_mapper_error(_preview(prep, schema_id, rows, *mappings), 400)
    fewer = _preview(prep, schema_id, rows[:100], *mappings)
    assert fewer.status_code == 200 and len(fewer.get_json()) == 100


def _schema_with_a_list(prep) -> tuple[str, str]:
    """A target schema with a list-of-texts field; returns (schema id, the field's path)."""
    tenant = prep.call("GET", "/stats", prefix=REGISTRY_PATH).get_json()["tenantId"]
    group = prep.call("POST", "/tenant/fieldgroups", {
        "type": "object", "title": "Tag lists", "description": "Lists of tags", "meta:intendedToExtend": [PROFILE],
        "definitions": {"tags": {"properties": {f"_{tenant}": {"type": "object", "properties": {
            "tags": {"type": "array", "items": {"type": "string"}}}}}}},
        "allOf": [{"$ref": "#/definitions/tags"}]}, prefix=REGISTRY_PATH)
    assert group.status_code == 201, group.get_json()
    schema = prep.call("POST", "/tenant/schemas", {
        "type": "object", "title": "Tagged members", "description": "Members with tags",
        "allOf": [{"$ref": PROFILE}, {"$ref": group.get_json()["$id"]}]}, prefix=REGISTRY_PATH)
    assert schema.status_code == 201, schema.get_json()
    return schema.get_json()["$id"], f"_{tenant}.tags"


def test_the_same_value_many_times_counts_each_time(prep):
    """References are free to make but not to send: the answer's size is charged too."""
    schema_id, tags = _schema_with_a_list(prep)
    few = _preview(prep, schema_id, [{"text": "x" * 10}], expression("to_array(true, text, text)", tags))
    assert few.status_code == 200 and few.get_json()[0]["errors"] is None
    source = "to_array(true, " + ", ".join(["text"] * 200) + ")"
    response = _preview(prep, schema_id, [{"text": "x" * 400_000}], expression(source, tags))
    assert_mapper_error(response, 400)


@pytest.mark.parametrize("source, destination, fragment", [
    ("a[" + "9" * 1000 + "]", "person.name[100000]", "index larger"),
    ("a." * 600 + "b", "person.name." + "x" * 1100, "at most 1024 characters"),
])
def test_paths_are_bounded(prep, schema_id, source, destination, fragment):
    body = prep.post("/mappingSets/validate", mapping_set(schema_id, attribute(source, TEXT),
                                                          attribute("a", destination))).get_json()
    assert [r["status"] for r in body["validationResponse"]] == ["FAILED", "FAILED"]
    assert all(fragment in r["errors"][0]["exception"] for r in body["validationResponse"])
    _failed(_one(prep, schema_id, f'contains_key("{source}")'), fragment)


# -- nesting ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", [
    "(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1), "!" * (MAX_NESTING + 1) + "true",
    "upper(" * (MAX_NESTING + 1) + "city" + ")" * (MAX_NESTING + 1), "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1),
    " + ".join(["1"] * (MAX_TREE_DEPTH + 1)), "x" + ".get(1)" * (MAX_TREE_DEPTH + 1),
    "(" * 2000 + ")" * 2000, "-" * 4000,
])
def test_expressions_nested_too_deeply_are_refused(prep, schema_id, source):
    body = assert_mapper_error(prep.post("/languages/el/validate", {"expression": source}), 400)
    assert "deep" in body["detail"] or "nests" in body["detail"]


@pytest.mark.parametrize("source, value", [
    ("(" * (MAX_NESTING - 1) + "1" + ")" * (MAX_NESTING - 1), "1"),
    (" + ".join(["1"] * (MAX_TREE_DEPTH - 1)), str(MAX_TREE_DEPTH - 1)),
    ("upper(" * (MAX_NESTING - 2) + "city" + ")" * (MAX_NESTING - 2), "LYON"),
])
def test_expressions_within_the_bounds_run(prep, schema_id, source, value):
    assert _value(_one(prep, schema_id, source, {"city": "Lyon"})) == value


def test_non_ascii_digits_are_not_numbers(prep, schema_id):
    for source in ("²", "1²", "a[²]"):
        assert_mapper_error(prep.post("/languages/el/validate", {"expression": source}), 400)


# -- generated expressions: 200 or a 400 in the MAPPER shape, never 5xx ---------------------------------------
HOSTILE_VALUES = st.one_of(
    st.integers(), st.integers(min_value=10 ** 300, max_value=10 ** 1200), st.floats(),
    st.sampled_from([1e308, -1e308, 2 ** 63, -(2 ** 31), 0, "", "(", "(a+)+$", "\\1", "9" * 1200, "1e999",
                     "2024-02-30", "x" * 3000, "PST", "Mars/Olympus", "²", "٣", "\u0000", "[*]"]),
    st.text(max_size=30), st.lists(st.integers(-3, 3), max_size=4))
FIELDS = ("a", "b", "c")
ROWS = st.lists(st.fixed_dictionaries({}, optional={name: HOSTILE_VALUES for name in FIELDS}), min_size=1, max_size=3)


def _literal(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else "1e308 * 10"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    return str(value)


def _calls() -> st.SearchStrategy[str]:
    """Calls of every registered function with the arguments it takes, operators, arrays."""
    leaves = st.one_of(st.sampled_from(FIELDS), HOSTILE_VALUES.map(_literal), st.sampled_from(["null", "true", "now()"]))

    def call_of(inner, name: str) -> st.SearchStrategy[str]:
        low, high = REGISTRY[name].min_args, REGISTRY[name].max_args
        arguments = st.lists(inner, min_size=low, max_size=low + 3 if high is None else high)
        return arguments.map(lambda args: f"{name}({', '.join(args)})")

    def extend(inner):
        call = st.sampled_from(sorted(REGISTRY)).flatmap(lambda name: call_of(inner, name))
        operator = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "=~", "<", "==", "&", "?:"]), inner).map(
            " ".join)
        return st.one_of(call, operator, inner.map(lambda text: f"[{text}]"), inner.map(lambda text: f"-({text})"))
    return st.recursive(leaves, extend, max_leaves=8)


@pytest.fixture(scope="module")
def target():
    prep = DataPrep(create_app().test_client())
    return prep, prep.target_schema("Bounds members")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=_calls(), rows=ROWS)
def test_generated_expressions_never_answer_5xx(target, source, rows):
    prep, schema_id = target
    validated = prep.post("/languages/el/validate", {"expression": source})
    assert validated.status_code in (200, 400), validated.get_json()
    response = _preview(prep, schema_id, rows, expression(source, TEXT), expression(source, "person.birthYear"))
    assert response.status_code in (200, 400), response.get_json()
    if validated.status_code == 400 or response.status_code == 400:
        assert_mapper_error(response, 400)
    else:
        assert len(response.get_json()) == len(rows)
