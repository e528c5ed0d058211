"""Exploring what lies behind a base connection: tables of CRM/customer-success sources, folders
and files of cloud storage, their columns and a preview of their rows.

The platform reads the third-party system with the connection's credentials; mockaep reads the
connection's source instead (``sources``): a table source's tables as the control plane left them
(initially the explore fixture of the connection's spec, ``mockaep/specs/flowservice/explore``),
a file source's fixture files. Runs read the same rows (``window``, and :func:`rows_for` for
files). No Flask here.

Request shapes (``GET /connections/{id}/explore``, explore/customer-success.md and FSY):
``objectType=root`` lists the top level, as does a request without ``objectType`` (Adobe's
Postman collection sends none); ``objectType=table&object=<path>`` describes one table
(``{"format": "flat", "schema": {"columns": [...]}}``, plus ``"data"`` rows with
``preview=true``); file sources take ``objectType=folder|file`` the same way, and ``fileType``
(``delimited``, ``json``, ``parquet``) when previewing a file. ``objectType`` is matched without
regard to case because the official spec lists it upper-case and the tutorials lower-case.
"""
from __future__ import annotations

from itertools import islice
from typing import Any, Mapping

from mockaep.core.context import RequestContext
from mockaep.core.errors import BadRequest, NotFound, shown
from mockaep.core.numbers import whole_number
from mockaep.services.flowservice import sources, specs

OBJECT_TYPES = ("root", "table", "folder", "file", "rest")
#: ``fileType`` values a preview accepts, and the fixture format each one reads.
FILE_TYPES = {"delimited": "delimited", "csv": "delimited", "json": "json", "parquet": "parquet"}
DEFAULT_PREVIEW_ROWS = 100
#: The documented sentinel for "bad credentials": a base connection whose auth params hold this
#: value (as password, token, key…) is refused by its source: ``/test`` answers
#: ``{"result": false}``, explore answers 400, and runs of its flows fail.
INVALID_CREDENTIAL = "mockaep-invalid-password"


def credentials_rejected(connection: Mapping[str, Any]) -> bool:
    """Whether the third-party system would refuse this base connection's credentials."""
    params = (connection.get("auth") or {}).get("params") or {}
    return isinstance(params, Mapping) and any(value == INVALID_CREDENTIAL for value in params.values())


