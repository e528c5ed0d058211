"""Reading uploaded files into rows, and checking rows against the dataset's XDM schema.

JSON comes as newline-delimited objects (the default) or, with ``isMultiLineJson``, as one
array (an array is also recognised without the flag: the file cannot mean anything else).
CSV is for flat schemas (troubleshooting.md); a dotted header (``person.name.lastName``) is
placed as a nested field, and cells are converted to the schema's leaf type before validation.
Parquet is read with pyarrow (``mockaep.core.parquet``): its rows are turned into JSON values and
then checked exactly like JSON rows.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Iterator

from mockaep.core import jsonreader, validation
from mockaep.core import parquet

FORMATS = ("json", "csv", "parquet")
#: Codes documented in the batch troubleshooting guide, and the partial-ingestion code that
#: flow runs report (monitor.md).
EMPTY_FILE = "106"
EMPTY_CSV_HEADER = "118"
ROW_ERRORS = "INGEST-1212-400"
UNREADABLE_FILE = "INGEST-1201-400"


class FileError(ValueError):
    """The whole file cannot be read: ``code`` and a description for the batch's ``errors``."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Row:
    number: int  # 1-based position in its file
    value: Any


@dataclass
class FileResult:
    name: str
    size: int
    rows: int = 0
    valid: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    accepted: list[Any] = field(default_factory=list)  # the valid rows, as the JSON they land as
    accepted_numbers: list[int] = field(default_factory=list)  # their row numbers
    refused: list[Any] = field(default_factory=list)  # the value of each problem row, in order


def read_rows(data: bytes, fmt: str, *, multiline: bool = False, delimiter: str = ",", quote: str = '"',
              header: bool = True) -> list[Row]:
    """Parse one file; raises :class:`FileError` when the file as a whole is unreadable."""
    if not data.strip():
        raise FileError(EMPTY_FILE, "The file is empty: upload a file that contains data.")
    if fmt == "parquet":
        return list(_parquet_rows(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(UNREADABLE_FILE, "The file is not UTF-8 text.") from None
    if fmt == "csv":
        return list(_csv_rows(text, delimiter, quote, header))
    return list(_json_rows(text, multiline))


def _parsed(text: str) -> Any:
    """One JSON document of an uploaded file (``ValueError`` when it is not JSON, carries
    ``NaN``/``Infinity`` or a number too large for a double, or nests deeper than any XDM row)."""
    try:
        value = jsonreader.loads(text)
    except RecursionError:
        raise ValueError(f"it nests deeper than {jsonreader.MAX_JSON_DEPTH} levels") from None
    if jsonreader.deeper_than(value, text=text):
        raise ValueError(f"it nests deeper than {jsonreader.MAX_JSON_DEPTH} levels")
    return value


def _json_rows(text: str, multiline: bool) -> Iterator[Row]:
    if multiline or text.lstrip().startswith("["):
        try:
            document = _parsed(text)
        except ValueError as exc:
            raise FileError(UNREADABLE_FILE, f"The file is not valid JSON: {exc}.") from None
        items = document if isinstance(document, list) else [document]
        for position, item in enumerate(items, 1):
            yield Row(position, item)
        return
    for position, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield Row(position, _parsed(line))
        except ValueError as exc:
            yield Row(position, _Unparsable(str(exc)))


class _Unparsable:
    """A line that is not JSON: reported as that row's error, the other rows still count."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _csv_rows(text: str, delimiter: str, quote: str, header: bool) -> Iterator[Row]:
    delimiter, quote = delimiter or ",", quote or '"'
    if len(delimiter) != 1 or len(quote) != 1 or delimiter == quote:
        raise FileError(UNREADABLE_FILE, f"CSV delimiter {delimiter!r} and quote {quote!r} must be two different "
                                         "single characters.")
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote))
    except csv.Error as exc:
        raise FileError(UNREADABLE_FILE, f"The file is not readable as CSV: {exc}.") from None
    if not lines:
        raise FileError(EMPTY_FILE, "The file is empty: upload a file that contains data.")
    names = lines[0] if header else [f"_c{i}" for i in range(len(lines[0]))]
    if not any(name.strip() for name in names):
        raise FileError(EMPTY_CSV_HEADER, "The CSV file's header row is empty.")
    for position, cells in enumerate(lines[1:] if header else lines, 2 if header else 1):
        if not any(cell.strip() for cell in cells):
            continue
        record: dict[str, Any] = {}
        for name, cell in zip(names, cells):
            if cell == "":
                continue
            node = record
            parts = name.strip().split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = cell
        if len(cells) != len(names):
            record = {"__csv_width__": f"row has {len(cells)} cells, the header has {len(names)}"}
        yield Row(position, record)


def _parquet_rows(data: bytes) -> Iterator[Row]:
    try:
        records = parquet.read_records(data)
    except ValueError as exc:
        raise FileError(UNREADABLE_FILE, f"The file cannot be read as Parquet: {exc}.") from None
    if not records:  # same outcome as an empty JSON file
        raise FileError(EMPTY_FILE, "The Parquet file holds no rows: upload a file that contains data.")
    for position, item in enumerate(records, 1):
        yield Row(position, item)


def json_value(value: Any, fmt: str) -> Any:
    """A parsed row as plain JSON (Parquet rows carry timestamps, decimals, bytes…)."""
    return parquet.to_xdm(value) if fmt == "parquet" else value


def coerce_csv(value: Any, schema: dict[str, Any]) -> Any:
    """CSV cells are text: turn them into the types the resolved schema asks for."""
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        return {k: coerce_csv(v, props.get(k) or {}) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    wanted = schema.get("type")
    try:
        if wanted == "integer":
            return int(value)
        if wanted == "number":
            return float(value)
    except ValueError:
        return value
    if wanted == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def check_rows(rows: list[Row], schema: dict[str, Any], checker: validation.Checker, fmt: str,
               result: FileResult) -> None:
    """Validate each row against the resolved XDM schema, keeping the valid ones (as the JSON they
    land as) and the problems with the rows they were found in."""
    for row in rows:
        result.rows += 1
        value = row.value
        if isinstance(value, _Unparsable):
            _refuse(result, row.number, None, f"not valid JSON: {value.reason}")
            continue
        if isinstance(value, dict) and "__csv_width__" in value:
            _refuse(result, row.number, None, value["__csv_width__"])
            continue
        if fmt == "csv":
            value = coerce_csv(value, schema)
        elif fmt == "parquet":
            value = parquet.to_xdm(value, schema)
        if not isinstance(value, dict):
            _refuse(result, row.number, value, "a record must be a JSON object")
            continue
        found = checker.violations(value, limit=1)
        if found:
            where = found[0].pointer or "/"
            _refuse(result, row.number, value, f"{found[0].message} (at {where})")
        else:
            result.valid += 1
            result.accepted.append(value)
            result.accepted_numbers.append(row.number)


def _refuse(result: FileResult, number: int, value: Any, message: str) -> None:
    result.problems.append((number, message))
    result.refused.append(value)


def row_ranges(numbers: list[int]) -> list[str]:
    """``[3, 4, 5, 9]`` → ``["3-5", "9"]`` (the ``rows`` form of a batch error)."""
    spans: list[str] = []
    for number in sorted(numbers):
        if spans and "-" in spans[-1] and int(spans[-1].split("-")[1]) == number - 1:
            spans[-1] = f"{spans[-1].split('-')[0]}-{number}"
        elif spans and "-" not in spans[-1] and int(spans[-1]) == number - 1:
            spans[-1] = f"{spans[-1]}-{number}"
        else:
            spans.append(str(number))
    return spans
