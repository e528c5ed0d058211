"""State documents and the state file: loading them safely, and snapshotting atomically.

* :func:`restore_document` loads a state document (``GET /_mockaep/state`` format) into the
  store (which checks it whole first: structure, every record's depth and shape), turning any
  refusal into :class:`StateDocumentError` (a ``ValueError`` whose message says what is wrong).
* :class:`StateFile` is ``mockaep serve --state-file``: the state (store and issued tokens) is
  restored from the file at start when it exists, and written to it every ``interval`` seconds
  and at shutdown. A write goes to a temporary file in the same directory, is flushed and
  fsynced, renamed over the file, and the directory is fsynced: the file always holds one
  complete snapshot. A file that cannot be read, is not a mockaep state file, or has another
  format version is refused at start (never overwritten).

Guarantee: after a crash (SIGKILL, power loss) the file holds the last completed snapshot, so
writes acknowledged after it are lost; the interval bounds that window. Taking a snapshot holds
each tenant's lock only while that tenant is copied (``Store.snapshot``); encoding and disk I/O
happen outside every lock. No Flask here.
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import threading
import time
from typing import Any, Callable, Mapping

from mockaep.core.jsonreader import dumps, loads, read_json
from mockaep.core.store import SnapshotError, Store
from mockaep.core.tokens import TokenBook

FILE_FORMAT = "mockaep-state-file"
FILE_VERSION = 1


class StateDocumentError(ValueError):
    """A state document or state file that cannot be loaded; the message says why."""


def restore_document(store: Store, document: Any, what: str = "state document") -> list[tuple[str, str]]:
    """Load ``document`` into ``store`` (each tenant named in it replaced whole). The store checks
    the document whole first (structure, every record's depth and shape) and changes nothing when
    it refuses it."""
    try:
        return store.restore(document)
    except SnapshotError as exc:
        raise StateDocumentError(f"{what} refused: {exc}") from None
    except (RecursionError, TypeError, KeyError, AttributeError, ValueError) as exc:
        # What the store's own check does not catch yet (wrongly typed records): still one line
        raise StateDocumentError(f"{what} refused: {type(exc).__name__}: {exc}") from None


def load_file(store: Store, path: str, kind: str = "seed file") -> list[tuple[str, str]]:
    """Read a state document from ``path`` and load it; refusals name the file."""
    document = read_json(path, kind, StateDocumentError)
    try:
        return restore_document(store, document)
    except StateDocumentError as exc:
        raise StateDocumentError(f"{path}: {exc}") from None


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` by ``data`` so that a crash leaves either the old or the new content.

    The file is created readable by its owner only: a state file holds credentials.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except FileNotFoundError as exc:  # never created here: a mistyped path would go unnoticed
        if os.path.isdir(directory):
            raise
        raise FileNotFoundError(exc.errno, f"directory {directory} does not exist (create it first)") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    directory_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(directory_fd)
    finally:
        os.close(directory_fd)


def _wall_ms() -> int:
    return int(time.time() * 1000)


class StateFile:
    """The state file of one emulator: restore at start, periodic and final snapshots."""

    def __init__(self, path: str, store: Store, tokens: TokenBook, interval_seconds: float = 5.0) -> None:
        self.path = path
        self._store = store
        self._tokens = tokens
        self._interval = max(0.05, float(interval_seconds))
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_digest: str | None = None
        #: Called with the state document of each completed snapshot (e.g. to drop spooled
        #: uploads no snapshot and no live record needs any more).
        self.after_snapshot: list[Callable[[Mapping[str, Any]], None]] = []
        self.last_completed_ms: int | None = None
        self.snapshots = 0
        self.last_error: str | None = None

    # -- start -------------------------------------------------------------------------------
    def read(self) -> dict[str, Any] | None:
        """The file's content checked for format and version; None when there is no file yet."""
        if not os.path.lexists(self.path):
            return None
        document = read_json(self.path, "state file", StateDocumentError)
        if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
            raise StateDocumentError(f"{self.path}: not a mockaep state file (expected \"format\": "
                                     f"\"{FILE_FORMAT}\"); refusing to overwrite it")
        if document.get("version") != FILE_VERSION:
            raise StateDocumentError(f"{self.path}: state file version {document.get('version')!r} is not "
                                     f"supported (this mockaep reads version {FILE_VERSION}); refusing to "
                                     "overwrite it")
        return document

    def restore(self) -> bool:
        """Load the file into the store and token book; False when there is no file yet."""
        document = self.read()
        if document is None:
            return False
        try:
            entries = TokenBook.check_entries(document.get("tokens", []))
            restore_document(self._store, document.get("state"), "state")
        except (StateDocumentError, ValueError) as exc:
            raise StateDocumentError(f"{self.path}: {exc}") from None
        self._tokens.load(entries)
        self._last_digest = None
        return True

    # -- snapshots ---------------------------------------------------------------------------
    def snapshot_now(self) -> None:
        """Take and write one snapshot (skipping the write when nothing changed since the last).

        The state is taken in its stored form (``Store.snapshot_json``: no record is decoded),
        each tenant under its own lock only while it is copied; the file is composed around it."""
        with self._write_lock:
            state = self._store.snapshot_json()
            tokens = dumps(self._tokens.export())
            digest = hashlib.sha256(state + b"\n" + tokens).hexdigest()
            if digest != self._last_digest:
                header = dumps({"format": FILE_FORMAT, "version": FILE_VERSION, "savedAt": _wall_ms()})
                write_atomically(self.path, header[:-1] + b',"state":' + state + b',"tokens":' + tokens + b"}")
                self._last_digest = digest
            self.last_completed_ms = _wall_ms()
            self.snapshots += 1
            self.last_error = None
            if self.after_snapshot:
                document = loads(state)
                for hook in self.after_snapshot:
                    hook(document)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._try_snapshot()

    def _try_snapshot(self) -> None:
        try:
            self.snapshot_now()
        except OSError as exc:
            # A full disk must not stop the emulator: report it (health, stderr) and retry later.
            self.last_error = f"{exc.strerror or exc}"
            print(f"mockaep: cannot write state file {self.path}: {self.last_error}", file=sys.stderr, flush=True)
        except Exception as exc:  # noqa: BLE001 — the snapshot thread must outlive any one failure
            self.last_error = f"{type(exc).__name__}: {exc}"
            print(f"mockaep: snapshot of {self.path} failed: {self.last_error}", file=sys.stderr, flush=True)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mockaep-snapshots", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the periodic snapshots and take the final one."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._try_snapshot()

    def status(self) -> dict[str, Any]:
        last = self.last_completed_ms
        return {"lastSnapshotAt": None if last is None else
                time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(last / 1000)) + f".{last % 1000:03d}Z",
                "lastSnapshotMs": last, "snapshots": self.snapshots, "lastError": self.last_error}
