"""XDM rows in Parquet files, both ways, with pyarrow: how the platform stores data.

Reading (:func:`read_records`, :func:`to_xdm`): a Parquet file is read whole, then each row
becomes the Python value of its columns: structs → objects, lists → arrays, maps → objects.
Arrow types that JSON cannot express (timestamps, dates, decimals, bytes…) are turned into what
the dataset's XDM schema asks for, so that a Parquet row is then validated exactly like a JSON
row (Batch Ingestion), and a landed row reads back as the JSON it was (the Data Access view).

Writing (:func:`write_rows`): the rows a batch lands, typed by the dataset's resolved XDM schema
(date-time → UTC timestamp, date → date, integer → int64, number → double, object → struct, map →
map, array → list), with the columns some row fills (a schema's unused fields are not written),
plus the platform's ``_acp_system_metadata`` column naming the batch. Fields the schema does not
declare are not columns, so they are not kept.

pyarrow is a dependency imported on first use, so the emulator starts without paying for it.
"""
from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
import io
import json
from typing import Any, Mapping


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


# -- writing ------------------------------------------------------------------------------------------
#: The platform's own column on every landed row (Query Service shows it on every dataset).
SYSTEM_COLUMN = "_acp_system_metadata"


class Unstorable(ValueError):
    """A value that passed validation but has no Parquet form (a year-0 date, a 70-bit integer)."""


def write_rows(rows: list[Mapping[str, Any]], schema: Mapping[str, Any],
               batch_id: str) -> tuple[bytes, list[tuple[int, str]]]:
    """A Parquet file of ``rows`` (validated XDM documents) typed by ``schema``; returns the file
    and the rows left out (position in ``rows``, why) because a value cannot be stored."""
    table, rejected = _table(rows, schema, batch_id)
    sink = io.BytesIO()
    arrow_parquet().write_table(table, sink, compression="snappy")
    return sink.getvalue(), rejected


def unstorable(rows: list[Mapping[str, Any]], schema: Mapping[str, Any]) -> list[tuple[int, str]]:
    """The rows :func:`write_rows` would leave out (position, why), without writing a file."""
    return _table(rows, schema, "")[1]


def _table(rows: list[Mapping[str, Any]], schema: Mapping[str, Any],
           batch_id: str) -> tuple[Any, list[tuple[int, str]]]:
    pa = arrow()
    fields = _struct_fields(schema, [r for r in rows if isinstance(r, Mapping)])
    system = pa.struct([("acp_sourceBatchId", pa.string())])
    arrow_schema = pa.schema(fields + [pa.field(SYSTEM_COLUMN, system)])
    kept: list[tuple[int, dict[str, Any]]] = []
    rejected: list[tuple[int, str]] = []
    for position, row in enumerate(rows):
        try:
            converted = _struct_value(row, arrow_schema, fields)
        except Unstorable as exc:
            rejected.append((position, str(exc)))
            continue
        converted[SYSTEM_COLUMN] = {"acp_sourceBatchId": batch_id}
        kept.append((position, converted))
    try:
        table = pa.Table.from_pylist([row for _position, row in kept], schema=arrow_schema)
    except Exception:  # pyarrow's many error types; find the rows it refuses, one at a time
        kept, refused = _buildable(kept, arrow_schema)
        rejected = sorted(rejected + refused)
        table = pa.Table.from_pylist([row for _position, row in kept], schema=arrow_schema)
    return table, rejected


def _buildable(rows: list[tuple[int, dict[str, Any]]], arrow_schema: Any
               ) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str]]]:
    kept, refused = [], []
    for position, row in rows:
        try:
            arrow().Table.from_pylist([row], schema=arrow_schema)
        except Exception as exc:  # see write_rows
            refused.append((position, f"the row cannot be stored as Parquet ({type(exc).__name__})"))
        else:
            kept.append((position, row))
    return kept, refused


