"""In-memory state, partitioned by (IMS org, sandbox), behind one narrow interface.

``Store`` → one ``Tenant`` per (org, sandbox) → one ``Collection`` per resource kind
(``flows``, ``schemas``, ``dataSets``… as declared in the services' kind tables).

Stored form: each record is kept as its compact JSON text (``bytes``), written once on ``put``.
Nothing outside the store can change a stored record, a read decodes a fresh object the caller
owns, an answer that is the record itself can be sent as stored (:meth:`Collection.raw`), and a
record costs about its JSON size in memory (a dict tree costs four to five times that) and
nothing to the garbage collector (bytes are not tracked).

Order and paging: every record gets a sequence number when first inserted; a collection keeps
the live numbers in one sorted list, and each secondary index keeps, per value, the sorted
numbers of the records holding it. A list call therefore finds its first item by bisection and
reads only the page (plus one, for the next link): its cost is the page, not the collection or
the number of index hits. Lookups by id use the primary map (no index duplicates it).

Tenants: created by writes only. ``find`` answers ``None`` for an unknown pair (a read on an
unknown org or sandbox sees an empty tenant that is never stored), ``tenant`` creates one.

Concurrency: each tenant has a re-entrant lock. The gateway holds it for the whole of a request
that touches the tenant, so a request sees and leaves a consistent tenant; tenants run in
parallel. ``snapshot`` reads each tenant under its lock (emptiness included), so it sees every
tenant as a request left it; ``restore`` and ``reset`` swap tenants under the store's lock (a write
waiting for a swapped-out tenant takes the current one: :class:`TenantHold`). A state document is
checked whole (structure, depth, every record against its kind) before anything is swapped in.
"""
from __future__ import annotations

import bisect
import gc
import threading
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from mockaep.core.errors import shown
from mockaep.core.jsonreader import MAX_JSON_DEPTH, deeper_than, dumps, loads
from mockaep.core.kinds import ResourceKind

DEFAULT_SANDBOX = "prod"
SNAPSHOT_FORMAT = "mockaep-state"
SNAPSHOT_VERSION = 1


def encode(record: Any) -> bytes:
    """The stored form of a record: compact JSON, key order kept (the platform's field order).

    Copied once to a bytes object of its exact size: the writer's own buffer is allocated with
    room to grow (tens of kilobytes whatever the text), too much to keep per stored record."""
    return memoryview(dumps(record)).tobytes()


def decode(data: bytes) -> Any:
    return loads(data)


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
            for item in node if isinstance(node, list) else (node,):
                if isinstance(item, dict) and name in item:
                    found.append(item[name])
        if fan_out or any(isinstance(v, list) for v in found):
            flat: list[Any] = []
            for v in found:
                flat.extend(v if isinstance(v, list) else [v])
            found = flat
        current = found
    return current


def compile_path(path: str) -> tuple[tuple[str, bool], ...]:
    """A dotted path as (name, fans out) steps: ``a.b[]`` → ``(("a", False), ("b", True))``."""
    return tuple((part[:-2], True) if part.endswith("[]") else (part, False) for part in path.split("."))


def _index_keys(record: Mapping[str, Any], steps: tuple[tuple[str, bool], ...]) -> set[str]:
    """Index keys of the values at a compiled path (what :func:`values_at` finds, keyed)."""
    if len(steps) == 1:  # the common case: one top-level field (a list of values fans out)
        value = record.get(steps[0][0])
        if isinstance(value, list):
            return {k for k in map(index_key, value) if k is not None}
        key = index_key(value)
        return {key} if key is not None else set()
    current: list[Any] = [record]
    for name, fan_out in steps:
        found: list[Any] = []
        for node in current:
            if isinstance(node, dict):
                if name in node:
                    found.append(node[name])
            elif isinstance(node, list):
                found.extend(item[name] for item in node if isinstance(item, dict) and name in item)
        if fan_out or any(isinstance(v, list) for v in found):
            flat: list[Any] = []
            for value in found:
                if isinstance(value, list):
                    flat.extend(value)
                else:
                    flat.append(value)
            found = flat
        current = found
    keys = set()
    for value in current:
        key = index_key(value)
        if key is not None:
            keys.add(key)
    return keys


