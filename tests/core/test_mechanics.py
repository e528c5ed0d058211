"""The shared mechanics every service uses: selection (paging), JSON Patch, If-Match, tokens.

Each is checked against a plain model (a list, a dict) over generated inputs; the services'
own tests check them again through HTTP in each service's vocabulary.
"""
from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockaep.core.errors import BadRequest, PreconditionFailed
from mockaep.core.jsonreader import loads
from mockaep.core.kinds import ResourceKind
from mockaep.core.paging.selection import SortKey, count, select
from mockaep.core.paging.tokens import TokenError, decode_token, encode_token
from mockaep.core.patch import PatchError, PatchRules, apply_patch, read_patch
from mockaep.core.preconditions import check_if_match
from mockaep.core.store import Store

THINGS = ResourceKind("things", "thing", "test", indexes=("colour",), read_only=("id",),
                      writable=("name", "colour", "tags", "nested"))


class Equals:
    """A condition served by the colour index (exact), as the services' filters build them."""

    def __init__(self, colour: str) -> None:
        self.colour = colour

    exact = True

    def narrow(self, collection):
        return collection.hits("colour", self.colour)

    def matches(self, record):
        return record.get("colour") == self.colour


class NameContains:
    exact = False

    def __init__(self, text: str) -> None:
        self.text = text

    def narrow(self, collection):
        return None

    def matches(self, record):
        return self.text in record.get("name", "")


records = st.lists(st.tuples(st.sampled_from(["red", "blue"]), st.text("ab", max_size=3),
                             st.one_of(st.none(), st.integers(-5, 5))), max_size=25)


def stored(rows):
    things = Store({"things": THINGS}).tenant("A", "prod").collection("things")
    model = []
    for n, (colour, name, size) in enumerate(rows):
        record = {"id": f"t{n:02d}", "colour": colour, "name": name}
        if size is not None:
            record["size"] = size
        things.put(record["id"], record)
        model.append(record)
    return things, model


@given(records, st.sampled_from(["red", "blue"]), st.text("ab", max_size=2), st.integers(0, 30),
       st.one_of(st.none(), st.integers(1, 10)), st.booleans())
def test_insertion_order_pages_agree_with_a_list(rows, colour, text, offset, limit, reverse):
    things, model = stored(rows)
    conditions = [Equals(colour), NameContains(text)]
    expected = [r for r in model if r["colour"] == colour and text in r["name"]]
    if reverse:
        expected.reverse()
    page = select(things, conditions, offset=offset, limit=limit, reverse=reverse)
    cut = expected[offset:] if limit is None else expected[offset:offset + limit]
    assert page.records == cut
    # a lone index-served condition jumps straight to the offset, in either direction
    alone = [r for r in model if r["colour"] == colour]
    if reverse:
        alone.reverse()
    jumped = select(things, [Equals(colour)], offset=offset, limit=limit, reverse=reverse)
    assert jumped.records == (alone[offset:] if limit is None else alone[offset:offset + limit])
    assert page.more == (limit is not None and len(expected) > offset + limit)
    assert count(things, conditions) == len(expected)
    assert count(things, [Equals(colour)]) == sum(1 for r in model if r["colour"] == colour)


@given(records, st.integers(1, 6))
def test_following_cursors_visits_every_match_once(rows, limit):
    things, model = stored(rows)
    seen, after = [], None
    while True:
        page = select(things, [Equals("red")], after=after, limit=limit)
        seen += page.records
        if not page.more:
            break
        after = page.entries[-1].seq
    assert seen == [r for r in model if r["colour"] == "red"]


@given(records, st.booleans())
def test_ordering_by_a_field_puts_missing_values_last(rows, descending):
    things, model = stored(rows)
    page = select(things, order=[SortKey("size", descending)])
    present = sorted((r for r in model if "size" in r), key=lambda r: r["size"], reverse=descending)
    # ties keep insertion order (a stable sort of the insertion-ordered matches)
    assert [r["size"] for r in page.records if "size" in r] == [r["size"] for r in present]
    assert [r["id"] for r in page.records if "size" not in r] == [r["id"] for r in model if "size" not in r]


def test_tokens_round_trip_and_refuse_forgeries():
    token = encode_token({"after": 12, "id": "x"})
    assert decode_token(token) == {"after": 12, "id": "x"}
    nested = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode()
    for forged in ["", "!!!", "a" * 5000, base64.urlsafe_b64encode(b"[1,2]").decode(), nested,
                   base64.urlsafe_b64encode(b'{"a":{"b":{"c":{"d":{"e":1}}}}}').decode()]:
        with pytest.raises(TokenError):
            decode_token(forged)


