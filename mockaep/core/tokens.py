"""Tokens issued by the emulated IMS: who they belong to and when they expire (no Flask).

Only a SHA-256 digest of each token is kept (in memory and in the state file), so neither a
state file nor a memory dump hands out usable tokens. The book is bounded: expired tokens are
purged whenever a token is issued, and past ``max_live`` unexpired tokens the oldest is
forgotten (its holder gets 401013 and, like any IMS client, fetches a new one).
"""
from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import asdict, dataclass
from typing import Any, Iterable


@dataclass(frozen=True)
class IssuedToken:
    """The identity behind an issued token."""

    client_id: str
    scopes: tuple[str, ...]
    #: Orgs the token may act for; empty: any org.
    orgs: tuple[str, ...]
    user: str
    expires_at: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenBook:
    """Tokens issued by the emulated IMS, with their expiry and the identity behind them."""

    def __init__(self, clock, ttl_seconds: int, max_live: int = 10_000) -> None:
        self._clock = clock
        self._ttl_ms = ttl_seconds * 1000
        self._max_live = max(1, max_live)
        # digest → identity, in issue order (the first entry is the oldest)
        self._tokens: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    def issue(self, client_id: str, scopes: Iterable[str], orgs: Iterable[str] = ()) -> tuple[str, int]:
        token = "mockaep-" + secrets.token_urlsafe(32)
        now = self._clock()
        issued = IssuedToken(client_id=client_id, scopes=tuple(scopes), orgs=tuple(orgs),
                             user=f"{client_id}@techacct.adobe.com", expires_at=now + self._ttl_ms)
        with self._lock:
            self._purge(now)
            while len(self._tokens) >= self._max_live:
                del self._tokens[next(iter(self._tokens))]
            self._tokens[_digest(token)] = issued
        return token, self._ttl_ms // 1000

    def _purge(self, now: int) -> None:
        expired = [key for key, issued in self._tokens.items() if issued.expires_at <= now]
        for key in expired:
            del self._tokens[key]

    def lookup(self, token: str, now: int | None = None) -> IssuedToken | None:
        """The identity behind an issued, unexpired token (at ``now``, default the clock's time);
        None for any other token."""
        if not self._tokens:
            return None  # nothing issued (the common case without IMS): no digest to compute
        key = _digest(token)
        issued = self._tokens.get(key)  # one dict read: no lock needed to look
        if issued is None:
            return None
        if issued.expires_at <= (self._clock() if now is None else now):
            with self._lock:
                self._tokens.pop(key, None)
            return None
        return issued

    def __len__(self) -> int:
        with self._lock:
            return len(self._tokens)

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    # -- persistence (digests only) ----------------------------------------------------------
    def export(self) -> list[dict[str, Any]]:
        """Unexpired tokens as JSON-ready entries (the digest, never the token)."""
        now = self._clock()
        with self._lock:
            return [{"sha256": key, **asdict(issued), "scopes": list(issued.scopes), "orgs": list(issued.orgs)}
                    for key, issued in self._tokens.items() if issued.expires_at > now]

    @staticmethod
    def check_entries(entries: Any) -> list[tuple[str, IssuedToken]]:
        """Parse exported entries; ``ValueError`` saying what is wrong with a malformed one."""
        if not isinstance(entries, list):
            raise ValueError("'tokens' must be a list")
        parsed = []
        for position, entry in enumerate(entries):
            try:
                key, client_id, user = entry["sha256"], entry["client_id"], entry["user"]
                scopes, orgs, expires_at = entry["scopes"], entry["orgs"], entry["expires_at"]
                if not (isinstance(key, str) and len(key) == 64 and isinstance(client_id, str)
                        and isinstance(user, str) and isinstance(expires_at, int)
                        and isinstance(scopes, list) and all(isinstance(s, str) for s in scopes)
                        and isinstance(orgs, list) and all(isinstance(o, str) for o in orgs)):
                    raise TypeError
            except (TypeError, KeyError):
                raise ValueError(f"tokens[{position}] is not a token entry") from None
            parsed.append((key, IssuedToken(client_id, tuple(scopes), tuple(orgs), user, expires_at)))
        return parsed

    def load(self, entries: list[tuple[str, IssuedToken]]) -> None:
        """Add entries parsed by :meth:`check_entries` (the cap applies)."""
        with self._lock:
            for key, issued in entries:
                self._tokens[key] = issued
            self._purge(self._clock())
            while len(self._tokens) > self._max_live:
                del self._tokens[next(iter(self._tokens))]
