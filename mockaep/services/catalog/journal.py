"""The writes of one Catalog request, kept so they can be undone.

Every Catalog write goes through a :class:`Journal`: ``Pragma: validate-only`` (appendix.md)
runs a POST or PUT as usual and undoes its writes before answering, and a batched request on
the root resource (``POST /``) undoes the writes of its earlier sub-requests when a later one
fails ("if any one of the changes fails, all changes will revert"). One journal lives as long as
its request (the routes make it; Batch Ingestion's and Flow Service's calls get their own).
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core.store import Tenant, decode


class Journal:
    """Writes to one tenant, each with what it replaced (the stored JSON text, or ``None``)."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self._entries: list[tuple[str, str, bytes | None]] = []

    def save(self, kind: str, record_id: str, record: Mapping[str, Any]) -> None:
        collection = self.tenant.collection(kind)
        self._entries.append((kind, record_id, collection.raw(record_id)))
        collection.put(record_id, record)

    def remove(self, kind: str, record_id: str) -> None:
        collection = self.tenant.collection(kind)
        self._entries.append((kind, record_id, collection.raw(record_id)))
        collection.delete(record_id)

    def mark(self) -> int:
        """A point to undo back to (:meth:`undo`)."""
        return len(self._entries)

    def undo(self, to: int = 0) -> None:
        """Put back what the writes after ``to`` replaced, newest first. A record deleted and put
        back takes a new place in insertion order (the store numbers every insertion)."""
        while len(self._entries) > to:
            kind, record_id, previous = self._entries.pop()
            collection = self.tenant.collection(kind)
            if previous is None:
                collection.delete(record_id)
            else:
                collection.put(record_id, decode(previous))
