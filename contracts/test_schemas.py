"""Schema Registry read-backs: the ad-hoc class and schema and the seed's profile schema, in every
Accept variant the platform documents for a lookup, plus the list forms and the Accept refusals.

Raw forms (``xed``, ``xed-notext``) keep the composition (``allOf``/``$ref``); resolved forms
(``xed-full*``, ``xed-deprecatefield``) expand it into ``properties``; ``notext`` forms drop titles
and descriptions. A lookup without ``version`` is XDM-1007, an unknown variant 406.
"""
from __future__ import annotations

import pytest

from mockaep_client import BadRequestError, NotAcceptableError
from mockaep_client import onboarding as steps
from mockaep_client.schemaregistry import XED_ID_LIST, XED_LIST

LOOKUP_VARIANTS = ["xed", "xed-notext", "xed-full", "xed-full-notext", "xed-full-desc", "xed-deprecatefield"]
PROFILE = "https://ns.adobe.com/xdm/context/profile"
COLUMNS = ("Id", "Name", "Phone", "CreatedDate")


def accept(variant: str, version: str = "1") -> str:
    return f"application/vnd.adobe.{variant}+json; version={version}"


@pytest.fixture
def adhoc(aep, contract_target):
    registry = aep.schemaregistry
    xdm_class = registry.create_class(steps.adhoc_class_body(contract_target.unique("Contract ad-hoc class"), COLUMNS))
    schema = registry.create_schema(steps.adhoc_schema_body(contract_target.unique("Contract ad-hoc schema"),
                                                            xdm_class["$id"]))
    return xdm_class, schema


@pytest.fixture
def profile_schema(aep, contract_target):
    return aep.schemaregistry.create_schema(steps.target_schema_body(contract_target.unique("Contract profile")))


def _namespace(xdm_class: dict) -> str:
    """The ad-hoc namespace: the class's ``_adhoc`` object is renamed after the class id."""
    return "_" + xdm_class["$id"].rsplit("/", 1)[-1]


def _has_text(document: dict) -> bool:
    return "title" in document or "description" in document


@pytest.mark.parametrize("variant", LOOKUP_VARIANTS)
def test_adhoc_schema_reads_back_in_every_variant(aep, adhoc, variant):
    xdm_class, schema = adhoc
    read = aep.schemaregistry.get_schema(schema["$id"], accept=accept(variant))
    assert read["$id"] == schema["$id"] and read["meta:altId"] == schema["meta:altId"]
    assert _has_text(read) is ("notext" not in variant)
    resolved = variant not in ("xed", "xed-notext")
    if resolved:
        columns = read["properties"][_namespace(xdm_class)]["properties"]
        assert set(columns) == set(COLUMNS)
        assert all(columns[c]["type"] == "string" for c in COLUMNS)
    else:
        assert {"$ref": xdm_class["$id"]}.items() <= read["allOf"][0].items()


@pytest.mark.parametrize("variant", LOOKUP_VARIANTS)
def test_profile_schema_reads_back_in_every_variant(aep, profile_schema, variant):
    read = aep.schemaregistry.get_schema(profile_schema["meta:altId"], accept=accept(variant))
    assert read["$id"] == profile_schema["$id"]
    assert read["meta:class"] == PROFILE
    assert _has_text(read) is ("notext" not in variant)
    if variant in ("xed", "xed-notext"):
        assert [part["$ref"] for part in read["allOf"]] == [part["$ref"] for part in profile_schema["allOf"]]
    else:
        properties = read["properties"]
        # What the seed's mapping writes to must exist in the resolved form.
        assert properties["person"]["properties"]["name"]["properties"]["fullName"]["type"] == "string"
        assert "createDate" in properties["_repo"]["properties"]
        assert "_id" in properties


def test_lookup_by_alt_id_and_by_encoded_id_agree(aep, profile_schema):
    by_alt = aep.schemaregistry.get_schema(profile_schema["meta:altId"], accept=accept("xed-full"))
    by_id = aep.schemaregistry.get_schema(profile_schema["$id"], accept=accept("xed-full"))
    assert by_alt == by_id


def test_version_spellings_are_all_accepted(aep, profile_schema):
    for version in ("1", "1.0"):
        for spacing in ("; ", ";"):
            media = f"application/vnd.adobe.xed-full+json{spacing}version={version}"
            assert aep.schemaregistry.get_schema(profile_schema["$id"], accept=media)["$id"] == profile_schema["$id"]


def test_list_forms(aep, adhoc, profile_schema):
    ids = aep.schemaregistry.list_schemas(accept=XED_ID_LIST)["results"]
    mine = {entry["$id"]: entry for entry in ids if entry["$id"] in (adhoc[1]["$id"], profile_schema["$id"])}
    assert len(mine) == 2
    for entry in mine.values():
        assert set(entry) <= {"$id", "meta:altId", "version", "title"}
    full = aep.schemaregistry.list_schemas(accept=XED_LIST)["results"]
    listed = next(entry for entry in full if entry["$id"] == profile_schema["$id"])
    assert listed["allOf"] == profile_schema["allOf"]


def test_lookup_without_version_is_xdm_1007(aep, profile_schema):
    with pytest.raises(BadRequestError) as refused:
        aep.schemaregistry.get_schema(profile_schema["$id"], accept="application/vnd.adobe.xed-full+json")
    assert refused.value.code == "XDM-1007-400"


def test_unknown_variant_is_406(aep, profile_schema):
    with pytest.raises(NotAcceptableError) as refused:
        aep.schemaregistry.get_schema(profile_schema["$id"], accept=accept("xed-nonsense"))
    assert refused.value.status == 406


def test_list_with_a_version_is_xdm_1006(aep):
    with pytest.raises(BadRequestError) as refused:
        aep.schemaregistry.list_schemas(accept="application/vnd.adobe.xed-id+json; version=1")
    assert refused.value.code == "XDM-1006-400"
