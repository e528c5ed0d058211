"""The expression language and its functions, tested on the model (no HTTP needed for semantics).

Expected values are worked out by hand from the documented behaviour (data-prep/functions.md)
with this project's own sample data.
"""
from __future__ import annotations

import hashlib
import json
import re
import zlib
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockaep.core.packagedata import read_package_json
from mockaep.services.conversion import paths
from mockaep.services.conversion.evaluate import Env, evaluate
from mockaep.services.conversion.expressions import ExpressionSyntaxError, parse
from mockaep.services.conversion.library import FUNCTIONS_FILE, METHODS, build_library, checked_catalogue
from mockaep.services.conversion.values import TransformError, to_json

LIBRARY = build_library()
FUNCTIONS = LIBRARY.functions
arity = LIBRARY.arity

ROW = {"city": "Lyon", "zip": 69001, "tags": ["a", "b", "c"], "First Name": "Noor", "Full.Name": "Noor Haddad",
       "address": {"street.name": "Rue Neuve", "floor": 3}, "blank": "", "state": "qc", "null_field": None,
       "new": "reserved!", "price": "12.50"}
NOW = datetime(2025, 6, 7, 8, 9, 10, tzinfo=timezone.utc)


def run(text: str, row=None):
    return to_json(evaluate(parse(text, arity), Env(row=ROW if row is None else row, now=NOW, functions=FUNCTIONS)))


