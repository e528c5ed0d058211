"""Identifier and etag formats, one generator per format the platform uses."""
from __future__ import annotations

import hashlib
import itertools
import os
import re
import time

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HEX24_RE = re.compile(r"^[0-9a-f]{24}$")
HEX32_RE = re.compile(r"^[0-9a-f]{32}$")

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_uuid() -> str:
    """Flow Service ids and request ids: lowercase UUID v4 (connections, flows, runs, specs).
    What ``str(uuid.uuid4())`` gives, formatted from the random bytes directly (every request
    needs one: the UUID object costs more than the randomness)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class RequestIds:
    """Request ids of one emulator, UUID v4 in form: a random prefix drawn once, then a counter
    (a request id must be unique, not unguessable: one per request costs no system call)."""

    def __init__(self) -> None:
        h = new_uuid()
        self._prefix = h[:24]  # the version and variant digits stay as new_uuid set them
        self._numbers = itertools.count(int(h[24:], 16))  # next() is atomic: threads share it

    def next(self) -> str:
        return f"{self._prefix}{next(self._numbers) & 0xFFFFFFFFFFFF:012x}"


def new_hex(length: int) -> str:
    """Lowercase hex of the given length: 24 for Catalog ids, 32 for mapping sets, 48 for XDM."""
    return os.urandom((length + 1) // 2).hex()[:length]


def new_catalog_id() -> str:
    return new_hex(24)


def new_mapping_id() -> str:
    return new_hex(32)


def new_xdm_hex() -> str:
    return new_hex(48)


def new_ulid(now_ms: int | None = None) -> str:
    """Batch ids: 26-character ULID (time-ordered), as newer docs show."""
    ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
    return _ulid(ms, int.from_bytes(os.urandom(10), "big"))


def derived_ulid(now_ms: int, name: str) -> str:
    """A ULID whose random part is derived from ``name``: the same name and time always give the
    same id (for objects the emulator makes on its own clock, e.g. the batch a run writes, so a
    seeded state replays to the same ids)."""
    return _ulid(int(now_ms), int.from_bytes(hashlib.sha256(name.encode()).digest()[:10], "big"))


def _ulid(ms: int, random80: int) -> str:
    value = ((ms & (2**48 - 1)) << 80) | random80
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_flow_etag() -> str:
    """Flow Service etag: a quoted string, e.g. ``"2900a761-0000-0200-0000-5ed18cea0000"``."""
    head = os.urandom(4).hex()
    tail = format(int(time.time()), "08x")
    return f'"{head}-0000-0200-0000-{tail}0000"'


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and bool(UUID_RE.match(value))


def strip_quotes(value: str) -> str:
    """Etags and filter values arrive quoted or not; compare them bare."""
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
