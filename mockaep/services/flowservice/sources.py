"""The source behind a base connection: tables of rows a developer can edit, that explore shows and
runs read (emulator-only; the control plane edits them, ``/_mockaep/sources``).

The platform reads a third-party system; mockaep gives each base connection of a table source
(CRM, customer success) its own tables. A table starts as the explore fixture of the
connection's spec (:func:`fixture`) and becomes the connection's own on its first edit:
``replace`` (PUT), ``append`` (POST), ``clear`` (DELETE); a name the fixture lacks makes a new
table. An edited table is one ``sourceTables`` record (its columns) and one ``sourceRows``
record per row, kept in insertion order, so a page of rows and a run's window read only what they
return. Columns of a new table, and new keys of an edited one, are inferred from the rows.

Bounds (every one a 400 before anything is written): :data:`MAX_TABLE_ROWS` rows per table,
:data:`MAX_ROWS_PER_REQUEST` rows per write, :data:`MAX_ROW_BYTES` bytes per row (its JSON),
:data:`MAX_COLUMNS` keys per row, :data:`MAX_TABLES` edited tables per connection. No Flask here.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound
from mockaep.core.jsonreader import dumps
from mockaep.core.packagedata import package_files
from mockaep.core.numbers import whole_number
from mockaep.services.flowservice import specs
from mockaep.services.flowservice.records import require
from mockaep.services.flowservice.resources import CONNECTIONS, SOURCE_ROWS, SOURCE_TABLES

MAX_TABLE_ROWS = 10_000
MAX_ROWS_PER_REQUEST = 1_000
MAX_ROW_BYTES = 16 * 1024
MAX_COLUMNS = 200
MAX_TABLES = 100
MAX_PAGE = 1_000
DEFAULT_PAGE = 100
TABLE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.$-]{0,127}$")
#: How a JSON value's type is named among a table's columns (the fixtures' vocabulary).
_COLUMN_TYPES = ((bool, "boolean", {"type": "boolean"}), (int, "integer", {"type": "integer"}),
                 (float, "double", {"type": "number"}), (str, "string", {"type": "string"}),
                 (list, "array", {"type": "array"}), (dict, "object", {"type": "object"}))


FIXTURES = "flowservice/explore"


def fixture(ctx: RequestContext, spec_id: str) -> Mapping[str, Any] | None:
    """The explore fixture of a connection spec (shared, read-only; one JSON file per spec in
    ``mockaep/specs/flowservice/explore``: ``{"tables": [...]}`` or ``{"files": [...]}``), or None."""
    package = ctx.runtime.package
    path = f"{FIXTURES}/{spec_id}.json"
    if path not in package.memo(("flowservice", "explore-fixtures"), lambda: frozenset(package_files(FIXTURES))):
        return None
    return package.json(path)


def source_key(base_id: str, table: str) -> str:
    return f"{base_id}/{table}"


# -- which source ------------------------------------------------------------------------------------
def table_source(ctx: RequestContext, base_id: str) -> tuple[dict[str, Any], str]:
    """(base connection, its spec id) of a table source; 404 / 400 otherwise."""
    base = require(ctx, CONNECTIONS, base_id)
    spec_id = str((base.get("connectionSpec") or {}).get("id", ""))
    spec = specs.connection_spec(ctx, spec_id)
    kind = specs.source_kind(spec) if spec is not None else "other"
    if kind != "table":
        what = "a file source: it holds files, not tables" if kind == "file" else \
            "a destination" if kind == "target" else "not a table source"
        raise BadRequest(f"Base connection {base_id[:200]} is {what}; only the tables of a table source (CRM, "
                         "customer success) can be edited.", report={"id": base_id, "type": "connections"})
    return base, spec_id


def _check_name(table: str) -> str:
    if not isinstance(table, str) or not TABLE_NAME.match(table):
        raise BadRequest(f"'{str(table)[:200]}' is not a table name: 1 to 128 letters, digits and _ . $ -, starting "
                         "with a letter, digit or _.")
    return table


def _fixture_table(ctx: RequestContext, spec_id: str, table: str) -> Mapping[str, Any] | None:
    for found in (fixture(ctx, spec_id) or {}).get("tables") or []:
        if found.get("path") == table:
            return found
    return None


def _edited(ctx: RequestContext, base_id: str, table: str) -> dict[str, Any] | None:
    return ctx.tenant.collection(SOURCE_TABLES.collection).get(source_key(base_id, table))


# -- what explore and runs see ------------------------------------------------------------------------------
def tables(ctx: RequestContext, base_id: str | None, spec_id: str) -> list[dict[str, Any]]:
    """Every table of the source: the fixture's, as edited, then the ones the user made."""
    shipped = [dict(t) for t in (fixture(ctx, spec_id) or {}).get("tables") or []]
    if base_id is None:
        return shipped
    edited = ctx.tenant.collection(SOURCE_TABLES.collection)
    own = {record["table"]: record for record in (edited.get(rid) for rid in
                                                  edited.ids(among=edited.hits("baseConnectionId", base_id)))
           if record is not None}
    found = [{"name": t["name"], "path": t["path"], "columns": own.pop(t["path"])["columns"]}
             if t["path"] in own else t for t in shipped]
    found.extend({"name": name, "path": name, "columns": record["columns"]} for name, record in own.items())
    return found


