"""The cassette: recorded HTTP exchanges as one JSON document in vcrpy's layout.

Layout (vcrpy's cassette format version 1, JSON flavour, keys sorted, two-space indent)::

    {
      "interactions": [
        {
          "mockaep": {"recordedAt": "...", ...},        # per exchange, optional, ignored by vcrpy
          "request": {"body": "..." | null, "headers": {"Name": ["value"]}, "method": "GET",
                      "uri": "https://platform.adobe.io/data/foundation/flowservice/flows"},
          "response": {"body": {"string": "..."}, "headers": {"Name": ["value"]},
                       "status": {"code": 200, "message": "OK"}}
        }
      ],
      "mockaep": {"format": "mockaep-cassette", "formatVersion": 1, "recordedAt": "...",
                  "upstream": "https://platform.adobe.io", ...},
      "version": 1
    }

vcrpy reads ``interactions[].request``/``response`` and ``version`` and ignores the other keys,
so a cassette written here loads with vcrpy's JSON serializer (and pytest-recording's
``--record-mode=none``). Bodies that are not UTF-8 text are stored base64-encoded, flagged by
``requestBodyEncoding``/``responseBodyEncoding`` in the exchange's ``mockaep`` object (vcrpy
then sees the base64 text; the JSON serializer of vcrpy cannot hold raw bytes either way).

The writer keeps the file a complete, valid document after every exchange (it rewrites only the
tail after the last exchange), so a recorder killed hard loses at most the exchange in flight.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import pathlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable
from mockaep.core.version import __version__
from mockaep.core.jsonreader import parse_text, read_text

#: vcrpy's cassette format version (vcr.serialize.CASSETTE_FORMAT_VERSION).
VCR_VERSION = 1
FORMAT = "mockaep-cassette"
FORMAT_VERSION = 1


class CassetteError(ValueError):
    """A cassette that cannot be used; the message names the file and the problem."""


def utc_now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class Interaction:
    """One recorded exchange, with bodies as bytes and headers as name → list of values."""

    method: str
    uri: str
    request_headers: dict[str, list[str]] = field(default_factory=dict)
    request_body: bytes = b""
    status: int = 200
    reason: str = "OK"
    response_headers: dict[str, list[str]] = field(default_factory=dict)
    response_body: bytes = b""
    #: Per-exchange mockaep data (recordedAt, source, pathTemplate, ignore…).
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        meta = dict(self.meta)
        request_body, request_encoding = _encode_body(self.request_body)
        response_body, response_encoding = _encode_body(self.response_body)
        if request_encoding:
            meta["requestBodyEncoding"] = request_encoding
        if response_encoding:
            meta["responseBodyEncoding"] = response_encoding
        document: dict[str, Any] = {
            "request": {"method": self.method, "uri": self.uri, "body": request_body if self.request_body else None,
                        "headers": {k: list(v) for k, v in self.request_headers.items()}},
            "response": {"status": {"code": self.status, "message": self.reason},
                         "headers": {k: list(v) for k, v in self.response_headers.items()},
                         "body": {"string": response_body}},
        }
        if meta:
            document["mockaep"] = meta
        return document

    def header(self, name: str, response: bool = False) -> str | None:
        """First value of a header, case-insensitively."""
        headers = self.response_headers if response else self.request_headers
        for key, values in headers.items():
            if key.lower() == name.lower() and values:
                return values[0]
        return None


def _encode_body(body: bytes) -> tuple[str, str | None]:
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


@dataclass
class Cassette:
    path: str
    interactions: list[Interaction]
    meta: dict[str, Any]


# -- reading -------------------------------------------------------------------------------------
def load_cassette(path: str | os.PathLike[str]) -> Cassette:
    """Read and check a whole cassette; :class:`CassetteError` names the file and the problem.

    The format is told by the content, never by the file name: mockaep writes JSON whatever
    ``--out`` is called (``tape.yaml`` included), and JSON is read by the JSON reader, which
    reads it exactly (PyYAML's YAML 1.1 refuses or alters some valid JSON strings, such as a
    raw U+007F or U+0085). Anything else is taken for vcrpy's default format, YAML.
    """
    name = str(path)
    text = read_text(path, "cassette", CassetteError)
    if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        document = parse_text(text, name, "cassette", CassetteError)
    else:
        document = _load_yaml(text, name)
    try:
        return parse_cassette(document, name)
    except CassetteError as exc:
        raise CassetteError(f"{name}: {exc}") from None


def _load_yaml(text: str, name: str) -> Any:
    """vcrpy's YAML cassettes (read-only: mockaep writes JSON). PyYAML is optional: vcrpy, which
    writes them, depends on it, and ``pip install 'mockaep[yaml]'`` brings it."""
    try:
        import yaml
    except ImportError:
        raise CassetteError(f"{name}: not a JSON cassette; reading it as a YAML cassette (vcrpy's format) "
                            "needs PyYAML (pip install 'mockaep[yaml]')") from None
    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise CassetteError(f"{name}: cassette nests too deeply to be read") from None
    except yaml.YAMLError as exc:
        raise CassetteError(f"{name}: cassette is neither JSON nor valid YAML ({_yaml_problem(exc)})") from None


def _yaml_problem(exc: Any) -> str:
    """PyYAML's several-line error in one line: ``line L, column C: problem``."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return where + " ".join(str(problem).split())