def read_rows(data: bytes, schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of a landed file as the JSON documents they were (without the system column)."""
    found = []
    for record in read_records(data):
        record.pop(SYSTEM_COLUMN, None)
        found.append(to_xdm(record, dict(schema)))
    return found


def _kind(node: Mapping[str, Any]) -> str | None:
    kind = node.get("type")
    if isinstance(kind, list):  # ["string", "null"] and the like
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and isinstance(node.get("properties"), Mapping):
        return "object"
    return kind if isinstance(kind, str) else None


def _struct_fields(node: Mapping[str, Any], samples: list[Mapping[str, Any]]) -> list[Any]:
    """Arrow fields of an XDM object, for the properties the samples fill (schema order)."""
    pa = arrow()
    properties = node.get("properties")
    present: set[str] = set()
    for sample in samples:  # the keys the rows fill: a schema's unused fields cost nothing
        present.update(sample)
    fields = []
    for name, child in (properties.items() if isinstance(properties, Mapping) else ()):
        if name not in present:
            continue
        values = [sample[name] for sample in samples if sample.get(name) is not None]
        if values and isinstance(child, Mapping):
            found = _arrow_type(child, values)
            if found is not None:
                fields.append(pa.field(str(name), found))
    return fields


def _arrow_type(node: Mapping[str, Any], values: list[Any]) -> Any:
    """The Arrow type of an XDM field holding ``values`` (None: nothing of it to write)."""
    pa = arrow()
    kind = _kind(node)
    if kind == "object":
        if isinstance(node.get("properties"), Mapping):
            fields = _struct_fields(node, [v for v in values if isinstance(v, Mapping)])
            return pa.struct(fields) if fields else None
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping):  # an XDM map
            items = [item for v in values if isinstance(v, Mapping) for item in v.values() if item is not None]
            item_type = _arrow_type(extra, items) if items else None
            return pa.map_(pa.string(), item_type if item_type is not None else pa.string())
        return pa.string()  # a free-form object: kept as its JSON text
    if kind == "array":
        items_node = node.get("items") if isinstance(node.get("items"), Mapping) else {}
        items = [item for v in values if isinstance(v, list) for item in v if item is not None]
        item_type = _arrow_type(items_node, items) if items else None
        return pa.list_(item_type if item_type is not None else pa.string())
    if kind == "string":
        shape = node.get("format")
        if shape == "date-time":
            return pa.timestamp("us", tz="UTC")
        if shape == "date":
            return pa.date32()
        return pa.string()
    if kind == "integer":
        return pa.int64()
    if kind == "number":
        return pa.float64()
    if kind == "boolean":
        return pa.bool_()
    return pa.string()


def _struct_value(value: Any, arrow_type: Any, fields: list[Any] | None = None) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise Unstorable("a row must be an object")
    members = fields if fields is not None else list(arrow_type)
    return {f.name: _value(value.get(f.name), f.type) for f in members}


def _value(value: Any, arrow_type: Any) -> Any:
    """``value`` in the Python form pyarrow builds ``arrow_type`` from; :class:`Unstorable` when none."""
    if value is None:
        return None
    kinds = arrow_types()
    if kinds.is_struct(arrow_type):
        return _struct_value(value, arrow_type)
    if kinds.is_map(arrow_type):
        if not isinstance(value, Mapping):
            raise Unstorable("a map field needs an object")
        return [(str(k), _value(v, arrow_type.item_type)) for k, v in value.items()]
    if kinds.is_list(arrow_type):
        if not isinstance(value, list):
            raise Unstorable("an array field needs an array")
        return [_value(item, arrow_type.value_type) for item in value]
    if kinds.is_timestamp(arrow_type):
        return _instant(value)
    if kinds.is_date32(arrow_type):
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise Unstorable(f"{str(value)[:64]!r} cannot be stored as a date") from None
    if kinds.is_int64(arrow_type):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or isinstance(value, float) and not value.is_integer():  # NaN and the infinities too
            raise Unstorable(f"{str(value)[:64]!r} cannot be stored as an integer")
        if not -(1 << 63) <= int(value) < (1 << 63):
            raise Unstorable(f"{str(value)[:64]} does not fit a 64-bit integer")
        return int(value)
    if kinds.is_float64(arrow_type):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unstorable(f"{str(value)[:64]!r} cannot be stored as a number")
        try:
            return float(value)
        except OverflowError:  # an integer of more than 308 digits (JSON integers have no limit)
            raise Unstorable(f"{str(value)[:64]}... is beyond the range of a double") from None
    if kinds.is_boolean(arrow_type):
        if not isinstance(value, bool):
            raise Unstorable(f"{str(value)[:64]!r} cannot be stored as a boolean")
        return value
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _instant(value: Any) -> dt.datetime:
    """An RFC 3339 date-time (validated upstream) as an aware UTC datetime."""
    if not isinstance(value, str):
        raise Unstorable(f"{str(value)[:64]!r} cannot be stored as a date-time")
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        raise Unstorable(f"{text[:64]!r} cannot be stored as a date-time") from None
