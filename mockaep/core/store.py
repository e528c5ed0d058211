"""In-memory state, partitioned by (IMS org, sandbox), behind one narrow interface.

``Store`` → one ``Tenant`` per (org, sandbox), created on first use → one ``Collection`` per
resource kind (``flows``, ``schemas``, ``dataSets``…). A collection keeps records in insertion
order (a stable default order for listings) and maintains secondary indexes on the paths the
services declared, so equality filters and reference checks do not scan the whole collection.

Concurrency: each tenant has a re-entrant lock. The gateway holds it for the whole of a request
that touches the tenant, so a request sees and leaves a consistent tenant; different tenants run
in parallel. Records are deep-copied on the way in and out, so nothing outside the store can
mutate stored state; ``scan``/``peek`` give read-only access for filters that must not copy.

The interface (``tenant``, ``get``, ``put``, ``delete``, ``lookup``, ``scan``, ``snapshot``,
``restore``, ``reset``) is all the services use, so a persistent or shared backend can replace
this one without touching them.
"""
from __future__ import annotations

import copy
import threading
from collections import defaultdict
from typing import Any, Iterable, Iterator, Mapping

DEFAULT_SANDBOX = "prod"
SNAPSHOT_FORMAT = "mockaep-state"
SNAPSHOT_VERSION = 1


def index_key(value: Any) -> str | None:
    """Canonical string under which a scalar is indexed (``True`` → ``"true"``, ``15.0`` → ``"15"``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


def values_at(record: Any, path: str) -> list[Any]:
    """Values found at a dotted path; ``a[]`` (or a list met on the way) fans out over items."""
    current = [record]
    for part in path.split("."):
        fan_out = part.endswith("[]")
        name = part[:-2] if fan_out else part
        found: list[Any] = []
        for node in current:
            if isinstance(node, list):
                node_items = node
            else:
                node_items = [node]
            for item in node_items:
                if isinstance(item, dict) and name in item:
                    found.append(item[name])
        if fan_out or any(isinstance(v, list) for v in found):
            flat: list[Any] = []
            for v in found:
                flat.extend(v if isinstance(v, list) else [v])
            found = flat
        current = found
    return current


class Collection:
    """One resource kind in one tenant: id → record, insertion-ordered, with secondary indexes."""

    def __init__(self, kind: str, indexed_paths: Iterable[str] = ()) -> None:
        self.kind = kind
        self._records: dict[str, dict[str, Any]] = {}
        # Insertion sequence of each id, so a set of ids (index hits) can be put in insertion
        # order at the cost of the set, not of the collection.
        self._position: dict[str, int] = {}
        self._next_position = 0
        self._indexed_paths = tuple(indexed_paths)
        self._indexes: dict[str, dict[str, set[str]]] = {p: defaultdict(set) for p in self._indexed_paths}

    # -- reads -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._records

    def get(self, record_id: str) -> dict[str, Any] | None:
        """A private copy of the record, or ``None``."""
        record = self._records.get(record_id)
        return copy.deepcopy(record) if record is not None else None

    def peek(self, record_id: str) -> Mapping[str, Any] | None:
        """The stored record itself, for read-only use inside a request (no copy)."""
        return self._records.get(record_id)

    def ids(self) -> list[str]:
        return list(self._records)

    def in_order(self, record_ids: Iterable[str], after: str | None = None) -> list[str]:
        """Those of ``record_ids`` that exist, in insertion order; with ``after`` (an existing id),
        only those inserted after it. Costs the given ids, not the collection."""
        position = self._position
        floor = position.get(after, -1) if after is not None else -1
        return sorted((i for i in record_ids if position.get(i, -1) > floor), key=position.__getitem__)

    def scan(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(id, record) pairs in insertion order, read-only, no copies."""
        return iter(self._records.items())

    def indexed(self, path: str) -> bool:
        return path in self._indexes

    def lookup(self, path: str, value: Any) -> set[str]:
        """Ids whose value at ``path`` equals ``value`` (by :func:`index_key`), from the index."""
        if path not in self._indexes:
            raise KeyError(f"{self.kind} has no index on {path!r}")
        key = index_key(value)
        return set(self._indexes[path].get(key, ())) if key is not None else set()

    def first(self, path: str, value: Any) -> dict[str, Any] | None:
        """A copy of one record whose indexed ``path`` equals ``value`` (oldest first), or ``None``."""
        ids = self.lookup(path, value)
        if not ids:
            return None
        for record_id in self._records:
            if record_id in ids:
                return self.get(record_id)
        return None

    # -- writes ------------------------------------------------------------------------------
    def put(self, record_id: str, record: Mapping[str, Any]) -> dict[str, Any]:
        """Insert or replace; keeps the insertion position of an existing record."""
        stored = copy.deepcopy(dict(record))
        old = self._records.get(record_id)
        if old is not None:
            self._unindex(record_id, old)
        else:
            self._position[record_id] = self._next_position
            self._next_position += 1
        self._records[record_id] = stored
        self._index(record_id, stored)
        return copy.deepcopy(stored)

    def delete(self, record_id: str) -> bool:
        old = self._records.pop(record_id, None)
        if old is None:
            return False
        del self._position[record_id]
        self._unindex(record_id, old)
        return True

    def clear(self) -> None:
        self._records.clear()
        self._position.clear()
        for index in self._indexes.values():
            index.clear()

    def _index(self, record_id: str, record: Mapping[str, Any]) -> None:
        for path, index in self._indexes.items():
            for value in values_at(record, path):
                key = index_key(value)
                if key is not None:
                    index[key].add(record_id)

    def _unindex(self, record_id: str, record: Mapping[str, Any]) -> None:
        for path, index in self._indexes.items():
            for value in values_at(record, path):
                key = index_key(value)
                if key is not None and key in index:
                    index[key].discard(record_id)
                    if not index[key]:
                        del index[key]


