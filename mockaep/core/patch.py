"""The one JSON Patch applier (RFC 6902, through the ``jsonpatch`` library).

Every service that takes a JSON Patch (Flow Service connections and flows, Schema Registry
resources, Catalog objects) reads and applies it here, against its resource kind's table
(``mockaep.core.kinds``): read-only and unknown top-level fields are refused before anything is
applied, and any way a patch can fail to apply (a missing target, a path below a string, a
failed ``test``) is a :class:`PatchError`, never an unexpected exception.

What differs per service is the vocabulary it accepts (Flow Service spells ops in capitals and
takes a lone object; the Schema Registry takes all six ops) and its error codes: the caller says
which ops it takes (:class:`PatchRules`) and which code each :data:`REASONS` gets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import jsonpatch
import jsonpointer

from mockaep.core.errors import BadRequest
from mockaep.core.kinds import ResourceKind
from mockaep.core.numbers import whole_number

ALL_OPS = ("add", "remove", "replace", "move", "copy", "test")
#: Why a patch is refused; a service maps each to its own error code (``PatchRules.codes``).
REASONS = ("empty", "malformed", "unsupported-op", "read-only", "unknown-field", "missing-target", "test-failed",
           "too-large")
#: More operations than this in one patch are refused before any is looked at.
MAX_OPERATIONS = 1000
MAX_POINTER_LENGTH = 2048


class PatchError(BadRequest):
    """A JSON Patch that cannot be applied; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, detail: str, *, reason: str, position: int | None = None, path: str | None = None,
                 code: str | None = None) -> None:
        pointer = f"/{position}" if position is not None else "/"
        super().__init__(detail, code=code, sub_errors=[{"path": pointer, "message": reason}],
                         report={"reason": reason} if path is None else {"reason": reason, "patchPath": path})
        self.reason = reason
        self.position = position
        self.path = path


@dataclass(frozen=True)
class PatchRules:
    """How one service reads a patch.

    ``ops``: the operations it takes (others: ``unsupported-op``). ``case_insensitive_ops``:
    ``"REPLACE"`` reads as ``"replace"`` (Flow Service's spec spells them in capitals).
    ``lone_object``: a single operation object is read as a list of one. ``value_types``: when
    given, the JSON types a ``value`` may have (else any). ``codes``: reason → service error code.
    ``protected``: top-level fields refused besides the kind's read-only fields, with their own
    code (e.g. Flow Service's ``connectionSpec`` → 1414).
    """

    ops: tuple[str, ...] = ALL_OPS
    case_insensitive_ops: bool = False
    lone_object: bool = False
    codes: Mapping[str, str] = field(default_factory=dict)
    protected: Mapping[str, str] = field(default_factory=dict)


def read_patch(body: Any, rules: PatchRules = PatchRules()) -> list[dict[str, Any]]:
    """The body as a list of RFC 6902 operations (lower-case ``op``), or a :class:`PatchError`."""
    if body is None or body == [] or body == {}:
        raise _error(rules, "empty", "The JSON Patch is empty: send at least one operation.")
    items = [body] if rules.lone_object and isinstance(body, dict) else body
    if not isinstance(items, list):
        raise _error(rules, "malformed", "A JSON Patch must be an array of operations such as "
                                         '{"op": "replace", "path": "/name", "value": "…"}.')
    if len(items) > MAX_OPERATIONS:
        raise _error(rules, "too-large", f"A JSON Patch may hold at most {MAX_OPERATIONS} operations.")
    operations = []
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise _error(rules, "malformed", f"Patch operation {position} must be an object.", position)
        op = item.get("op")
        if not isinstance(op, str):
            raise _error(rules, "malformed", f"Patch operation {position} has no 'op'.", position)
        name = op.lower() if rules.case_insensitive_ops else op
        if name not in rules.ops:
            raise _error(rules, "unsupported-op", f"Unsupported operation '{op[:50]}' received. Please use one of "
                         f"{', '.join(rules.ops)} and try again.", position)
        for key in ("path",) + (("from",) if name in ("move", "copy") else ()):
            pointer = item.get(key)
            if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")) \
                    or len(pointer) > MAX_POINTER_LENGTH:
                raise _error(rules, "malformed", f"Patch operation {position} needs a JSON Pointer '{key}' "
                                                 "such as /name.", position)
        if not item["path"] or item["path"] == "/":
            raise _error(rules, "malformed", f"Patch operation {position} must name a field, not the whole object.",
                         position, item["path"])
        if name in ("add", "replace", "test") and "value" not in item:
            raise _error(rules, "malformed", f"Patch operation {position} ('{op}') needs a 'value'.", position)
        operations.append({**item, "op": name})
    return operations


def top_field(pointer: str) -> str:
    """The top-level field a JSON Pointer starts with (``/a~1b/c`` → ``a/b``)."""
    return pointer[1:].split("/", 1)[0].replace("~1", "/").replace("~0", "~") if pointer else ""


def apply_patch(document: Mapping[str, Any], operations: list[dict[str, Any]], *, kind: ResourceKind | None = None,
                rules: PatchRules = PatchRules()) -> dict[str, Any]:
    """A new document: ``operations`` (from :func:`read_patch`) applied to ``document``.

    With ``kind``, an operation touching (``path``, or ``from`` of a move) a read-only or
    unwritable top-level field of the kind is refused before anything is applied.
    """
    for position, op in enumerate(operations):
        touched = [op["path"]] + ([op["from"]] if op["op"] == "move" else [])
        for pointer in touched:
            top = top_field(pointer)
            if top in rules.protected:
                raise PatchError(f"The field '{top}' cannot be changed.", reason="read-only", position=position,
                                 path=pointer, code=rules.protected[top])
            if kind is not None and kind.is_read_only(top):
                raise _error(rules, "read-only", f"The field '{top}' is read-only and cannot be changed with PATCH.",
                             position, pointer)
            if kind is not None and not kind.is_writable(top):
                raise _error(rules, "unknown-field", "An error has occurred while validating patch instructions: "
                                                     f'Missing field "{top}".', position, pointer)
    current: Any = dict(document)
    for position, op in enumerate(operations):
        try:
            current = jsonpatch.JsonPatch([op]).apply(current, in_place=False)
        except jsonpatch.JsonPatchTestFailed:
            raise _error(rules, "test-failed", f"Patch operation {position} ('test' of {op['path']}) failed.",
                         position, op["path"]) from None
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, KeyError, IndexError,
                AttributeError, ValueError) as exc:
            raise _error(rules, "missing-target", "An error has occurred while validating patch instructions: "
                         f'Missing field "{_missing_part(current, op)}" ({type(exc).__name__}: {str(exc)[:200]}).',
                         position, op["path"]) from None
    if not isinstance(current, dict):
        raise _error(rules, "malformed", "The JSON Patch must leave the object an object.")
    return current


def _missing_part(document: Any, op: Mapping[str, Any]) -> str:
    """The first segment of the operation's path the document does not have (for messages)."""
    try:
        parts = jsonpointer.JsonPointer(op["path"]).parts
    except jsonpointer.JsonPointerException:
        return str(op["path"])[:100]
    node = document
    for part in parts[:-1] if op["op"] == "add" else parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and (index := whole_number(part, 9)) is not None and index < len(node):
            node = node[index]
        else:
            return part[:100]
    return parts[-1][:100] if parts else ""


def _error(rules: PatchRules, reason: str, detail: str, position: int | None = None,
           path: str | None = None) -> PatchError:
    return PatchError(detail, reason=reason, position=position, path=path, code=rules.codes.get(reason))
