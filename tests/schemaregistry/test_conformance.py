"""schemathesis over the official schema-registry.yaml (with the documented overlay).

The Swagger 2.0 spec declares ``Accept`` as a free-text header parameter and lists its values
only in prose; generated cases therefore send one of the documented values for the operation
(chosen from the case's parameters, and one case in five keeps the generated text, so the
400/406 refusals are exercised too).

Spec defects met while writing this test (relaxations, with evidence, in tests/spec_overlay.py):
* 404 is missing from most lookups/updates/deletes and 406 from most lookups, though the
  troubleshooting guide documents XDM-1010..1017-404 and the spec itself lists 406 elsewhere;
* ``_page.next``/``_links.next`` are typed string, while every documented list prints ``null``;
* ``xdm:sourceVersion`` is a string in createDescriptor but an integer in every documented
  descriptor (and in the spec's own lookupDescriptorResponse);
* the audit log's ``updates[].value`` is typed string while the spec's example has objects;
* not relaxed, handled in the emulator: ``createSchema``/``createClass`` spell ``"$ref "`` with a
  trailing space (harmless); ``patchSchema`` types every ``value`` as a string although the
  documented PATCH requests send objects and arrays (models.check_patch); ``classUsage`` is an
  array in the spec but an object in getting-started.md (the spec, newer, is followed).
"""
from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, settings

from mockaep import create_app
from tests.conformance import check_case, official_schema

LISTING = ["application/vnd.adobe.xed-id+json", "application/vnd.adobe.xed+json"]
LOOKUP = ["application/vnd.adobe.xed+json; version=1", "application/vnd.adobe.xed-full+json; version=1",
          "application/vnd.adobe.xed-notext+json; version=1", "application/vnd.adobe.xed-full-notext+json;version=1",
          "application/vnd.adobe.xed-full-desc+json; version=1", "application/vnd.adobe.xed-deprecatefield+json; version=1.0"]
DESCRIPTORS = ["application/vnd.adobe.xdm-id+json", "application/vnd.adobe.xdm-link+json", "application/vnd.adobe.xdm+json",
               "application/vnd.adobe.xdm-v2+json"]

app = create_app()
schema = official_schema("schemaregistry", app)


def documented_accept(case) -> str | None:
    """A documented Accept value for the case's operation (None: keep the generated one)."""
    path = case.operation.path
    if case.method.upper() != "GET":
        return None
    if path.endswith("/descriptors"):
        choices = DESCRIPTORS
    elif path.startswith("/rpc/"):
        choices = ["application/vnd.adobe.xed+json; version=1"]
    elif path.endswith("}"):
        choices = LOOKUP
    else:
        choices = LISTING
    if "descriptors/" in path:
        return None
    seed = int(hashlib.sha1(repr(case.path_parameters).encode() + repr(case.query).encode()).hexdigest(), 16)
    if seed % 5 == 0:
        return None
    return choices[seed % len(choices)]


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_official_schema_registry_spec(case):
    accept = documented_accept(case)
    check_case(case, {"Accept": accept} if accept else None)


def test_every_operation_is_covered():
    operations = [op for op in schema.get_all_operations()]
    assert len(operations) == 44
