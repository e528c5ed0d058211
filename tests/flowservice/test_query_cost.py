"""A list request costs its page (plus index hits), not the collection, when insertion order
is kept: the pager stops reading once it knows the page and whether another follows."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from werkzeug.datastructures import MultiDict

from mockaep.services.flowservice.query import list_response
from mockaep.store import Store

SIZE = 5_000


def counted_flows():
    """A large flows collection whose reads are counted (records handed out by scan or peek)."""
    flows = Store({"flows": ("state", "sourceConnectionIds[]")}).tenant("ORG@AdobeOrg").collection("flows")
    for number in range(SIZE):
        flows.put(f"f{number:05d}", {"id": f"f{number:05d}", "name": f"flow {number}", "createdAt": number,
                                     "state": "enabled" if number % 10 == 0 else "disabled",
                                     "sourceConnectionIds": [f"s{number % 50}"]})
    read: list[str] = []
    scan, peek = flows.scan, flows.peek

    def counting_scan():
        for record_id, record in scan():
            read.append(record_id)
            yield record_id, record

    def counting_peek(record_id):
        read.append(record_id)
        return peek(record_id)

    flows.scan, flows.peek = counting_scan, counting_peek  # type: ignore[method-assign]
    return flows, read


def page(flows, pairs):
    return list_response(flows, MultiDict(pairs), resource="flows", base_path="/flows")


def next_args(answer):
    return list(parse_qsl(urlsplit(answer["_links"]["next"]["href"]).query))


def test_first_and_next_pages_read_only_the_page():
    flows, read = counted_flows()
    first = page(flows, [("limit", "50")])
    assert [item["id"] for item in first["items"]] == [f"f{n:05d}" for n in range(50)]
    assert len(read) == 51  # the page and one more, to know a next page exists
    read.clear()
    second = page(flows, next_args(first))
    assert [item["id"] for item in second["items"]] == [f"f{n:05d}" for n in range(50, 100)]
    assert len(read) == 51


def test_index_served_filter_reads_only_the_page_of_its_hits():
    flows, read = counted_flows()
    first = page(flows, [("property", "sourceConnectionIds[]==s7"), ("property", "state==disabled"),
                         ("limit", "20")])
    assert [item["id"] for item in first["items"]] == [f"f{n:05d}" for n in range(7, 7 + 50 * 20, 50)]
    assert len(read) == 21
    read.clear()
    rest = page(flows, next_args(first))
    assert [item["id"] for item in rest["items"]] == [f"f{n:05d}" for n in range(7 + 50 * 20, SIZE, 50)][:20]
    assert len(read) <= 21


def test_start_and_a_filter_read_up_to_the_page():
    flows, read = counted_flows()
    answer = page(flows, [("property", "name~flow 1"), ("start", "3"), ("limit", "2")])
    # names containing "flow 1", in insertion order: 1, 10..19, 100...
    assert [item["id"] for item in answer["items"]] == ["f00012", "f00013"]
    assert len(read) < 20


def test_a_deleted_cursor_still_resumes_after_its_creation_time():
    flows, _read = counted_flows()
    first = page(flows, [("limit", "10")])
    flows.delete("f00009")
    second = page(flows, next_args(first))
    assert [item["id"] for item in second["items"]] == [f"f{n:05d}" for n in range(10, 20)]
