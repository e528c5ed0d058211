"""Secrets left out of a state export: connection credentials the connection spec marks secret.

A base, source or target connection keeps its credentials in ``auth.params``; the connection
spec's ``authSpec`` entry named by ``auth.specName`` describes them with a JSON Schema, where a
secret is a property with ``"format": "password"`` (what every packaged spec uses), or one
annotated ``"writeOnly": true``, ``"secret": true``, ``"x-secret": true`` or ``"sensitive": true``.
Such values are replaced by :data:`PLACEHOLDER`. When the spec cannot be found (a custom spec
deleted since), parameters whose names look like credentials are replaced instead.

The export stays a loadable state document: a re-imported placeholder is just the connection's
credential value from then on. The emulator never uses credentials (except the documented
"bad credentials" sentinel), so such a connection behaves as before, and a later export shows the
placeholder again. Export with ``?secrets=include`` to move real credentials.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from mockaep.core.packagedata import PackageData, package_files

PLACEHOLDER = "<secret omitted by mockaep export>"
CONNECTION_KINDS = ("connections", "sourceConnections", "targetConnections")
#: Tenant collection of custom connection specs, and the packaged specs' folder (package data).
CONNECTION_SPECS = "connectionSpecs"
PACKAGED_SPECS = "flowservice/connection_specs"
SECRET_ANNOTATIONS = ("writeOnly", "secret", "x-secret", "sensitive")
#: Names of credentials when no spec says which parameters are secret.
SECRET_NAME = re.compile(r"pass|secret|token|key|credential|sas|signature", re.IGNORECASE)
#: Auth specs nest objects a few levels at most; deeper schema nodes are not searched.
MAX_SCHEMA_DEPTH = 16


def _is_secret(schema: Mapping[str, Any]) -> bool:
    return schema.get("format") == "password" or any(schema.get(key) is True for key in SECRET_ANNOTATIONS)


def _redact_by_schema(params: dict[str, Any], schema: Mapping[str, Any], depth: int = 0) -> None:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or depth > MAX_SCHEMA_DEPTH:
        return
    for name, child in properties.items():
        if name not in params or not isinstance(child, Mapping):
            continue
        if _is_secret(child):
            params[name] = PLACEHOLDER
        elif isinstance(params[name], dict):
            _redact_by_schema(params[name], child, depth + 1)


def _redact_by_name(params: dict[str, Any]) -> None:
    for name in params:
        if SECRET_NAME.search(name):
            params[name] = PLACEHOLDER


def _auth_schema(spec: Any, spec_name: Any) -> Mapping[str, Any] | None:
    if not isinstance(spec, Mapping):
        return None
    for entry in spec.get("authSpec") or []:
        if isinstance(entry, Mapping) and entry.get("name") == spec_name and isinstance(entry.get("spec"), Mapping):
            return entry["spec"]
    return None


def _packaged_specs(package: PackageData) -> dict[str, Any]:
    specs = (package.json(path) for path in package_files(PACKAGED_SPECS))
    return {spec["id"]: spec for spec in specs if isinstance(spec, dict) and "id" in spec}


def redact_secrets(document: dict[str, Any], package: PackageData) -> dict[str, Any]:
    """Replace connection secrets in an exported state document (in place; returns it)."""
    packaged = package.memo(("redaction", "packaged connection specs"), lambda: _packaged_specs(package))
    for tenant in document.get("tenants", []):
        collections = tenant.get("collections") or {}
        custom_specs = collections.get(CONNECTION_SPECS) or {}
        for kind in CONNECTION_KINDS:
            for record in (collections.get(kind) or {}).values():
                auth = record.get("auth") if isinstance(record, dict) else None
                params = auth.get("params") if isinstance(auth, dict) else None
                if not isinstance(params, dict):
                    continue
                spec_ref = record.get("connectionSpec")
                spec_id = spec_ref.get("id") if isinstance(spec_ref, dict) else None
                spec = packaged.get(spec_id) or custom_specs.get(spec_id) if isinstance(spec_id, str) else None
                schema = _auth_schema(spec, auth.get("specName"))
                if schema is None:
                    _redact_by_name(params)
                else:
                    _redact_by_schema(params, schema)
    return document