@pytest.mark.parametrize("text, expected", [
    # literals, fields, escaping
    ('"a\\"b"', 'a"b'), ('"\\d+"', "\\d+"), ("42", 42), ("2.5", 2.5), ("true", True),
    ("null", None), ("city", "Lyon"), ("${First Name}", "Noor"), ("Full.Name", "Noor Haddad"),
    ("${Full\\.Name}", "Noor Haddad"), ("address.street\\.name", "Rue Neuve"), ("address.floor", 3),
    ("tags[1]", "b"), ("tags[9]", None), ("missing.deep.path", None), ("${new}", "reserved!"),
    # operators
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 / 2", 3), ("-7 / 2", -3), ("7.0 / 2", 3.5), ("-7 % 3", -1),
    ("7 mod 3", 1), ("9 div 2", 4), ('"n" + 1', "n1"), ('city + "-" + zip', "Lyon-69001"), ('null + "x"', "x"),
    ("~5", -6), ("-zip", -69001), ("!true", False), ("not false", True), ("1 < 2 && 2 <= 2", True),
    ("1 > 2 || 3 >= 4", False), ("1 lt 2 and 3 gt 2", True), ("zip == 69001.0", True), ('zip eq "69001"', True),
    ('city != "Paris"', True), ('city ne "Lyon"', False), ("12 & 10", 8), ("12 | 10", 14), ("12 ^ 10", 6),
    ('city =~ "L.*"', True), ('city !~ "L.*"', False), ('"b" =~ tags', True), ('city =^ "Ly"', True),
    ('city =$ "on"', True), ('city !^ "Ly"', False), ('city !$ "x"', True),
    ('zip > 10 ? "big" : "small"', "big"), ('blank ?: "fallback"', "fallback"), ('city ?: "fallback"', "Lyon"),
    ("[1, 2][0]", 1), ('{"k": 2}.k', 2), ('{"k": 2}.get("k")', 2),
    # methods
    ('"Abc".equals("Abc")', True), ('"Abc".equals("abc")', False), ('"Abc".equalsIgnoreCase("aBC")', True),
    # strings
    ('concat("x", 1, null, true)', "x1true"), ("concat(null, null)", None), ('explode("a;b;;", ";")', ["a", "b"]),
    ('explode("a,b")', ["a", "b"]), ('instr("banana", "an")', 1), ('instr("banana", "an", 2)', 3),
    ('instr("banana", "an", 0, 2)', 3), ('instr("banana", "x")', -1), ('replacestr("aXbX", "X", "-")', "a-b-"),
    ('substr("abcdef", 1, 3)', "bcd"), ('substr("abc", 2, 10)', "c"), ('lower("AbC")', "abc"), ('lcase("AbC")', "abc"),
    ('upper("AbC")', "ABC"), ('ucase(city)', "LYON"), ('split("a-b_c", "-_")', ["a", "b", "c"]),
    ('split("a--b", "-")', ["a", "b"]), ('join("+", tags)', "a+b+c"), ('join("", "x", ["y"])', "xy"),
    ('lpad("7", 3, "0")', "007"), ('rpad("ab", 5, "xy")', "abxyx"), ('lpad("long", 2, "0")', "long"),
    ('left("abcdef", 2)', "ab"), ('right("abcdef", 2)', "ef"), ('ltrim("  a ")', "a "), ('rtrim(" a  ")', " a"),
    ('trim("\\t a \\n")', "\\t a \\n"), ('trim("  a  ")', "a"), ('len("four")', 4), ("len(null_field)", None),
    ("upper(null_field)", None),
    # regular expressions
    ('extract_regex("ab-12", "([a-z]+)-([0-9]+)")', ["ab-12", "ab", "12"]), ('extract_regex("zz", "[0-9]")', None),
    ('matches_regex("2024", "[0-9]{4}")', True), ('matches_regex("2024x", "[0-9]{4}")', False),
    # hashing
    ('md5("garden")', hashlib.md5(b"garden").hexdigest()), ('sha1("garden")', hashlib.sha1(b"garden").hexdigest()),
    ('sha256("garden", "UTF-8")', hashlib.sha256(b"garden").hexdigest()),
    ('sha512("garden", "ISO-8859-1")', hashlib.sha512(b"garden").hexdigest()),
    ('sha1("é", "UTF-16")', hashlib.sha1(b"\xfe\xff\x00\xe9").hexdigest()),
    ('crc32("garden")', zlib.crc32(b"garden").to_bytes(4, "little").hex()),
    # URLs
    ('get_url_protocol("https://shop.example.net:8443/a/b.html?x=1&y=2#top")', "https"),
    ('get_url_host("https://shop.example.net:8443/a/b.html")', "shop.example.net"),
    ('get_url_port("https://shop.example.net:8443/a")', 8443), ('get_url_port("http://shop.example.net/a")', 80),
    ('get_url_path("https://shop.example.net/a/b.html")', "/a/b.html"),
    ('get_url_path("https://shop.example.net/a/b.html", false)', "b.html"),
    ('get_url_query_str("https://x.example/p?x=1&y=2#top", "retain")', {"x": "1", "y": "2#top"}),
    ('get_url_query_str("https://x.example/p?x=1&y=2#top", "remove")', {"x": "1", "y": "2"}),
    ('get_url_query_str("https://x.example/p?x=1#top", "append")', {"x": "1", "_anchor_": "top"}),
    ('get_url_encoded("a b/c~d")', "a%20b%2Fc%7Ed"), ('get_url_decoded("a%20b%2Fc")', "a b/c"),
    ('get_url_host("not a url")', None),
    # dates
    ("now()", "2025-06-07T08:09:10Z"), ("timestamp()", 1749283750000),
    ('date("2024-02-29 13:45", "yyyy-MM-dd HH:mm")', "2024-02-29T13:45:00Z"),
    ('date("29/02/24 01:45 PM", "dd/MM/yy hh:mm a")', "2024-02-29T13:45:00Z"),
    ('date("Feb 3, 2024", "MMM d, yyyy")', "2024-02-03T00:00:00Z"),
    ('date("2024-02-03T10:00:00.250+0200", "yyyy-MM-dd\'T\'HH:mm:ss.SSSZ")', "2024-02-03T10:00:00.250+02:00"),
    ('date("2024-02-03 10:00")', "2024-02-03T10:00:00Z"), ('date("garbage", "yyyy", now())', "2025-06-07T08:09:10Z"),
    ('date(null_field, "yyyy", now())', "2025-06-07T08:09:10Z"),
    ('format(date("2024-02-03T04:05:06Z"), "EEEE dd MMMM yyyy HH:mm:ss")', "Saturday 03 February 2024 04:05:06"),
    ('dformat(0, "yyyy-MM-dd\'T\'HH:mm:ss.SSSX")', "1970-01-01T00:00:00.000Z"),
    ('dformat(1717243200000, "yy/M/d")', "24/6/1"),
    ('date_part("year", "2024-05-06T07:08:09Z")', 2024), ('date_part("q", "2024-05-06T07:08:09Z")', 2),
    ('date_part("MM", "2024-05-06T07:08:09Z")', 5), ('date_part("dy", "2024-02-01")', 32),
    ('date_part("weekday", "2024-05-06")', 1), ('date_part("hh12", "2024-05-06T15:00:00Z")', 3),
    ('date_part("SSS", "2024-05-06T07:08:09.120Z")', 120),
    ('set_date_part("month", 12, date("2024-05-06T07:08:09Z"))', "2024-12-06T07:08:09Z"),
    ('make_date_time(2024, 1, 2, 3, 4, 5, 600000000, "Europe/Paris")', "2024-01-02T03:04:05.600+01:00"),
    ('make_timestamp(2024, 7, 2, 3, 4, 5, 0, "UTC")', "2024-07-02T03:04:05Z"),
    ('zone_date_to_utc(date("2024-07-02T03:04:05+02:00"))', "2024-07-02T01:04:05Z"),
    ('zone_date_to_utc("2024-01-10T10:00:00 PST")', "2024-01-10T18:00:00Z"),
    ('zone_date_to_zone(date("2024-07-02T03:04:05Z"), "America/New_York")', "2024-07-01T23:04:05-04:00"),
    # objects, arrays, logic, aggregation, conversions, json
    ("is_empty(blank)", True), ("is_empty(tags)", False), ("is_empty(null_field)", True), ("is_null(null_field)", True),
    ("is_null(city)", False), ('arrays_to_object("k", ["a", "b"], "n", [1])', [{"k": "a", "n": 1}, {"k": "b", "n": None}]),
    ('to_object("a", 1, "b", "x")', {"a": 1, "b": "x"}), ('str_to_object("a=1; b = 2;c=", "=", ";")', {"a": "1", "b": "2", "c": None}),
    ('str_to_object("a:1,b:2")', {"a": "1", "b": "2"}), ('get_values("a=1;b=2", "b", "=", ";")', "2"),
    ('contains_key("address.floor")', True), ('contains_key("address.lift")', False), ('contains_key("Full.Name")', True),
    ("nullify()", None), ('get_keys(address)', ["street.name", "floor"]), ('json_to_object("{\\"n\\": [1, 2]}")', {"n": [1, 2]}),
    ("coalesce(null, null_field, city)", "Lyon"), ("coalesce(null)", None), ("first(tags)", "a"), ('first("x", "y")', "x"),
    ("last(tags)", "c"), ("last()", None), ('add_to_array(tags, "d")', ["a", "b", "c", "d"]), ('add_to_array(null, 1)', [1]),
    ('join_arrays(tags, ["d"], ["e", "f"])', ["a", "b", "c", "d", "e", "f"]), ("to_array(false, 1, null, 2)", [1, 2]),
    ("to_array(true, 1, null)", [1, None]), ("size_of(tags)", 3), ("size_of(address)", 2), ("size_of(null_field)", 0),
    ("upsert_array_append(tags)", ["a", "b", "c"]), ("upsert_array_replace(tags, 1)", ["a", "b", "c"]),
    ('decode(state, "on", "Ontario", "qc", "Quebec", "Other")', "Quebec"), ('decode("bc", "on", "Ontario", "Other")', "Other"),
    ('decode("bc", "on", "Ontario")', None), ('iif(zip > 1, "yes", "no")', "yes"),
    ('iif("s".equalsIgnoreCase("S"), "same", "different")', "same"), ("min(4, 2.5, null, 9)", 2.5), ('max("pear", "apple")', "pear"),
    ('to_integer("  42 ")', 42), ("to_integer(zip) + 1", 69002), ('to_decimal(price)', 12.5),
    ('to_float("0.25")', 0.25), ('to_bigint("123456789012345678901")', 123456789012345678901), ('to_bigint("7.9")', 7),
])
def test_expression_values(text, expected):
    assert run(text) == expected


