"""Reading Parquet files into XDM rows, with pyarrow.

A Parquet file is read whole with pyarrow, then each row becomes the Python value of its
columns: structs → objects, lists → arrays, maps → objects. Arrow types that JSON cannot
express (timestamps, dates, decimals, bytes…) are turned into what the dataset's XDM schema
asks for (:func:`to_xdm`), so that a Parquet row is then validated exactly like a JSON row.
pyarrow is a dependency (Parquet is how the platform stores data) imported on first use, so the
emulator starts without paying for it.
"""
from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any


def arrow() -> Any:
    """pyarrow, imported on first use (about 0.15 s that start-up need not pay)."""
    import pyarrow  # a third-party import deferred for start-up time, not a cycle

    return pyarrow


def arrow_parquet() -> Any:
    import pyarrow.parquet  # see arrow()

    return pyarrow.parquet


def arrow_types() -> Any:
    import pyarrow.types  # see arrow()

    return pyarrow.types

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def read_records(data: bytes) -> list[dict[str, Any]]:
    """The rows of a Parquet file, as Arrow's Python values; ``ValueError`` when unreadable."""
    try:
        table = arrow_parquet().read_table(arrow().BufferReader(data))
        wanted = arrow().schema([f.with_type(_microseconds(f.type)) for f in table.schema])
        if wanted != table.schema:
            # Python's datetime stops at microseconds; pandas-written files use nanoseconds.
            table = table.cast(wanted, safe=False)
        # strict: a map with a repeated key is not an XDM map (an object cannot repeat a key)
        return table.to_pylist(maps_as_pydicts="strict")
    except Exception as exc:  # pyarrow raises many types (ArrowInvalid, OSError, …) for a bad file
        raise ValueError(f"it is not a readable Parquet file ({type(exc).__name__}: {exc})") from None


def _microseconds(arrow_type: Any) -> Any:
    """``arrow_type`` with every nanosecond timestamp/time/duration, nested ones too, in µs."""
    if getattr(arrow_type, "unit", None) == "ns":
        if arrow_types().is_timestamp(arrow_type):
            return arrow().timestamp("us", arrow_type.tz)
        if arrow_types().is_time64(arrow_type):
            return arrow().time64("us")
        if arrow_types().is_duration(arrow_type):
            return arrow().duration("us")
    if arrow_types().is_struct(arrow_type):
        return arrow().struct([f.with_type(_microseconds(f.type)) for f in arrow_type])
    if arrow_types().is_map(arrow_type):
        return arrow().map_(arrow_type.key_field.with_type(_microseconds(arrow_type.key_type)),
                           arrow_type.item_field.with_type(_microseconds(arrow_type.item_type)))
    if arrow_types().is_large_list(arrow_type):
        return arrow().large_list(arrow_type.value_field.with_type(_microseconds(arrow_type.value_type)))
    if arrow_types().is_fixed_size_list(arrow_type):
        return arrow().list_(arrow_type.value_field.with_type(_microseconds(arrow_type.value_type)),
                            arrow_type.list_size)
    if arrow_types().is_list(arrow_type):
        return arrow().list_(arrow_type.value_field.with_type(_microseconds(arrow_type.value_type)))
    return arrow_type


def to_xdm(value: Any, schema: dict[str, Any] | None = None) -> Any:
    """A Parquet value as the JSON value the XDM ``schema`` expects (``{}``: plain JSON).

    Only what JSON cannot carry is converted; an int column under a string field stays an int
    and is refused by validation, as the same row sent as JSON would be. A null column is an
    absent field: Parquet has a cell for every column of every row, JSON simply omits it.
    """
    schema = schema if isinstance(schema, dict) else {}
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        return {str(key): to_xdm(item, properties.get(key) or (extra if isinstance(extra, dict) else {}))
                for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [to_xdm(item, schema.get("items")) for item in value]
    wanted, shape = schema.get("type"), schema.get("format")
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)  # naive = UTC (Spark)
        if shape == "date":
            # The day in UTC, as the platform's Spark jobs (session time zone UTC) would cast it.
            return (moment.astimezone(dt.timezone.utc) if moment.year > 1 else moment).date().isoformat()
        if wanted in ("integer", "number"):
            return (moment - _EPOCH) // dt.timedelta(milliseconds=1)  # XDM long timestamps are epoch ms
        try:
            return _rfc3339(moment.astimezone(dt.timezone.utc))
        except OverflowError:  # year 1 with a positive offset has no UTC equivalent
            return moment.isoformat()
    if isinstance(value, dt.date):
        if shape == "date-time" or wanted in ("integer", "number"):
            return to_xdm(dt.datetime.combine(value, dt.time(), dt.timezone.utc), schema)
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        if wanted == "string":
            return str(value)
        return int(value) if value.is_finite() and value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _rfc3339(moment: dt.datetime) -> str:
    """``2026-03-01T08:30:00Z``, with as many fraction digits as the value has (ms or µs)."""
    precision = "seconds" if not moment.microsecond else (
        "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds")
    return moment.replace(tzinfo=None).isoformat(timespec=precision) + "Z"