FLOW_RULES = PatchRules(ops=("add", "replace", "remove"), case_insensitive_ops=True, lone_object=True,
                        codes={"unsupported-op": "1434", "unknown-field": "1455", "missing-target": "1455"},
                        protected={"colour": "1414"})


def test_patch_reads_each_vocabulary():
    assert read_patch({"op": "REPLACE", "path": "/name", "value": "x"}, FLOW_RULES) == \
        [{"op": "replace", "path": "/name", "value": "x"}]
    with pytest.raises(PatchError) as refused:
        read_patch([{"op": "move", "from": "/a", "path": "/b"}], FLOW_RULES)
    assert refused.value.code == "1434"
    with pytest.raises(PatchError):
        read_patch({"op": "replace", "path": "/name", "value": "x"})  # a lone object: only where allowed
    for body in (None, [], {}, "x", [3], [{"op": "add"}], [{"op": "add", "path": "name", "value": 1}],
                 [{"op": "add", "path": "/", "value": 1}], [{"op": "replace", "path": "/a"}],
                 [{"op": "add", "path": "/a", "value": 1}] * 1001):
        with pytest.raises(PatchError):
            read_patch(body)


def test_patch_protects_fields_and_never_raises_anything_else():
    document = {"id": "t1", "name": "n", "colour": "red", "nested": {"deep": "text"}, "tags": ["a"]}
    assert apply_patch(document, read_patch([{"op": "add", "path": "/tags/-", "value": "b"}]), kind=THINGS) \
        == {**document, "tags": ["a", "b"]}
    assert document["tags"] == ["a"]  # the input is not changed
    refusals = [
        ([{"op": "replace", "path": "/id", "value": "x"}], "read-only", None),
        ([{"op": "replace", "path": "/unknown", "value": "x"}], "unknown-field", "1455"),
        ([{"op": "replace", "path": "/colour", "value": "x"}], "read-only", "1414"),
        ([{"op": "add", "path": "/nested/deep/below", "value": 1}], "missing-target", "1455"),
        ([{"op": "remove", "path": "/tags/7"}], "missing-target", "1455"),
        ([{"op": "replace", "path": "/nested/absent/x", "value": 1}], "missing-target", "1455"),
    ]
    for operations, reason, code in refusals:
        with pytest.raises(PatchError) as refused:
            apply_patch(document, read_patch(operations, FLOW_RULES), kind=THINGS, rules=FLOW_RULES)
        assert (refused.value.reason, refused.value.code) == (reason, code), operations
    with pytest.raises(PatchError) as failed:
        apply_patch(document, read_patch([{"op": "test", "path": "/name", "value": "other"}]))
    assert failed.value.reason == "test-failed"


@given(st.lists(st.fixed_dictionaries({"op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test"]),
                                       "path": st.sampled_from(["/name", "/nested/deep", "/nested/deep/x",
                                                                "/tags/0", "/tags/-", "/tags/9", "/x~1y"]),
                                       "from": st.sampled_from(["/name", "/tags/0", "/nested"]),
                                       "value": st.one_of(st.none(), st.text(max_size=3), st.integers())}),
                max_size=4))
def test_any_patch_either_applies_or_is_a_patch_error(operations):
    document = {"id": "t1", "name": "n", "nested": {"deep": "text"}, "tags": ["a"]}
    try:
        result = apply_patch(document, read_patch(operations))
    except PatchError:
        return
    assert isinstance(result, dict)


def test_if_match_is_one_check_for_every_service():
    check_if_match(['"abc"'], '"abc"', required=True)
    check_if_match(['"abc"'], 'abc', required=True)
    check_if_match(['"abc"'], 'W/"abc", "other"', required=True)
    check_if_match(["1.0.2", 1700000000000], "1700000000000", required=False)
    check_if_match(['"abc"'], "*", required=True)
    check_if_match(['"abc"'], None, required=False)
    with pytest.raises(BadRequest) as missing:
        check_if_match(['"abc"'], " ", required=True, missing_code="1403")
    assert (missing.value.status, missing.value.code) == (400, "1403")
    with pytest.raises(PreconditionFailed) as stale:
        check_if_match(['"abc"'], '"old"', required=True, stale_code="1404")
    assert (stale.value.status, stale.value.code) == (412, "1404")


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
    | st.from_regex(r"[A-Z]{0,3}-?[0-9]{15,25}[A-Z@]{0,3}", fullmatch=True),  # digit runs inside strings
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=16)


def _shape(value):
    """The value with its JSON types spelled out (an integer read as a float would differ)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return (type(value).__name__, value)


@given(_JSON_VALUES, st.sampled_from([None, 1]))
def test_the_json_reader_reads_exactly_what_the_standard_library_reads(value, indent):
    text = json.dumps(value, indent=indent)
    expected = _shape(json.loads(text))
    assert _shape(loads(text)) == expected
    assert _shape(loads(text.encode())) == expected
