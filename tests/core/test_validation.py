"""The fast validator (jsonschema-rs) and the reference one (jsonschema) agree.

Every request body is first asked of the compiled validator; only when it says "invalid" does the
reference validator word the violations. If the two disagreed, mockaep would accept what it
should refuse (or answer 400 with no reason). These properties generate instances — from each
official body schema (valid ones, then mutated) and from arbitrary JSON — and compare verdicts.
"""
from __future__ import annotations

import functools
import warnings

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from mockaep.core.packagedata import PackageData, read_package_json
from mockaep.core.validation import SERVICES_WITH_SPECS, Validators, load_openapi
from mockaep.registry import SERVICES

VALIDATORS = Validators(PackageData())
PREFIX = {s.name: s.prefix for s in SERVICES}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


def body_operations():
    found = []
    for service in SERVICES_WITH_SPECS:
        spec = load_openapi(service)
        for op in spec.operations():
            if op.method in ("POST", "PUT", "PATCH") and spec.body_pointer(op.method, op.path) is not None:
                found.append((service, op.method, op.path))
    return found


OPERATIONS = body_operations()


@functools.lru_cache(maxsize=None)
def loaded_schema(service: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return schemathesis.openapi.from_dict(read_package_json(f"openapi/{service}.json"))


@functools.lru_cache(maxsize=None)
def generated_bodies(service: str, method: str, path: str):
    """Bodies schemathesis generates for the operation from the packaged official document:
    valid ones (positive mode) and ones that break it (negative mode)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        operation = loaded_schema(service)[path][method]
        cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                          operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    return cases.map(lambda case: case.body).filter(lambda body: isinstance(body, (dict, list, str, int, float, bool)))


def agree(checker, instance) -> None:
    reference_valid = not any(True for _ in checker.reference.iter_errors(instance))
    assert checker.fast is not None
    assert bool(checker.fast.is_valid(instance)) == reference_valid, instance


def test_there_are_body_schemas_to_compare():
    assert len(OPERATIONS) > 40


@pytest.mark.parametrize("service, method, path", OPERATIONS)
@settings(max_examples=10, suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_verdicts_agree_on_generated_bodies(service, method, path, data):
    checker = VALIDATORS.body_checker(service, method, path, "application/json")
    agree(checker, data.draw(json_values, label="arbitrary JSON"))
    agree(checker, data.draw(generated_bodies(service, method, path), label="generated from the official schema"))


EMBEDDED = {
    "$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
    "required": ["host", "port"],
    "properties": {"host": {"type": "string", "pattern": "^(a+)+$"}, "port": {"type": "integer", "minimum": 1},
                   "when": {"type": "string", "format": "date-time"}, "mail": {"type": "string", "format": "email"},
                   "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True}},
    "patternProperties": {"^x-": {"type": "boolean"}},
    "additionalProperties": False,
}


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["host", "port", "when", "mail", "tags", "x-a", "other"]), json_values
                       | st.sampled_from(["aaaa", "aab", "2024-01-01T00:00:00Z", "yesterday", "a@b", "nobody"]),
                       max_size=6))
def test_verdicts_agree_on_an_embedded_schema_with_patterns_and_formats(instance):
    agree(VALIDATORS.schema_checker(EMBEDDED), instance)


def test_a_pathological_pattern_is_linear_in_both():
    checker = VALIDATORS.schema_checker(EMBEDDED)
    evil = {"host": "a" * 50_000 + "b", "port": 1}
    assert not checker.is_valid(evil)
    assert [v.pointer for v in checker.violations(evil)] == ["/host"]


def test_content_addressed_validators_follow_the_schema():
    first = VALIDATORS.schema_checker({"type": "object", "required": ["a"]})
    assert VALIDATORS.schema_checker({"required": ["a"], "type": "object"}) is first  # same content
    assert VALIDATORS.schema_checker({"type": "object", "required": ["b"]}) is not first
