"""Load an official spec from ../shared for schemathesis, with the documented overlay applied.

Usage in a test module::

    schema = official_schema("flowservice", app)

    @schema.parametrize()
    def test_conformance(case):
        check_case(case)

Spec files are read from ``../shared/reference/specs`` (the brief allows tests to load them
from there); the module is skipped with a clear reason where they are absent.
"""
from __future__ import annotations

import copy
import functools
import pathlib
from typing import Any

import pytest
import yaml

from mockaep.coverage import SPEC_FILES as SPEC_FILE_OF
from mockaep.registry import SERVICES
from tests.spec_overlay import OVERLAY, REMOVE

SPECS_DIR = pathlib.Path(__file__).resolve().parents[2] / "shared" / "reference" / "specs"
#: service name → official spec file name, and service name → mount path (the package's own tables)
SPEC_FILES = dict(SPEC_FILE_OF)
MOUNTS = {service.name: service.prefix for service in SERVICES}
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
            if isinstance(node, dict) and part not in node and part.isdigit() and int(part) in node:
                part = int(part)  # YAML reads unquoted status codes (200:) as integers
            node = node[int(part)] if isinstance(node, list) else node[part]
        last = parts[-1]
        if relax.value is REMOVE:
            if isinstance(node, list):
                node.pop(int(last))
            else:
                node.pop(last, None)
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
    path = SPECS_DIR / SPEC_FILES[service]
    if not path.exists():
        pytest.skip(f"official spec {path} not found (tests read specs from ../shared/reference/specs)",
                    allow_module_level=True)
    return copy.deepcopy(_parsed(str(path)))


@functools.lru_cache(maxsize=None)
def _parsed(path: str) -> dict[str, Any]:
    """Each spec file is parsed once per test process (the C loader when PyYAML has it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


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
