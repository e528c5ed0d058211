"""The data derived from Adobe's reference material: prose-free, complete, and each document served.

The tools (tools/extract_openapi.py, tools/extract_postman.py) need ../shared to run; these tests
do not: they check what the tools produced and how the tools treat made-up documents.
"""
from __future__ import annotations

import json
from importlib import resources

from mockaep.core.validation import SERVICES_WITH_SPECS, load_openapi
from mockaep.coverage import coverage_table
from mockaep.replay.postman import import_collection
from tests.replay.conftest import POSTMAN
from tools.extract_openapi import strip
from tools.extract_postman import slim_collection

OPENAPI = resources.files("mockaep.specs").joinpath("openapi")


def test_packaged_openapi_documents_hold_no_prose():
    names = sorted(entry.name for entry in OPENAPI.iterdir() if entry.name.endswith(".json"))
    assert names == ["catalog.json", "conversion.json", "dataaccess.json", "flowservice.json", "ingestion.json",
                     "schemaregistry.json"]
    for name in names:
        document = json.loads(OPENAPI.joinpath(name).read_text("utf-8"))
        # stripping again removes nothing but the provenance note the tool adds after stripping
        assert strip(document) == {k: v for k, v in document.items() if k != "x-mockaep-source"}, name
        assert document["paths"] and document["info"]["title"]


def test_strip_keeps_names_and_drops_prose_below_them():
    spec = {"openapi": "3.0.1", "info": {"title": "T", "description": "About T."}, "paths": {"/x": {"get": {
        "summary": "Get x", "x-summary": "Gets x", "parameters": [{"name": "limit", "in": "query", "example": 3,
                                                                     "description": "How many."}],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
            "type": "object", "example": {"a": 1},
            "properties": {"description": {"type": "string", "description": "Its description."},
                           "properties": {"type": "object", "description": "Prose under a name-map name."},
                           "x-flag": {"type": "boolean"}}}}}}}}}}}
    assert strip(spec)["paths"]["/x"]["get"] == {
        "parameters": [{"name": "limit", "in": "query"}],
        "responses": {"200": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"description": {"type": "string"}, "properties": {"type": "object"},
                                             "x-flag": {"type": "boolean"}}}}}}}}


def test_every_packaged_document_is_served_and_counted():
    assert sorted(SERVICES_WITH_SPECS) == sorted(name[:-5] for name in
                                                 (e.name for e in OPENAPI.iterdir()) if name.endswith(".json"))
    table = coverage_table()
    assert sorted(table) == ["batch-ingestion.yaml", "catalog.yaml", "data-access.yaml", "data-prep.yaml",
                             "flow-service.yaml", "schema-registry.yaml"]
    assert all(row.served for row in table["data-access.yaml"]) and len(table["data-access.yaml"]) == 6
    assert load_openapi("dataaccess").operations()


def _keys(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        found.update(node)
        for value in node.values():
            _keys(value, found)
    elif isinstance(node, list):
        for value in node:
            _keys(value, found)
    return found


def test_postman_fixtures_hold_requests_and_examples_only():
    for path in sorted(POSTMAN.glob("*.json")):
        collection = json.loads(path.read_text("utf-8"))
        assert slim_collection(collection) == collection, path.name  # nothing left to drop
        assert _keys(collection, set()) <= {"info", "name", "schema", "variable", "key", "value", "item", "request",
                                            "method", "url", "host", "path", "query", "disabled", "header", "body",
                                            "mode", "raw", "formdata", "type", "src", "response", "originalRequest",
                                            "status", "code"}, path.name
        interactions, _meta = import_collection(str(path), all_examples=True)
        assert len(interactions) == sum(len(item["response"]) for item in collection["item"]) > 0


def test_slim_collection_flattens_folders_and_names_by_what_things_are():
    request = {"method": "POST", "description": {"content": "Creates a thing."},
               "url": {"host": ["{{baseUrl}}"], "path": ["things", ":THING_ID"],
                       "query": [{"key": "limit", "value": "<integer>", "description": {"content": "How many."}}],
                       "variable": [{"key": "THING_ID", "value": "<string>", "description": {"content": "Its id."}}]},
               "header": [{"key": "x-api-key", "value": "<string>", "disabled": False, "description": "Your key."}],
               "body": {"mode": "raw", "raw": "{\"name\": \"<string>\"}", "options": {"raw": {"language": "json"}}},
               "auth": None}
    collection = {"info": {"_postman_id": "1", "name": "Things API", "description": {"content": "Long prose."},
                           "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
                  "event": [], "variable": [{"key": "baseUrl", "value": "//gw.test/things", "type": "string"}],
                  "item": [{"name": "Things", "description": "A folder.", "item": [{
                      "id": "i-1", "name": "Create a thing", "request": request, "response": [{
                          "id": "r-1", "name": "Returns the new thing.", "originalRequest": request,
                          "status": "Created", "code": 201, "cookie": [], "_postman_previewlanguage": "json",
                          "header": [{"key": "Content-Type", "value": "application/json", "description": "JSON"}],
                          "body": "{\"id\": \"<string>\"}"}]}]}]}
    slim_request = {"method": "POST",
                    "url": {"host": ["{{baseUrl}}"], "path": ["things", ":THING_ID"],
                            "query": [{"key": "limit", "value": "<integer>"}],
                            "variable": [{"key": "THING_ID", "value": "<string>"}]},
                    "header": [{"key": "x-api-key", "value": "<string>", "disabled": False}],
                    "body": {"mode": "raw", "raw": "{\"name\": \"<string>\"}"}}
    assert slim_collection(collection) == {
        "info": {"name": "Things API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "baseUrl", "value": "//gw.test/things"}],
        "item": [{"name": "POST /things/:THING_ID", "request": slim_request, "response": [{
            "name": "201 Created", "originalRequest": slim_request, "status": "Created", "code": 201,
            "header": [{"key": "Content-Type", "value": "application/json"}], "body": "{\"id\": \"<string>\"}"}]}]}
