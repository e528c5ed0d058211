"""Resource kinds as tables, not code.

A :class:`ResourceKind` says everything the shared mechanics need to know about one kind of
stored object: its collection in the tenant, how messages name it, which fields the server owns
and which a client may write, which paths are indexed for equality filters, how a list of it is
paged, and what a stored record must look like (checked when a state document is loaded).

Each service declares its kinds in one table (``KINDS`` in ``services/<service>/kinds.py``); the
app builds the store from the union of those tables, so a collection nobody declared cannot hold
records, and a state document naming one is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

#: The paging models of the platform's services (one pager each, ``mockaep.core.paging``).
PAGING_MODELS = ("continuation", "registry", "catalog", "offset", "none")


@dataclass(frozen=True)
class ResourceKind:
    """One kind of stored object.

    ``collection``: the tenant collection (and usually the URL segment): ``"flows"``.
    ``label``: how messages name one object: ``"flow"``.
    ``service``: the owning service (``"flowservice"``…), whose error shape refusals use.
    ``id_field``: the record field holding its id (``"id"``, ``"$id"``…); ``None`` when the id
    lives only as the collection key.
    ``system_fields``: fields the server sets and owns, in the order items show them.
    ``read_only``: top-level fields no client write may change (includes the system fields).
    ``writable``: top-level fields a client may write (create bodies, PATCH paths); empty means
    "anything not read-only".
    ``indexes``: dotted paths (``a.b``, ``a[]`` for array items) kept in secondary indexes.
    ``paging``: which pager lists it (one of :data:`PAGING_MODELS`).
    ``not_found_code``: the service's error code for a missing object of this kind.
    ``record_schema``: JSON Schema a stored record must satisfy (state documents are checked
    against it record by record before anything is loaded). Keep it to what reads rely on.
    ``blob_paths``: dotted paths where a record names blobs of the emulator's blob store
    (``mockaep.core.blobs``), so the store knows which bytes a state still needs.
    """

    collection: str
    label: str
    service: str
    id_field: str | None = "id"
    system_fields: tuple[str, ...] = ()
    read_only: tuple[str, ...] = ()
    writable: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    paging: str = "none"
    not_found_code: str | None = None
    record_schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "object"})
    blob_paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.paging not in PAGING_MODELS:
            raise ValueError(f"{self.collection}: unknown paging model {self.paging!r}")

    def is_read_only(self, top_field: str) -> bool:
        return top_field in self.read_only or top_field in self.system_fields

    def is_writable(self, top_field: str) -> bool:
        if self.is_read_only(top_field):
            return False
        return not self.writable or top_field in self.writable


def merge_tables(*tables: Mapping[str, ResourceKind]) -> dict[str, ResourceKind]:
    """One table from the services' tables; a collection declared twice is a programming error."""
    merged: dict[str, ResourceKind] = {}
    for table in tables:
        for name, kind in table.items():
            if name != kind.collection:
                raise ValueError(f"kind table key {name!r} names collection {kind.collection!r}")
            if name in merged:
                raise ValueError(f"collection {name!r} declared by {merged[name].service} and {kind.service}")
            merged[name] = kind
    return merged
