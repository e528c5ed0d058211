"""mockaep benchmarks: print throughput, latency and memory figures in one run.

    python bench/run.py [--seconds 5] [--flows 10000] [--samples 400]

Figures printed:
1. onboarding sequences per second, in-process (WSGI, no socket) and over HTTP against a
   `mockaep serve` subprocess (the whole tutorial sequence through the `client` package);
2. with N flows stored in one sandbox: GET /flows/{id} latency and filtered-list latency (median,
   p99), for a filter an index serves (``sourceConnectionIds[]==…``), a filter that must evaluate
   every flow (``description~…``), and a paged unfiltered list — in-process and over HTTP;
3. memory held by the store for those N flows (tracemalloc).

The N flows are loaded through the documented state document (``POST /_mockaep/state``): one real
flow is created through the API, then cloned with new ids, so the records are exactly what the
service stores. Nothing here asserts: benchmarks measure, tests judge.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from typing import Callable

import requests

from mockaep_client import AEPClient, onboard
from mockaep import create_app

FLOWS = "/data/foundation/flowservice/flows"
ORG = "BENCH00000000000000000000@AdobeOrg"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def line(label: str, samples_ms: list[float]) -> str:
    return (f"  {label:<44} median {statistics.median(samples_ms):8.3f} ms   "
            f"p99 {percentile(samples_ms, 0.99):8.3f} ms   (n={len(samples_ms)})")


def onboardings_per_second(make_client: Callable[[], AEPClient], seconds: float) -> tuple[float, int]:
    client = make_client()
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        onboard(client, "salesforce-service-cloud" if count % 2 == 0 else "servicenow")
        count += 1
    elapsed = time.perf_counter() - started
    return count / elapsed, count


class Server:
    """`mockaep serve` on a free port, for the over-HTTP figures."""

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen([sys.executable, "-m", "mockaep.cli", "serve", "--port", "0"],
                                        stdout=subprocess.PIPE, text=True,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.url = self.process.stdout.readline().strip().rsplit(" ", 1)[1]
        return self

    def __exit__(self, *_exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def seed_flows(call: Callable[..., requests.Response] | Callable, client: AEPClient, count: int,
               post_state: Callable[[dict], None], get_state: Callable[[], dict]) -> dict:
    """Create one onboarding through the API, then clone its flow ``count`` times via the state."""
    created = onboard(client, "salesforce-service-cloud", name="bench template")
    document = get_state()
    tenant = next(t for t in document["tenants"] if t["imsOrg"] == client.org_id)
    flows = tenant["collections"]["flows"]
    template = flows[created.flow_id]
    source_ids = [str(uuid.uuid4()) for _ in range(100)]
    for n in range(count):
        flow_id = str(uuid.uuid4())
        clone = copy.deepcopy(template)
        clone["id"] = flow_id
        clone["name"] = f"bench flow {n:05d}"
        clone["description"] = f"cloned flow number {n}"
        clone["sourceConnectionIds"] = [source_ids[n % len(source_ids)]]
        clone["state"] = "enabled" if n % 3 else "disabled"
        flows[flow_id] = clone
    post_state(document)
    return {"flow_ids": list(flows), "source_id": source_ids[7], "needle": f"number {count // 2}"}


def latency(get: Callable[[str], int], paths: list[str]) -> list[float]:
    samples = []
    for path in paths:
        started = time.perf_counter()
        status = get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"benchmark request {path} answered {status}")
    return samples


def read_figures(get: Callable[[str], int], seeded: dict, samples: int, label: str) -> None:
    ids = seeded["flow_ids"]
    step = max(1, len(ids) // samples)
    by_id = [f"{FLOWS}/{ids[i]}" for i in range(0, len(ids), step)][:samples]
    indexed = [f"{FLOWS}?property=sourceConnectionIds[]=={seeded['source_id']}&limit=50"] * samples
    scanned = [f"{FLOWS}?property=description~{seeded['needle'].replace(' ', '%20')}&limit=50"] * max(20, samples // 10)
    paged = [f"{FLOWS}?limit=50"] * samples
    print(f"{label}:")
    print(line("GET /flows/{id}", latency(get, by_id)))
    print(line("GET /flows?property=sourceConnectionIds[]== (index)", latency(get, indexed)))
    print(line("GET /flows?property=description~ (full scan)", latency(get, scanned)))
    print(line("GET /flows?limit=50 (first page)", latency(get, paged)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each throughput run")
    parser.add_argument("--flows", type=int, default=10_000, help="flows stored for the read figures")
    parser.add_argument("--samples", type=int, default=400, help="requests per latency figure")
    args = parser.parse_args()

    print(f"mockaep benchmark — python {sys.version.split()[0]}, {os.cpu_count()} cores")
    rate, count = onboardings_per_second(lambda: AEPClient.in_process(create_app(), org_id=ORG), args.seconds)
    print(f"onboarding sequences per second, in-process: {rate:8.1f}  ({count} in {args.seconds:.0f} s)")
    with Server() as server:
        rate, count = onboardings_per_second(lambda: AEPClient.for_emulator(server.url, org_id=ORG), args.seconds)
        print(f"onboarding sequences per second, over HTTP:  {rate:8.1f}  ({count} in {args.seconds:.0f} s)")

        # -- reads with N flows, over HTTP ---------------------------------------------------------
        http_client = AEPClient.for_emulator(server.url, org_id=ORG)
        session = requests.Session()
        session.headers.update(http_client.session.platform_headers())
        seeded = seed_flows(None, http_client, args.flows,
                            lambda doc: requests.post(f"{server.url}/_mockaep/state", json=doc, timeout=120).raise_for_status(),
                            lambda: requests.get(f"{server.url}/_mockaep/state", params={"org": ORG}, timeout=120).json())
        read_figures(lambda p: session.get(server.url + p, timeout=30).status_code, seeded, args.samples,
                     f"reads with {args.flows} flows stored, over HTTP")

    # -- reads with N flows, in-process, and the store's memory -----------------------------------
    app = create_app()
    in_client = AEPClient.in_process(app, org_id=ORG)
    test_client = app.test_client()
    headers = in_client.session.platform_headers()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    seeded = seed_flows(None, in_client, args.flows,
                        lambda doc: test_client.post("/_mockaep/state", json=doc),
                        lambda: test_client.get("/_mockaep/state", query_string={"org": ORG}).get_json())
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    read_figures(lambda p: test_client.get(p, headers=headers).status_code, seeded, args.samples,
                 f"reads with {args.flows} flows stored, in-process")
    state_bytes = len(json.dumps(test_client.get("/_mockaep/state", query_string={"org": ORG}).get_json()))
    print(f"memory: store grew by {grown / 1e6:.1f} MB for {args.flows} flows "
          f"({grown / args.flows / 1e3:.2f} kB per flow; state document {state_bytes / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
