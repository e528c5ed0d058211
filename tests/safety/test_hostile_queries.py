"""Hypothesis over the list query languages: Flow Service ``property=``/``orderby``/continuation
tokens, Catalog ``property=``/``orderBy``, Schema Registry ``property=``/``orderby``.

Reads never answer 5xx, refusals are 4xx in the service's shape, and no read changes the state.
The ``@example``s are the known former crashers, always tried first.
"""
from __future__ import annotations

import base64
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.conftest import gateway_headers
from tests.safety import hostile
from tests.safety.hostile import populated_app_fixture  # noqa: F401 (the module's app fixtures)

FLOW = "/data/foundation/flowservice"
CATALOG = "/data/foundation/catalog"
REGISTRY = "/data/foundation/schemaregistry"

FIELDS = st.sampled_from(["id", "name", "state", "createdAt", "updatedAt", "connectionSpec.id", "flowSpec.id",
                          "sourceConnectionIds[]", "baseConnectionId", "flowId", "title", "meta:altId", "$id",
                          "version", "status", "created", "tags.x", "schemaRef.id", "meta:extends", "a.b.c",
                          "", "x" * 300]) | st.text(max_size=15)
OPERATORS = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "~", "=", "=~", "!~", "~=", "", "!", "===", "<>"])
REGEX_BITS = st.sampled_from(["a{99999999999}", "(a{1,99999999999})+", "(a+)+$", "[", "(?P<x>", "\\", "*", ".*",
                              "x{1000}{1000}", "^$", "(?i)", "a|b", "\\p{L}", "(?=a)"])
VALUES = st.one_of(st.text(max_size=30), REGEX_BITS, st.integers().map(str), st.floats().map(str),
                   st.lists(st.text(max_size=8), max_size=4).map(",".join), st.just('"quoted"'))


@st.composite
def expressions(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=60))
    prefix = draw(st.sampled_from(["", "", "!"]))
    return f"{prefix}{draw(FIELDS)}{draw(OPERATORS)}{draw(VALUES)}"


ORDER = st.one_of(st.text(max_size=20), st.builds(lambda sign, field: f"{sign}{field}",
                                                   st.sampled_from(["", "+", "-", "asc:", "desc:", "~"]), FIELDS))
NUMBERS = st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=8))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=25)
TOKENS = st.one_of(
    st.text(max_size=40),
    JSON_VALUES.map(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode().rstrip("=")),
    st.fixed_dictionaries({"id": st.text(max_size=10)}, optional={"rank": JSON_VALUES, "after": JSON_VALUES})
    .map(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode().rstrip("=")))


@pytest.fixture(scope="module")
def before(app):
    return hostile.state(app.test_client())


def _read(app, before, path, service, query, **headers):
    http = app.test_client()
    answer = http.get(path, query_string=query, headers=gateway_headers(**headers))
    hostile.check_answer(answer, service)
    assert hostile.state(http) == before


@settings(max_examples=150)
@given(kind=st.sampled_from(["connections", "sourceConnections", "targetConnections", "flows", "runs"]),
       filters=st.lists(expressions(), max_size=3), orderby=st.none() | ORDER, token=st.none() | TOKENS,
       limit=st.none() | NUMBERS)
@example(kind="connections", filters=["name~a{99999999999}"], orderby=None, token=None, limit=None)
def test_flowservice_lists(app, before, kind, filters, orderby, token, limit):
    query = [("property", f) for f in filters]
    for name, value in (("orderby", orderby), ("continuationToken", token), ("limit", limit)):
        if value is not None:
            query.append((name, value))
    _read(app, before, f"{FLOW}/{kind}", "flowservice", query)




@settings(max_examples=150)
@given(kind=st.sampled_from(["dataSets", "batches", "dataSetFiles"]), filters=st.lists(expressions(), max_size=3),
       order=st.none() | ORDER, limit=st.none() | NUMBERS, start=st.none() | NUMBERS,
       properties=st.none() | st.text(max_size=20))
@example(kind="dataSets", filters=["name~a{99999999999}"], order=None, limit=None, start=None, properties=None)
def test_catalog_lists(app, before, kind, filters, order, limit, start, properties):
    query = [("property", f) for f in filters]
    for name, value in (("orderBy", order), ("limit", limit), ("start", start), ("properties", properties)):
        if value is not None:
            query.append((name, value))
    _read(app, before, f"{CATALOG}/{kind}", "catalog", query)




@settings(max_examples=150)
@given(path=st.sampled_from(["/tenant/schemas", "/tenant/fieldgroups", "/global/classes", "/global/datatypes",
                             "/tenant/descriptors"]),
       filters=st.lists(expressions(), max_size=3), orderby=st.none() | ORDER, limit=st.none() | NUMBERS,
       start=st.none() | NUMBERS)
@example(path="/tenant/schemas", filters=["title~a{99999999999}"], orderby=None, limit=None, start=None)
def test_schema_registry_lists(app, before, path, filters, orderby, limit, start):
    query = [("property", f) for f in filters]
    for name, value in (("orderby", orderby), ("limit", limit), ("start", start)):
        if value is not None:
            query.append((name, value))
    _read(app, before, f"{REGISTRY}{path}", "schemaregistry", query, Accept="application/vnd.adobe.xed-id+json")
