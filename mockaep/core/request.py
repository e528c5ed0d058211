"""A request's query string and headers as typed values (no Flask, no werkzeug).

The web layer parses once (``mockaep.web.gateway``) and services read these. What the platform's
gateway tolerates is tolerated here, once, for every service:

* a repeated query parameter is not a refusal: single-valued reads take the first occurrence
  (the servlet convention of the platform's Java services), ``getlist`` sees them all;
* names are matched exactly (the platform's parameters are case-sensitive), values are kept as
  sent; numbers sent as strings are the only numbers a query string has.

``Accept`` is parsed into media ranges with their parameters, so a service asks "which of these
do I serve" instead of taking the header apart itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

#: Bounds on what a request may bring (checked by the web layer before a service sees it).
MAX_QUERY_PARAMETERS = 100
MAX_HEADER_VALUE = 8192


class QueryParams:
    """An immutable multi-valued mapping of query parameters, in the order sent."""

    __slots__ = ("_pairs", "_by_name")

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._pairs: tuple[tuple[str, str], ...] = tuple((str(k), str(v)) for k, v in pairs)
        by_name: dict[str, list[str]] = {}
        for name, value in self._pairs:
            by_name.setdefault(name, []).append(value)
        self._by_name = by_name

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of ``name`` (a repeated parameter is not an error), or ``default``."""
        values = self._by_name.get(name)
        return values[0] if values else default

    def getlist(self, name: str) -> list[str]:
        return list(self._by_name.get(name, ()))

    def keys(self) -> list[str]:
        """Distinct names, in the order first sent."""
        return list(self._by_name)

    def items(self) -> list[tuple[str, str]]:
        """Every (name, value) pair, repeats included, in the order sent."""
        return list(self._pairs)

    def without(self, *names: str) -> "QueryParams":
        return QueryParams((k, v) for k, v in self._pairs if k not in names)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def __repr__(self) -> str:
        return f"QueryParams({list(self._pairs)!r})"


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header: ``application/vnd.adobe.xed-full+json; version=1``."""

    media_type: str               # lower-cased type/subtype
    params: Mapping[str, str]     # lower-cased names, unquoted values

    @property
    def version(self) -> str | None:
        return self.params.get("version")


def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an ``Accept`` header, in the order sent (``q`` is not used by the
    platform's content negotiation, which picks the first range it serves)."""
    if not header:
        return ()
    ranges = []
    for candidate in header.split(","):
        media, *raw_params = [part.strip() for part in candidate.split(";")]
        if not media:
            continue
        params: dict[str, str] = {}
        for raw in raw_params:
            key, _, value = raw.partition("=")
            if key.strip():
                params[key.strip().lower()] = value.strip().strip('"')
        ranges.append(MediaRange(media.lower(), params))
    return tuple(ranges)


class RequestHeaders:
    """The headers services read, typed (``Accept`` parsed on first use). ``raw`` keeps every
    header under its lower-cased name."""

    __slots__ = ("raw", "_accept")

    def __init__(self, raw: Mapping[str, str] | None = None) -> None:
        self.raw: Mapping[str, str] = raw if raw is not None else {}
        self._accept: tuple[MediaRange, ...] | None = None

    @property
    def accept(self) -> tuple[MediaRange, ...]:
        if self._accept is None:
            self._accept = parse_accept(self.raw.get("accept"))
        return self._accept

    @property
    def accept_header(self) -> str | None:
        return self.raw.get("accept")

    @property
    def if_match(self) -> str | None:
        return self.raw.get("if-match")

    @property
    def content_type(self) -> str:
        return self.raw.get("content-type", "").split(";", 1)[0].strip().lower()

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.raw.get(name.lower(), default)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> "RequestHeaders":
        raw: dict[str, str] = {}
        for name, value in pairs:
            raw.setdefault(name.lower(), value)
        return cls(raw)
