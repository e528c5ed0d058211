"""Tokens issued by the emulated IMS: who they belong to and when they expire (no Flask)."""
from __future__ import annotations

import secrets
import threading
from typing import Any


class TokenBook:
    """Tokens issued by the emulated IMS, with their expiry and the identity behind them."""

    def __init__(self, clock, ttl_seconds: int) -> None:
        self._clock = clock
        self._ttl_ms = ttl_seconds * 1000
        self._tokens: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def issue(self, client_id: str, scopes: list[str], org: str | None = None) -> tuple[str, int]:
        token = "mockaep-" + secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._tokens[token] = {"client_id": client_id, "scopes": scopes, "org": org,
                                   "user": f"{client_id}@techacct.adobe.com", "expires_at": now + self._ttl_ms}
        return token, self._ttl_ms // 1000

    def lookup(self, token: str) -> dict[str, Any] | None:
        """The identity behind an issued, unexpired token; None for any other token."""
        with self._lock:
            info = self._tokens.get(token)
            if info is None:
                return None
            if info["expires_at"] <= self._clock():
                del self._tokens[token]
                return None
            return dict(info)

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()
