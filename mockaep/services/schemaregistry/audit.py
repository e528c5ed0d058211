"""The audit log (``/rpc/auditlog``, audit-log.md): per resource, what changed, newest first, as
JSON Patch style updates. Kept per tenant in ``xdmAuditLog`` under the resource's ``$id``, also
after the resource is deleted; the newest 100 entries are kept."""
from __future__ import annotations

import time
from typing import Any, Mapping

import jsonpatch

from mockaep.services.schemaregistry import kinds
from mockaep.services.schemaregistry.kinds import Kind
from mockaep.services.schemaregistry.registry import Registry

MAX_ENTRIES = 100


def _visible(resource: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (resource or {}).items() if k != "meta:registryMetadata"}


def record(reg: Registry, resource_id: str, kind: Kind, before: Mapping[str, Any] | None,
           after: Mapping[str, Any] | None) -> None:
    """Record one write (``before`` None: a creation; ``after`` None: a deletion)."""
    if after is None:
        updates = [{"id": resource_id, "xdmType": kind.resource_type, "action": "remove", "path": "/",
                    "value": before.get("title", "") if before else ""}]
    elif before is None:
        # A creation is one "add" per top-level key (what make_patch gives against {}, without its diffing).
        updates = [{"id": resource_id, "xdmType": kind.resource_type, "action": "add",
                    "path": "/" + k.replace("~", "~0").replace("/", "~1"), "value": v}
                   for k, v in after.items() if k != "meta:registryMetadata"]
    else:
        updates = [{"id": resource_id, "xdmType": kind.resource_type, "action": op["op"], "path": op["path"],
                    **({"value": op["value"]} if "value" in op else {})}
                   for op in jsonpatch.make_patch(_visible(before), _visible(after)).patch]
    log = reg.ctx.tenant.collection(kinds.AUDIT_COLLECTION)
    entry_list = (log.get(resource_id) or {"entries": []})["entries"]
    entry_list.insert(0, {
        "id": resource_id, "updatedUser": reg.ctx.user_id, "imsOrg": reg.ctx.org,
        "updatedTime": time.strftime("%m-%d-%Y %H:%M:%S", time.gmtime(reg.ctx.now_ms / 1000)),
        "requestId": reg.ctx.request_id, "clientId": reg.ctx.client_id,
        "sandboxId": reg.ctx.sandbox_id, "updates": updates,
    })
    log.put(resource_id, {"entries": entry_list[:MAX_ENTRIES]})


def entries(reg: Registry, resource_id: str) -> list[dict[str, Any]] | None:
    """The resource's log, newest first, or None when it has none."""
    found = reg.ctx.tenant.collection(kinds.AUDIT_COLLECTION).get(resource_id)
    return found["entries"] if found is not None else None
