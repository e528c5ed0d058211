"""``ControlPlane``: a small client of an emulator's ``/_mockaep`` endpoints, for tests.

Each method is one HTTP call (the documented control plane, nothing private): the clock, the
request journal, fault rules, reset and the state document, the sources behind base connections
(their tables' rows, their faults) and a dataset's landed rows. A refusal raises
:class:`ControlPlaneError` with the emulator's message.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote

import requests

from mockaep_client.transport import IN_PROCESS_URL, WSGIAdapter


class ControlPlaneError(RuntimeError):
    """The control plane refused a call; ``status`` and ``body`` say how."""

    def __init__(self, message: str, status: int, body: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class ControlPlane:
    """The ``/_mockaep`` endpoints of the emulator at ``base_url``.

    ``admin_token``: sent as a bearer token, for an emulator whose control plane is guarded
    (``--strict-auth``, ``--admin-token``).
    """

    def __init__(self, base_url: str, session: requests.Session | None = None, timeout: float = 30.0,
                 admin_token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = session or requests.Session()
        self.http.trust_env = False  # an emulator is local: no proxy
        self.timeout = timeout
        self.headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}

    @classmethod
    def in_process(cls, app: Any, admin_token: str | None = None) -> "ControlPlane":
        """The control plane of a WSGI ``app`` (``mockaep.create_app()``), called without a socket."""
        session = requests.Session()
        session.mount(IN_PROCESS_URL, WSGIAdapter(app))
        return cls(IN_PROCESS_URL, session, admin_token=admin_token)

    def call(self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        response = self.http.request(method, f"{self.base_url}/_mockaep{path}", json=json, params=params,
                                     headers=self.headers, timeout=self.timeout)
        body = response.json() if response.content else None
        if response.status_code >= 400:
            detail = body.get("detail") if isinstance(body, dict) else response.text
            raise ControlPlaneError(f"{method} /_mockaep{path}: HTTP {response.status_code}: {detail}",
                                    response.status_code, body)
        return body

    # -- clock -----------------------------------------------------------------------------------
    def clock(self) -> dict[str, Any]:
        """``{"now": <epoch ms>, "mode": "wall"|"virtual", "iso": ...}``."""
        return self.call("GET", "/clock")

    def set_clock(self, instant: int | str) -> dict[str, Any]:
        """Stop the clock at ``instant`` (epoch ms or ISO-8601); it is virtual from then on."""
        return self.call("POST", "/clock", json={"set": instant})

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the clock forward (it is virtual from then on)."""
        return self.call("POST", "/clock", json={"advance": seconds})

    def wall_clock(self) -> dict[str, Any]:
        """Follow the system clock again."""
        return self.call("POST", "/clock", json={"mode": "wall"})

    # -- journal ---------------------------------------------------------------------------------
    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """Journaled requests, newest first; filters: org, sandbox, service, operationId, method,
        path (prefix), status (404 or "4xx"), limit."""
        params = {key: str(value) for key, value in filters.items() if value is not None}
        return self.call("GET", "/requests", params=params)["requests"]

    def clear_requests(self) -> int:
        return self.call("DELETE", "/requests")["cleared"]

    # -- faults ----------------------------------------------------------------------------------
    def add_fault(self, match: Mapping[str, Any] | None = None, effect: Mapping[str, Any] | None = None,
                  when: Mapping[str, Any] | None = None, *, id: str | None = None) -> dict[str, Any]:
        """Add one fault rule (see ``mockaep.web.faults``); returns it with its ``id``."""
        rule: dict[str, Any] = {"match": dict(match or {}), "effect": dict(effect or {})}
        if when:
            rule["when"] = dict(when)
        if id is not None:
            rule["id"] = id
        return self.call("POST", "/faults", json=rule)

    def faults(self) -> list[dict[str, Any]]:
        return self.call("GET", "/faults")["rules"]

    def remove_fault(self, rule_id: str) -> None:
        self.call("DELETE", f"/faults/{rule_id}")

    def clear_faults(self) -> int:
        return self.call("DELETE", "/faults")["cleared"]

    # -- sources and landed rows -----------------------------------------------------------------
    @staticmethod
    def _tenant(org: str, sandbox: str | None) -> dict[str, str]:
        return {"org": org, **({"sandbox": sandbox} if sandbox else {})}

    @staticmethod
    def _rows_path(base_connection_id: str, table: str) -> str:
        return f"/sources/{quote(base_connection_id, safe='')}/tables/{quote(table, safe='')}/rows"

    def source_rows(self, org: str, base_connection_id: str, table: str, *, sandbox: str | None = None,
                    start: int | None = None, limit: int | None = None) -> dict[str, Any]:
        """A page of a source table's rows: ``{"table", "columns", "rows", "start", "limit", "total", "edited"}``."""
        params = {**self._tenant(org, sandbox), **{k: str(v) for k, v in (("start", start), ("limit", limit))
                                                   if v is not None}}
        return self.call("GET", self._rows_path(base_connection_id, table), params=params)

    def replace_source_rows(self, org: str, base_connection_id: str, table: str, rows: list[Mapping[str, Any]], *,
                            sandbox: str | None = None) -> dict[str, Any]:
        """The table holds exactly ``rows`` (at most 1000 a call; 10,000 a table)."""
        return self.call("PUT", self._rows_path(base_connection_id, table), json=list(rows),
                         params=self._tenant(org, sandbox))

    def append_source_rows(self, org: str, base_connection_id: str, table: str, rows: list[Mapping[str, Any]], *,
                           sandbox: str | None = None) -> dict[str, Any]:
        """``rows`` are added after the table's rows."""
        return self.call("POST", self._rows_path(base_connection_id, table), json=list(rows),
                         params=self._tenant(org, sandbox))

    def clear_source_rows(self, org: str, base_connection_id: str, table: str, *,
                          sandbox: str | None = None) -> dict[str, Any]:
        return self.call("DELETE", self._rows_path(base_connection_id, table), params=self._tenant(org, sandbox))

    def set_source_fault(self, org: str, base_connection_id: str, kind: str, *, runs: int | None = None,
                         delay_seconds: int | None = None, sandbox: str | None = None) -> dict[str, Any]:
        """Make the source ``unavailable``, ``throttled`` or ``slow`` (``delay_seconds``) for the
        next ``runs`` runs (all, when omitted)."""
        fault: dict[str, Any] = {"kind": kind}
        if runs is not None:
            fault["runs"] = runs
        if delay_seconds is not None:
            fault["delaySeconds"] = delay_seconds
        return self.call("PUT", f"/sources/{quote(base_connection_id, safe='')}/fault", json=fault,
                         params=self._tenant(org, sandbox))

    def clear_source_fault(self, org: str, base_connection_id: str, *, sandbox: str | None = None) -> dict[str, Any]:
        return self.call("DELETE", f"/sources/{quote(base_connection_id, safe='')}/fault",
                         params=self._tenant(org, sandbox))

    def dataset_rows(self, org: str, dataset_id: str, *, sandbox: str | None = None, start: int | None = None,
                     limit: int | None = None) -> dict[str, Any]:
        """A page of the rows landed in a dataset, as JSON: ``{"rows", "start", "limit", "total", ...}``."""
        params = {**self._tenant(org, sandbox), **{k: str(v) for k, v in (("start", start), ("limit", limit))
                                                   if v is not None}}
        return self.call("GET", f"/datasets/{quote(dataset_id, safe='')}/rows", params=params)

    # -- state -----------------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self.call("GET", "/health")

    def reset(self, org: str | None = None, sandbox: str | None = None) -> dict[str, Any]:
        params = {key: value for key, value in (("org", org), ("sandbox", sandbox)) if value}
        return self.call("POST", "/reset", params=params)

    def state(self, org: str | None = None, sandbox: str | None = None) -> dict[str, Any]:
        params = {key: value for key, value in (("org", org), ("sandbox", sandbox)) if value}
        return self.call("GET", "/state", params=params)

    def load_state(self, document: Mapping[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/state", json=document)

    def close(self) -> None:
        self.http.close()