class Collection:
    """One resource kind in one tenant: id → stored record, in insertion order, with indexes."""

    def __init__(self, kind: str, indexed_paths: Iterable[str] = ()) -> None:
        self.kind = kind
        self._data: dict[str, bytes] = {}
        self._seq_of: dict[str, int] = {}
        self._id_at: dict[int, str] = {}
        self._order: list[int] = []  # live sequence numbers, ascending
        self._next_seq = 0
        self._indexes: dict[str, dict[str, list[int]]] = {p: {} for p in indexed_paths}
        self._steps = {p: compile_path(p) for p in self._indexes}

    # -- reads -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._data

    def get(self, record_id: str) -> dict[str, Any] | None:
        """The record (a fresh object the caller owns), or ``None``."""
        data = self._data.get(record_id)
        return decode(data) if data is not None else None

    def raw(self, record_id: str) -> bytes | None:
        """The record's stored JSON text, for answers that are the record as stored."""
        return self._data.get(record_id)

    def position(self, record_id: str) -> int | None:
        """The record's sequence number (its place in insertion order), or ``None``."""
        return self._seq_of.get(record_id)

    def indexed(self, path: str) -> bool:
        return path in self._indexes

    def hits(self, path: str, value: Any) -> Sequence[int]:
        """Sequence numbers (ascending) of the records whose indexed ``path`` equals ``value``.
        Read-only: the index's own list (no copy), valid until the next write."""
        index = self._indexes.get(path)
        if index is None:
            raise KeyError(f"{self.kind} has no index on {path!r}")
        key = index_key(value)
        return index.get(key, ()) if key is not None else ()

    def count(self, path: str | None = None, value: Any = None) -> int:
        """How many records there are (with ``path``: whose indexed ``path`` equals ``value``)."""
        return len(self._data) if path is None else len(self.hits(path, value))

    def id_at(self, seq: int) -> str:
        return self._id_at[seq]

    def first_id(self, path: str, value: Any) -> str | None:
        """The oldest record whose indexed ``path`` equals ``value``, by id."""
        found = self.hits(path, value)
        return self._id_at[found[0]] if found else None

    def id_or_first(self, key: str, path: str) -> str | None:
        """``key`` when a record is stored under that id, else :meth:`first_id` of ``path``
        (one lookup each: what resolving a reference by id or alternative id asks)."""
        if key in self._data:
            return key
        index = self._indexes.get(path)
        if index is None:
            raise KeyError(f"{self.kind} has no index on {path!r}")
        found = index.get(key if type(key) is str else index_key(key))
        return self._id_at[found[0]] if found else None

    def first(self, path: str, value: Any) -> dict[str, Any] | None:
        record_id = self.first_id(path, value)
        return self.get(record_id) if record_id is not None else None

    def ids(self, *, after: int | None = None, reverse: bool = False,
            among: Sequence[int] | None = None) -> Iterator[str]:
        """Ids in insertion order (``reverse``: newest first), lazily.

        ``among``: only those sequence numbers (index hits, ascending); ``after``: only records
        after that sequence number in the chosen direction. Costs what is read, not the
        collection: the start is found by bisection.
        """
        seqs = self._order if among is None else among
        id_at = self._id_at
        if reverse:
            stop = len(seqs) if after is None else bisect.bisect_left(seqs, after)
            for position in range(stop - 1, -1, -1):
                if position < len(seqs):
                    found = id_at.get(seqs[position])
                    if found is not None:
                        yield found
        else:
            position = 0 if after is None else bisect.bisect_right(seqs, after)
            while position < len(seqs):
                found = id_at.get(seqs[position])
                if found is not None:
                    yield found
                position += 1

    def scan(self, **kwargs: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, record) pairs in insertion order, decoded one at a time (see :meth:`ids`)."""
        for record_id in self.ids(**kwargs):
            data = self._data.get(record_id)
            if data is not None:
                yield record_id, decode(data)

    def at_offset(self, offset: int, among: Sequence[int] | None = None, reverse: bool = False) -> int | None:
        """The cursor (a sequence number) that starts a list ``offset`` records in, in insertion
        order or (``reverse``) newest first, of ``among`` when given: ``ids(after=cursor,
        reverse=reverse, among=among)`` then yields what a slice ``[offset:]`` would, without
        reading what comes before it. ``None`` when nothing is skipped."""
        seqs = self._order if among is None else among
        if offset <= 0 or not seqs:
            return None
        if offset >= len(seqs):  # past the end: a cursor after the last record in that direction
            return seqs[0] - 1 if reverse else seqs[-1]
        return seqs[len(seqs) - offset] if reverse else seqs[offset - 1]

    # -- writes ------------------------------------------------------------------------------
    def put(self, record_id: str, record: Mapping[str, Any], encoded: bytes | None = None) -> Mapping[str, Any]:
        """Insert or replace (keeping the insertion place of an existing record); returns
        ``record`` itself — the store keeps its own encoded copy (``encoded``, when the caller
        already has the record's stored form)."""
        data = encoded if encoded is not None else encode(record)
        old = self._data.get(record_id)
        if old is None:
            seq = self._next_seq
            self._next_seq += 1
            self._seq_of[record_id] = seq
            self._id_at[seq] = record_id
            self._order.append(seq)
            old_record = None
        else:
            seq = self._seq_of[record_id]
            old_record = decode(old) if self._indexes else None
        self._data[record_id] = data
        steps_of = self._steps
        if old_record is None:  # a new record: its keys join the indexes (at their end)
            for path, index in self._indexes.items():
                for key in _index_keys(record, steps_of[path]):
                    _insert(index, key, seq)
            return record
        for path, index in self._indexes.items():
            steps = steps_of[path]
            new_keys = _index_keys(record, steps)
            old_keys = _index_keys(old_record, steps)
            for key in old_keys - new_keys:
                _remove(index, key, seq)
            for key in new_keys - old_keys:
                _insert(index, key, seq)
        return record

    def delete(self, record_id: str) -> bool:
        old = self._data.pop(record_id, None)
        if old is None:
            return False
        seq = self._seq_of.pop(record_id)
        del self._id_at[seq]
        position = bisect.bisect_left(self._order, seq)
        del self._order[position]
        if self._indexes:
            old_record = decode(old)
            for path, index in self._indexes.items():
                for key in _index_keys(old_record, self._steps[path]):
                    _remove(index, key, seq)
        return True

    def clear(self) -> None:
        self._data.clear()
        self._seq_of.clear()
        self._id_at.clear()
        self._order.clear()
        for index in self._indexes.values():
            index.clear()

    # -- state documents ---------------------------------------------------------------------
    def dump(self) -> bytes:
        """The collection as one JSON object keyed by id, built from the stored form."""
        parts = [dumps(rid) + b":" + self._data[rid] for rid in self.ids()]
        return b"{" + b",".join(parts) + b"}"


def _insert(index: dict[str, list[int]], key: str, seq: int) -> None:
    seqs = index.get(key)
    if seqs is None:
        index[key] = [seq]
    elif seqs[-1] < seq:
        seqs.append(seq)
    else:
        bisect.insort(seqs, seq)


def _remove(index: dict[str, list[int]], key: str, seq: int) -> None:
    seqs = index.get(key)
    if not seqs:
        return
    position = bisect.bisect_left(seqs, seq)
    if position < len(seqs) and seqs[position] == seq:
        del seqs[position]
        if not seqs:
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
        #: Data derived from this tenant's records (compiled validators, resolved schemas), keyed
        #: by what they derive from (e.g. a spec's id and etag). Never part of a snapshot.
        self.derived: dict[Any, Any] = {}

    def collection(self, kind: str) -> Collection:
        found = self._collections.get(kind)
        if found is None:
            if kind not in self._indexes:
                raise KeyError(f"no resource kind {kind!r} is declared (services' KINDS tables)")
            found = self._collections[kind] = Collection(kind, self._indexes[kind])
        return found

    def kinds(self) -> list[str]:
        return [k for k, c in self._collections.items() if len(c)]

    def is_empty(self) -> bool:
        return not self.kinds() and not self.meta

    def dump(self) -> bytes | None:
        """This tenant's collections and meta as JSON text (no decoding of records); ``None`` when
        it holds nothing. Emptiness is decided under the lock too: a request may be creating a
        collection meanwhile (iterating them unlocked can fail), or emptying and refilling the
        tenant (seen between the two, a tenant that holds records would be left out)."""
        with self.lock:
            if self.is_empty():
                return None
            parts = [dumps(kind) + b":" + coll.dump()
                     for kind, coll in sorted(self._collections.items()) if len(coll)]
            meta = encode(self.meta)
        return b'{"collections":{' + b",".join(parts) + b'},"meta":' + meta + b"}"


class Store:
    """All tenants. Built from the services' kind tables (collections and their indexes)."""

    def __init__(self, kinds: Mapping[str, ResourceKind] | None = None) -> None:
        self.kinds: dict[str, ResourceKind] = dict(kinds or {})
        self._indexes = {name: kind.indexes for name, kind in self.kinds.items()}
        self._tenants: dict[tuple[str, str], Tenant] = {}
        self._lock = threading.Lock()
        #: Called with a record's kind and the record; returns a reason it is malformed, or None.
        self.record_checker: Callable[[ResourceKind, Any], str | None] | None = None

    def find(self, org: str, sandbox: str = DEFAULT_SANDBOX) -> Tenant | None:
        """The tenant if it exists; never creates one (reads do not create tenants)."""
        return self._tenants.get((org, sandbox))

    def tenant(self, org: str, sandbox: str = DEFAULT_SANDBOX) -> Tenant:
        """The tenant, created on first use (writes create tenants)."""
        key = (org, sandbox)
        found = self._tenants.get(key)
        if found is None:
            with self._lock:
                found = self._tenants.get(key)
                if found is None:
                    found = self._tenants[key] = Tenant(org, sandbox, self._indexes)
        return found

    def transient(self, org: str, sandbox: str = DEFAULT_SANDBOX) -> Tenant:
        """An empty tenant that is not stored: what a read on an unknown tenant sees."""
        return Tenant(org, sandbox, self._indexes)

    def hold(self, org: str, sandbox: str, *, write: bool) -> "TenantHold":
        """The tenant, its lock held until :meth:`TenantHold.release` (see :class:`TenantHold`)."""
        return TenantHold(self, org, sandbox, write=write)

    def discard_if_empty(self, tenant: Tenant) -> None:
        """Forget a tenant that holds nothing (a write that was refused created it)."""
        with self._lock:
            key = (tenant.org, tenant.sandbox)
            if self._tenants.get(key) is tenant and tenant.is_empty():
                del self._tenants[key]

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

    # -- state documents ---------------------------------------------------------------------
    def snapshot_json(self, org: str | None = None, sandbox: str | None = None) -> bytes:
        """Export tenants (filtered by org/sandbox) as one JSON document, from the stored form."""
        parts = []
        for key in self.tenants():
            if (org is None or key[0] == org) and (sandbox is None or key[1] == sandbox):
                tenant = self._tenants.get(key)
                body = tenant.dump() if tenant is not None else None
                if body is None:
                    continue
                parts.append(b'{"imsOrg":' + encode(key[0]) + b',"sandbox":' + encode(key[1]) + b"," + body[1:])
        head = b'{"format":' + encode(SNAPSHOT_FORMAT) + b',"version":' + encode(SNAPSHOT_VERSION)
        return head + b',"tenants":[' + b",".join(parts) + b"]}"

    def snapshot(self, org: str | None = None, sandbox: str | None = None) -> dict[str, Any]:
        return decode(self.snapshot_json(org, sandbox))

    def restore(self, document: Any, *, replace_all: bool = False) -> list[tuple[str, str]]:
        """Load a state document: every tenant it names is replaced whole (with ``replace_all``,
        tenants it does not name are dropped too). The document is checked whole first; a
        refusal (:class:`SnapshotError`) changes nothing."""
        encoded = check_snapshot(document, self.kinds, self.record_checker)
        built: dict[tuple[str, str], Tenant] = {}
        for position, entry in enumerate(document["tenants"]):
            tenant = Tenant(entry["imsOrg"], entry["sandbox"], self._indexes)
            for kind, records in entry.get("collections", {}).items():
                collection = tenant.collection(kind)
                for record_id, record in records.items():
                    collection.put(record_id, record, encoded[(position, kind, record_id)])
            tenant.meta = dict(entry.get("meta", {}))
            built[(tenant.org, tenant.sandbox)] = tenant
        with self._lock:
            if replace_all:
                self._tenants.clear()
            self._tenants.update(built)
        # Loaded records live until reset: keep what they hold out of every later collection pass.
        gc.freeze()
        return list(built)


class TenantHold:
    """One request's hold on a tenant: the tenant and its lock, held until :meth:`release`.

    A write creates the tenant on first use; a read of an unknown tenant sees an empty transient
    one (reads never create tenants). A tenant this hold created and left empty (a refused write)
    is dropped on release while the lock is still held; a hold that gets the lock of a tenant
    dropped meanwhile takes the one the store holds now, so no write lands in a dropped tenant.
    """

    def __init__(self, store: Store, org: str, sandbox: str, *, write: bool) -> None:
        self._store = store
        self._created: Tenant | None = None
        while True:
            tenant = store.find(org, sandbox)
            if tenant is None:
                tenant = self._created = store.tenant(org, sandbox) if write else store.transient(org, sandbox)
            tenant.lock.acquire()
            if not write or store.find(org, sandbox) is tenant:
                break
            tenant.lock.release()  # dropped while this hold waited: take the current one
        self.tenant = tenant

    def release(self) -> None:
        if self._created is not None:
            self._store.discard_if_empty(self._created)
        self.tenant.lock.release()

    def __enter__(self) -> Tenant:
        return self.tenant

    def __exit__(self, *_exc: object) -> None:
        self.release()


class SnapshotError(ValueError):
    """A state document that cannot be loaded; the message says what is wrong."""


def check_snapshot(document: Any, kinds: Mapping[str, ResourceKind] | None = None,
                   record_checker: Callable[[ResourceKind, Any], str | None] | None = None,
                   ) -> dict[tuple[int, str, str], bytes]:
    """Refuse a malformed state document before anything is loaded from it: its structure, its
    depth, and (given the kind table) every collection name and every record. Returns every
    record's stored form, keyed by (tenant position, kind, id), encoded once here."""
    encoded: dict[tuple[int, str, str], bytes] = {}
    if not isinstance(document, dict):
        raise SnapshotError("state document must be a JSON object")
    if document.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f"'format' must be {SNAPSHOT_FORMAT!r}, got {shown(document.get('format'), quoted=True)}")
    if document.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError(f"unsupported state version {shown(document.get('version'), quoted=True)} "
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
        unknown = set(entry) - {"imsOrg", "sandbox", "collections", "meta"}
        if unknown:
            raise SnapshotError(f"{where} has unknown keys {sorted(unknown)}")
        collections = entry.get("collections", {})
        if not isinstance(collections, dict):
            raise SnapshotError(f"{where}.collections must be an object")
        for kind_name, records in collections.items():
            kind = kinds.get(kind_name) if kinds is not None else None
            if kinds is not None and kind is None:
                raise SnapshotError(f"{where}.collections.{kind_name}: no such resource kind "
                                    f"(known: {', '.join(sorted(kinds))})")
            if not isinstance(records, dict):
                raise SnapshotError(f"{where}.collections.{kind_name} must be an object keyed by id")
            for record_id, record in records.items():
                at = f"{where}.collections.{kind_name}.{record_id}"
                if not isinstance(record, dict):
                    raise SnapshotError(f"{at} must be an object")
                try:
                    data = encode(record)
                except (ValueError, RecursionError) as exc:
                    raise SnapshotError(f"{at} cannot be stored: {exc}") from None
                if deeper_than(record, MAX_JSON_DEPTH, data):
                    raise SnapshotError(f"{at} nests deeper than {MAX_JSON_DEPTH} levels")
                encoded[(position, kind_name, record_id)] = data
                if kind is not None:
                    if kind.id_field and kind.id_field in record and record[kind.id_field] != record_id:
                        raise SnapshotError(f"{at}: its {kind.id_field!r} is {record[kind.id_field]!r}, "
                                            "not the key it is stored under")
                    reason = record_checker(kind, record) if record_checker is not None else None
                    if reason:
                        raise SnapshotError(f"{at} is not a valid {kind.label}: {reason}")
        meta = entry.get("meta", {})
        if not isinstance(meta, dict):
            raise SnapshotError(f"{where}.meta must be an object")
        if deeper_than(meta, MAX_JSON_DEPTH, encode(meta)):
            raise SnapshotError(f"{where}.meta nests deeper than {MAX_JSON_DEPTH} levels")
    return encoded
