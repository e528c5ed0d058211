"""JSON Patch on Flow Service objects (``PATCH /flows/{id}``, ``/connections/{id}``…).

The official ``PatchInstruction`` schema spells operations ``ADD``/``REPLACE``/``REMOVE`` and
types ``value`` as an object, while Adobe's tutorials send ``replace`` with string, number,
array or object values (update-dataflows.md, labels.md). The platform accepts the documented
requests, so operations are read case-insensitively and values of any type are taken; the
patched object is then re-validated through the same three layers as a create. The spec also
types the connection PATCH body as a single instruction: a lone object is taken as a list of one.

Codes: unsupported operation (``move``, ``copy``, ``test``) → 1434; a path naming a missing
field → 1455; a read-only field → 400 (``connectionSpec`` → 1414).
"""
from __future__ import annotations

from typing import Any, Mapping

import jsonpatch
import jsonpointer

from mockaep.core.errors import BadRequest

SUPPORTED_OPS = ("add", "replace", "remove")
#: Top-level fields no PATCH may touch: server-owned, or changed only by other means (actions).
READ_ONLY = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
             "sandboxId", "sandboxName", "imsOrgId", "version", "etag", "state", "runs", "lastOperation",
             "lastRunDetails", "inheritedAttributes", "providerRefId", "flowSpec")


def instructions(body: Any) -> list[dict[str, Any]]:
    """The body as a list of RFC 6902 operations with lowercase ``op``; 400 when malformed."""
    if body is None or body == [] or body == {}:
        raise BadRequest("The request body cannot be null or empty. Please provide a request body and try again.",
                         code="1405")
    items = [body] if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise BadRequest("A PATCH body must be a JSON Patch array of operations.")
    ops = []
    for position, item in enumerate(items):
        where = f"/{position}"
        if not isinstance(item, dict):
            raise BadRequest(f"Patch operation {position} must be an object.",
                             sub_errors=[{"path": where, "message": "must be an object"}])
        op = item.get("op")
        if not isinstance(op, str):
            raise BadRequest(f"Patch operation {position} has no 'op'.",
                             sub_errors=[{"path": f"{where}/op", "message": "required string"}])
        if op.lower() not in SUPPORTED_OPS:
            raise BadRequest(f"Unsupported operation '{op}' received. Please use one of the supported operation "
                             "types and try again.", code="1434")
        path = item.get("path")
        if not isinstance(path, str) or not path.startswith("/") or path == "/":
            raise BadRequest(f"Patch operation {position} needs a JSON Pointer 'path' naming a field, such as /name.",
                             sub_errors=[{"path": f"{where}/path", "message": "must be a JSON Pointer to a field"}])
        if op.lower() != "remove" and "value" not in item:
            raise BadRequest(f"Patch operation {position} ('{op}') needs a 'value'.",
                             sub_errors=[{"path": f"{where}/value", "message": "required"}])
        ops.append({**item, "op": op.lower()})
    return ops


def _top(path: str) -> str:
    return jsonpointer.JsonPointer(path).parts[0] if path else ""


def apply(record: Mapping[str, Any], ops: list[dict[str, Any]], *, writable: tuple[str, ...],
          spec_field: str | None = None) -> dict[str, Any]:
    """``record`` with ``ops`` applied (a new object); refuses read-only and unknown fields."""
    for op in ops:
        try:
            top = _top(op["path"])
        except jsonpointer.JsonPointerException as exc:
            raise BadRequest(f"Invalid patch path '{op['path']}': {exc}.") from None
        if spec_field is not None and top == spec_field:
            raise BadRequest("The connection spec of a connection cannot be updated.", code="1414")
        if top in READ_ONLY:
            raise BadRequest(f"The field '{top}' is read-only and cannot be changed with PATCH.",
                             sub_errors=[{"path": op["path"], "message": "read-only"}])
        if top not in writable:
            raise BadRequest(f"An error has occurred while validating patch instructions: Missing field \"{top}\".",
                             code="1455")
    try:
        return jsonpatch.JsonPatch(ops).apply(dict(record), in_place=False)
    except (jsonpatch.JsonPatchConflict, jsonpointer.JsonPointerException) as exc:
        field = _missing_field(record, ops)
        raise BadRequest(f"An error has occurred while validating patch instructions: Missing field \"{field}\".",
                         code="1455", report={"reason": str(exc)}) from None
    except jsonpatch.JsonPatchException as exc:
        raise BadRequest(f"The patch instructions are invalid: {exc}.") from None


def _missing_field(record: Mapping[str, Any], ops: list[dict[str, Any]]) -> str:
    """The first path segment the record lacks, to name it in the 1455 message."""
    document: Any = record
    for op in ops:
        parts = jsonpointer.JsonPointer(op["path"]).parts
        node = document
        for part in parts[:-1] if op["op"] == "add" else parts:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return part
        try:
            document = jsonpatch.JsonPatch([op]).apply(document, in_place=False)
        except jsonpatch.JsonPatchException:
            return parts[-1] if parts else ""
    return ""
