"""Opaque continuation tokens: a small JSON object, base64url-encoded without padding.

A token comes back from the client, so it is user input: its length and nesting are bounded
before it is decoded, and anything that is not a small JSON object is a :class:`TokenError`.
"""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Mapping

from mockaep.core.jsonreader import json_depth, loads

#: A continuation token carries its list's query (filters, orderby) besides the cursor.
MAX_TOKEN_LENGTH = 8192
MAX_TOKEN_DEPTH = 4


class TokenError(ValueError):
    """A continuation token this emulator did not issue (or one that was altered)."""


def encode_token(payload: Mapping[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str) -> dict[str, Any]:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("continuation token is empty or too long")
    try:
        raw = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode("ascii"))
        if raw.count(b"[") + raw.count(b"{") > 64:
            raise TokenError("continuation token nests too deeply")
        payload = loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeError, RecursionError):
        raise TokenError("continuation token is not one this emulator issued") from None
    if not isinstance(payload, dict) or json_depth(payload) > MAX_TOKEN_DEPTH:
        raise TokenError("continuation token is not one this emulator issued")
    return payload
