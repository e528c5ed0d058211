"""Hashing, URL, type conversion and special functions (data-prep/functions.md)."""
from __future__ import annotations

import hashlib
import uuid
import zlib
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from mockaep.services.conversion.functions import function
from mockaep.services.conversion.values import TransformError, to_text

# -- hashing -------------------------------------------------------------------------------------
_CHARSETS = {"UTF-8": "utf-8", "UTF-16": "utf-16-be", "UTF-16BE": "utf-16-be", "UTF-16LE": "utf-16-le",
             "ISO-8859-1": "latin-1", "US-ASCII": "ascii"}


def _bytes(value: Any, charset: Any) -> bytes | None:
    if value is None:
        return None
    name = "UTF-8" if charset is None else to_text(charset).strip().upper()
    codec = _CHARSETS.get(name)
    if codec is None:
        raise TransformError(f"unsupported character set {to_text(charset)!r}")
    try:
        data = to_text(value).encode(codec)
    except UnicodeEncodeError:
        raise TransformError(f"the text cannot be encoded in {name}") from None
    # Java's "UTF-16" writes a big-endian byte-order mark first
    return b"\xfe\xff" + data if name == "UTF-16" else data


def _digest(algorithm: str, value: Any, charset: Any) -> str | None:
    data = _bytes(value, charset)
    return None if data is None else hashlib.new(algorithm, data).hexdigest()


@function("sha1")
def sha1(value: Any, charset: Any = None) -> str | None:
    return _digest("sha1", value, charset)


@function("sha256")
def sha256(value: Any, charset: Any = None) -> str | None:
    return _digest("sha256", value, charset)


@function("sha512")
def sha512(value: Any, charset: Any = None) -> str | None:
    return _digest("sha512", value, charset)


@function("md5")
def md5(value: Any, charset: Any = None) -> str | None:
    return _digest("md5", value, charset)


@function("crc32")
def crc32(value: Any, charset: Any = None) -> str | None:
    data = _bytes(value, charset)
    # the platform prints the checksum's bytes low-order first: crc32("my text") is "8df92e80"
    # in data-prep/functions.md where the big-endian reading would be 802ef98d
    return None if data is None else zlib.crc32(data).to_bytes(4, "little").hex()


# -- URLs ----------------------------------------------------------------------------------------
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "sftp": 22, "ssh": 22, "ws": 80, "wss": 443,
                  "smtp": 25, "ldap": 389}


def _url(value: Any):
    if value is None:
        return None
    try:
        found = urlsplit(to_text(value).strip())
        found.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return None
    return found if found.scheme else None


@function("get_url_protocol")
def get_url_protocol(url: Any) -> str | None:
    found = _url(url)
    return found.scheme if found else None


@function("get_url_host")
def get_url_host(url: Any) -> str | None:
    found = _url(url)
    return found.hostname if found and found.hostname else None


@function("get_url_port")
def get_url_port(url: Any) -> int | None:
    found = _url(url)
    if not found:
        return None
    return found.port if found.port is not None else _DEFAULT_PORTS.get(found.scheme.lower())


@function("get_url_path")
def get_url_path(url: Any, full_path: Any = True) -> str | None:
    found = _url(url)
    if not found:
        return None
    if full_path is False or (isinstance(full_path, str) and full_path.lower() == "false"):
        return found.path.rstrip("/").rsplit("/", 1)[-1]
    return found.path


@function("get_url_query_str")
def get_url_query_str(url: Any, anchor: Any) -> dict[str, str] | None:
    found = _url(url)
    if not found:
        return None
    mode = to_text(anchor).lower() if anchor is not None else "retain"
    if mode not in ("retain", "remove", "append"):
        raise TransformError("ANCHOR must be 'retain', 'remove' or 'append'")
    pairs = dict(parse_qsl(found.query, keep_blank_values=True))
    if found.fragment and pairs and mode == "retain":
        last_key = list(pairs)[-1]
        pairs[last_key] = f"{pairs[last_key]}#{found.fragment}"
    elif found.fragment and mode == "append":
        pairs["_anchor_"] = found.fragment
    return pairs


@function("get_url_encoded")
def get_url_encoded(url: Any) -> str | None:
    if url is None:
        return None
    return quote(to_text(url), safe="-_.").replace("~", "%7E")


@function("get_url_decoded")
def get_url_decoded(url: Any) -> str | None:
    return None if url is None else unquote(to_text(url))


# -- type conversions ----------------------------------------------------------------------------
def _decimal(value: Any, what: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TransformError(f"{what} needs a number or a numeric string")
    try:
        found = Decimal(str(value).strip())
    except InvalidOperation:
        raise TransformError(f"{to_text(value)!r} is not a number") from None
    if not found.is_finite():
        raise TransformError(f"{to_text(value)!r} is not a finite number")
    return found


@function("to_bigint")
def to_bigint(value: Any) -> int | None:
    """Fractions are truncated (the docs' sample keeps them, which a BigInteger cannot)."""
    found = _decimal(value, "to_bigint")
    return None if found is None else int(found)


@function("to_integer")
def to_integer(value: Any) -> int | None:
    found = _decimal(value, "to_integer")
    if found is None:
        return None
    if found != found.to_integral_value():
        raise TransformError(f"{to_text(value)!r} is not an integer")
    number = int(found)
    if not -2**31 <= number < 2**31:
        raise TransformError(f"{number} does not fit a 32-bit integer")
    return number


@function("to_decimal")
def to_decimal(value: Any) -> float | None:
    found = _decimal(value, "to_decimal")
    return None if found is None else float(found)


@function("to_float")
def to_float(value: Any) -> float | None:
    found = _decimal(value, "to_float")
    return None if found is None else float(found)


# -- special -------------------------------------------------------------------------------------
@function("uuid", "guid")
def new_uuid() -> str:
    return str(uuid.uuid4())