# -- tables ----------------------------------------------------------------------------------------
def _tables(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(data.get("tables") or [])


def _table(data: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    return next((t for t in _tables(data) if t["path"] == path), None)


def _listing(kind: str, name: str, path: str, readable: bool) -> dict[str, Any]:
    return {"type": kind, "name": name, "path": path, "canPreview": readable, "canFetchSchema": readable}


# -- files -----------------------------------------------------------------------------------------
def _files(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(data.get("files") or [])


def _normalise(path: str) -> str:
    return "/" + "/".join(part for part in path.split("/") if part)


def _readable(file: Mapping[str, Any]) -> bool:
    return file.get("format") in ("delimited", "json", "parquet")


def _children(data: Mapping[str, Any], folder: str) -> list[dict[str, Any]] | None:
    """Entries directly inside ``folder`` (None when no such folder exists)."""
    prefix = "" if folder == "/" else folder
    entries: dict[str, dict[str, Any]] = {}
    exists = folder == "/"
    for file in _files(data):
        path = file["path"]
        if not path.startswith(prefix + "/"):
            continue
        exists = True
        rest = path[len(prefix) + 1:]
        head, _, tail = rest.partition("/")
        child = f"{prefix}/{head}"
        if tail:
            entries.setdefault(child, _listing("folder", head, child, False))
        else:
            entries[child] = _listing("file", head, child, _readable(file))
    return sorted(entries.values(), key=lambda e: (e["type"] != "folder", e["name"])) if exists else None


def _file(data: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    return next((f for f in _files(data) if f["path"] == path), None)


# -- the explore call --------------------------------------------------------------------------------
def _flag(args: Mapping[str, str], name: str) -> bool:
    value = args.get(name)
    if value is None:
        return False
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise BadRequest(f"Invalid value {shown(value)} for field {name}; use true or false.", code="1452")
    return lowered == "true"


def _preview_rows(args: Mapping[str, str]) -> int:
    raw = args.get("previewRowCount") or args.get("count")
    if raw is None:
        return DEFAULT_PREVIEW_ROWS
    value = whole_number(raw.strip(), 6)
    if value is None or not 1 <= value <= 10_000:
        raise BadRequest(f"Invalid value {raw[:50]} for field previewRowCount; use a whole number from 1 to "
                         "10000.", code="1452")
    return value


def _described(columns: list[Mapping[str, Any]], rows: list[Mapping[str, Any]], *, preview: bool, limit: int,
               format_: str = "flat") -> dict[str, Any]:
    body: dict[str, Any] = {"format": format_, "schema": {"columns": columns}}  # serialised at once
    if preview:
        body["data"] = rows[:limit]
    return body


def explore(ctx: RequestContext, connection: Mapping[str, Any], args: Mapping[str, str]) -> Any:
    """Answer ``GET /connections/{id}/explore`` for a base connection record."""
    spec = specs.connection_spec(ctx, (connection.get("connectionSpec") or {}).get("id"))
    if spec is not None and specs.source_kind(spec) == "target":
        raise BadRequest(f"Connection {connection.get('id')} is a {spec.get('name')} target connection; only "
                         "source connections can be explored.", code="1100")
    if credentials_rejected(connection):
        raise BadRequest("The source refused the credentials of this connection, so its content cannot be "
                         "explored. Update the connection's auth params and try again.", code="1100",
                         report={"id": connection.get("id"), "type": "connections"})
    return explore_source(ctx, spec, args, connection.get("id"))


def explore_spec(ctx: RequestContext, spec: Mapping[str, Any], args: Mapping[str, str]) -> Any:
    """``GET /connectionSpecs/{id}/explore?objectType=…``: a source that needs no credentials (the
    Data Landing Zone) is explored through its spec, as aepp's ``exploreLandingZone`` does."""
    if spec.get("authSpec") or specs.source_kind(spec) not in ("table", "file"):
        raise BadRequest(f"Connection spec {spec.get('id')} is explored through a base connection: use "
                         "GET /connections/{id}/explore.", code="1100")
    return explore_source(ctx, spec, args)


def explore_source(ctx: RequestContext, spec: Mapping[str, Any] | None, args: Mapping[str, str],
                   base_id: str | None = None) -> Any:
    """What lies behind a source of this spec (the base connection's, when one is given), as the
    explore call shows it."""
    spec_id = str((spec or {}).get("id", ""))
    raw_type = args.get("objectType")
    object_type = raw_type.strip().lower() if raw_type is not None and raw_type.strip() else "root"
    if object_type not in OBJECT_TYPES:
        raise BadRequest(f"Invalid value {raw_type[:50] if raw_type else ''} for field objectType. Allowed values "
                         f"are {', '.join(t.upper() for t in OBJECT_TYPES)}.", code="1452")
    kind = specs.source_kind(spec) if spec is not None else "other"
    data = sources.fixture(ctx, spec_id) or {}
    path = args.get("object")
    preview = _flag(args, "preview")
    limit = _preview_rows(args)
    if object_type == "root":
        if kind == "file":
            return _children(data, "/") or []
        return [_listing("table", t["name"], t["path"], True) for t in sources.tables(ctx, base_id, spec_id)]
    if object_type == "rest":
        raise BadRequest(f"objectType REST does not apply to {spec.get('name') if spec else 'this'} "
                         "connections.", code="1100")
    if path is None or not path.strip():
        raise BadRequest(f"The query parameter object is required with objectType={object_type}; give the path "
                         "that objectType=root returned.", code="1100")
    if object_type == "table":
        if kind != "table":
            raise BadRequest(f"objectType TABLE does not apply to {spec.get('name') if spec else 'this'} "
                             "connections.", code="1100")
        table = sources.table(ctx, base_id, spec_id, path)
        if table is None:
            raise NotFound(f"The table {path[:200]} was not found in the source. Use objectType=root to list "
                           "its tables.", code="1101", report={"id": path, "type": "table"})
        previewed = list(islice(sources.rows(ctx, base_id, spec_id, path), limit)) if preview else []
        return _described(table["columns"], previewed, preview=preview, limit=limit)
    if kind != "file":
        raise BadRequest(f"objectType {object_type.upper()} does not apply to {spec.get('name') if spec else 'this'} "
                         "connections.", code="1100")
    normalised = _normalise(path)
    if object_type == "folder":
        children = _children(data, normalised)
        if children is None:
            raise NotFound(f"The folder {path[:200]} was not found in the source.", code="1101",
                           report={"id": path, "type": "folder"})
        return children
    file = _file(data, normalised)
    if file is None:
        raise NotFound(f"The file {path[:200]} was not found in the source.", code="1101",
                       report={"id": path, "type": "file"})
    wanted = args.get("fileType") or args.get("FileType") or args.get("FILE_TYPE")
    if wanted is not None and FILE_TYPES.get(wanted.strip().lower()) is None:
        raise BadRequest(f"Invalid value {wanted[:50]} for field fileType. Allowed values are delimited, json, "
                         "parquet.", code="1452")
    if not _readable(file) or (wanted is not None and FILE_TYPES[wanted.strip().lower()] != file["format"]):
        read_as = wanted[:50] if wanted else "a data file"
        raise BadRequest(f"The file {path[:200]} cannot be read as {read_as}.", code="1100")
    return _described(file["columns"], file["rows"], preview=preview, limit=limit)


def check_connection(ctx: RequestContext, connection: Mapping[str, Any]) -> dict[str, Any]:
    """Answer ``GET /connections/{id}/test``: ``{"result": true|false}`` (FSY TestConnectionResponse).

    The official spec answers 200 either way and says the boolean tells whether the credentials
    work; a credential equal to :data:`INVALID_CREDENTIAL` stands for one the source refuses.
    """
    return {"result": not credentials_rejected(connection)}


# -- configs -------------------------------------------------------------------------------------
def configs(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The properties a source connection of this spec is configured with (``/configs``).

    Only the response shape is documented (FSY examples: ``{"items": [{"columnName",
    "columnType"}]}``); mockaep lists the properties of the spec's ``sourceSpec.spec`` (or
    ``targetSpec.spec``) with their JSON types.
    """
    part = spec.get("sourceSpec") or spec.get("targetSpec") or {}
    return {"items": _columns_of((part.get("spec") or {}) if isinstance(part, Mapping) else {})}


def explore_spec_columns(spec: Mapping[str, Any]) -> dict[str, Any]:
    """``GET /connectionSpecs/{id}/explore``: what an explore answer of this spec carries.

    Same documented shape as ``/configs``; mockaep lists the properties the spec's
    ``exploreSpec.responseSpec`` declares (for array answers, those of its items).
    """
    response = ((spec.get("exploreSpec") or {}).get("responseSpec") or {}) if isinstance(
        spec.get("exploreSpec"), Mapping) else {}
    if isinstance(response, Mapping) and response.get("type") == "array" and isinstance(response.get("items"), Mapping):
        response = response["items"]
    return {"items": _columns_of(response if isinstance(response, Mapping) else {})}


def _columns_of(schema: Mapping[str, Any]) -> list[dict[str, str]]:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return []
    items = []
    for name, definition in properties.items():
        kind = definition.get("type", "object") if isinstance(definition, Mapping) else "object"
        if isinstance(definition, Mapping) and definition.get("format") in ("date", "date-time"):
            kind = definition["format"]
        items.append({"columnName": str(name), "columnType": kind if isinstance(kind, str) else "object"})
    return items


# -- what runs read ----------------------------------------------------------------------------------
def rows_for(ctx: RequestContext, spec_id: str, params: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], int]:
    """(rows, file count) a source connection with these ``params`` reads, from the fixture.

    Table sources read ``params.tableName`` (or the older ``params.path``); file sources read the
    file at ``params.path`` or every readable file under that folder. Unknown paths read nothing.
    """
    data = sources.fixture(ctx, spec_id) or {}
    if data.get("tables") is not None:
        table = _table(data, str(params.get("tableName") or params.get("path") or ""))
        return (list(table["rows"]), 1) if table else ([], 0)
    path = _normalise(str(params.get("path") or "/"))
    chosen = [f for f in _files(data) if _readable(f) and (f["path"] == path or f["path"].startswith(
        ("" if path == "/" else path) + "/"))]
    rows: list[Mapping[str, Any]] = []
    for file in chosen:
        rows.extend(file["rows"])
    return rows, len(chosen)
