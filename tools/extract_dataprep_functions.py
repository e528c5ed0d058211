"""Extract the documented examples of Data Prep's mapping functions into a prose-free data file.

Reads ``help/data-prep/functions.md`` from Adobe's docs and writes
``tests/conversion/data/documented_functions.json``: for every function of the page, its
category, the documented example expression and the documented result, as facts (no
descriptions). tests/conversion/test_documented_functions.py runs every example through the
emulator over HTTP and checks the listing names every documented function, without needing the
docs.

The page is rendered as a reader sees it: table cells split on unescaped ``|``, zero-width
spaces and stray HTML removed, ``<br>`` and list items separating alternatives, backslash
escapes applied outside code spans. A result is read as JSON where it is JSON (a number is kept
as text when the function returns text, per the emulator's catalogue), otherwise as text.

Where an example cannot be run as printed, or its result contradicts the function's own
description, :data:`CORRECTIONS` gives the expression and result the tests use instead, with
reason codes (explained next to each); the documented form stays in the file beside it.
:data:`CONTEXT` adds what an example needs that the page leaves implicit: a source row, the
emulator's clock, or a comparison by shape for values that are random or derived by an
unpublished algorithm.

Usage: python tools/extract_dataprep_functions.py [../shared/reference/docs]
"""
from __future__ import annotations

import html
import json
import pathlib
import re
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = pathlib.Path("help") / "data-prep" / "functions.md"
TARGET = ROOT / "tests" / "conversion" / "data" / "documented_functions.json"
CATALOGUE = ROOT / "mockaep" / "specs" / "dataprep" / "functions.json"

UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 5_1_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) "
      "Version/5.1 Mobile/9B206 Safari/7534.48.3")

# -- judgements on the documented examples ---------------------------------------------------------
# Reason codes:
#   unterminated-string   a string literal is not closed
#   unclosed-call         a call's closing parenthesis is missing
#   unquoted-date         a date is written bare, which the language reads as arithmetic
#   wrong-function-name   the example calls a name other than the function it documents
#   result-contradicts    the result disagrees with the example's own input or the description
#   result-not-a-value    the result cell describes the value instead of giving it
CORRECTIONS: dict[tuple[str, str], dict[str, Any]] = {
    # "Hi, there!" split on " " keeps the "!": the printed result drops it
    ("explode", 'explode("Hi, there!", " ")'): {
        "result": ["Hi,", "there!"], "reasons": ["result-contradicts"]},
    ("equalsIgnoreCase", '"string1".equalsIgnoreCase("STRING1)'): {
        "expression": '"string1".equalsIgnoreCase("STRING1")', "reasons": ["unterminated-string"]},
    # the input date has 00 seconds, the printed result 35
    ("format", 'format(2019-10-23T11:24:00+00:00, "yyyy-MM-dd HH:mm:ss")'): {
        "expression": 'format(date("2019-10-23T11:24:00+00:00"), "yyyy-MM-dd HH:mm:ss")',
        "result": "2019-10-23 11:24:00", "reasons": ["unquoted-date", "result-contradicts"]},
    # setting the month keeps the milliseconds the date was read with
    ("set_date_part", 'set_date_part("m", 4, date("2016-11-09T11:44:44.797")'): {
        "expression": 'set_date_part("m", 4, date("2016-11-09T11:44:44.797"))',
        "result": "2016-04-09T11:44:44.797Z", "reasons": ["unclosed-call", "result-contradicts"]},
    # the parts are a wall-clock time in America/Los_Angeles (UTC-7 that day); "...Z" would be
    # another instant. See make_date_time in mockaep/services/conversion/functions/dates.py
    ("make_date_time", 'make_date_time(2019, 10, 17, 11, 55, 12, 999, "America/Los_Angeles")'): {
        "result": "2019-10-17T11:55:12-07:00", "reasons": ["result-contradicts"]},
    ("zone_date_to_utc", "zone_date_to_utc(2019-10-17T11:55:12 PST"): {
        "expression": 'zone_date_to_utc("2019-10-17T11:55:12 PST")',
        "reasons": ["unquoted-date", "unclosed-call"]},
    # converted to Europe/Paris the date carries Paris's offset (+02:00 that day), not "Z"
    ("zone_date_to_zone", 'zone_date_to_utc(now(), "Europe/Paris")'): {
        "expression": 'zone_date_to_zone(now(), "Europe/Paris")', "result": "2021-10-26T15:43:59+02:00",
        "reasons": ["wrong-function-name", "result-contradicts"]},
    ("arrays_to_object",
     """arrays_to_objects('sku', explode("id1|id2", '\\\\|'), 'price', [22.5,14.35])"""): {
        "expression": """arrays_to_object('sku', explode("id1|id2", '\\\\|'), 'price', [22.5,14.35])""",
        "reasons": ["wrong-function-name"]},
    # the printed object has a last name and a phone the input does not contain: the input is
    # the one of the second example, which gives exactly that object
    ("str_to_object", 'str_to_object("firstName - John ; lastName - ; - 123 345 7890", "-", ";")'): {
        "expression": 'str_to_object("firstName - John ; lastName - Doe ; phone - 123 456 7890", "-", ";")',
        "reasons": ["result-contradicts"]},
    # a BigInteger holds no fraction: truncated toward zero (BigDecimal.toBigInteger)
    ("to_bigint", 'to_bigint("1000000.34")'): {"result": 1000000, "reasons": ["result-contradicts"]},
    # "12.3456" read as a float is 12.3456; the printed result has a digit the input lacks
    ("to_float", 'to_float("12.3456")'): {"result": 12.3456, "reasons": ["result-contradicts"]},
    ("json_to_object", 'json_to_object({"info":{"firstName":"John","lastName": "Doe"}})'): {
        "result": {"info": {"firstName": "John", "lastName": "Doe"}}, "reasons": ["result-not-a-value"]},
    ("ua_os_version_major", f'ua_os_version_majors("{UA}")'): {
        "expression": f'ua_os_version_major("{UA}")', "reasons": ["wrong-function-name"]},
}

