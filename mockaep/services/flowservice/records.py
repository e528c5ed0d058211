"""What every Flow Service resource shares: its kind, system fields, etag, lookup and 404.

The four resources this module family owns (base connections, source connections, target
connections, flows) are stored exactly as ``GET /<resource>/{id}`` shows them, one record per
object in the tenant collection of the same name, so reads are plain copies.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from mockaep.core.errors import BadRequest, NotFound, PreconditionFailed
from mockaep.core.context import RequestContext
from mockaep.core.ids import new_flow_etag, strip_quotes
from mockaep.services.flowservice import specs


@dataclass(frozen=True)
class Kind:
    """One Flow Service resource kind."""

    collection: str          # tenant collection and URL segment: "flows"
    label: str               # how messages name one object: "flow"
    not_found_code: str      # FSE code of the 404
    client_fields: tuple[str, ...]  # what a client may write (create body, PATCH paths)
    create_path: str         # official spec path of the create operation (layer 1)

    @property
    def base_path(self) -> str:
        return f"/{self.collection}"


CONNECTIONS = Kind("connections", "connection", "1101",
                   ("name", "description", "auth", "connectionSpec"), "/connections")
SOURCE_CONNECTIONS = Kind("sourceConnections", "source connection", "1101",
                          ("name", "description", "baseConnectionId", "data", "params", "connectionSpec"),
                          "/sourceConnections")
TARGET_CONNECTIONS = Kind("targetConnections", "target connection", "1101",
                          ("name", "description", "baseConnectionId", "data", "params", "connectionSpec"),
                          "/targetConnections")
# 1439-404: the labels.md example answers an unknown flow with FLOW-1439-404 (the FSE table says
# -400; the example's 404 is what the platform sends, BEHAVIOUR.md §15 #24).
FLOWS = Kind("flows", "flow", "1439",
             ("name", "description", "flowSpec", "sourceConnectionIds", "targetConnectionIds", "transformations",
              "scheduleParams", "options", "labels"), "/flows")
KINDS = {kind.collection: kind for kind in (CONNECTIONS, SOURCE_CONNECTIONS, TARGET_CONNECTIONS, FLOWS)}

#: Fields the server owns; the order in which items show them.
SYSTEM_FIELDS = ("id", "createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient",
                 "sandboxId", "sandboxName", "imsOrgId")


def not_found(kind: Kind, object_id: str) -> NotFound:
    if kind is FLOWS:
        detail = (f"The requested flows resource {object_id} is not found. Verify the resource ID before "
                  "trying again.")
    else:
        detail = ("The requested resource is not found. Error from flow provider: Resource with given id "
                  f"{object_id} does not exist.")
    return NotFound(detail, code=kind.not_found_code, report={"id": object_id, "type": kind.collection})


def peek(ctx: RequestContext, kind: Kind, object_id: str) -> Mapping[str, Any] | None:
    """The stored object (read-only), or None."""
    return ctx.tenant.collection(kind.collection).peek(object_id)


def require(ctx: RequestContext, kind: Kind, object_id: str) -> dict[str, Any]:
    """A copy of the stored object, or the kind's 404."""
    found = ctx.tenant.collection(kind.collection).get(object_id)
    if found is None:
        raise not_found(kind, object_id)
    return found


def build(ctx: RequestContext, object_id: str, fields: Mapping[str, Any], *, order: tuple[str, ...],
          previous: Mapping[str, Any] | None = None, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A record in the platform's field order: system fields, then ``order``, then the rest.

    ``previous`` (on update) keeps the creation fields; a fresh etag is issued on every write,
    and ``version`` repeats it, as the platform's items do.
    """
    etag = new_flow_etag()
    record: dict[str, Any] = {"id": object_id, **specs.system_fields(ctx, created=previous)}
    merged = {**fields, **(extra or {})}
    for key in order:
        if key in merged:
            record[key] = merged[key]
    for key, value in merged.items():
        if key not in record:
            record[key] = value
    record["version"] = etag
    record["etag"] = etag
    return record


def check_if_match(header: str | None, record: Mapping[str, Any]) -> None:
    """``If-Match`` must be present (1403) and name the current etag, quoted or not (412 1404)."""
    if header is None or not header.strip():
        raise BadRequest("The header 'If-Match' is missing in the request. Please provide the header and try again.",
                         code="1403", title="Header is missing")
    current = str(record.get("etag", ""))
    supplied = [strip_quotes(part) for part in header.split(",")]
    if header.strip() == "*" or strip_quotes(current) in supplied:
        return
    raise PreconditionFailed(
        f"The supplied version '{header.strip()}' does not match the current version on entity '{current}'. "
        "Please ensure that the supplied version matches the current version on entity and try again.",
        code="1404", title="Version not matching")
