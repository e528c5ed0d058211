"""Derive the package's OpenAPI data from Adobe's official specs (Apache-2.0).

The emulator validates request bodies against the official request schemas at run time, so it
needs the specs inside the installed package. This script keeps their machine-readable part
(paths, parameters, request bodies, responses, schemas) and drops the prose (descriptions,
summaries, examples), writing one JSON file per spec to ``mockaep/specs/openapi/``.

Usage: python tools/extract_openapi.py [../shared/reference/specs]
"""
from __future__ import annotations

import json
import pathlib
import sys

import yaml

PROSE = {"description", "summary", "example", "examples", "externalDocs", "x-codegen-request-body-name"}
#: Keys whose value is a map of user-chosen names (never strip those names).
NAME_MAPS = {"properties", "definitions", "schemas", "paths", "responses", "parameters",
             "securitySchemes", "patternProperties", "content", "headers", "variables"}
SERVICES = {
    "flow-service": "flowservice",
    "schema-registry": "schemaregistry",
    "catalog": "catalog",
    "data-prep": "conversion",
    "batch-ingestion": "ingestion",
}


def strip(node, parent_key=None):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if parent_key not in NAME_MAPS and (key in PROSE or str(key).startswith("x-")):
                continue
            out[key] = strip(value, key)
        return out
    if isinstance(node, list):
        return [strip(item) for item in node]
    return node


def main(argv: list[str]) -> int:
    source = pathlib.Path(argv[1] if len(argv) > 1 else "../shared/reference/specs")
    target = pathlib.Path(__file__).resolve().parent.parent / "mockaep" / "specs" / "openapi"
    target.mkdir(parents=True, exist_ok=True)
    for stem, service in SERVICES.items():
        spec = yaml.safe_load((source / f"{stem}.yaml").read_text(encoding="utf-8"))
        kept = strip(spec)
        kept["info"] = {"title": spec["info"].get("title"), "version": spec["info"].get("version")}
        kept["x-mockaep-source"] = f"AdobeDocs/experience-platform-apis static/swagger-specs/{stem}.yaml"
        out = target / f"{service}.json"
        out.write_text(json.dumps(kept, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        print(f"{out}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