def table(ctx: RequestContext, base_id: str | None, spec_id: str, name: str) -> dict[str, Any] | None:
    """One table (``name``, ``path``, ``columns``), or None when the source has none by that name."""
    own = _edited(ctx, base_id, name) if base_id is not None and isinstance(name, str) else None
    if own is not None:
        return {"name": name, "path": name, "columns": own["columns"]}
    found = _fixture_table(ctx, spec_id, name)
    return {"name": found["name"], "path": found["path"], "columns": found["columns"]} if found else None


def rows(ctx: RequestContext, base_id: str | None, spec_id: str, name: str) -> Iterator[dict[str, Any]]:
    """The table's rows in order, read lazily (an unedited table is its fixture's rows)."""
    if base_id is not None and _edited(ctx, base_id, name) is not None:
        collection = ctx.tenant.collection(SOURCE_ROWS.collection)
        for row_id in collection.ids(among=collection.hits("source", source_key(base_id, name))):
            stored = collection.get(row_id)
            if stored is not None:
                yield stored["row"]
        return
    found = _fixture_table(ctx, spec_id, name)
    yield from (dict(row) for row in (found or {}).get("rows") or [])


def row_count(ctx: RequestContext, base_id: str | None, spec_id: str, name: str) -> int:
    if base_id is not None and _edited(ctx, base_id, name) is not None:
        return ctx.tenant.collection(SOURCE_ROWS.collection).count("source", source_key(base_id, name))
    return len((_fixture_table(ctx, spec_id, name) or {}).get("rows") or [])


def is_edited(ctx: RequestContext, base_id: str | None, name: str) -> bool:
    return base_id is not None and _edited(ctx, base_id, name) is not None


def row_ids(ctx: RequestContext, base_id: str, name: str) -> list[str]:
    """Ids of an edited table's rows, in order (what a window index is built from)."""
    collection = ctx.tenant.collection(SOURCE_ROWS.collection)
    return list(collection.ids(among=collection.hits("source", source_key(base_id, name))))


def row_by_id(ctx: RequestContext, row_id: str) -> dict[str, Any] | None:
    stored = ctx.tenant.collection(SOURCE_ROWS.collection).get(row_id)
    return stored["row"] if stored is not None else None


# -- the control plane's reads and edits ----------------------------------------------------------------------
def _paging(start: Any, limit: Any) -> tuple[int, int]:
    def number(value: Any, name: str, default: int, low: int, high: int) -> int:
        if value is None:
            return default
        number_value = whole_number(str(value).strip(), 9)
        if number_value is None or not low <= number_value <= high:
            raise BadRequest(f"'{name}' must be a whole number from {low} to {high}; got '{str(value)[:50]}'.")
        return number_value
    return number(start, "start", 0, 0, MAX_TABLE_ROWS), number(limit, "limit", DEFAULT_PAGE, 1, MAX_PAGE)


