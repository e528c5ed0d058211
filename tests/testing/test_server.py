"""ThreadedServer: the emulator on a real socket in a thread, started and stopped cleanly."""
from __future__ import annotations

import socket
import threading

import pytest
import requests

from mockaep import ThreadedServer, create_app
from mockaep.core.config import Config


def test_serves_on_a_free_port_and_stops_without_leaving_threads():
    before = {thread.ident for thread in threading.enumerate()}
    server = ThreadedServer().start()
    assert server.running and server.url.startswith("http://127.0.0.1:") and server.port > 0
    keep_alive = requests.Session()
    assert keep_alive.get(f"{server.url}/_mockaep/health", timeout=5).json()["status"] == "ok"
    server.stop()  # with an idle keep-alive connection still open
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        keep_alive.get(f"http://127.0.0.1:{server.port}/_mockaep/health", timeout=5)
    left = {thread.ident for thread in threading.enumerate() if thread.is_alive()} - before
    assert left == set()
    server.stop()  # idempotent


def test_context_manager_and_a_given_app():
    app = create_app()
    with ThreadedServer(app) as server:
        assert server.app is app
        server.control.set_clock(1_000)
        assert requests.get(f"{server.url}/_mockaep/clock", timeout=5).json()["now"] == 1_000
    with pytest.raises(RuntimeError, match="not running"):
        server.url


def test_a_config_builds_the_app():
    with ThreadedServer(config=Config(clock_mode="virtual")) as server:
        assert server.control.clock()["mode"] == "virtual"


def test_a_port_in_use_is_an_os_error():
    with ThreadedServer() as first:
        with pytest.raises(OSError):
            ThreadedServer(first.app, port=first.port).start()


@pytest.mark.parametrize("options", [{"port": 99999}, {"port": -1}, {"threads": 0}, {"threads": 10**6}])
def test_bounds_are_checked_up_front(options):
    with pytest.raises(ValueError):
        ThreadedServer(create_app(), **options)


def test_an_address_that_is_not_ours_is_an_os_error():
    with pytest.raises(OSError):
        ThreadedServer(create_app(), host="192.0.2.1").start()  # TEST-NET-1: never an address here


def test_requests_in_flight_finish_before_stop_returns():
    with ThreadedServer() as server:
        server.control.add_fault({"path": "/data/foundation/flowservice/flows"}, {"latencyMs": 300})
        answers = []
        caller = threading.Thread(target=lambda: answers.append(requests.get(
            f"{server.url}/data/foundation/flowservice/flows", timeout=10, headers={
                "Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": "O@AdobeOrg"}).status_code))
        caller.start()
        while not server.control.faults()[0]["matched"]:
            threading.Event().wait(0.01)
    caller.join(10)
    assert answers == [200]


def test_the_listening_socket_is_closed_after_stop():
    with ThreadedServer() as server:
        port = server.port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # free again: binding would raise EADDRINUSE otherwise
        assert probe.getsockname() == ("127.0.0.1", port)
