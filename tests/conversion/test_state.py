"""Mapping sets in state documents (``/_mockaep/state``, ``--seed``): what the service stores loads
back and reads back as stored; a wrongly typed record is refused whole, before anything changes;
listings and reads cost what they answer, not the collection."""
from __future__ import annotations

import copy
import json

import pytest

from mockaep import create_app
from mockaep.core.store import Collection
from tests.conftest import ORG
from tests.conversion.helpers import CONVERSION, DataPrep, attribute, expression, mapping_set, static


def _body(schema_id: str, **extra):
    return mapping_set(schema_id, attribute("memberNo", "_id"), expression("upper(family)", "person.name.lastName"),
                       static("gardener", "person.name.suffix"), **extra)


@pytest.fixture
def world(prep, schema_id):
    """Two sets, one of them updated: the exported state and what each read answered."""
    first = prep.created(_body(schema_id, name="first"))["id"]
    second = prep.created(_body(schema_id, name="second"))["id"]
    assert prep.put(f"/mappingSets/{first}", _body(schema_id, name="first, again")).status_code == 200
    return prep.state(), {"first": first, "second": second}


READS = ["/mappingSets/{first}", "/mappingSets/{first}?version=0", "/mappingSets/{first}?version=1",
         "/mappingSets/{second}", "/mappingSets/{first}/mappings", "/mappingSets?limit=5",
         "/mappingSets?limit=5&orderBy=%2BcreatedDate", "/mappingSets?limit=5&name=second"]


def test_an_exported_state_loads_into_another_emulator_and_reads_back(prep, world):
    state, ids = world
    tenant = next(t for t in state["tenants"] if t["imsOrg"] == ORG)
    assert set(tenant["collections"]["mappingSets"]) == {ids["first"], ids["second"]}
    assert set(tenant["collections"]["mappingSetVersions"]) == {f"{ids['first']}/0", f"{ids['first']}/1",
                                                                 f"{ids['second']}/0"}
    other = DataPrep(create_app().test_client())
    loaded = other.http.post("/_mockaep/state", json=state)
    assert loaded.status_code == 200, loaded.get_json()
    assert other.state() == state
    for read in READS:
        path = read.format(**ids)
        mine, theirs = prep.http.get(CONVERSION + path, headers=prep.headers), other.http.get(
            CONVERSION + path, headers=other.headers)
        assert mine.status_code == theirs.status_code == 200, path
        assert mine.get_json() == theirs.get_json(), path


def test_a_read_answers_the_record_as_stored(prep, world):
    state, ids = world
    tenant = next(t for t in state["tenants"] if t["imsOrg"] == ORG)
    current = prep.get(f"/mappingSets/{ids['first']}")
    assert current.get_json() == tenant["collections"]["mappingSets"][ids["first"]]
    assert json.loads(current.data) == tenant["collections"]["mappingSetVersions"][f"{ids['first']}/1"]
    old = prep.get(f"/mappingSets/{ids['first']}", {"version": 0}).get_json()
    assert old == tenant["collections"]["mappingSetVersions"][f"{ids['first']}/0"] and old["name"] == "first"


def _broken(record: dict, change) -> dict:
    record = copy.deepcopy(record)
    change(record)
    return record


BREAKAGES = {
    "version is text": lambda r: r.update(version="one"),
    "no mappings": lambda r: r.update(mappings=[]),
    "mappings not a list": lambda r: r.update(mappings="not a list"),
    "date as text": lambda r: r.update(createdDate="yesterday"),
    "no output schema": lambda r: r.pop("outputSchema"),
    "output schema not an object": lambda r: r.update(outputSchema=3),
    "schema ref id not text": lambda r: r["schemaRef"].update(id=5),
    "id not 32 hex": lambda r: r.update(id="m-1"),
    "unknown field": lambda r: r.update(colour="green"),
    "status unknown": lambda r: r.update(status="LIVE"),
    "mapping source type as a request names it": lambda r: r["mappings"][0].update(sourceType="ATTRIBUTE"),
    "mapping without destination": lambda r: r["mappings"][0].pop("destination"),
    "mapping identity as text": lambda r: r["mappings"][0].update(identity="no"),
    "mapping not an object": lambda r: r["mappings"].append("x"),
}