def read_rows(ctx: RequestContext, base_id: str, name: str, start: Any = None, limit: Any = None) -> dict[str, Any]:
    """A page of a table's rows: ``{"table", "columns", "rows", "start", "limit", "total", "edited"}``."""
    _base, spec_id = table_source(ctx, base_id)
    first, size = _paging(start, limit)
    found = table(ctx, base_id, spec_id, _check_name(name))
    if found is None:
        raise NotFound(f"The source of base connection {base_id[:200]} has no table {name[:200]}.",
                       report={"id": name, "type": "table"})
    if is_edited(ctx, base_id, name):
        collection = ctx.tenant.collection(SOURCE_ROWS.collection)
        hits = collection.hits("source", source_key(base_id, name))
        page = []
        for row_id in collection.ids(after=collection.at_offset(first, among=hits), among=hits):
            if len(page) >= size:
                break
            page.append(collection.get(row_id)["row"])  # type: ignore[index]
        total = len(hits)
    else:
        every = list(rows(ctx, base_id, spec_id, name))
        page, total = every[first:first + size], len(every)
    return {"table": name, "columns": found["columns"], "rows": page, "start": first, "limit": size,
            "total": total, "edited": is_edited(ctx, base_id, name)}


def _checked_rows(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        raise BadRequest("Send the rows as a JSON array of objects (one object per row, column → value).")
    if len(body) > MAX_ROWS_PER_REQUEST:
        raise BadRequest(f"{len(body)} rows in one request; at most {MAX_ROWS_PER_REQUEST} are taken at a time.")
    for position, row in enumerate(body):
        if not isinstance(row, dict):
            raise BadRequest(f"Row {position} is not a JSON object.")
        if len(row) > MAX_COLUMNS:
            raise BadRequest(f"Row {position} has {len(row)} columns; at most {MAX_COLUMNS} are allowed.")
        if any(len(key) > 256 for key in row):
            raise BadRequest(f"Row {position} has a column name longer than 256 characters.")
        size = len(dumps(row))
        if size > MAX_ROW_BYTES:
            raise BadRequest(f"Row {position} is {size} bytes as JSON; at most {MAX_ROW_BYTES} are allowed.")
    return body


def _column_of(name: str, value: Any) -> dict[str, Any]:
    for python_type, label, xdm in _COLUMN_TYPES:
        if isinstance(value, python_type):
            return {"name": name, "type": label, "xdm": dict(xdm)}
    return {"name": name, "type": "string", "xdm": {"type": "string"}}


def _columns(known: list[dict[str, Any]], new_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table's columns, with a column for every key the rows bring that it lacks."""
    columns = list(known)
    names = {c["name"] for c in columns}
    for row in new_rows:
        for key, value in row.items():
            if key not in names and value is not None:
                if len(columns) >= MAX_COLUMNS:
                    raise BadRequest(f"The table would have more than {MAX_COLUMNS} columns.")
                columns.append(_column_of(key, value))
                names.add(key)
    return columns


def _write(ctx: RequestContext, base_id: str, name: str, new_rows: list[dict[str, Any]], *, keep: bool
           ) -> dict[str, Any]:
    """Make the table the connection's own (materialising the fixture's rows when ``keep``), then
    add ``new_rows``. Everything is checked before the first write."""
    _base, spec_id = table_source(ctx, base_id)
    _check_name(name)
    current = table(ctx, base_id, spec_id, name)
    edited = _edited(ctx, base_id, name)
    if edited is None:
        tables_of = ctx.tenant.collection(SOURCE_TABLES.collection)
        if tables_of.count("baseConnectionId", base_id) >= MAX_TABLES:
            raise BadRequest(f"Base connection {base_id[:200]} already has {MAX_TABLES} edited tables.")
    carried = list(rows(ctx, base_id, spec_id, name)) if keep and edited is None and current is not None else []
    existing = row_count(ctx, base_id, spec_id, name) if keep and edited is not None else 0
    total = existing + len(carried) + len(new_rows)
    if total > MAX_TABLE_ROWS:
        raise BadRequest(f"The table would hold {total} rows; a source table holds at most {MAX_TABLE_ROWS}.")
    columns = _columns((current or {}).get("columns") or [], new_rows)
    if edited is None:
        edited = {"baseConnectionId": base_id, "table": name, "columns": columns, "nextRow": 0}
    elif not keep:
        _delete_rows(ctx, base_id, name)
    edited["columns"] = columns
    collection = ctx.tenant.collection(SOURCE_ROWS.collection)
    key = source_key(base_id, name)
    added = []
    for row in carried + new_rows:
        row_id = f"{key}/{edited['nextRow']:08d}"
        edited["nextRow"] += 1
        collection.put(row_id, {"source": key, "row": row})
        added.append(row_id)
    edited["updatedAt"] = ctx.now_ms
    ctx.tenant.collection(SOURCE_TABLES.collection).put(key, edited)
    _note_rows(ctx, key, added, replaced=not keep)
    return {"table": name, "total": total, "edited": True}


def replace_rows(ctx: RequestContext, base_id: str, name: str, body: Any) -> dict[str, Any]:
    """PUT: the table holds exactly these rows."""
    return _write(ctx, base_id, name, _checked_rows(body), keep=False)


def append_rows(ctx: RequestContext, base_id: str, name: str, body: Any) -> dict[str, Any]:
    """POST: these rows are added after the table's rows."""
    return _write(ctx, base_id, name, _checked_rows(body), keep=True)


def clear_rows(ctx: RequestContext, base_id: str, name: str) -> dict[str, Any]:
    """DELETE: the table stays (explore lists it) with no row."""
    _base, spec_id = table_source(ctx, base_id)
    if table(ctx, base_id, spec_id, _check_name(name)) is None:
        raise NotFound(f"The source of base connection {base_id[:200]} has no table {name[:200]}.",
                       report={"id": name, "type": "table"})
    return _write(ctx, base_id, name, [], keep=False)


def _delete_rows(ctx: RequestContext, base_id: str, name: str) -> None:
    collection = ctx.tenant.collection(SOURCE_ROWS.collection)
    for row_id in list(collection.ids(among=collection.hits("source", source_key(base_id, name)))):
        collection.delete(row_id)


def forget_connection(ctx: RequestContext, base_id: str) -> None:
    """A base connection is deleted: its source (tables, rows) goes with it."""
    tables_of = ctx.tenant.collection(SOURCE_TABLES.collection)
    for key in list(tables_of.ids(among=tables_of.hits("baseConnectionId", base_id))):
        record = tables_of.get(key)
        if record is not None:
            _delete_rows(ctx, base_id, record["table"])
            _note_rows(ctx, key, [], replaced=True)
        tables_of.delete(key)


# -- what the window indexes derived from a table must hear ------------------------------------------------
def indexes_of(ctx: RequestContext, key: str) -> dict[Any, Any]:
    """The window indexes built over one edited table (``window`` fills it): (column, zone) → index."""
    return ctx.tenant.derived.setdefault(("flowservice", "source-window", key), {})


def _note_rows(ctx: RequestContext, key: str, added: list[str], *, replaced: bool) -> None:
    """Rows were written: indexes of a replaced table are dropped (rebuilt when next read),
    appended rows are added to the indexes already built."""
    found = ctx.tenant.derived.get(("flowservice", "source-window", key))
    if found is None:
        return
    if replaced:
        found.clear()
        return
    for index in found.values():
        for row_id in added:
            index.add(row_id, row_by_id(ctx, row_id) or {})