#: decode's result cell describes three outcomes: one example per stateCode.
DECODE_CASES = (("ca", "California"), ("pa", "Pennsylvania"), ("ny", "N/A"))

#: What an example needs beyond its text: ``row`` (source data), ``clock`` (the emulator's clock,
#: ISO or epoch ms), ``match`` (``uuid``: a version-4 UUID; ``ecid``: 38 digits, stable per FPID).
CONTEXT: dict[tuple[str, str], dict[str, Any]] = {
    ("now", "now()"): {"clock": "2021-10-26T10:10:24Z"},
    ("timestamp", "timestamp()"): {"clock": 1571850624571},
    ("zone_date_to_zone", 'zone_date_to_utc(now(), "Europe/Paris")'): {"clock": "2021-10-26T13:43:59Z"},
    ("contains_key", 'contains_key("evars.evar.field1")'): {"row": {"evars": {"evar": {"field1": "x"}}}},
    ("uuid", "uuid()"): {"match": "uuid"},
    ("guid", "guid()"): {"match": "uuid"},
    # Adobe's FPID-to-ECID derivation is not published; see fpid_to_ecid in functions/misc.py
    ("fpid_to_ecid", 'fpid_to_ecid("4ed70bee-b654-420a-a3fd-b58b6b65e991")'): {"match": "ecid"},
}


# -- reading the page --------------------------------------------------------------------------------
_HEADING = re.compile(r"^###\s+(.+?)\s*(?:\{#[^}]*\})?\s*$")
_TAG = re.compile(r"</?(?:span|ul|li|p|code)[^>]*>", re.IGNORECASE)
_PUNCTUATION = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def category_of(heading: str) -> str:
    return re.sub(r"\s+functions$", "", heading.strip(), flags=re.IGNORECASE)


