"""The one ``If-Match`` check (RFC 9110 §13.1.1, as the platform's services apply it).

A header lists entity tags, quoted or not, weak (``W/``) or not, separated by commas; ``*``
matches any existing object. An object may answer to several tags (Catalog accepts its
``version`` or its ``updated`` time; Flow Service its ``etag``). What differs per service is only
whether the header is required and the codes and words of the refusal: the caller passes them.
"""
from __future__ import annotations

from typing import Iterable

from mockaep.core.errors import BadRequest, PreconditionFailed
from mockaep.core.ids import strip_quotes

#: Longest If-Match header value looked at (longer ones cannot name a real tag anyway).
MAX_IF_MATCH = 4096


def if_match_tags(header: str) -> list[str]:
    """The entity tags an ``If-Match`` value names, unquoted (``*`` kept as is)."""
    return [strip_quotes(part) for part in header[:MAX_IF_MATCH].split(",") if part.strip()]


def check_if_match(current_tags: Iterable[object], header: str | None, *, required: bool,
                   missing_code: str | None = None, stale_code: str | None = None,
                   missing_detail: str | None = None, stale_detail: str | None = None) -> None:
    """Refuse the write unless ``header`` names one of ``current_tags`` (or is ``*``).

    ``required``: a missing or blank header is a 400 (``missing_code``) instead of a pass.
    A stale header is a 412 (``stale_code``). ``{supplied}`` and ``{current}`` in the details are
    replaced by the header and the object's first tag.
    """
    tags = [strip_quotes(str(t)) for t in current_tags if t is not None and str(t) != ""]
    current = tags[0] if tags else ""
    if header is None or not header.strip():
        if not required:
            return
        raise BadRequest(missing_detail or "The header 'If-Match' is missing in the request. Please provide the "
                         "header and try again.", code=missing_code, title="Header is missing")
    supplied = header.strip()
    if supplied == "*" or any(tag in tags for tag in if_match_tags(supplied)):
        return
    detail = stale_detail or ("The supplied version '{supplied}' does not match the current version "
                              "'{current}' of the object.")
    raise PreconditionFailed(detail.replace("{supplied}", supplied[:200]).replace("{current}", current),
                             code=stale_code, title="Version not matching")
