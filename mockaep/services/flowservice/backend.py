"""The Flow Service backend: what the emulator's control plane may ask it (its port:
``mockaep.core.ports.FlowServicePort``) — the sources behind base connections, their tables and
faults — bound to one request context. Reached through the backend registry, never imported."""
from __future__ import annotations

from typing import Any

from mockaep.core.context import RequestContext
from mockaep.services.flowservice import progress, source_faults, sources


class FlowServiceBackend:
    """``ctx.backend("flowservice")``."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx

    def catch_up(self) -> None:
        """Bring the tenant's runs up to the clock: the runs schedules made due, and unfinished
        runs whose time has come (what a runs list does first)."""
        progress.advance(self.ctx)

    def source_rows(self, base_connection_id: str, table: str, start: Any = None, limit: Any = None) -> dict[str, Any]:
        """A page of a source table's rows (404 / 400 in Flow Service's terms otherwise)."""
        return sources.read_rows(self.ctx, base_connection_id, table, start, limit)

    def replace_source_rows(self, base_connection_id: str, table: str, rows: Any) -> dict[str, Any]:
        return sources.replace_rows(self.ctx, base_connection_id, table, rows)

    def append_source_rows(self, base_connection_id: str, table: str, rows: Any) -> dict[str, Any]:
        return sources.append_rows(self.ctx, base_connection_id, table, rows)

    def clear_source_rows(self, base_connection_id: str, table: str) -> dict[str, Any]:
        return sources.clear_rows(self.ctx, base_connection_id, table)

    def source_fault(self, base_connection_id: str) -> dict[str, Any]:
        return source_faults.read_fault(self.ctx, base_connection_id)

    def set_source_fault(self, base_connection_id: str, fault: Any) -> dict[str, Any]:
        return source_faults.set_fault(self.ctx, base_connection_id, fault)

    def clear_source_fault(self, base_connection_id: str) -> dict[str, Any]:
        return source_faults.clear_fault(self.ctx, base_connection_id)
