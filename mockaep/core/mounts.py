"""Where each AEP service lives on the gateway, and its error shape: the one table of mounts."""
from __future__ import annotations

from mockaep.core import errors

#: (service package name, URL prefix on the real gateway, error shape)
MOUNTS: tuple[tuple[str, str, errors.ErrorShape], ...] = (
    ("flowservice", "/data/foundation/flowservice", errors.FLOW),
    ("schemaregistry", "/data/foundation/schemaregistry", errors.XDM),
    ("catalog", "/data/foundation/catalog", errors.CATALOG),
    ("conversion", "/data/foundation/conversion", errors.MAPPER),
    ("ingestion", "/data/foundation/import", errors.INGEST),
    ("dataaccess", "/data/foundation/export", errors.EXPORT),
)
