"""Hashing, URL, type conversion and special functions (data-prep/functions.md)."""
from __future__ import annotations

import hashlib
import re
import uuid
import zlib
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from mockaep.core.errors import shown
from mockaep.services.conversion.functions.declaration import function
from mockaep.services.conversion.values import MAX_INTEGER_DIGITS, TransformError, check_integer, to_text

#: Longest text read as a number (twice the longest integer a transformation may produce).
MAX_NUMBER_TEXT = 2 * MAX_INTEGER_DIGITS
#: Largest finite Java float; a larger value reads as Infinity, as Float.parseFloat does.
FLOAT_MAX = 3.4028234663852886e38
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# -- hashing -------------------------------------------------------------------------------------
_CHARSETS = {"UTF-8": "utf-8", "UTF-16": "utf-16-be", "UTF-16BE": "utf-16-be", "UTF-16LE": "utf-16-le",
             "ISO-8859-1": "latin-1", "US-ASCII": "ascii"}


def _bytes(value: Any, charset: Any) -> bytes | None:
    if value is None:
        return None
    name = "UTF-8" if charset is None else to_text(charset).strip().upper()
    codec = _CHARSETS.get(name)
    if codec is None:
        raise TransformError(f"unsupported character set {shown(to_text(charset), quoted=True)}")
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
    text = str(value).strip()
    if len(text) > MAX_NUMBER_TEXT:
        raise TransformError(f"a number may be written with at most {MAX_NUMBER_TEXT} characters")
    try:
        found = Decimal(text)
    except InvalidOperation:
        raise TransformError(f"{shown(to_text(value), quoted=True)} is not a number") from None
    if not found.is_finite():
        raise TransformError(f"{shown(to_text(value), quoted=True)} is not a finite number")
    return found


def _whole(found: Decimal, value: Any) -> int:
    """The integer part (toward zero), refused before it is built when it has too many digits."""
    if found.adjusted() >= MAX_INTEGER_DIGITS:
        raise TransformError(f"{shown(to_text(value), quoted=True)} has more than {MAX_INTEGER_DIGITS} integer digits")
    return check_integer(int(found))


@function("to_bigint")
def to_bigint(value: Any) -> int | None:
    """A BigInteger has no fraction: it is truncated toward zero, as BigDecimal.toBigInteger does,
    so "1000000.34" gives 1000000. (functions.md prints 1000000.34 for that call, a value a
    BigInteger cannot hold; the description is followed, not the sample.)"""
    found = _decimal(value, "to_bigint")
    return None if found is None else _whole(found, value)


@function("to_integer")
def to_integer(value: Any) -> int | None:
    found = _decimal(value, "to_integer")
    if found is None:
        return None
    if found != found.to_integral_value():
        raise TransformError(f"{shown(to_text(value), quoted=True)} is not an integer")
    if found.adjusted() >= 10:
        raise TransformError(f"{shown(to_text(value))} does not fit a 32-bit integer")
    number = int(found)
    if not -2**31 <= number < 2**31:
        raise TransformError(f"{shown(number)} does not fit a 32-bit integer")
    return number


@function("to_decimal")
def to_decimal(value: Any) -> float | None:
    """A double; beyond its range the value is Infinity, as Double.parseDouble reads it."""
    found = _decimal(value, "to_decimal")
    return None if found is None else float(found)


@function("to_float")
def to_float(value: Any) -> float | None:
    """Java's Float range: beyond it the value is Infinity. The digits are kept as written
    ("12.3456" gives 12.3456, as Float.toString prints it; functions.md's 12.34566 adds a digit
    that is not in the input)."""
    found = _decimal(value, "to_float")
    if found is None:
        return None
    number = float(found)
    if abs(number) > FLOAT_MAX:
        return float("inf") if number > 0 else float("-inf")
    return number


# -- special -------------------------------------------------------------------------------------
@function("uuid", "guid")
def new_uuid() -> str:
    return str(uuid.uuid4())


@function("fpid_to_ecid")
def fpid_to_ecid(fpid: Any) -> str | None:
    """The ECID an FPID seeds: the same FPID always gives the same 38-digit ECID.

    Adobe does not publish its derivation, so the emulator's is its own (documented here and in
    the README): the FPID is read as a UUID (the form the Edge Network accepts for FPIDs; other
    text is a transformation error), the SHA-256 of its lowercase text is taken, its first two
    8-byte words (big-endian, top bit cleared) are printed as 19-digit zero-padded decimals and
    joined. The result has the documented shape (38 digits, two 63-bit halves, as an ECID's)
    but not Adobe's value: functions.md's sample FPID does not give its sample ECID here.
    """
    if fpid is None:
        return None
    text = to_text(fpid).strip()
    if not _UUID.fullmatch(text):
        raise TransformError("an FPID must be a UUID (8-4-4-4-12 hexadecimal digits)")
    digest = hashlib.sha256(text.lower().encode("ascii")).digest()
    halves = (int.from_bytes(digest[i:i + 8], "big") & (2**63 - 1) for i in (0, 8))
    return "".join(f"{half:019d}" for half in halves)

