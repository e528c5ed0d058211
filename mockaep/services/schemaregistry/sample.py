"""``/rpc/sampledata``: a document that fits a resolved schema, field by field.

Values are deterministic (derived from the field path) so that the same schema always yields the
same sample; every generated value satisfies the field's type, format, enum, pattern and bounds
where it can, and a field whose pattern cannot be met is left out unless it is required.

A schema's counts and sizes are the user's (``minItems``, ``minLength``), so the document is
bounded before it is built: about :data:`MAX_SIZE` characters in all (each value costs its
length and a little more; an array's items count each), strings of at most :data:`MAX_STRING`
characters, arrays of at most :data:`MAX_ITEMS` items, :data:`MAX_DEPTH` levels. What a bound
cuts (an array shorter than ``minItems``, a string shorter than ``minLength``) is the one place a
sample may not fit its schema. Patterns are matched with RE2 (linear time).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

from mockaep.core.patterns import PatternError, compile_pattern

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
MAX_SIZE = 1_000_000
VALUE_COST = 8
MAX_STRING = 1_000
MAX_ITEMS = 100


class _Budget:
    """How many more values the document may hold."""

    def __init__(self, size: int = MAX_SIZE) -> None:
        self.left = size

    def take(self, count: int = 1) -> bool:
        if self.left < count:
            return False
        self.left -= count
        return True


def _digest(path: str) -> int:
    return int(hashlib.sha1(path.encode()).hexdigest()[:8], 16)


def _count(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def _string(node: Mapping[str, Any], path: str) -> str | None:
    if node.get("format") in FORMAT_SAMPLES:
        return FORMAT_SAMPLES[node["format"]]
    pattern = node.get("pattern")
    low = min(_count(node.get("minLength")), MAX_STRING)
    high = node.get("maxLength") if isinstance(node.get("maxLength"), int) else None
    if pattern is not None:
        try:
            compiled = compile_pattern(pattern)
        except PatternError:
            return None
        for candidate in PATTERN_CANDIDATES:
            if compiled.search(candidate) and len(candidate) >= low and (high is None or len(candidate) <= high):
                return candidate
        return None
    name = path.rsplit(".", 1)[-1] or "value"
    text = f"Sample {name} {_digest(path) % 1000}"[:MAX_STRING]
    if len(text) < low:
        text = text + "x" * (low - len(text))
    if high is not None and len(text) > max(high, 0):
        text = text[:max(high, 0)]
    return text


def _number(node: Mapping[str, Any], path: str, integer: bool) -> float | int:
    low = node.get("minimum")
    high = node.get("maximum")
    value: float = _digest(path) % 100 + 1
    if isinstance(low, (int, float)) and not isinstance(low, bool) and value < low:
        value = low
    if isinstance(high, (int, float)) and not isinstance(high, bool) and value > high:
        value = high
    if node.get("exclusiveMinimum") is True and isinstance(low, (int, float)) and value <= low:
        value = low + 1
    return int(value) if integer else float(value)


def generate(node: Mapping[str, Any], path: str = "", depth: int = 0, budget: _Budget | None = None) -> Any:
    """A value for one schema node (``None`` when none can be made)."""
    budget = budget if budget is not None else _Budget()
    if not budget.take(VALUE_COST):
        return None
    if "const" in node or (isinstance(node.get("enum"), list) and node["enum"]):
        value = node["const"] if "const" in node else node["enum"][0]
        return value if budget.take(len(json.dumps(value))) else None
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "properties" in node:
        kind = "object"
    if kind == "string":
        text = _string(node, path)
        return text if text is None or budget.take(len(text)) else None
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
        before = budget.left
        item = generate(items, f"{path}[]", depth + 1, budget)
        if item is None:
            return []
        cost = max(before - budget.left, 1)
        wanted = min(max(_count(node.get("minItems"), 1), 1), MAX_ITEMS)
        extra = min(wanted - 1, budget.left // cost)
        budget.take(extra * cost)
        return [item] * (1 + extra)
    if kind == "object":
        return _object(node, path, depth, budget)
    return None


def _object(node: Mapping[str, Any], path: str, depth: int, budget: _Budget) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if depth >= MAX_DEPTH:
        return out
    required = node.get("required") if isinstance(node.get("required"), list) else []
    properties = node.get("properties") if isinstance(node.get("properties"), dict) else {}
    for name, sub in properties.items():
        if not isinstance(sub, dict):
            continue
        value = generate(sub, f"{path}.{name}" if path else name, depth + 1, budget)
        if value is not None:
            out[name] = value
        elif name in required:
            out[name] = ""
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and not out:
        value = generate(extra, f"{path}.key", depth + 1, budget)
        if value is not None:
            out["sampleKey"] = value
    return out


def sample_document(resolved: Mapping[str, Any]) -> dict[str, Any]:
    return _object(resolved, "", 0, _Budget())
