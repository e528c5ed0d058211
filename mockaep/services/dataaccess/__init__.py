"""Data Access (data-access.yaml), mounted at ``/data/foundation/export``: reading back what batches
landed — a batch's dataset files, a file's stored parts and their bytes (Parquet), a batch's kept
rejected rows and error diagnostics, a dataset preview. It stores nothing of its own: everything
is Catalog's, read through Catalog's port.

routes.py   URL rules → call the model; file bytes (with ``Range``) answered here
models.py   the listings and which stored file a request names
"""
from mockaep.services.dataaccess.routes import blueprint

#: Data Access keeps no records of its own.
KINDS: dict = {}

__all__ = ["KINDS", "blueprint"]
