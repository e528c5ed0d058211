"""How many requests of one tenant the server holds at a time (running or waiting for its lock).

Requests to one tenant are serialised by its lock; without a bound, a burst to one tenant would
leave every server thread waiting on that lock while other tenants' requests queue behind them.
"""
from __future__ import annotations

import threading
from typing import Hashable


class Admission:
    """Per-key counters of admitted requests; a key at its limit admits no more until one leaves.
    Keys with nothing admitted are forgotten, so random keys leave nothing behind."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the per-tenant request limit must be at least 1")
        self.limit = limit
        self._admitted: dict[Hashable, int] = {}
        self._lock = threading.Lock()

    def enter(self, key: Hashable) -> bool:
        with self._lock:
            count = self._admitted.get(key, 0)
            if count >= self.limit:
                return False
            self._admitted[key] = count + 1
            return True

    def leave(self, key: Hashable) -> None:
        with self._lock:
            count = self._admitted.get(key, 0) - 1
            if count > 0:
                self._admitted[key] = count
            else:
                self._admitted.pop(key, None)

    def in_flight(self) -> int:
        with self._lock:
            return sum(self._admitted.values())
