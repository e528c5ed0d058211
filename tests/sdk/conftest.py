"""The community SDK ``aepp`` (unmodified) against ``mockaep serve`` on a real socket.

aepp has no host setting of its own for production: ``configure(environment="support",
endpoint=...)`` is its documented way to point the Platform calls at another gateway. Its IMS
host stays hard-coded, so the two token-endpoint entries of the configuration object it hands
back (``getConfigObject()``) are pointed at the emulator too; aepp then runs its real OAuth
server-to-server exchange (``POST /ims/token/v3``) against the emulator's IMS.
TODO(lead): once ``mockaep.mock_aep()`` intercepts the real hosts, ``aep_connection`` can drop
both settings and keep aepp on its production defaults.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.replay.servers import Server

aepp = pytest.importorskip("aepp")
from aepp import catalog, dataaccess, dataprep, flowservice, ingestion, schema  # noqa: E402

ORG = "ACME0000000000000000000A@AdobeOrg"
CLIENT_ID = "aepp-client"
CLIENT_SECRET = "aepp-secret"


@pytest.fixture(scope="module")
def emulator():
    """A served emulator that only accepts tokens it issued, and only this client's credential."""
    with Server("serve", "--strict-auth", "--client", f"{CLIENT_ID}:{CLIENT_SECRET}") as server:
        yield server


@pytest.fixture(scope="module")
def aep_connection(emulator):
    connection = aepp.configure(org_id=ORG, client_id=CLIENT_ID, secret=CLIENT_SECRET,
                                scopes="openid,AdobeID,read_organizations,additional_info.projectedProductContext",
                                sandbox="prod", environment="support", endpoint=emulator.url,
                                connectInstance=True)
    settings = connection.getConfigObject()
    settings["imsEndpoint"] = emulator.url
    settings["oauthTokenEndpointV2"] = f"{emulator.url}/ims/token/v3"
    return connection


@pytest.fixture(scope="module")
def sdk(aep_connection):
    """One instance of each aepp class under test, as a user builds them from a ConnectObject."""
    return SimpleNamespace(schema=schema.Schema(config=aep_connection),
                           catalog=catalog.Catalog(config=aep_connection),
                           flow=flowservice.FlowService(config=aep_connection),
                           prep=dataprep.DataPrep(config=aep_connection),
                           ingest=ingestion.DataIngestion(config=aep_connection),
                           access=dataaccess.DataAccess(config=aep_connection))
