"""Reads never create tenants: a flood of reads for random orgs leaves the tenant count alone."""
from __future__ import annotations

import random
import string


from tests.conftest import gateway_headers

READS = 20_000
READ_PATHS = ["/data/foundation/flowservice/flows", "/data/foundation/flowservice/connections",
              "/data/foundation/catalog/dataSets", "/data/foundation/schemaregistry/tenant/schemas",
              "/data/foundation/conversion/mappingSets?limit=5&start=0", "/data/foundation/catalog/batches",
              "/data/foundation/flowservice/runs?property=flowId==x"]


def _org(rng: random.Random) -> str:
    stem = "".join(rng.choices(string.ascii_uppercase + string.digits, k=rng.randint(1, 24)))
    return stem + rng.choice(["@AdobeOrg", "", "@Other"])


def test_reads_for_random_orgs_create_no_tenants(http):
    rng = random.Random(READS)
    before = http.get("/_mockaep/health").json["tenants"]
    for count in range(1, READS + 1):
        path = rng.choice(READ_PATHS)
        answer = http.get(path, headers=gateway_headers(org=_org(rng)))
        assert answer.status_code < 500, answer.get_data(as_text=True)
        if count % 1000 == 0:  # fail fast: a leak shows in the first thousand reads
            assert http.get("/_mockaep/health").json["tenants"] == before, f"after {count} reads"
    assert http.get("/_mockaep/health").json["tenants"] == before
