"""``/rpc/export``, ``/rpc/import`` and ``/rpc/sampledata`` (export.md, import.md, sample-data.md).

An export lists a tenant resource after everything it depends on, with the tenant's id replaced
by ``<XDM_TENANTID_PLACEHOLDER>``; an import puts the importing tenant's id back in and stores
the resources under the same ids, checked exactly as creations are — all of them before any is
written, so a refused import leaves the sandbox unchanged.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

from mockaep import validation
from mockaep.errors import BadRequest, NotFound
from mockaep.gateway import RequestContext
from mockaep.services.schemaregistry import kinds, rules, sample, unions
from mockaep.services.schemaregistry.models import audit
from mockaep.services.schemaregistry.registry import Registry, copy_of, normalize_ref

PLACEHOLDER = "<XDM_TENANTID_PLACEHOLDER>"
#: Bookkeeping that belongs to the exporting org and sandbox, not to the resource.
NOT_EXPORTED = ("imsOrg", "meta:registryMetadata", "refs", "meta:tenantNamespace", "meta:containerId")
ID_RE = re.compile(r"^https://ns\.adobe\.com/(?P<tenant>[^/]+)/(?P<type>schemas|classes|mixins|datatypes)/(?P<hex>[^/]+)$")


def _swap_tenant(document: Any, old: str, new: str) -> Any:
    text = json.dumps(document)
    text = text.replace(f"ns.adobe.com/{old}/", f"ns.adobe.com/{new}/").replace(f"_{old}", f"_{new}")
    return json.loads(text)


def export(ctx: RequestContext, ref: str) -> list[dict[str, Any]]:
    reg = Registry(ctx)
    found = reg.peek_tenant(ref)
    if found is None:
        raise NotFound(f"No tenant resource {normalize_ref(ref)} exists in this sandbox to export.",
                       code=kinds.OTHER_NOT_FOUND)
    ordered: list[Mapping[str, Any]] = []
    seen: set[str] = set()

    def visit(resource: Mapping[str, Any]) -> None:
        if resource["$id"] in seen:
            return
        seen.add(resource["$id"])
        for dep in resource.get("refs", []):
            tenant_dep = reg.peek_tenant(dep)
            if tenant_dep is not None:
                visit(tenant_dep[1])
        ordered.append(resource)

    visit(found[1])
    out = []
    for resource in ordered:
        item = {k: v for k, v in copy_of(resource).items() if k not in NOT_EXPORTED}
        out.append(_swap_tenant(item, reg.tenant_id, PLACEHOLDER))
    return out


def import_resources(ctx: RequestContext, body: Any) -> list[dict[str, Any]]:
    validation.check_body("schemaregistry", "POST", "/rpc/import", body)
    if not body:
        raise BadRequest("Nothing to import: send the array an export returned.")
    reg = Registry(ctx)
    staged: list[tuple[kinds.Kind, dict[str, Any], Mapping[str, Any] | None]] = []
    for position, item in enumerate(body):
        resource = _swap_tenant(item, PLACEHOLDER, reg.tenant_id)
        match = ID_RE.match(str(resource.get("$id", "")))
        if not match or match["tenant"] != reg.tenant_id:
            raise BadRequest(f"Item {position} has no importable $id (https://ns.adobe.com/"
                             f"{PLACEHOLDER}/<schemas|classes|mixins|datatypes>/<id>): {resource.get('$id')!r}.")
        kind = kinds.BY_TYPE[match["type"]]
        existing = reg.peek_tenant(resource["$id"], kind)
        try:
            record = rules.compose(reg, kind, resource, existing[1] if existing else None,
                                   keep_id=resource["$id"])
            unions.check_enablement(reg, record, existing[1] if existing else None)
        except BadRequest as exc:
            exc.detail = f"Item {position} ({resource['$id']}): {exc.detail}"
            raise
        reg.pending[record["$id"]] = record
        staged.append((kind, record, existing[1] if existing else None))
    for kind, record, existing in staged:
        reg.collection(kind).put(record["$id"], record)
        audit(reg, record["$id"], kind, existing, record)
    return [copy_of(record) for _k, record, _e in staged]


def sample_data(ctx: RequestContext, ref: str) -> dict[str, Any]:
    reg = Registry(ctx)
    found = reg.peek(ref) or unions.peek_union(reg, ref)
    if found is None:
        raise NotFound(f"The requested schema resource {normalize_ref(ref)} with version 1 is not found.",
                       code=kinds.SCHEMAS.not_found)
    return sample.sample_document(reg.resolver(strict=False).full(found[1]))
