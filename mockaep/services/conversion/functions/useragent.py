"""User agent functions (data-prep/functions.md, "User agent functions").

The user agent is parsed with ua-parser and its maintained rules (ua-parser-builtins); with
google-re2 installed (a dependency) the library selects the matching rule with RE2, and only
that rule's own expression then runs on the text, whose length is bounded. Its answers are put in the
platform's words: the browser is named without its build ("Mobile Safari" is "Safari", as
functions.md shows), versions are dotted, and the device class is one of Desktop, Phone, Tablet,
Mobile (a mobile device of unknown kind), Robot. What the rules cannot tell is null, as is a
null user agent.
"""
from __future__ import annotations

from typing import Any

import ua_parser

from mockaep.services.conversion.functions import function
from mockaep.services.conversion.values import TransformError, to_text

#: Longest user agent read (real ones are a few hundred characters).
MAX_USER_AGENT_LENGTH = 2048
#: ua-parser's names of mobile builds -> the browser's name.
AGENT_NAMES = {"Mobile Safari": "Safari", "Chrome Mobile": "Chrome", "Chrome Mobile iOS": "Chrome",
               "Firefox Mobile": "Firefox", "Firefox iOS": "Firefox", "Edge Mobile": "Edge",
               "Opera Mobile": "Opera"}
DESKTOP_SYSTEMS = ("Windows", "Mac OS X", "macOS", "Linux", "Ubuntu", "Debian", "Fedora", "Chrome OS",
                   "FreeBSD", "OpenBSD", "NetBSD", "Solaris")
PHONE_DEVICES = ("iPhone", "iPod")
TABLET_WORDS = ("iPad", "Tablet", "Kindle")


def _parse(user_agent: Any) -> ua_parser.Result | None:
    if user_agent is None:
        return None
    text = to_text(user_agent)
    if len(text) > MAX_USER_AGENT_LENGTH:
        raise TransformError(f"a user agent may have at most {MAX_USER_AGENT_LENGTH} characters")
    return ua_parser.parse(text) if text.strip() else None


def _version(*parts: str | None) -> str | None:
    present = []
    for part in parts:
        if not part:
            break
        present.append(part)
    return ".".join(present) or None


def _os(user_agent: Any) -> ua_parser.OS | None:
    found = _parse(user_agent)
    return None if found is None or found.os is None or found.os.family == "Other" else found.os


def _agent(user_agent: Any) -> ua_parser.UserAgent | None:
    found = _parse(user_agent)
    return None if found is None or found.user_agent is None or found.user_agent.family == "Other" \
        else found.user_agent


def _joined(name: str | None, version: str | None) -> str | None:
    return None if name is None or version is None else f"{name} {version}"


@function("ua_os_name")
def ua_os_name(user_agent: Any) -> str | None:
    found = _os(user_agent)
    return None if found is None else found.family


@function("ua_os_version_major")
def ua_os_version_major(user_agent: Any) -> str | None:
    """Name and major version: "iOS 5"."""
    found = _os(user_agent)
    return None if found is None else _joined(found.family, found.major)


@function("ua_os_version")
def ua_os_version(user_agent: Any) -> str | None:
    found = _os(user_agent)
    return None if found is None else _version(found.major, found.minor, found.patch, found.patch_minor)


@function("ua_os_name_version")
def ua_os_name_version(user_agent: Any) -> str | None:
    found = _os(user_agent)
    if found is None:
        return None
    return _joined(found.family, _version(found.major, found.minor, found.patch, found.patch_minor)) \
        or found.family


def _agent_name(found: ua_parser.UserAgent) -> str:
    return AGENT_NAMES.get(found.family, found.family)


@function("ua_agent_name")
def ua_agent_name(user_agent: Any) -> str | None:
    found = _agent(user_agent)
    return None if found is None else _agent_name(found)


@function("ua_agent_version")
def ua_agent_version(user_agent: Any) -> str | None:
    found = _agent(user_agent)
    return None if found is None else _version(found.major, found.minor, found.patch, found.patch_minor)


@function("ua_agent_version_major")
def ua_agent_version_major(user_agent: Any) -> str | None:
    """Name and major version: "Safari 5"."""
    found = _agent(user_agent)
    return None if found is None else _joined(_agent_name(found), found.major)


@function("ua_device_class")
def ua_device_class(user_agent: Any) -> str | None:
    found = _parse(user_agent)
    if found is None:
        return None
    device = found.device
    device_words = " ".join(filter(None, (device.family, device.brand, device.model))) if device else ""
    system = found.os.family if found.os else ""
    mobile = "Mobile" in found.string
    if device is not None and device.family == "Spider":
        return "Robot"
    if any(word in device_words for word in TABLET_WORDS):
        return "Tablet"
    if device is not None and device.family in PHONE_DEVICES or system == "Windows Phone":
        return "Phone"
    if system == "Android":
        return "Phone" if mobile else "Tablet"  # Android tablets leave "Mobile" out of their agent
    if mobile:
        return "Mobile"
    if system.startswith(DESKTOP_SYSTEMS):
        return "Desktop"
    return None
