"""``Accept`` header negotiation of the Schema Registry (getting-started guide, SRY parameters).

* listings take ``application/vnd.adobe.xed-id+json`` (summaries) or ``…xed+json`` (full raw
  objects) and no ``version`` (XDM-1006 otherwise);
* lookups need ``version=1`` (``1.0`` too, with or without spaces; XDM-1007 when absent) and one
  of the ``xed`` variants below; an unknown variant or major version is 406;
* descriptors use ``xdm`` instead of ``xed`` (XDM-1008 when ``xed`` is sent).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mockaep.core.errors import BadRequest, NotAcceptable

MEDIA_RE = re.compile(r"^application/vnd\.adobe\.(?P<family>xed|xdm)(?P<variant>-[a-z0-9-]+)?\+json$")
#: Lookup variants → (resolved?, keep text?, descriptors?, flag deprecated fields?)
LOOKUP_VARIANTS = {
    "": (False, True, False, False),
    "-notext": (False, False, False, False),
    "-full": (True, True, False, False),
    "-full-notext": (True, False, False, False),
    "-full-desc": (True, True, True, False),
    "-deprecatefield": (True, True, False, True),
}
LIST_VARIANTS = {"-id": "id", "": "full"}
DESCRIPTOR_VARIANTS = {"-id": ("id", False), "-link": ("link", False), "": ("full", False),
                       "-v2-id": ("id", True), "-v2-link": ("link", True), "-v2": ("full", True)}


@dataclass(frozen=True)
class Accept:
    family: str
    variant: str
    version: str | None


@dataclass(frozen=True)
class LookupForm:
    resolved: bool
    text: bool
    descriptors: bool
    deprecated: bool


def parse(header: str | None) -> Accept | None:
    """The registry media type of an Accept header, or None when it is not one."""
    if not header:
        return None
    for candidate in header.split(","):
        media, *params = [part.strip() for part in candidate.split(";")]
        match = MEDIA_RE.match(media.lower())
        if not match:
            continue
        version = None
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "version":
                version = value.strip().strip('"')
        return Accept(match["family"], match["variant"] or "", version)
    return None


def _invalid(header: str | None, code: str, hint: str) -> BadRequest:
    return BadRequest(f"The supplied Accept header is not valid: {header or '(none)'} - {hint}",
                      code=code, title="Accept header invalid")


def for_listing(header: str | None) -> str:
    """``"id"`` or ``"full"`` for a list call."""
    found = parse(header)
    hint = "a listing takes application/vnd.adobe.xed-id+json or application/vnd.adobe.xed+json, without a version"
    if found is None or found.family != "xed" or found.version is not None or found.variant not in LIST_VARIANTS:
        raise _invalid(header, "1006", hint)
    return LIST_VARIANTS[found.variant]


def major_version_ok(version: str) -> bool:
    return version in ("1", "1.0") or bool(re.fullmatch(r"1\.\d+", version))


def for_lookup(header: str | None) -> LookupForm:
    """Which form a lookup returns; refuses what the registry refuses."""
    found = parse(header)
    if found is None or found.family != "xed":
        raise _invalid(header, "1009", "a lookup takes application/vnd.adobe.xed[-full][-notext]+json; version=1")
    if found.version is None:
        raise _invalid(header, "1007", "a lookup must name the major version, e.g. "
                                       "application/vnd.adobe.xed-full+json; version=1")
    if found.variant not in LOOKUP_VARIANTS or not major_version_ok(found.version):
        raise NotAcceptable(f"No representation of this resource matches '{header}': only major version 1 "
                            "exists, in the xed, xed-notext, xed-full, xed-full-notext, xed-full-desc and "
                            "xed-deprecatefield variants.", code="1009")
    return LookupForm(*LOOKUP_VARIANTS[found.variant])


def for_descriptors(header: str | None) -> tuple[str, bool]:
    """(``id``|``link``|``full``, paged?) for a descriptor listing."""
    found = parse(header)
    if found is not None and found.family == "xed":
        raise _invalid(header, "1008", "descriptors take application/vnd.adobe.xdm[-id|-link]+json (xdm, not xed)")
    if found is None or found.variant not in DESCRIPTOR_VARIANTS:
        raise _invalid(header, "1009", "descriptors take application/vnd.adobe.xdm[-v2][-id|-link]+json")
    return DESCRIPTOR_VARIANTS[found.variant]


def check_descriptor_lookup(header: str | None) -> None:
    """Descriptors are not versioned: no Accept is needed, but an ``xed`` one is refused."""
    found = parse(header)
    if found is not None and found.family == "xed":
        raise _invalid(header, "1008", "descriptors take application/vnd.adobe.xdm+json (xdm, not xed)")