@pytest.mark.parametrize("kind", ["mappingSets", "mappingSetVersions"])
@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_wrongly_typed_record_is_refused_whole(prep, world, kind, breakage):
    state, ids = world
    document = copy.deepcopy(state)
    records = next(t for t in document["tenants"] if t["imsOrg"] == ORG)["collections"][kind]
    key = next(iter(records))
    records[key] = _broken(records[key], BREAKAGES[breakage])
    if breakage == "id not 32 hex" and kind == "mappingSets":
        records["m-1"] = records.pop(key)
    answer = prep.http.post("/_mockaep/state", json=document)
    assert answer.status_code == 400, answer.get_json()
    assert kind in answer.get_json()["detail"]
    assert prep.state() == state


# -- cost ---------------------------------------------------------------------------------------------
SIZE = 3000


def _seeded(prep: DataPrep, schema_id: str) -> list[str]:
    """SIZE mapping sets (every third named "odd one"), loaded as a state document."""
    template = prep.get(f"/mappingSets/{prep.created(_body(schema_id))['id']}").get_json()
    sets, versions, ids = {}, {}, []
    for n in range(SIZE):
        set_id = f"{n:032x}"
        record = {**copy.deepcopy(template), "id": set_id, "createdDate": n, "modifiedDate": n}
        record["name"] = "odd one" if n % 3 == 0 else f"set {n}"
        sets[set_id], versions[f"{set_id}/0"] = record, record
        ids.append(set_id)
    state = prep.state()
    tenant = next(t for t in state["tenants"] if t["imsOrg"] == ORG)
    tenant["collections"]["mappingSets"], tenant["collections"]["mappingSetVersions"] = sets, versions
    prep.http.application.extensions["mockaep"].store.restore(state, replace_all=True)
    return ids


def test_listings_and_reads_cost_what_they_answer(prep, schema_id, monkeypatch):
    ids = _seeded(prep, schema_id)
    reads: list[str] = []
    get = Collection.get

    def counting(self, record_id):
        if self.kind.startswith("mappingSet"):
            reads.append(record_id)
        return get(self, record_id)

    monkeypatch.setattr(Collection, "get", counting)
    odd = ids[::3]
    for query, expected in [
        ({"limit": 5, "start": 2500}, ids[::-1][2500:2505]),
        ({"limit": 5, "start": 2500, "orderBy": "+updatedDate"}, ids[2500:2505]),
        ({"limit": 5, "start": 2500, "orderBy": "+createdDate"}, ids[2500:2505]),
        ({"limit": 5, "start": 2500, "orderBy": "-createdDate"}, ids[::-1][2500:2505]),
        ({"limit": 5, "start": 900, "name": "odd one"}, odd[::-1][900:905]),
        ({"limit": 5, "start": 0, "name": "nobody"}, []),
    ]:
        reads.clear()
        page = prep.get("/mappingSets", query)
        assert page.status_code == 200, page.get_json()
        assert [s["id"] for s in page.get_json()["data"]] == expected, query
        assert len(reads) <= 2 * 6, (query, len(reads))  # the page and one more (twice: version 0, then current)
    reads.clear()
    for path in (f"/mappingSets/{ids[1234]}", f"/mappingSets/{ids[1234]}?version=0"):
        assert prep.http.get(CONVERSION + path, headers=prep.headers).status_code == 200
    assert reads == []  # answered as stored
    assert prep.get(f"/mappingSets/{ids[1234]}/mappings").status_code == 200
    assert reads == [ids[1234]]
