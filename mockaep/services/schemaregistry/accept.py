"""``Accept`` negotiation of the Schema Registry (getting-started guide, SRY parameters), over the
media ranges the gateway parsed (``ctx.headers.accept``).

* the registry's media types are ``application/vnd.adobe.{xed|xdm}[-variant]+json``: SRY's
  ``acceptErrorList`` and ``acceptErrorLookup`` messages name both families, and the community
  SDK sends ``xdm`` by default; ``xdm`` answers exactly as ``xed``;
* listings take ``…-id+json`` (summaries) or ``…+json`` (full raw objects) and no ``version``
  (XDM-1006 otherwise);
* lookups need ``version=1`` (``1.0`` too, with or without spaces; XDM-1007 when absent) and one
  of the variants below; an unknown variant or major version is 406. ``-full-flat`` (sent by the
  SDK, not in the reference) answers the resolved form with every field at one level;
* descriptors use ``xdm`` only (XDM-1008 when ``xed`` is sent).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mockaep.core.errors import BadRequest, NotAcceptable
from mockaep.core.request import MediaRange, RequestHeaders

MEDIA_RE = re.compile(r"^application/vnd\.adobe\.(?P<family>xed|xdm)(?P<variant>-[a-z0-9-]+)?\+json$")


@dataclass(frozen=True)
class LookupForm:
    resolved: bool
    text: bool
    descriptors: bool
    deprecated: bool
    flat: bool = False


LOOKUP_VARIANTS = {
    "": LookupForm(False, True, False, False),
    "-notext": LookupForm(False, False, False, False),
    "-full": LookupForm(True, True, False, False),
    "-full-notext": LookupForm(True, False, False, False),
    "-full-desc": LookupForm(True, True, True, False),
    "-deprecatefield": LookupForm(True, True, False, True),
    "-full-flat": LookupForm(True, True, False, False, flat=True),
}
LIST_VARIANTS = {"-id": "id", "": "full"}
DESCRIPTOR_VARIANTS = {"-id": ("id", False), "-link": ("link", False), "": ("full", False),
                       "-v2-id": ("id", True), "-v2-link": ("link", True), "-v2": ("full", True)}


@dataclass(frozen=True)
class Accept:
    family: str
    variant: str
    version: str | None


def parse(ranges: tuple[MediaRange, ...]) -> Accept | None:
    """The first registry media type of the Accept header, or None when it names none."""
    for media in ranges:
        match = MEDIA_RE.match(media.media_type)
        if match:
            return Accept(match["family"], match["variant"] or "", media.version)
    return None


def _invalid(headers: RequestHeaders, code: str, hint: str) -> BadRequest:
    sent = (headers.accept_header or "(none)")[:300]
    return BadRequest(f"The supplied Accept header is not valid: {sent} - {hint}", code=code,
                      title="Accept header invalid")


def for_listing(headers: RequestHeaders) -> str:
    """``"id"`` or ``"full"`` for a list call."""
    found = parse(headers.accept)
    hint = ("a listing takes application/vnd.adobe.{xed|xdm}-id+json or application/vnd.adobe.{xed|xdm}+json, "
            "without a version")
    if found is None or found.version is not None or found.variant not in LIST_VARIANTS:
        raise _invalid(headers, "1006", hint)
    return LIST_VARIANTS[found.variant]


def major_version_ok(version: str) -> bool:
    return bool(re.fullmatch(r"1(\.\d{1,9})?", version))


def for_lookup(headers: RequestHeaders) -> LookupForm:
    """Which form a lookup returns; refuses what the registry refuses."""
    found = parse(headers.accept)
    if found is None:
        raise _invalid(headers, "1009",
                       "a lookup takes application/vnd.adobe.{xed|xdm}[-full][-notext]+json; version=1")
    if found.version is None:
        raise _invalid(headers, "1007", "a lookup must name the major version, e.g. "
                                        "application/vnd.adobe.xed-full+json; version=1")
    if found.variant not in LOOKUP_VARIANTS or not major_version_ok(found.version):
        raise NotAcceptable(f"No representation of this resource matches '{(headers.accept_header or '')[:300]}': "
                            "only major version 1 exists, in the xed (or xdm), xed-notext, xed-full, xed-full-notext, "
                            "xed-full-desc, xed-full-flat and xed-deprecatefield variants.", code="1009")
    return LOOKUP_VARIANTS[found.variant]


def for_descriptors(headers: RequestHeaders) -> tuple[str, bool]:
    """(``id``|``link``|``full``, paged?) for a descriptor listing."""
    found = parse(headers.accept)
    if found is not None and found.family == "xed":
        raise _invalid(headers, "1008", "descriptors take application/vnd.adobe.xdm[-id|-link]+json (xdm, not xed)")
    if found is None or found.variant not in DESCRIPTOR_VARIANTS:
        raise _invalid(headers, "1009", "descriptors take application/vnd.adobe.xdm[-v2][-id|-link]+json")
    return DESCRIPTOR_VARIANTS[found.variant]


def check_descriptor_lookup(headers: RequestHeaders) -> None:
    """Descriptors are not versioned: no Accept is needed, but an ``xed`` one is refused."""
    found = parse(headers.accept)
    if found is not None and found.family == "xed":
        raise _invalid(headers, "1008", "descriptors take application/vnd.adobe.xdm+json (xdm, not xed)")
