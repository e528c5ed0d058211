"""Every Catalog write goes through :func:`save`/:func:`remove`, so a batched request on the root
resource (``POST /``) can undo its earlier sub-requests when a later one fails (appendix.md:
"if any one of the changes fails, all changes will revert")."""
from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Iterator, Mapping

from mockaep.core.context import RequestContext

_active: contextvars.ContextVar[list | None] = contextvars.ContextVar("catalog_journal", default=None)


def save(ctx: RequestContext, kind: str, record_id: str, record: Mapping[str, Any]) -> None:
    collection = ctx.tenant.collection(kind)
    entries = _active.get()
    if entries is not None:
        entries.append((kind, record_id, collection.get(record_id)))
    collection.put(record_id, record)


def remove(ctx: RequestContext, kind: str, record_id: str) -> None:
    collection = ctx.tenant.collection(kind)
    entries = _active.get()
    if entries is not None:
        entries.append((kind, record_id, collection.get(record_id)))
    collection.delete(record_id)


@contextlib.contextmanager
def recording() -> Iterator[list]:
    """Collect the previous version of every record written inside the block."""
    outer = _active.get()
    entries: list = []
    token = _active.set(entries)
    try:
        yield entries
    finally:
        _active.reset(token)
        if outer is not None:  # an enclosing recording (validate-only) must be able to undo these too
            outer.extend(entries)


def start() -> list:
    """Begin recording for the rest of this request (``Pragma: validate-only``); pass the list
    to :func:`undo` when the request ends."""
    entries: list = []
    _active.set(entries)
    return entries


def stop() -> None:
    _active.set(None)


def undo(ctx: RequestContext, entries: list) -> None:
    """Put back what the recorded writes replaced, newest first."""
    for kind, record_id, previous in reversed(entries):
        collection = ctx.tenant.collection(kind)
        if previous is None:
            collection.delete(record_id)
        else:
            collection.put(record_id, previous)
