"""Secrets → stable placeholders, before an exchange touches disk.

A :class:`Scrubber` lives as long as one cassette. It first *learns* secret values from the
places that carry them (headers such as ``Authorization``/``x-api-key``/``x-gw-ims-org-id``,
query and form fields such as ``client_id``/``client_secret``, JSON keys such as
``access_token``/``imsOrg``, anything shaped like a JWT), gives each distinct value one
placeholder (``<ACCESS_TOKEN-1>``, ``<API_KEY-1>``, ``<IMS_ORG-1>``, ``<SECRET-2>``…), and then
replaces every occurrence of every learned value anywhere in the exchange: URI, header values
and bodies, raw and in their URL- and JSON-escaped spellings. So an org id the platform echoes
in ``imsOrgId`` or a client id inside ``createdBy`` are caught too, and the same secret gets the
same placeholder in every exchange of the cassette.

Very short values (under :data:`MIN_GLOBAL_LENGTH` characters) are replaced only where they were
found (whole header value, whole field, whole JSON string) so that a one-letter test key does not
shred unrelated text.
"""
from __future__ import annotations

import json
import re
import threading
from typing import Any, Iterable
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from mockaep.replay.cassette import Interaction

MIN_GLOBAL_LENGTH = 6
#: HTTP's optional whitespace around header values (only these; other spaces belong to the value).
OWS = " \t"
PLACEHOLDER_RE = re.compile(r"<([A-Z][A-Z_]*)-(\d+)>")
GENERIC_PLACEHOLDER = "<SECRET>"

