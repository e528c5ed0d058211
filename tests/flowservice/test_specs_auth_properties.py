"""Property tests: every packaged source's authSpec, as served, decides base connection creation.

For each auth spec a connection spec serves, generated params that satisfy its JSON Schema
create a connection (201), and the same params without one required field are refused (400)
with nothing stored.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from mockaep import create_app
from tests.flowservice.helpers import FlowService, error_code

APP = create_app()
FS = FlowService(APP.test_client())
SOURCES = [spec for spec in FS.get("/connectionSpecs").get_json()["items"] if spec.get("authSpec")]
CASES = [(spec["id"], entry["name"], entry["spec"]) for spec in SOURCES for entry in spec["authSpec"]]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=24)


def value_for(definition: dict) -> st.SearchStrategy:
    """A valid value of one auth property (strings, enums and booleans are what auth specs use)."""
    if "enum" in definition:
        return st.sampled_from(definition["enum"])
    return st.booleans() if definition.get("type") == "boolean" else TEXT


def params_for(schema: dict) -> st.SearchStrategy[dict]:
    """Valid params: every required property, and any subset of the optional ones."""
    properties = schema["properties"]
    required = {name: value_for(properties[name]) for name in schema.get("required", [])}
    optional = {name: value_for(definition) for name, definition in properties.items() if name not in required}
    return st.fixed_dictionaries(required, optional=optional)


def connection(spec_id: str, spec_name: str, params: dict) -> dict:
    return {"name": "generated login", "connectionSpec": {"id": spec_id, "version": "1.0"},
            "auth": {"specName": spec_name, "params": params}}


def test_every_source_spec_has_auth_cases():
    assert len({spec_id for spec_id, _name, _schema in CASES}) >= 6


@pytest.mark.parametrize("spec_id, spec_name, schema", CASES, ids=[f"{c[0][:8]}-{c[1]}" for c in CASES])
@settings(max_examples=10)
@given(data=st.data())
def test_auth_spec_accepts_valid_params_and_refuses_missing_ones(spec_id, spec_name, schema, data):
    params = data.draw(params_for(schema), label="params")
    created = FS.post("/connections", connection(spec_id, spec_name, params))
    assert created.status_code == 201, created.get_json()
    (stored,) = FS.get(f"/connections/{created.get_json()['id']}").get_json()["items"]
    assert stored["auth"]["specName"] == spec_name

    missing = data.draw(st.sampled_from(schema["required"]), label="missing")
    before = FS.get("/connections", query={"count": "true"}).get_json()
    refused = FS.post("/connections", connection(spec_id, spec_name,
                                                 {k: v for k, v in params.items() if k != missing}))
    assert refused.status_code == 400
    assert missing in str(refused.get_json()["report"])
    assert FS.get("/connections", query={"count": "true"}).get_json() == before


@pytest.mark.parametrize("spec_id", sorted({c[0] for c in CASES}))
def test_unknown_auth_spec_name_is_1415(spec_id):
    response = FS.post("/connections", connection(spec_id, "No Such Authentication", {"x": "y"}))
    assert response.status_code == 400
    assert error_code(response) == "FLOW-1415-400"