def test_uuid_and_guid_are_fresh_v4_uuids():
    first, second = run("uuid()"), run("guid()")
    assert first != second
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", v)
               for v in (first, second))


@pytest.mark.parametrize("text", [
    '1 + "x" * 2', "1 / 0", "5 % 0", 'to_integer("12.5")', 'to_integer("3000000000")', 'to_decimal("ten")',
    '-"a"', '~1.5', '"a" < 1', 'date("2024-13-45", "yyyy-MM-dd")', 'date("abc")', 'substr("abc", -1, 2)',
    'matches_regex("a", "(")', 'sha1("x", "EBCDIC")', 'zone_date_to_zone(now(), "Mars/Olympus")',
    'to_object("a")', "get_keys(tags)", 'json_to_object("{bad")', 'min(1, "a")', 'date_part("era", now())',
    "tags[0.5]", "city[0]", 'dformat("soon", "yyyy")', 'instr("a", "a", 0, 0)',
])
def test_failed_transformations_raise(text):
    with pytest.raises(TransformError):
        run(text)


@pytest.mark.parametrize("text, fragment", [
    ("", "empty"), ("concat(", "end of expression"), ("upper()", "takes 1 argument"), ("lpad(1)", "takes 3"),
    ("nope(1)", "unknown function 'nope'"), ('"x".shout()', "unknown method"), ("if", "reserved word"),
    ("a b", "unexpected"), ("${a", "unterminated"), ("'a", "unterminated"), ("1 ? 2", "expected ':'"),
    ("12abc", "malformed number"), ("#", "unexpected character"), ("x" * 4097, "at most 4096"),
])
def test_syntax_errors_name_the_problem(text, fragment):
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse(text, arity)
    assert fragment in str(caught.value)


