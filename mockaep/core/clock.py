"""The emulator's clock: what "now" is for runs, token expiry, timestamps and fault windows.

One :class:`Clock` belongs to each emulator (``create_app`` builds it; never module-global).

* ``wall`` mode reads a time source (the system clock by default, or the callable given as
  ``Config(clock=...)``): time passes by itself.
* ``virtual`` mode is a frozen instant that moves only when told (:meth:`Clock.set`,
  :meth:`Clock.advance`), so a test decides exactly when a run's window closes or a token expires.

Setting or advancing a wall clock switches it to virtual, starting from the wall time of that
moment (``advance`` then adds to it): a test that moves time wants it to stay where it put it.
:meth:`Clock.resume_wall` goes back to the time source. All methods are thread-safe.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Callable

MODES = ("wall", "virtual")
#: Bounds of a settable time: 1970-01-01 .. 9999-12-31 (what ISO-8601 and the services' dates hold).
MIN_MS = 0
MAX_MS = 253_402_300_799_999
#: Largest single advance: 100 years, in seconds (a typo, not a test, asks for more).
MAX_ADVANCE_SECONDS = 100 * 366 * 86_400


def system_ms() -> int:
    """Wall time in epoch milliseconds."""
    return int(time.time() * 1000)


class ClockError(ValueError):
    """A time or duration the clock cannot take; the message says why."""


def parse_instant(value: object) -> int:
    """Epoch milliseconds from an integer (epoch ms) or an ISO-8601 date-time string.

    A date-time without a zone is read as UTC (the platform's timestamps are UTC).
    """
    if isinstance(value, bool):
        raise ClockError("a time is epoch milliseconds or an ISO-8601 date-time, not a boolean")
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise ClockError("a time must be a finite number of epoch milliseconds")
        ms = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 64:
            raise ClockError("an ISO-8601 date-time is at most 64 characters")
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            raise ClockError(f"'{text}' is not an ISO-8601 date-time (e.g. 2026-01-01T00:00:00Z)") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        ms = int(parsed.timestamp() * 1000)
    else:
        raise ClockError("a time is epoch milliseconds (a number) or an ISO-8601 date-time (a string)")
    if not MIN_MS <= ms <= MAX_MS:
        raise ClockError(f"time {ms} is outside {MIN_MS}..{MAX_MS} epoch milliseconds")
    return ms


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as an ISO-8601 UTC string with milliseconds (``2026-01-01T00:00:00.000Z``)."""
    seconds, millis = divmod(int(ms), 1000)  # exact: ms / 1000 as a float loses the last digit near year 9999
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


class Clock:
    """Epoch-millisecond time of one emulator, wall or virtual (see the module docstring).

    ``source``: the wall time source (epoch ms); ``mode``: ``"wall"`` or ``"virtual"`` (a
    virtual clock starts at the source's current time unless ``start_ms`` is given).
    A ``Clock`` is callable (``clock()`` is ``clock.now_ms()``), so it serves wherever a
    time callable is expected.
    """

    def __init__(self, source: Callable[[], int] = system_ms, mode: str = "wall",
                 start_ms: int | None = None) -> None:
        if mode not in MODES:
            raise ClockError(f"clock mode must be one of {', '.join(MODES)}, got {mode!r}")
        self._source = source
        self._lock = threading.Lock()
        self._virtual_ms: int | None = None
        if mode == "virtual":
            self._virtual_ms = parse_instant(start_ms) if start_ms is not None else int(source())

    @property
    def mode(self) -> str:
        with self._lock:
            return "wall" if self._virtual_ms is None else "virtual"

    def now_ms(self) -> int:
        with self._lock:
            if self._virtual_ms is not None:
                return self._virtual_ms
        return int(self._source())

    __call__ = now_ms

    def set(self, instant: object) -> int:
        """Stop time at ``instant`` (epoch ms or ISO-8601); the clock is virtual from now on."""
        ms = parse_instant(instant)
        with self._lock:
            self._virtual_ms = ms
        return ms

    def advance(self, seconds: object) -> int:
        """Move time forward by ``seconds`` (>= 0, fractions allowed); the clock is virtual from now on."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds != seconds:
            raise ClockError("advance takes a number of seconds")
        if not 0 <= seconds <= MAX_ADVANCE_SECONDS:
            raise ClockError(f"advance takes 0..{MAX_ADVANCE_SECONDS} seconds (time never goes back)")
        with self._lock:
            start = self._virtual_ms if self._virtual_ms is not None else int(self._source())
            moved = start + int(round(seconds * 1000))
            if moved > MAX_MS:
                raise ClockError(f"advancing by {seconds} s would pass the largest time ({MAX_MS} ms)")
            self._virtual_ms = moved
        return moved

    def resume_wall(self) -> int:
        """Follow the time source again."""
        with self._lock:
            self._virtual_ms = None
        return int(self._source())

    def state(self) -> dict[str, object]:
        """``{"now": <epoch ms>, "mode": ..., "iso": ...}`` as ``GET /_mockaep/clock`` answers it."""
        with self._lock:
            virtual = self._virtual_ms
        now = virtual if virtual is not None else int(self._source())
        return {"now": now, "mode": "wall" if virtual is None else "virtual", "iso": iso_ms(now)}
