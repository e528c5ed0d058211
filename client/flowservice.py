"""Flow Service (``/data/foundation/flowservice``): specs, connections, flows, runs.

Get-by-id calls return the object itself: the platform wraps it in ``{"items": [obj]}`` and the
client unwraps it (the envelope stays visible on ``session.last_response``). List calls return the
platform's envelope ``{"items": [...], "_links": {...}}`` (or ``{"count": N}`` with ``count=True``);
:meth:`FlowService.iterate` follows ``_links.next`` across pages. Creates return
:class:`~client.results.Created` (``id`` + ``etag``). PATCH bodies are JSON Patch lists and need the
object's current etag (``If-Match``).
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence
from urllib.parse import parse_qsl, urlsplit

from mockaep_client.results import Created, ServiceClient, drop_none

JSONPatch = Sequence[dict[str, Any]]
PropertyFilter = str | Sequence[str] | None


def _created(response) -> Created:
    body = response.json()
    return Created(id=body["id"], etag=body.get("etag"), location=response.headers.get("Location"),
                   status=response.status_code, body=body)


def _single_item(body: dict[str, Any]) -> dict[str, Any]:
    items = body.get("items") if isinstance(body, dict) else None
    if isinstance(items, list) and len(items) == 1:
        return items[0]
    return body


def _list_params(property: PropertyFilter, limit: int | None, orderby: str | None, count: bool | None,
                 continuation_token: str | None) -> list[tuple[str, Any]]:
    params: list[tuple[str, Any]] = []
    if isinstance(property, str):
        params.append(("property", property))
    elif property:
        params.extend(("property", p) for p in property)
    for key, value in drop_none({"limit": limit, "orderby": orderby, "continuationToken": continuation_token,
                                 "count": ("true" if count else "false") if count is not None else None}).items():
        params.append((key, value))
    return params


class FlowService(ServiceClient):
    service = "flowservice"

    # -- specs ----------------------------------------------------------------------------------
    def list_connection_specs(self, property: PropertyFilter = None) -> dict[str, Any]:
        return self._json("GET", "/connectionSpecs", params=_list_params(property, None, None, None, None))

    def get_connection_spec(self, connection_spec_id: str) -> dict[str, Any]:
        return _single_item(self._json("GET", f"/connectionSpecs/{connection_spec_id}"))

    def list_flow_specs(self, property: PropertyFilter = None) -> dict[str, Any]:
        return self._json("GET", "/flowSpecs", params=_list_params(property, None, None, None, None))

    def get_flow_spec(self, flow_spec_id: str) -> dict[str, Any]:
        return _single_item(self._json("GET", f"/flowSpecs/{flow_spec_id}"))

    def find_flow_spec(self, name: str) -> dict[str, Any] | None:
        """The flow spec called ``name`` (the tutorial's ``property=name=="CRMToAEP"`` lookup)."""
        items = self.list_flow_specs(property=f'name=="{name}"').get("items", [])
        return items[0] if items else None

    # -- base connections -----------------------------------------------------------------------
    def create_connection(self, connection: dict[str, Any]) -> Created:
        return _created(self._call("POST", "/connections", json=connection))

    def get_connection(self, connection_id: str) -> dict[str, Any]:
        return _single_item(self._json("GET", f"/connections/{connection_id}"))

    def list_connections(self, property: PropertyFilter = None, *, limit: int | None = None,
                         orderby: str | None = None, count: bool | None = None,
                         continuation_token: str | None = None) -> dict[str, Any]:
        return self._json("GET", "/connections",
                          params=_list_params(property, limit, orderby, count, continuation_token))

    def patch_connection(self, connection_id: str, operations: JSONPatch, etag: str | None) -> Created:
        return _created(self._call("PATCH", f"/connections/{connection_id}", json=list(operations),
                                   headers=_if_match(etag)))

    def delete_connection(self, connection_id: str) -> None:
        self._call("DELETE", f"/connections/{connection_id}")

    def explore(self, connection_id: str, object_type: str = "root", object: str | None = None,
                **extra: Any) -> Any:
        """``GET /connections/{id}/explore``: the root listing (a list) or a table's schema."""
        params = drop_none({"objectType": object_type, "object": object, **extra})
        return self._json("GET", f"/connections/{connection_id}/explore", params=params)

    def test_connection(self, connection_id: str) -> Any:
        return self._json("GET", f"/connections/{connection_id}/test")

    # -- source and target connections ----------------------------------------------------------
    def create_source_connection(self, source_connection: dict[str, Any]) -> Created:
        return _created(self._call("POST", "/sourceConnections", json=source_connection))

    def get_source_connection(self, source_connection_id: str) -> dict[str, Any]:
        return _single_item(self._json("GET", f"/sourceConnections/{source_connection_id}"))

    def list_source_connections(self, property: PropertyFilter = None, *, limit: int | None = None,
                                orderby: str | None = None, count: bool | None = None,
                                continuation_token: str | None = None) -> dict[str, Any]:
        return self._json("GET", "/sourceConnections",
                          params=_list_params(property, limit, orderby, count, continuation_token))

    def patch_source_connection(self, source_connection_id: str, operations: JSONPatch, etag: str | None) -> Created:
        return _created(self._call("PATCH", f"/sourceConnections/{source_connection_id}", json=list(operations),
                                   headers=_if_match(etag)))

    def delete_source_connection(self, source_connection_id: str) -> None:
        self._call("DELETE", f"/sourceConnections/{source_connection_id}")

    def create_target_connection(self, target_connection: dict[str, Any]) -> Created:
        return _created(self._call("POST", "/targetConnections", json=target_connection))

    def get_target_connection(self, target_connection_id: str) -> dict[str, Any]:
        return _single_item(self._json("GET", f"/targetConnections/{target_connection_id}"))

    def list_target_connections(self, property: PropertyFilter = None, *, limit: int | None = None,
                                orderby: str | None = None, count: bool | None = None,
                                continuation_token: str | None = None) -> dict[str, Any]:
        return self._json("GET", "/targetConnections",
                          params=_list_params(property, limit, orderby, count, continuation_token))

    def patch_target_connection(self, target_connection_id: str, operations: JSONPatch, etag: str | None) -> Created:
        return _created(self._call("PATCH", f"/targetConnections/{target_connection_id}", json=list(operations),
                                   headers=_if_match(etag)))

    def delete_target_connection(self, target_connection_id: str) -> None:
        self._call("DELETE", f"/targetConnections/{target_connection_id}")

    # -- flows ----------------------------------------------------------------------------------
    def create_flow(self, flow: dict[str, Any]) -> Created:
        return _created(self._call("POST", "/flows", json=flow))

    def get_flow(self, flow_id: str) -> dict[str, Any]:
        return _single_item(self._json("GET", f"/flows/{flow_id}"))

    def list_flows(self, property: PropertyFilter = None, *, limit: int | None = None, orderby: str | None = None,
                   count: bool | None = None, continuation_token: str | None = None) -> dict[str, Any]:
        return self._json("GET", "/flows", params=_list_params(property, limit, orderby, count, continuation_token))

    def patch_flow(self, flow_id: str, operations: JSONPatch, etag: str | None) -> Created:
        return _created(self._call("PATCH", f"/flows/{flow_id}", json=list(operations), headers=_if_match(etag)))

    def delete_flow(self, flow_id: str) -> None:
        self._call("DELETE", f"/flows/{flow_id}")

    def flow_action(self, flow_id: str, op: str) -> Any:
        """``POST /flows/{id}/action?op=ENABLE|DISABLE|...``."""
        return self._json("POST", f"/flows/{flow_id}/action", params={"op": op})

    # -- runs -----------------------------------------------------------------------------------
    def create_run(self, flow_id: str, params: dict[str, Any]) -> dict[str, Any]:
        """``POST /runs``: an on-demand run of a flow; returns the run as the platform shows it."""
        return _single_item(self._json("POST", "/runs", json={"flowId": flow_id, "params": params}))

    def get_run(self, run_id: str) -> dict[str, Any]:
        return _single_item(self._json("GET", f"/runs/{run_id}"))

    def list_runs(self, property: PropertyFilter = None, *, flow_id: str | None = None, limit: int | None = None,
                  orderby: str | None = None, count: bool | None = None,
                  continuation_token: str | None = None) -> dict[str, Any]:
        filters = [property] if isinstance(property, str) else list(property or [])
        if flow_id:
            filters.append(f"flowId=={flow_id}")
        return self._json("GET", "/runs", params=_list_params(filters, limit, orderby, count, continuation_token))

    # -- paging ---------------------------------------------------------------------------------
    def iterate(self, resource: str, property: PropertyFilter = None, *, limit: int | None = None,
                orderby: str | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a list (``connections``, ``flows``...), following ``_links.next``."""
        params: list[tuple[str, Any]] = _list_params(property, limit, orderby, None, None)
        while True:
            body = self._json("GET", f"/{resource}", params=params)
            yield from body.get("items", [])
            href = ((body.get("_links") or {}).get("next") or {}).get("href")
            if not href:
                return
            token = dict(parse_qsl(urlsplit(href).query)).get("continuationToken")
            if not token:
                return
            params = [p for p in params if p[0] != "continuationToken"] + [("continuationToken", token)]


def _if_match(etag: str | None) -> dict[str, str]:
    return {"If-Match": etag} if etag is not None else {}