def test_the_catalogue_examples_give_the_catalogue_results():
    """``GET /languages/el/functions`` shows an example and its result for every function."""
    listed_now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)  # the instant now() and timestamp() show
    for entry in checked_catalogue(read_package_json(FUNCTIONS_FILE), LIBRARY):
        value = to_json(evaluate(LIBRARY.parse(entry["example"]),
                                 Env(row={"address": {"city": "Lyon"}}, now=listed_now, functions=FUNCTIONS)))
        expected = json.loads(entry["result"])
        if entry["function"] in ("uuid", "guid"):
            assert re.fullmatch(r"[0-9a-f-]{36}", value) and value != expected
        else:
            assert value == expected, entry["function"]


@pytest.mark.parametrize("user_agent, expected", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 "
     "Safari/537.36", ["Windows", "Windows 10", "10", "Windows 10", "120.0.6099.71", "Chrome 120", "Chrome", "Desktop"]),
    ("Mozilla/5.0 (Linux; Android 12; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Safari/537.36",
     ["Android", "Android 12", "12", "Android 12", "118.0", "Chrome 118", "Chrome", "Tablet"]),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
     ["iOS", "iOS 17", "17.2", "iOS 17.2", "120.0.6099.119", "Chrome 120", "Chrome", "Phone"]),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     [None, None, None, None, "2.1", "Googlebot 2", "Googlebot", "Robot"]),
    ("", [None] * 8), ("not a browser at all", [None] * 8),
])
def test_user_agent_functions(user_agent, expected):
    names = ["ua_os_name", "ua_os_version_major", "ua_os_version", "ua_os_name_version", "ua_agent_version",
             "ua_agent_version_major", "ua_agent_name", "ua_device_class"]
    row = {"agent": user_agent}
    assert [run(f"{name}(agent)", row) for name in names] == expected
    assert all(run(f"{name}(null)") is None for name in names)


