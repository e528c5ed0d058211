"""One access-log line per request, through :mod:`logging` (logger ``mockaep.access``).

The journal middleware (:mod:`mockaep.web.journal`) hands every finished exchange here, control
plane included. ``mockaep serve`` sends these lines to stderr (:func:`configure`); an embedding
program or pytest decides for itself where ``mockaep.*`` loggers go.
Line: ``<emulator time> <org>/<sandbox> <METHOD> <path>[?query] <status> <ms>ms [fault <id>]``.
"""
from __future__ import annotations

import logging
import sys
from typing import Any, Mapping

from mockaep.core.clock import iso_ms

ACCESS_LOGGER = "mockaep.access"
LEVELS = ("debug", "info", "warning", "error")
#: Longest query string written in one line (a log line stays one line, of a bounded length).
QUERY_CHARS = 200

logger = logging.getLogger(ACCESS_LOGGER)


def format_exchange(entry: Mapping[str, Any]) -> str:
    tenant = f"{entry.get('org') or '-'}/{entry.get('sandbox') or '-'}"
    query = entry.get("query") or ""
    target = entry["path"] + (f"?{query[:QUERY_CHARS]}" if query else "")
    status = entry["status"] if entry.get("status") is not None else "dropped"
    line = f"{entry.get('time') or iso_ms(entry['timeMs'])} {tenant} {entry['method']} {target} {status} {entry['durationMs']:.1f}ms"
    if entry.get("fault"):
        line += f" fault {entry['fault']}"
    return line


def log_exchange(entry: Mapping[str, Any]) -> None:
    if logger.isEnabledFor(logging.INFO):
        logger.info("%s", format_exchange(entry))


def configure(level: str = "info", quiet: bool = False) -> None:
    """Send ``mockaep.*`` log records to stderr at ``level`` (``quiet``: warnings and errors only).

    Used by ``mockaep serve``: the access lines, replay misses and recording progress are INFO.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("mockaep")
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING if quiet else getattr(logging, level.upper()))
    root.propagate = False
