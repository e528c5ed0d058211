"""Derive the package's OpenAPI data from Adobe's official specs (Apache-2.0).

The emulator validates request bodies against the official request schemas at run time, and the
conformance tests run schemathesis over the same documents, so they live inside the installed
package. This script keeps the specs' machine-readable part (paths, parameters, request bodies,
responses, schemas, security schemes) and drops the prose (descriptions, summaries, examples,
``x-`` annotations), writing one JSON file per spec to ``mockaep/specs/openapi/``.

Examples go too: they hold Adobe's sample sentences, and the conformance runs do not need them
(with and without them, schemathesis reached a 2xx answer on the same operations).

Usage: python tools/extract_openapi.py [SPECS_DIR] [--out DIR]
(SPECS_DIR defaults to ../shared/reference/specs, DIR to mockaep/specs/openapi.)
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import Any

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROSE = {"description", "summary", "example", "examples", "externalDocs", "x-codegen-request-body-name"}
#: Keys whose value maps names the spec's authors chose (property names, status codes, media
#: types…) to objects: those names are data, never prose, whatever they are called.
NAME_MAPS = {"properties", "definitions", "schemas", "paths", "responses", "parameters", "requestBodies",
             "securitySchemes", "securityDefinitions", "patternProperties", "content", "headers", "variables"}
#: spec file stem → packaged document name (the served services' names under mockaep/services).
SPECS = {
    "flow-service": "flowservice",
    "schema-registry": "schemaregistry",
    "catalog": "catalog",
    "data-prep": "conversion",
    "batch-ingestion": "ingestion",
    "data-access": "dataaccess",
}


def strip(node: Any, names: bool = False) -> Any:
    """``node`` without prose. ``names``: ``node`` is a name map, so its keys are kept as they are.

    A name map's values are objects again (a property's schema, a response), so inside a property
    called ``properties`` or ``description`` the prose is still dropped.
    """
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if not names and (key in PROSE or str(key).startswith("x-")):
                continue
            out[key] = strip(value, names=not names and key in NAME_MAPS)
        return out
    if isinstance(node, list):
        return [strip(item) for item in node]
    return node


def extract(spec: dict[str, Any], stem: str) -> dict[str, Any]:
    kept = strip(spec)
    kept["info"] = {"title": spec["info"].get("title"), "version": spec["info"].get("version")}
    kept["x-mockaep-source"] = f"AdobeDocs/experience-platform-apis static/swagger-specs/{stem}.yaml"
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="official OpenAPI specs → prose-free package data")
    parser.add_argument("source", nargs="?", default=str(ROOT.parent / "shared" / "reference" / "specs"))
    parser.add_argument("--out", default=str(ROOT / "mockaep" / "specs" / "openapi"))
    args = parser.parse_args(argv)
    source, target = pathlib.Path(args.source), pathlib.Path(args.out)
    target.mkdir(parents=True, exist_ok=True)
    for stem, name in SPECS.items():
        spec = yaml.safe_load((source / f"{stem}.yaml").read_text(encoding="utf-8"))
        out = target / f"{name}.json"
        out.write_text(json.dumps(extract(spec, stem), indent=1, sort_keys=False) + "\n", encoding="utf-8")
        print(f"{out}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