def test_fpid_to_ecid_is_stable_and_needs_a_uuid():
    fpid = "4ed70bee-b654-420a-a3fd-b58b6b65e991"
    ecid = run(f'fpid_to_ecid("{fpid}")')
    assert re.fullmatch(r"\d{38}", ecid) and ecid == run(f'fpid_to_ecid("{fpid.upper()}")')
    assert ecid != run('fpid_to_ecid("4ed70bee-b654-420a-a3fd-b58b6b65e992")')
    assert run("fpid_to_ecid(null)") is None
    for bad in ('"not-a-uuid"', "42", '"4ed70beeb654420aa3fdb58b6b65e991"'):
        with pytest.raises(TransformError):
            run(f"fpid_to_ecid({bad})")


def test_catalogue_and_library_agree():
    listed = {entry["function"] for entry in checked_catalogue(read_package_json(FUNCTIONS_FILE), LIBRARY)}
    assert set(FUNCTIONS) <= listed
    assert listed - set(FUNCTIONS) == set(METHODS) == {"equals", "equalsIgnoreCase", "get"}


@pytest.mark.parametrize("text, segments", [
    ("a.b[2].c", ["a", "b", 2, "c"]), ("a[*].b", ["a", paths.WILDCARD, "b"]), ("x\\.y.z", ["x.y", "z"]),
    ("${First Name}", ["First Name"]), ("m[0][1]", ["m", 0, 1]),
])
def test_paths_parse(text, segments):
    assert paths.parse_path(text) == segments


@pytest.mark.parametrize("text", ["", "a..b", ".a", "a.", "[0]", "a[x]", "a[0", "a[0]b", "a\\"])
def test_bad_paths_are_refused(text):
    with pytest.raises(paths.PathError):
        paths.parse_path(text)


def test_wildcard_source_pairs_with_wildcard_destination():
    row = {"people": [{"n": "A"}, {"n": "B"}]}
    values = paths.lookup(row, paths.parse_path("people[*].n"))
    document: dict = {}
    paths.write(document, paths.parse_path("crew[*].name"), values)
    paths.write(document, paths.parse_path("crew[1].role"), "lead")
    assert document == {"crew": [{"name": "A"}, {"name": "B", "role": "lead"}]}


_PIECES = st.sampled_from(['upper(', 'concat(', 'date(', 'substr(', 'iif(', 'to_integer(', 'size_of(', 'decode(',
                           'explode(', 'format(', 'city', 'tags', '${First Name}', 'address.floor', '"x"', "'y'",
                           '"2024-01-02"', '1', '2.5', '-', '+', '*', '/', '%', '==', '!=', '<', '&&', '||', '!', '~',
                           '?', ':', '?:', '(', ')', '[', ']', '{', '}', ',', '.', 'null', 'true', ' ', '\\', '$',
                           '=~', '=^', '"yyyy-MM-dd"', 'now()', 'equals(', 'get('])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_any_text_parses_or_is_refused_and_evaluates_or_fails_cleanly(text):
    try:
        tree = parse(text, arity)
    except ExpressionSyntaxError:
        return
    try:
        value = to_json(evaluate(tree, Env(row=ROW, now=NOW, functions=FUNCTIONS)))
    except TransformError:
        return
    # what evaluates is a JSON value a mapping can land (finite numbers only)
    assert json.loads(json.dumps(value, allow_nan=False)) == value
