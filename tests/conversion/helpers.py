"""Helpers for Data Prep tests: calls with gateway headers and a target schema made over HTTP."""
from __future__ import annotations

from typing import Any

from tests.conftest import gateway_headers

CONVERSION = "/data/foundation/conversion"
XED_FULL = "application/vnd.adobe.xed-full+json;version=1"


class DataPrep:
    """One emulator's Data Prep API (and the Schema Registry for target schemas)."""

    def __init__(self, http, **header_overrides: Any) -> None:
        self.http = http
        self.headers = gateway_headers(**header_overrides)

    def call(self, method: str, path: str, body: Any = None, query: Any = None, prefix: str = CONVERSION):
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs["json"] = body
        if query is not None:
            kwargs["query_string"] = query
        return self.http.open(prefix + path, method=method, **kwargs)

    def get(self, path: str, query: Any = None):
        return self.call("GET", path, query=query)

    def post(self, path: str, body: Any):
        return self.call("POST", path, body)

    def put(self, path: str, body: Any):
        return self.call("PUT", path, body)

    def target_schema(self, title: str = "Garden club members") -> str:
        """A profile schema with the person-details and personal-details field groups."""
        response = self.call("POST", "/tenant/schemas", {
            "type": "object", "title": title, "description": "Members of a gardening club",
            "allOf": [{"$ref": "https://ns.adobe.com/xdm/context/profile"},
                      {"$ref": "https://ns.adobe.com/xdm/context/profile-person-details"},
                      {"$ref": "https://ns.adobe.com/xdm/context/profile-personal-details"}]},
            prefix="/data/foundation/schemaregistry")
        assert response.status_code == 201, response.get_json()
        return response.get_json()["$id"]

    def created(self, body: Any) -> dict[str, Any]:
        response = self.post("/mappingSets", body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def state(self) -> Any:
        """The tenant's exported state (to prove a refusal changed nothing)."""
        return self.http.get("/_mockaep/state", headers=self.headers).get_json()


def mapping_set(schema_id: str, *mappings: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"outputSchema": {"schemaRef": {"id": schema_id, "contentType": XED_FULL}},
            "mappings": list(mappings), **extra}


def attribute(source: str, destination: str, **extra: Any) -> dict[str, Any]:
    return {"sourceType": "ATTRIBUTE", "source": source, "destination": destination, **extra}


def expression(source: str, destination: str) -> dict[str, Any]:
    return {"sourceType": "EXPRESSION", "source": source, "destination": destination}


def static(value: str, destination: str) -> dict[str, Any]:
    return {"sourceType": "STATIC", "source": value, "destination": destination}


def assert_mapper_error(response, status: int) -> dict[str, Any]:
    """The MAPPER problem-detail shape (BEHAVIOUR §16.1)."""
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["type"].startswith("http://ns.adobe.com/aep/errors/MAPPER-")
    assert body["type"].endswith(f"-{status}")
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert response.headers["Content-Type"].startswith("application/json")
    return body


#: A mapping set as the service stores it (what a state document holds), for tests that need a
#: valid stored record without making one over HTTP.
STORED_MAPPING_SET: dict[str, Any] = {
    "id": "a" * 32, "version": 0, "createdDate": 1767225600000, "modifiedDate": 1767225600000,
    "createdBy": "someone@AdobeID", "modifiedBy": "someone@AdobeID", "name": "n", "supportVersion": "1.1",
    "outputSchema": {"id": "b" * 32, "version": 0, "schemaRef": {"id": "https://ns.adobe.com/xdm/context/profile",
                                                                "contentType": XED_FULL}},
    "mappings": [{"id": "c" * 32, "version": 0, "createdDate": 1767225600000, "modifiedDate": 1767225600000,
                  "createdBy": "someone@AdobeID", "modifiedBy": "someone@AdobeID", "sourceType": "text/x.schema-path",
                  "source": "Id", "destination": "_id", "identity": False, "primaryIdentity": False,
                  "matchScore": 0.0, "functionVersion": 1, "sourceAttribute": "Id", "destinationXdmPath": "_id"}],
    "status": "DRAFT", "strictMapping": False, "allowNullValues": False, "xdmVersion": XED_FULL,
    "schemaRef": {"id": "https://ns.adobe.com/xdm/context/profile", "contentType": XED_FULL},
    "xdmSchema": "https://ns.adobe.com/xdm/context/profile",
}