class Tenant:
    """Everything one (IMS org, sandbox) pair owns."""

    def __init__(self, org: str, sandbox: str, indexes: Mapping[str, Iterable[str]]) -> None:
        self.org = org
        self.sandbox = sandbox
        self.lock = threading.RLock()
        self._indexes = indexes
        self._collections: dict[str, Collection] = {}
        #: Small per-tenant counters and settings (not records): e.g. id sequences.
        self.meta: dict[str, Any] = {}

    def collection(self, kind: str) -> Collection:
        found = self._collections.get(kind)
        if found is None:
            found = self._collections[kind] = Collection(kind, self._indexes.get(kind, ()))
        return found

    def kinds(self) -> list[str]:
        return [k for k, c in self._collections.items() if len(c)]

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "collections": {kind: {rid: copy.deepcopy(rec) for rid, rec in coll.scan()}
                                for kind, coll in sorted(self._collections.items()) if len(coll)},
                "meta": copy.deepcopy(self.meta),
            }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace the whole tenant content (already validated by the caller)."""
        with self.lock:
            for coll in self._collections.values():
                coll.clear()
            for kind, records in data.get("collections", {}).items():
                coll = self.collection(kind)
                for rid, rec in records.items():
                    coll.put(rid, rec)
            self.meta = copy.deepcopy(dict(data.get("meta", {})))


class Store:
    """All tenants. Services declare their secondary indexes when the store is built."""

    def __init__(self, indexes: Mapping[str, Iterable[str]] | None = None) -> None:
        self._indexes = {k: tuple(v) for k, v in (indexes or {}).items()}
        self._tenants: dict[tuple[str, str], Tenant] = {}
        self._lock = threading.Lock()

    def tenant(self, org: str, sandbox: str = DEFAULT_SANDBOX) -> Tenant:
        key = (org, sandbox)
        found = self._tenants.get(key)
        if found is None:
            with self._lock:
                found = self._tenants.get(key)
                if found is None:
                    found = self._tenants[key] = Tenant(org, sandbox, self._indexes)
        return found

    def tenants(self) -> list[tuple[str, str]]:
        return sorted(self._tenants)

    def reset(self, org: str | None = None, sandbox: str | None = None) -> int:
        """Forget tenants matching org/sandbox (all when both are None); returns how many."""
        with self._lock:
            doomed = [k for k in self._tenants
                      if (org is None or k[0] == org) and (sandbox is None or k[1] == sandbox)]
            for key in doomed:
                del self._tenants[key]
        return len(doomed)

    def snapshot(self, org: str | None = None, sandbox: str | None = None) -> dict[str, Any]:
        """Export tenants (filtered by org/sandbox) as one JSON-ready document."""
        tenants = []
        for key in self.tenants():
            if (org is None or key[0] == org) and (sandbox is None or key[1] == sandbox):
                tenant = self._tenants[key]
                snap = tenant.snapshot()
                if snap["collections"] or snap["meta"]:
                    tenants.append({"imsOrg": key[0], "sandbox": key[1], **snap})
        return {"format": SNAPSHOT_FORMAT, "version": SNAPSHOT_VERSION, "tenants": tenants}

    def restore(self, document: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Load a snapshot document; each tenant named in it is replaced whole."""
        check_snapshot(document)
        loaded = []
        for entry in document["tenants"]:
            tenant = self.tenant(entry["imsOrg"], entry["sandbox"])
            tenant.restore(entry)
            loaded.append((entry["imsOrg"], entry["sandbox"]))
        return loaded


class SnapshotError(ValueError):
    """A state document that cannot be loaded; the message says what is wrong."""


def check_snapshot(document: Any) -> None:
    """Refuse a malformed state document before anything is loaded from it."""
    if not isinstance(document, dict):
        raise SnapshotError("state document must be a JSON object")
    if document.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f"'format' must be {SNAPSHOT_FORMAT!r}, got {document.get('format')!r}")
    if document.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError(f"unsupported state version {document.get('version')!r} "
                            f"(this mockaep reads version {SNAPSHOT_VERSION})")
    tenants = document.get("tenants")
    if not isinstance(tenants, list):
        raise SnapshotError("'tenants' must be a list")
    seen: dict[tuple[str, str], int] = {}
    for position, entry in enumerate(tenants):
        where = f"tenants[{position}]"
        if not isinstance(entry, dict):
            raise SnapshotError(f"{where} must be an object")
        for key in ("imsOrg", "sandbox"):
            if not isinstance(entry.get(key), str) or not entry.get(key):
                raise SnapshotError(f"{where}.{key} must be a non-empty string")
        # a second entry for the same tenant would silently replace the first one
        pair = (entry["imsOrg"], entry["sandbox"])
        if pair in seen:
            raise SnapshotError(f"{where} repeats org {pair[0]!r} sandbox {pair[1]!r} of tenants[{seen[pair]}]")
        seen[pair] = position
        collections = entry.get("collections", {})
        if not isinstance(collections, dict):
            raise SnapshotError(f"{where}.collections must be an object")
        for kind, records in collections.items():
            if not isinstance(records, dict):
                raise SnapshotError(f"{where}.collections.{kind} must be an object keyed by id")
            for rid, rec in records.items():
                if not isinstance(rec, dict):
                    raise SnapshotError(f"{where}.collections.{kind}.{rid} must be an object")
        if not isinstance(entry.get("meta", {}), dict):
            raise SnapshotError(f"{where}.meta must be an object")
