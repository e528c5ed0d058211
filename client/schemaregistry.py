"""Schema Registry (``/data/foundation/schemaregistry``): classes, schemas, field groups, stats.

Lookups take an ``accept`` media type: the registry answers the raw form (``xed+json``), the
resolved form (``xed-full+json``) and their ``-notext`` variants, always with ``version=1`` (only
major version 1 exists). Ids may be a ``$id`` URI (URL-encoded here) or a ``meta:altId``.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mockaep_client.results import ServiceClient, drop_none

XED = "application/vnd.adobe.xed+json; version=1"
XED_FULL = "application/vnd.adobe.xed-full+json; version=1"
XED_FULL_NOTEXT = "application/vnd.adobe.xed-full-notext+json; version=1"
XED_ID_LIST = "application/vnd.adobe.xed-id+json"
XED_LIST = "application/vnd.adobe.xed+json"


def resource_path(container: str, kind: str, resource_id: str) -> str:
    return f"/{container}/{kind}/{quote(resource_id, safe='')}"


class SchemaRegistry(ServiceClient):
    service = "schemaregistry"

    def __init__(self, session) -> None:
        super().__init__(session)
        #: org → XDM tenant id: an org's never changes, so ``GET /stats`` is asked once per org
        self._tenant_ids: dict[str, str] = {}

    def stats(self) -> dict[str, Any]:
        """``GET /stats``: the org's ``tenantId``, counts and recent resources."""
        return self._json("GET", "/stats", headers={"Accept": "application/json"})

    def tenant_id(self) -> str:
        """The org's XDM tenant id (the namespace of its own fields), asked once per org."""
        org = self.session.org_id
        if org not in self._tenant_ids:
            self._tenant_ids[org] = self.stats()["tenantId"]
        return self._tenant_ids[org]

    # -- generic --------------------------------------------------------------------------------
    def create(self, kind: str, resource: dict[str, Any]) -> dict[str, Any]:
        """``POST /tenant/{kind}`` (kind: ``classes``, ``schemas``, ``fieldgroups``, ``datatypes``)."""
        return self._json("POST", f"/tenant/{kind}", json=resource, headers={"Accept": "application/json"})

    def get(self, kind: str, resource_id: str, *, accept: str = XED, container: str = "tenant") -> dict[str, Any]:
        return self._json("GET", resource_path(container, kind, resource_id), headers={"Accept": accept})

    def list(self, kind: str, *, container: str = "tenant", accept: str = XED_ID_LIST,
             **params: Any) -> dict[str, Any]:
        return self._json("GET", f"/{container}/{kind}", headers={"Accept": accept}, params=drop_none(params))

    def patch(self, kind: str, resource_id: str, operations: list[dict[str, Any]]) -> dict[str, Any]:
        return self._json("PATCH", resource_path("tenant", kind, resource_id), json=operations,
                          headers={"Accept": "application/json"})

    def delete(self, kind: str, resource_id: str) -> None:
        self._call("DELETE", resource_path("tenant", kind, resource_id), headers={"Accept": "application/json"})

    # -- the onboarding calls -------------------------------------------------------------------
    def create_class(self, xdm_class: dict[str, Any]) -> dict[str, Any]:
        return self.create("classes", xdm_class)

    def get_class(self, class_id: str, *, accept: str = XED, container: str = "tenant") -> dict[str, Any]:
        return self.get("classes", class_id, accept=accept, container=container)

    def create_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return self.create("schemas", schema)

    def get_schema(self, schema_id: str, *, accept: str = XED, container: str = "tenant") -> dict[str, Any]:
        return self.get("schemas", schema_id, accept=accept, container=container)

    def list_schemas(self, *, container: str = "tenant", accept: str = XED_ID_LIST, **params: Any) -> dict[str, Any]:
        return self.list("schemas", container=container, accept=accept, **params)

    def create_field_group(self, field_group: dict[str, Any]) -> dict[str, Any]:
        return self.create("fieldgroups", field_group)

    def get_field_group(self, field_group_id: str, *, accept: str = XED,
                        container: str = "tenant") -> dict[str, Any]:
        return self.get("fieldgroups", field_group_id, accept=accept, container=container)