def parse_cassette(document: Any, name: str = "<cassette>") -> Cassette:
    """Check a parsed cassette document whole, then build it (nothing half-built is returned)."""
    if not isinstance(document, dict):
        raise CassetteError(f"a cassette must be a JSON object, got {type(document).__name__}")
    if "interactions" not in document and "version" not in document:
        raise CassetteError("not a cassette: no 'interactions' and no 'version' key")
    if document.get("version") != VCR_VERSION:
        raise CassetteError(f"unsupported cassette version {document.get('version')!r} "
                            f"(mockaep reads vcrpy cassette version {VCR_VERSION})")
    meta = document.get("mockaep", {})
    if not isinstance(meta, dict):
        raise CassetteError("'mockaep' must be an object")
    if meta and (meta.get("format") != FORMAT or meta.get("formatVersion") != FORMAT_VERSION):
        raise CassetteError(f"unsupported mockaep cassette format {meta.get('format')!r} version "
                            f"{meta.get('formatVersion')!r} (this mockaep reads {FORMAT!r} version {FORMAT_VERSION})")
    raw = document.get("interactions")
    if not isinstance(raw, list):
        raise CassetteError("'interactions' must be a list")
    interactions = [_parse_interaction(entry, f"interactions[{i}]") for i, entry in enumerate(raw)]
    return Cassette(name, interactions, dict(meta))


def _parse_interaction(entry: Any, where: str) -> Interaction:
    if not isinstance(entry, dict):
        raise CassetteError(f"{where} must be an object")
    request, response = entry.get("request"), entry.get("response")
    if not isinstance(request, dict):
        raise CassetteError(f"{where}.request must be an object")
    if not isinstance(response, dict):
        raise CassetteError(f"{where}.response must be an object")
    meta = entry.get("mockaep", {})
    if not isinstance(meta, dict):
        raise CassetteError(f"{where}.mockaep must be an object")
    method = request.get("method")
    if not isinstance(method, str) or not method.isalpha():
        raise CassetteError(f"{where}.request.method must be an HTTP method, got {method!r}")
    uri = request.get("uri")
    if not isinstance(uri, str) or not uri:
        raise CassetteError(f"{where}.request.uri must be a non-empty string")
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
        raise CassetteError(f"{where}.response.status.code must be an HTTP status (100-599), got {code!r}")
    reason = status.get("message", "") if isinstance(status, dict) else ""
    if not isinstance(reason, str):
        raise CassetteError(f"{where}.response.status.message must be a string")
    body = response.get("body", {"string": ""})
    if isinstance(body, dict):
        body = body.get("string", "")
    return Interaction(
        method=method.upper(),
        uri=uri,
        request_headers=_parse_headers(request.get("headers", {}), f"{where}.request.headers"),
        request_body=_decode_body(request.get("body"), meta.get("requestBodyEncoding"), f"{where}.request.body"),
        status=code,
        reason=reason,
        response_headers=_parse_headers(response.get("headers", {}), f"{where}.response.headers"),
        response_body=_decode_body(body, meta.get("responseBodyEncoding"), f"{where}.response.body"),
        meta={k: v for k, v in meta.items() if k not in ("requestBodyEncoding", "responseBodyEncoding")},
    )


