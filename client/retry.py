"""Retrying throttled and failed calls, as Adobe's API guidance asks of clients.

A 429 (too many requests) or a 5xx answer is retried a bounded number of times with exponential
backoff (``backoff``, ``backoff × multiplier``, … capped at ``max_delay``); a ``Retry-After``
header (seconds, or an HTTP-date) replaces the computed delay (also capped). Idempotent methods
(GET, HEAD, OPTIONS, PUT, DELETE) are retried on both; a POST or PATCH only on 429, since the
platform refused it before doing anything, whereas a 5xx may come after the write happened.
``sleep`` and ``now`` are injectable, so tests do not wait.
"""
from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from typing import Callable

import requests

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How a client retries. ``attempts``: tries in all, the first included (1: never retry)."""

    attempts: int = 4
    backoff: float = 1.0
    multiplier: float = 2.0
    max_delay: float = 60.0
    statuses: frozenset[int] = RETRY_STATUSES
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    now: Callable[[], float] = field(default=time.time, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int) or not 1 <= self.attempts <= 20:
            raise ValueError(f"attempts must be an integer in 1..20, got {self.attempts!r}")
        if self.backoff < 0 or self.multiplier < 1 or self.max_delay < 0:
            raise ValueError("backoff and max_delay must be >= 0 and multiplier >= 1")

    def retries(self, method: str, status: int) -> bool:
        """Whether an answer of ``status`` to ``method`` is worth another try."""
        if status not in self.statuses:
            return False
        return status == 429 or method.upper() in IDEMPOTENT_METHODS

    def delay(self, retry: int, response: requests.Response | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first)."""
        told = self.retry_after(response) if response is not None else None
        wait = told if told is not None else self.backoff * self.multiplier ** retry
        return max(0.0, min(wait, self.max_delay))

    def retry_after(self, response: requests.Response) -> float | None:
        """The ``Retry-After`` header in seconds (from seconds or an HTTP-date), or None."""
        value = (response.headers.get("Retry-After") or "").strip()
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return max(0.0, when.timestamp() - self.now())

    def run(self, method: str, send: Callable[[], requests.Response]) -> requests.Response:
        """Call ``send`` until it answers something not worth retrying, or attempts run out."""
        retry = 0
        while True:
            response = send()
            if retry + 1 >= self.attempts or not self.retries(method, response.status_code):
                return response
            self.sleep(self.delay(retry, response))
            retry += 1


#: A policy that never retries.
NO_RETRY = RetryPolicy(attempts=1)
