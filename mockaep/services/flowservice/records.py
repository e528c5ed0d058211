"""What every Flow Service object shares: system fields, etags, If-Match, the 404, raw reads.

Objects are stored exactly as ``GET /<collection>/{id}`` shows them (see ``resources``), so a read
by id answers the stored bytes. Other Flow Service modules read objects through the functions
here (``record``, ``raw``), never through a module that writes them.
"""
from __future__ import annotations

from typing import Any, Mapping

from mockaep.core.context import RequestContext
from mockaep.core.errors import NotFound
from mockaep.core.ids import new_flow_etag
from mockaep.core.kinds import ResourceKind
from mockaep.core.preconditions import check_if_match
from mockaep.services.flowservice.resources import FLOWS


def not_found(kind: ResourceKind, object_id: str) -> NotFound:
    if kind is FLOWS:
        detail = (f"The requested flows resource {object_id[:200]} is not found. Verify the resource ID before "
                  "trying again.")
    else:
        detail = ("The requested resource is not found. Error from flow provider: Resource with given id "
                  f"{object_id[:200]} does not exist.")
    return NotFound(detail, code=kind.not_found_code, report={"id": object_id, "type": kind.collection})


def record(ctx: RequestContext, kind: ResourceKind, object_id: Any) -> dict[str, Any] | None:
    """The stored object (a fresh copy the caller owns), or None."""
    if not isinstance(object_id, str):
        return None
    return ctx.tenant.collection(kind.collection).get(object_id)


def require(ctx: RequestContext, kind: ResourceKind, object_id: str) -> dict[str, Any]:
    """The stored object, or the kind's 404."""
    found = record(ctx, kind, object_id)
    if found is None:
        raise not_found(kind, object_id)
    return found


def raw(ctx: RequestContext, kind: ResourceKind, object_id: str) -> bytes:
    """The stored JSON text of an object (what a read by id answers), or the kind's 404."""
    found = ctx.tenant.collection(kind.collection).raw(object_id)
    if found is None:
        raise not_found(kind, object_id)
    return found


def exists(ctx: RequestContext, kind: ResourceKind, object_id: Any) -> bool:
    return isinstance(object_id, str) and object_id in ctx.tenant.collection(kind.collection)


def system_fields(ctx: RequestContext, *, created: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``createdAt``…``imsOrgId`` for an item written now (``created``: the previous version)."""
    fields = {
        "createdAt": ctx.now_ms,
        "updatedAt": ctx.now_ms,
        "createdBy": ctx.user_id,
        "updatedBy": ctx.user_id,
        "createdClient": ctx.client_id,
        "updatedClient": ctx.client_id,
        "sandboxId": ctx.sandbox_id,
        "sandboxName": ctx.sandbox,
        "imsOrgId": ctx.org,
    }
    if created:
        for key in ("createdAt", "createdBy", "createdClient"):
            if key in created:
                fields[key] = created[key]
    return fields


def build(ctx: RequestContext, object_id: str, fields: Mapping[str, Any], *, order: tuple[str, ...],
          previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A record in the platform's field order: system fields, then ``order``, then the rest.

    ``previous`` (on update) keeps the creation fields; a fresh etag is issued on every write,
    and ``version`` repeats it, as the platform's items do.
    """
    etag = new_flow_etag()
    item: dict[str, Any] = {"id": object_id, **system_fields(ctx, created=previous)}
    for key in order:
        if key in fields:
            item[key] = fields[key]
    for key, value in fields.items():
        if key not in item and key not in ("version", "etag"):
            item[key] = value
    item["version"] = etag
    item["etag"] = etag
    return item


def check_etag(header: str | None, current: Mapping[str, Any], *, required: bool = True) -> None:
    """``If-Match`` must be present (1403, when ``required``) and name the current etag, quoted or
    not (412 1404)."""
    check_if_match([current.get("etag")], header, required=required, missing_code="1403", stale_code="1404",
                    stale_detail="The supplied version '{supplied}' does not match the current version on entity "
                                 "'{current}'. Please ensure that the supplied version matches the current version "
                                 "on entity and try again.")
