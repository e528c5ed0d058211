"""Helpers for the Schema Registry tests: a small HTTP helper over the Flask test client."""
from __future__ import annotations

import urllib.parse
from typing import Any

import pytest

from tests.conftest import ORG, gateway_headers

BASE = "/data/foundation/schemaregistry"
LIST_IDS = "application/vnd.adobe.xed-id+json"
LIST_FULL = "application/vnd.adobe.xed+json"
RAW = "application/vnd.adobe.xed+json; version=1"
FULL = "application/vnd.adobe.xed-full+json; version=1"
PROFILE = "https://ns.adobe.com/xdm/context/profile"
PERSON_DETAILS = "https://ns.adobe.com/xdm/context/profile-person-details"
PERSONAL_DETAILS = "https://ns.adobe.com/xdm/context/profile-personal-details"
IDENTITY_MAP = "https://ns.adobe.com/xdm/context/identitymap"
RECORD = "https://ns.adobe.com/xdm/data/record"
ADHOC = "https://ns.adobe.com/xdm/data/adhoc"


def quoted(ref: str) -> str:
    return urllib.parse.quote(ref, safe="")


class Registry:
    """Calls the Schema Registry of one emulator as one org/sandbox."""

    def __init__(self, http, org: str = ORG, sandbox: str = "prod") -> None:
        self.http = http
        self.headers = gateway_headers(org=org, sandbox=sandbox)

    def get(self, path: str, accept: str | None = None, **params):
        headers = dict(self.headers)
        if accept is not None:
            headers["Accept"] = accept
        return self.http.get(BASE + path, headers=headers, query_string=params or None)

    def post(self, path: str, body: Any):
        return self.http.post(BASE + path, json=body, headers=self.headers)

    def put(self, path: str, body: Any):
        return self.http.put(BASE + path, json=body, headers=self.headers)

    def patch(self, path: str, body: Any):
        return self.http.patch(BASE + path, json=body, headers=self.headers)

    def delete(self, path: str):
        return self.http.delete(BASE + path, headers=self.headers)

    def create(self, segment: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post(f"/tenant/{segment}", body)
        assert response.status_code == 201, response.json
        return response.json

    def lookup(self, segment: str, ref: str, accept: str = RAW, container: str = "tenant"):
        return self.get(f"/{container}/{segment}/{quoted(ref)}", accept)

    def tenant_id(self) -> str:
        return self.get("/stats").json["tenantId"]


@pytest.fixture
def registry(http):
    return Registry(http)


def seed_schema_body(title: str = "CRM contacts target") -> dict[str, Any]:
    """The seed's target schema request (profile + two standard field groups), our own wording,
    read-only meta fields included as the seed sends them."""
    return {
        "type": "object",
        "title": title,
        "description": "Where contacts from the CRM land.",
        "allOf": [{"$ref": PROFILE}, {"$ref": PERSON_DETAILS}, {"$ref": PERSONAL_DETAILS}],
        "meta:containerId": "tenant",
        "meta:resourceType": "schemas",
        "meta:xdmType": "object",
        "meta:class": PROFILE,
    }


def field_group_body(tenant_id: str, title: str = "Loyalty facts", fields: dict | None = None,
                     intended=(PROFILE,)) -> dict[str, Any]:
    return {
        "type": "object",
        "title": title,
        "description": "Loyalty programme facts.",
        "meta:intendedToExtend": list(intended),
        "definitions": {
            "loyalty": {
                "properties": {
                    f"_{tenant_id}": {
                        "type": "object",
                        "properties": fields or {"tier": {"type": "string", "title": "Tier"},
                                                 "points": {"type": "integer", "title": "Points"}},
                    }
                }
            }
        },
        "allOf": [{"$ref": "#/definitions/loyalty"}],
    }


def error_code(response) -> str:
    """``XDM-1521-400`` from an error body's type URI."""
    return response.json["type"].rsplit("/", 1)[-1]
