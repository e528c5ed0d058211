"""The package's own OpenAPI documents for schemathesis, with the documented overlay applied.

Usage in a test module::

    schema = official_schema("flowservice", app)

    @schema.parametrize()
    def test_conformance(case):
        check_case(case)

The documents are the ones the emulator validates requests with (``mockaep/specs/openapi/``,
Adobe's official specs with the prose stripped by ``tools/extract_openapi.py``), so the
conformance runs need nothing outside the repository and test exactly what is shipped.
"""
from __future__ import annotations

import copy
from typing import Any

from mockaep.core.mounts import MOUNTS as MOUNT_TABLE
from mockaep.core.validation import load_openapi
from tests.spec_overlay import OVERLAY, REMOVE

#: service name → mount path (the package's own table)
MOUNTS = {name: prefix for name, prefix, _shape in MOUNT_TABLE}
#: Headers every generated request carries, so cases reach the service behind the gateway.
GATEWAY_HEADERS = {
    "Authorization": "Bearer conformance-token",
    "x-api-key": "conformance-client",
    "x-gw-ims-org-id": "CONFORMANCE0000000000000@AdobeOrg",
    "x-sandbox-name": "prod",
}


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def apply_overlay(document: dict[str, Any], service: str) -> dict[str, Any]:
    """A copy of ``document`` with the service's relaxations applied (see spec_overlay.py)."""
    patched = copy.deepcopy(document)
    for relax in OVERLAY.get(service, []):
        parts = [_unescape(p) for p in relax.pointer.lstrip("/").split("/")]
        node: Any = patched
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        last = parts[-1]
        if relax.value is REMOVE:
            # strict: a relaxation of a keyword the document does not have is a stale overlay entry
            if isinstance(node, list):
                node.pop(int(last))
            elif last in node:
                del node[last]
            else:
                raise KeyError(f"overlay entry {relax.pointer} removes nothing from the {service} spec")
        elif isinstance(node, list):
            node[int(last)] = copy.deepcopy(relax.value)
        else:
            node[last] = copy.deepcopy(relax.value)
    mount = MOUNTS[service]
    if "swagger" in patched:
        patched["basePath"] = mount
        patched.pop("host", None)
        patched["schemes"] = ["http"]
    else:
        patched["servers"] = [{"url": mount}]
    return patched


def raw_spec(service: str) -> dict[str, Any]:
    """A private copy of the packaged spec of ``service`` (the emulator's own stays untouched)."""
    return copy.deepcopy(load_openapi(service).document)


def official_schema(service: str, app):
    """The official spec of ``service`` as a schemathesis schema bound to the in-process ``app``."""
    import schemathesis

    schema = schemathesis.openapi.from_dict(apply_overlay(raw_spec(service), service))
    schema.app = app
    return schema


def conformance_checks():
    from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                                   status_code_conformance)
    from schemathesis.checks import not_a_server_error

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def check_case(case, headers: dict[str, str] | None = None):
    """Call the app with the gateway headers and run the conformance checks the issues name."""
    merged = {**(case.headers or {}), **GATEWAY_HEADERS, **(headers or {})}
    case.headers = merged
    return case.call_and_validate(checks=conformance_checks())
