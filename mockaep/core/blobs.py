"""File bytes on disk: the one blob store of an emulator (``Emulator.blobs``).

Records hold metadata and blob ids; the bytes live here, one file per blob, never in the store
(a record stays small, a state document carries no bytes). Two kinds of bytes use it: Batch
Ingestion's uploads (streamed from the request, never held in memory) and the data files that
batches land in datasets (Parquet, read back through the Data Access API). Blob ids are 32 hex
digits; any other id (a hand-written state document) names no blob.

Which records hold blobs is declared in the kind tables (``ResourceKind.blob_paths``), so the
store can tell which blobs a state document or the live state still needs
(:func:`referenced_blobs`) without knowing any service.

Lifetime of a blob:
* Without ``--state-file`` the directory is a private temporary one, removed when the emulator is
  garbage-collected or the process exits. A blob is deleted as soon as its owner lets go of it
  (file replaced, parts stitched, batch gone), and every blob of a tenant when the tenant is
  forgotten (``/_mockaep/reset``, a state document replacing it).
* With ``--state-file PATH`` the directory is ``PATH.uploads`` and survives restarts. A blob is
  deleted only after a completed snapshot that no longer references it (and no live record
  does), so the state file on disk never names a deleted blob.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import uuid
import weakref
from typing import IO, Any, Callable, Iterable, Mapping

from mockaep.core.store import Store, values_at

BLOB_ID = re.compile(r"^[0-9a-f]{32}$")
COPY_CHUNK = 1024 * 1024


class QuotaExceeded(Exception):
    """The bytes would take the tenant over its budget; nothing was kept."""


class BlobStore:
    """Blobs on disk for one emulator."""

    def __init__(self, directory: str | None = None) -> None:
        self.persistent = directory is not None
        # created on the first write: most emulators (and test apps) never store a byte
        self._directory = directory
        self._lock = threading.Lock()
        # tenant object → its blobs (non-persistent mode frees them when the tenant is forgotten)
        self._owners: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._closer: weakref.finalize | None = None

    @property
    def directory(self) -> str:
        with self._lock:
            if self._directory is None:
                self._directory = tempfile.mkdtemp(prefix="mockaep-blobs-")
                self._closer = weakref.finalize(self, shutil.rmtree, self._directory, True)
            elif self.persistent and not os.path.isdir(self._directory):
                os.makedirs(self._directory, mode=0o700, exist_ok=True)
            return self._directory

    def _path(self, blob_id: str) -> str:
        return os.path.join(self.directory, blob_id)

    # -- writing ---------------------------------------------------------------------------------
    def write(self, owner: object, stream: IO[bytes], budget: int) -> tuple[str, int]:
        """Copy ``stream`` into a new blob of ``owner`` (a tenant); :class:`QuotaExceeded` past ``budget`` bytes."""
        blob_id = uuid.uuid4().hex
        size = 0
        try:
            with open(self._path(blob_id), "wb") as out:
                while True:
                    chunk = stream.read(COPY_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > budget:
                        raise QuotaExceeded()
                    out.write(chunk)
        except BaseException:
            self._unlink(blob_id)
            raise
        self._own(owner, blob_id)
        return blob_id, size

    def put(self, owner: object, data: bytes) -> str:
        """A new blob of ``owner`` holding ``data`` (bytes the emulator made: a landed file)."""
        blob_id = uuid.uuid4().hex
        try:
            with open(self._path(blob_id), "wb") as out:
                out.write(data)
        except BaseException:
            self._unlink(blob_id)
            raise
        self._own(owner, blob_id)
        return blob_id

    def concatenate(self, owner: object, blob_ids: Iterable[str]) -> tuple[str, int]:
        """A new blob holding the given blobs one after the other (parts of a large file)."""
        blob_id = uuid.uuid4().hex
        size = 0
        try:
            with open(self._path(blob_id), "wb") as out:
                for part in blob_ids:
                    with self.open(part) as source:
                        shutil.copyfileobj(source, out, COPY_CHUNK)
                    size = out.tell()
        except BaseException:
            self._unlink(blob_id)
            raise
        self._own(owner, blob_id)
        return blob_id, size

    def _own(self, owner: object, blob_id: str) -> None:
        if self.persistent:
            return
        with self._lock:
            blobs = self._owners.get(owner)
            if blobs is None:
                blobs = self._owners[owner] = set()
                weakref.finalize(owner, self._discard_all, blobs)
            blobs.add(blob_id)

    # -- reading ---------------------------------------------------------------------------------
    def open(self, blob_id: str) -> IO[bytes]:
        """The blob for reading; ``FileNotFoundError`` when there is no such blob."""
        if not isinstance(blob_id, str) or not BLOB_ID.match(blob_id):
            raise FileNotFoundError(blob_id)
        return open(self._path(blob_id), "rb")

    def read(self, blob_id: str, offset: int = 0, length: int | None = None) -> bytes:
        """The blob's bytes (``offset``/``length``: a range of them)."""
        with self.open(blob_id) as source:
            if offset:
                source.seek(offset)
            return source.read() if length is None else source.read(length)

    # -- letting go ------------------------------------------------------------------------------
    def discard(self, owner: object, blob_ids: Iterable[str]) -> None:
        """Blobs no record needs any more (deleted at once, or after the next snapshot)."""
        if self.persistent:
            return
        with self._lock:
            owned = self._owners.get(owner, set())
            doomed = [b for b in blob_ids if b in owned]
            owned.difference_update(doomed)
        for blob_id in doomed:
            self._unlink(blob_id)

    def owned_by(self, owner: object) -> set[str]:
        with self._lock:
            return set(self._owners.get(owner, ()))

    def _discard_all(self, blobs: set[str]) -> None:
        for blob_id in list(blobs):
            self._unlink(blob_id)

    def collect(self, referenced: Callable[[], set[str]]) -> None:
        """Persistent mode: delete blobs that ``referenced()`` does not name.

        The directory is listed before ``referenced`` is asked, so a blob written meanwhile is
        either named by its record by then or not listed.
        """
        if self._directory is None or not os.path.isdir(self._directory):
            return
        listed = [name for name in os.listdir(self._directory) if BLOB_ID.match(name)]
        keep = referenced()
        for blob_id in listed:
            if blob_id not in keep:
                self._unlink(blob_id)

    def _unlink(self, blob_id: str) -> None:
        if self._directory is None:
            return
        try:
            os.unlink(os.path.join(self._directory, blob_id))
        except FileNotFoundError:
            pass

    def close(self) -> None:
        if self._closer is not None:
            self._closer()


def blobs_in(record: Mapping[str, Any], paths: Iterable[str]) -> list[str]:
    """The blob ids a record names at its kind's ``blob_paths``."""
    return [value for path in paths for value in values_at(record, path) if isinstance(value, str)]


def referenced_blobs(state: Mapping[str, Any], store: Store) -> set[str]:
    """Blobs named by a state document or by the live store (what a persistent store must keep)."""
    holders = {name: kind.blob_paths for name, kind in store.kinds.items() if kind.blob_paths}
    found: set[str] = set()
    for tenant in state.get("tenants", []):
        collections = tenant.get("collections") or {}
        for name, paths in holders.items():
            for record in (collections.get(name) or {}).values():
                found.update(blobs_in(record, paths))
    for org, sandbox in store.tenants():
        tenant = store.find(org, sandbox)
        if tenant is None:
            continue
        with tenant.lock:
            for name, paths in holders.items():
                for _rid, record in tenant.collection(name).scan():
                    found.update(blobs_in(record, paths))
    return found