def split_row(line: str) -> list[str]:
    """Cells of a table row: split on ``|`` not escaped by a backslash; ``\\|`` becomes ``|``."""
    cells, current, i = [], [], 0
    body = line.strip()[1:]
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            current.append("|")
            i += 2
        elif body[i] == "|":
            cells.append("".join(current))
            current = []
            i += 1
        else:
            current.append(body[i])
            i += 1
    return [cell.strip() for cell in cells]


def render(text: str) -> str:
    """A fragment as the reader sees it: code spans literal, backslash escapes applied elsewhere."""
    text = text.replace("\u200b", "")
    text = _TAG.sub("", text)
    out = []
    for number, part in enumerate(re.split(r"(`+)(.*?)\1", text)):
        # re.split with two groups yields: text, fence, code, text, fence, code, ...
        if number % 3 == 2:
            out.append(part.strip())
        elif number % 3 == 0:
            out.append(re.sub(f"\\\\([{_PUNCTUATION}])", r"\1", part))
    return html.unescape("".join(out)).strip()


def alternatives(cell: str) -> list[str]:
    """The values of a cell: ``<br>``- or list-item-separated, "Example #n:" labels dropped."""
    cell = cell.replace("\u200b", "")
    pieces = re.split(r"<br\s*/?>|</li>\s*<li>", cell)
    found = [re.sub(r"^\s*(?:<ul>)?\s*(?:<li>)?\s*Example #\d+:\s*", "", piece) for piece in pieces]
    return [render(piece) for piece in found if render(piece)]


def read_value(text: str, returns_text: bool) -> Any:
    for candidate in (text, re.sub(r"'([^']*)'", r'"\1"', text) if text.startswith("[") else None):
        if candidate is None:
            continue
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if returns_text and isinstance(value, (int, float)) and not isinstance(value, bool):
            return text
        return value
    return text


def read_page(page: str, text_functions: set[str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    category = None
    for line in page.splitlines():
        heading = _HEADING.match(line)
        if heading:
            category = category_of(heading.group(1))
            continue
        if not line.startswith("|") or category is None:
            continue
        cells = split_row(line)
        if len(cells) != 6 or cells[0] in ("Function", "--------") or set(cells[0]) <= set("- "):
            continue
        names = [name.strip("` ") for name in alternatives(cells[0]) for name in name.split("/") if name.strip("` ")]
        expressions, results = alternatives(cells[4]), alternatives(cells[5])
        for position, expression in enumerate(expressions):
            name = names[position] if len(names) == len(expressions) else names[0]
            result = results[position] if len(results) == len(expressions) else results[0]
            entries.append({"function": name, "category": category, "documented_expression": expression,
                            "documented_result": read_value(result, name in text_functions)})
    return entries


def judged(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The entry as the tests use it: corrections and context applied."""
    key = (entry["function"], entry["documented_expression"])
    correction = CORRECTIONS.get(key, {})
    out = dict(entry)
    if correction.get("reasons") and "result-not-a-value" in correction["reasons"]:
        out["documented_result"] = None  # the cell is a description, not a value
    out["expression"] = correction.get("expression", entry["documented_expression"])
    out["result"] = correction.get("result", out["documented_result"])
    if correction:
        out["corrected"] = correction["reasons"]
    out.update(CONTEXT.get(key, {}))
    if entry["function"] == "decode":
        out["documented_result"] = None  # the cell describes the outcomes; each is a case below
        return [{**out, "row": {"stateCode": code}, "result": result} for code, result in DECODE_CASES]
    return [out]


def main(argv: list[str]) -> int:
    docs = pathlib.Path(argv[1] if len(argv) > 1 else "../shared/reference/docs")
    page = (docs / PAGE).read_text(encoding="utf-8")
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    text_functions = {entry["function"] for entry in catalogue if entry.get("returnType") == "java.lang.String"}
    entries = [case for entry in read_page(page, text_functions) for case in judged(entry)]
    unused = set(CORRECTIONS) | set(CONTEXT)
    unused -= {(entry["function"], entry["documented_expression"]) for entry in entries}
    if unused:
        raise SystemExit(f"judgements that match no documented example (the page changed?): {sorted(unused)}")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(entries)} examples of {len({e['function'] for e in entries})} functions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