def _parse_headers(headers: Any, where: str) -> dict[str, list[str]]:
    if headers is None:
        return {}
    if not isinstance(headers, dict):
        raise CassetteError(f"{where} must be an object of name → list of values")
    parsed: dict[str, list[str]] = {}
    for key, values in headers.items():
        if isinstance(values, str):  # vcrpy accepts a bare string too
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CassetteError(f"{where}.{key} must be a list of strings")
        parsed[key] = list(values)
    return parsed


def _decode_body(body: Any, encoding: Any, where: str) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):  # YAML !!binary, as vcrpy writes non-text bodies
        return body
    if not isinstance(body, str):
        raise CassetteError(f"{where} must be a string or null")
    if encoding is None:
        return body.encode("utf-8")
    if encoding != "base64":
        raise CassetteError(f"{where}: unknown body encoding {encoding!r} (only 'base64')")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise CassetteError(f"{where} is flagged base64 but is not valid base64") from None


# -- writing -------------------------------------------------------------------------------------
def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def render_cassette(interactions: Iterable[Interaction], meta: dict[str, Any]) -> str:
    """The whole cassette text, exactly as :class:`CassetteWriter` leaves it on disk."""
    return _dump({"interactions": [i.to_dict() for i in interactions], "mockaep": meta,
                  "version": VCR_VERSION}) + "\n"


def cassette_meta(**extra: Any) -> dict[str, Any]:
    return {"format": FORMAT, "formatVersion": FORMAT_VERSION, "recordedAt": utc_now_iso(),
            "recorder": f"mockaep {__version__}", **extra}


def write_cassette(path: str | os.PathLike[str], interactions: Iterable[Interaction], meta: dict[str, Any]) -> None:
    """Write a whole cassette atomically (temporary file, then rename)."""
    target = pathlib.Path(path)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(render_cassette(interactions, meta), encoding="utf-8")
    os.replace(temporary, target)


class CassetteWriter:
    """Appends exchanges to a cassette file, leaving a complete document on disk after each one.

    The text is byte-identical to :func:`render_cassette` of the same exchanges: the writer
    keeps the file position where the exchange list ends and rewrites only what follows it.
    Thread-safe (the recording proxy serves requests on several threads).
    """

    def __init__(self, path: str | os.PathLike[str], meta: dict[str, Any], overwrite: bool = False) -> None:
        self.path = str(path)
        self.meta = dict(meta)
        self.count = 0
        self._lock = threading.Lock()
        mode = "w" if overwrite else "x"
        try:
            self._file = open(self.path, mode + "b")
        except FileExistsError:
            raise CassetteError(f"{self.path}: cassette already exists (pass --overwrite to replace it)") from None
        except OSError as exc:
            raise CassetteError(f"{self.path}: cannot create cassette: {exc.strerror or exc}") from None
        self._file.write(b'{\n  "interactions": [')
        self._file.flush()
        self._end_of_list = self._file.tell()
        self._write_tail()

    def _write_tail(self) -> None:
        close_list = "\n  ]" if self.count else "]"
        meta = _indent(_dump(self.meta), 2).lstrip()
        self._file.seek(self._end_of_list)
        self._file.write(f'{close_list},\n  "mockaep": {meta},\n  "version": {VCR_VERSION}\n}}\n'.encode("utf-8"))
        self._file.truncate()
        self._file.flush()
        os.fsync(self._file.fileno())

    def append(self, interaction: Interaction) -> None:
        text = _indent(_dump(interaction.to_dict()), 4)
        with self._lock:
            if self._file.closed:
                raise CassetteError(f"{self.path}: cassette already closed")
            self._file.seek(self._end_of_list)
            self._file.write((("," if self.count else "") + "\n" + text).encode("utf-8"))
            self._end_of_list = self._file.tell()
            self.count += 1
            self._write_tail()

    def close(self, **final_meta: Any) -> None:
        with self._lock:
            if self._file.closed:
                return
            self.meta.update(final_meta)
            self._write_tail()
            self._file.close()

    def __enter__(self) -> "CassetteWriter":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
