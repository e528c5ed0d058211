"""``/rpc/sampledata``: a document that fits a resolved schema, field by field.

Values are deterministic (derived from the field path) so that the same schema always yields the
same sample; every generated value satisfies the field's type, format, enum, pattern and bounds
where it can, and a field whose pattern cannot be met is left out unless it is required.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Mapping

FORMAT_SAMPLES = {
    "date-time": "2024-05-17T09:30:00Z",
    "date": "2024-05-17",
    "email": "sample.person@example.com",
    "uri": "https://example.com/sample",
    "uri-reference": "sample-reference",
    "uuid": "1c2d3e4f-0000-4000-8000-00000000abcd",
    "ipv4": "192.0.2.10",
    "time": "09:30:00Z",
}
PATTERN_CANDIDATES = ("AB", "US", "05-17", "A1", "abc", "2024", "ab-12", "12345", "x", "A", "1")
MAX_DEPTH = 12


def _digest(path: str) -> int:
    return int(hashlib.sha1(path.encode()).hexdigest()[:8], 16)


def _string(node: Mapping[str, Any], path: str) -> str | None:
    if node.get("format") in FORMAT_SAMPLES:
        return FORMAT_SAMPLES[node["format"]]
    pattern = node.get("pattern")
    low = int(node.get("minLength", 0) or 0)
    high = node.get("maxLength")
    if isinstance(pattern, str):
        try:
            compiled = re.compile(pattern)
        except re.error:
            return None
        for candidate in PATTERN_CANDIDATES:
            if compiled.search(candidate) and len(candidate) >= low and (high is None or len(candidate) <= high):
                return candidate
        return None
    name = path.rsplit(".", 1)[-1] or "value"
    text = f"Sample {name} {_digest(path) % 1000}"
    if len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[:high]
    return text


def _number(node: Mapping[str, Any], path: str, integer: bool) -> float | int:
    low = node.get("minimum")
    high = node.get("maximum")
    value: float = _digest(path) % 100 + 1
    if isinstance(low, (int, float)) and value < low:
        value = low
    if isinstance(high, (int, float)) and value > high:
        value = high
    if node.get("exclusiveMinimum") is True and isinstance(low, (int, float)) and value <= low:
        value = low + 1
    return int(value) if integer else float(value)


def generate(node: Mapping[str, Any], path: str = "", depth: int = 0) -> Any:
    """A value for one schema node (``_MISSING`` when none can be made)."""
    if "const" in node:
        return node["const"]
    if isinstance(node.get("enum"), list) and node["enum"]:
        return node["enum"][0]
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "properties" in node:
        kind = "object"
    if kind == "string":
        return _string(node, path)
    if kind == "integer":
        return _number(node, path, True)
    if kind == "number":
        return _number(node, path, False)
    if kind == "boolean":
        return _digest(path) % 2 == 0
    if kind == "array":
        if depth >= MAX_DEPTH:
            return []
        items = node.get("items") if isinstance(node.get("items"), dict) else {"type": "string"}
        item = generate(items, f"{path}[]", depth + 1)
        count = max(int(node.get("minItems", 1) or 1), 1)
        return [] if item is None else [item] * count
    if kind == "object":
        return _object(node, path, depth)
    return None


def _object(node: Mapping[str, Any], path: str, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if depth >= MAX_DEPTH:
        return out
    required = set(node.get("required", []) or [])
    for name, sub in (node.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        value = generate(sub, f"{path}.{name}" if path else name, depth + 1)
        if value is not None:
            out[name] = value
        elif name in required:
            out[name] = ""
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and not out:
        value = generate(extra, f"{path}.key", depth + 1)
        if value is not None:
            out["sampleKey"] = value
    return out


def sample_document(resolved: Mapping[str, Any]) -> dict[str, Any]:
    return _object(resolved, "", 0)