#: Header (lower case) → kind of the secret it carries.
SECRET_HEADERS = {
    "authorization": "ACCESS_TOKEN",
    "proxy-authorization": "SECRET",
    "x-api-key": "API_KEY",
    "x-gw-ims-org-id": "IMS_ORG",
    "cookie": "SECRET",
    "set-cookie": "SECRET",
    "x-user-token": "ACCESS_TOKEN",
}
#: Query / form field → kind (IMS token requests carry the client credentials this way).
SECRET_FIELDS = {
    "client_id": "CLIENT_ID",
    "client_secret": "SECRET",
    "access_token": "ACCESS_TOKEN",
    "refresh_token": "SECRET",
    "id_token": "SECRET",
    "jwt_token": "SECRET",
    "code": "SECRET",
    "password": "SECRET",
    "api_key": "API_KEY",
}
#: JSON key, lower case without ``_``/``-`` → kind. Connection auth params carry passwords.
SECRET_JSON_KEYS = {
    "accesstoken": "ACCESS_TOKEN",
    "refreshtoken": "SECRET",
    "idtoken": "SECRET",
    "jwttoken": "SECRET",
    "clientsecret": "SECRET",
    "clientid": "CLIENT_ID",
    "apikey": "API_KEY",
    "password": "SECRET",
    "securitytoken": "SECRET",
    "secretaccesskey": "SECRET",
    "accountkey": "SECRET",
    "sastoken": "SECRET",
    "connectionstring": "SECRET",
    "privatekey": "SECRET",
    "imsorg": "IMS_ORG",
    "imsorgid": "IMS_ORG",
}
JWT_RE = re.compile(rb"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


MAX_JSON_DEPTH = 100
_NOT_JSON = object()


def load_json(data: bytes | str) -> Any:
    """Parsed JSON, or :data:`_NOT_JSON` when it is not JSON or nests deeper than the recursive
    walkers here go (such a body is then handled as opaque text, never a crash)."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return _NOT_JSON
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return _NOT_JSON
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return value


def is_json(value: Any) -> bool:
    return value is not _NOT_JSON


def generalize(text: str) -> str:
    """Placeholders of any kind and number → one generic token (what replay compares)."""
    return PLACEHOLDER_RE.sub(GENERIC_PLACEHOLDER, text)


def _json_key_kind(key: str) -> str | None:
    return SECRET_JSON_KEYS.get(key.lower().replace("_", "").replace("-", ""))


def _is_form(headers: dict[str, list[str]]) -> bool:
    for key, values in headers.items():
        if key.lower() == "content-type" and values:
            return values[0].split(";")[0].strip().lower() == "application/x-www-form-urlencoded"
    return False


def _looks_masked(value: str) -> bool:
    return not value.strip("*•x ") or PLACEHOLDER_RE.fullmatch(value) is not None


class Scrubber:
    """Learns secrets and replaces them with placeholders that stay stable for one cassette."""

    def __init__(self, extra_secrets: Iterable[str] = ()) -> None:
        self._placeholders: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        # re-entrant: scrub() holds it while learn() takes it again (proxy threads share one scrubber)
        self._lock = threading.RLock()
        for value in extra_secrets:
            self.learn(value, "SECRET")

    @property
    def secrets(self) -> dict[str, str]:
        """Learned value → placeholder (for tests and diagnostics; never written anywhere)."""
        return dict(self._placeholders)

    def learn(self, value: Any, kind: str) -> str | None:
        if not isinstance(value, str) or not value or _looks_masked(value):
            return None
        with self._lock:
            found = self._placeholders.get(value)
            if found is None:
                self._counters[kind] = self._counters.get(kind, 0) + 1
                found = self._placeholders[value] = f"<{kind}-{self._counters[kind]}>"
            return found

    # -- learning ----------------------------------------------------------------------------
    def _learn_header(self, name: str, value: str) -> None:
        kind = SECRET_HEADERS.get(name.lower())
        if kind is None:
            return
        if name.lower() in ("authorization", "proxy-authorization"):
            scheme, sep, credentials = value.strip(OWS).partition(" ")
            if sep and credentials.strip(OWS):
                self.learn(credentials.strip(OWS), kind if scheme.lower() == "bearer" else "SECRET")
                return
        elif name.lower() == "set-cookie":
            value = value.split(";", 1)[0].partition("=")[2]
        self.learn(value.strip(OWS), kind)

    def _learn_fields(self, pairs: Iterable[tuple[str, str]]) -> None:
        for key, value in pairs:
            kind = SECRET_FIELDS.get(key.lower())
            if kind:
                self.learn(value, kind)

    def _learn_json(self, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                kind = _json_key_kind(str(key))
                if kind and isinstance(value, str):
                    self.learn(value, kind)
                else:
                    self._learn_json(value)
        elif isinstance(node, list):
            for item in node:
                self._learn_json(item)

    def _learn_body(self, body: bytes, headers: dict[str, list[str]]) -> None:
        if not body:
            return
        for token in JWT_RE.findall(body):
            self.learn(token.decode("ascii"), "ACCESS_TOKEN")
        if _is_form(headers):
            try:
                self._learn_fields(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                pass
            return
        if body.lstrip()[:1] in (b"{", b"["):
            parsed = load_json(body)
            if is_json(parsed):
                self._learn_json(parsed)

    def learn_from(self, interaction: Interaction) -> None:
        for headers in (interaction.request_headers, interaction.response_headers):
            for name, values in headers.items():
                for value in values:
                    self._learn_header(name, value)
                    for token in JWT_RE.findall(value.encode("utf-8", "replace")):
                        self.learn(token.decode("ascii"), "ACCESS_TOKEN")
        split = urlsplit(interaction.uri)
        self._learn_fields(parse_qsl(split.query, keep_blank_values=True))
        if split.password:
            self.learn(split.password, "SECRET")
        self._learn_body(interaction.request_body, interaction.request_headers)
        self._learn_body(interaction.response_body, interaction.response_headers)

    # -- replacing ---------------------------------------------------------------------------
    def _ordered(self) -> list[tuple[str, str]]:
        return sorted(self._placeholders.items(), key=lambda item: -len(item[0]))

    def _spellings(self) -> list[tuple[str, str]]:
        """(spelling of a secret, placeholder spelled the same way), longest secrets first."""
        pairs: list[tuple[str, str]] = []
        for secret, placeholder in self._ordered():
            if len(secret) < MIN_GLOBAL_LENGTH:
                continue
            for spell in (lambda t: t, lambda t: quote(t, safe=""), quote_plus, lambda t: json.dumps(t)[1:-1],
                          lambda t: json.dumps(t, ensure_ascii=False)[1:-1]):
                pair = (spell(secret), spell(placeholder))
                if pair not in pairs:
                    pairs.append(pair)
        return pairs

    def replace_text(self, text: str) -> str:
        """Every learned secret long enough to be unambiguous, in all its spellings."""
        for spelling, placeholder in self._spellings():
            text = text.replace(spelling, placeholder)
        return text

    def _replace_bytes(self, body: bytes) -> bytes:
        if not body or not self._placeholders:
            return body
        original = body
        for secret, placeholder in self._ordered():
            # whole JSON strings first: covers secrets too short for the global pass
            body = body.replace(json.dumps(secret).encode("utf-8"), json.dumps(placeholder).encode("utf-8"))
        for spelling, placeholder in self._spellings():
            body = body.replace(spelling.encode("utf-8"), placeholder.encode("utf-8"))
        if original.lstrip()[:1] in (b"{", b"["):
            body = self._check_json(original, body)
        return body

    def _check_json(self, original: bytes, replaced: bytes) -> bytes:
        """Text replacement keeps a JSON body's layout, but can cut into an escape sequence or
        miss a secret spelled with escapes; then replace inside the parsed values instead."""
        parsed = load_json(original)
        if not is_json(parsed):
            return replaced  # not JSON to begin with: the text replacement is all there is
        after = load_json(replaced)
        if is_json(after) and not self._leaks(after):
            return replaced
        return json.dumps(self._replace_values(parsed), ensure_ascii=False).encode("utf-8")

    def _leaks(self, node: Any) -> bool:
        if isinstance(node, str):
            return any(len(s) >= MIN_GLOBAL_LENGTH and s in node for s in self._placeholders)
        if isinstance(node, dict):
            return any(self._leaks(k) or self._leaks(v) for k, v in node.items())
        if isinstance(node, list):
            return any(self._leaks(item) for item in node)
        return False

    def _replace_values(self, node: Any) -> Any:
        if isinstance(node, str):
            exact = self._placeholders.get(node)
            if exact is not None:
                return exact
            for secret, placeholder in self._ordered():
                if len(secret) >= MIN_GLOBAL_LENGTH:
                    node = node.replace(secret, placeholder)
            return node
        if isinstance(node, dict):
            return {self._replace_values(k): self._replace_values(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._replace_values(item) for item in node]
        return node

    def _replace_header(self, name: str, value: str) -> str:
        if name.lower() in SECRET_HEADERS:
            for secret, placeholder in self._ordered():
                if value.strip(OWS) == secret:
                    return placeholder
                if name.lower() in ("authorization", "proxy-authorization"):
                    scheme, sep, credentials = value.strip(OWS).partition(" ")
                    if sep and credentials.strip(OWS) == secret:
                        return f"{scheme} {placeholder}"
        return self.replace_text(value)

    def _replace_fields(self, query: str) -> str:
        pairs = parse_qsl(query, keep_blank_values=True)
        if not any(k.lower() in SECRET_FIELDS and v in self._placeholders for k, v in pairs):
            return query
        return urlencode([(k, self._placeholders.get(v, v) if k.lower() in SECRET_FIELDS else v) for k, v in pairs])

    def scrub_uri(self, uri: str) -> str:
        split = urlsplit(uri)
        self._learn_fields(parse_qsl(split.query, keep_blank_values=True))
        netloc = split.hostname or ""
        if split.port:
            netloc = f"{netloc}:{split.port}"
        query = self._replace_fields(split.query)
        return self.replace_text(urlunsplit((split.scheme, netloc, split.path, query, split.fragment)))

    def scrub(self, interaction: Interaction) -> Interaction:
        """A copy of the exchange with every secret replaced (learning from it first)."""
        with self._lock:
            return self._scrub(interaction)

    def _scrub(self, interaction: Interaction) -> Interaction:
        self.learn_from(interaction)
        request_body = interaction.request_body
        if request_body and _is_form(interaction.request_headers):
            try:
                request_body = self._replace_fields(request_body.decode("utf-8")).encode("utf-8")
            except UnicodeDecodeError:
                pass
        return Interaction(
            method=interaction.method,
            uri=self.scrub_uri(interaction.uri),
            request_headers={k: [self._replace_header(k, v) for v in vs]
                             for k, vs in interaction.request_headers.items()},
            request_body=self._replace_bytes(request_body),
            status=interaction.status,
            reason=interaction.reason,
            response_headers={k: [self._replace_header(k, v) for v in vs]
                              for k, vs in interaction.response_headers.items()},
            response_body=self._replace_bytes(interaction.response_body),
            meta=dict(interaction.meta),
        )
