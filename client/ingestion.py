"""Batch Ingestion (``/data/foundation/import``): create a batch, upload files, complete it."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mockaep_client.results import ServiceClient


class BatchIngestion(ServiceClient):
    service = "ingestion"

    def create_batch(self, dataset_id: str, input_format: str = "json", **extra: Any) -> dict[str, Any]:
        """``POST /batches`` → 201 with the batch (``status: "loading"``)."""
        body = {"datasetId": dataset_id, "inputFormat": {"format": input_format}, **extra}
        return self._json("POST", "/batches", json=body)

    def upload_file(self, batch_id: str, dataset_id: str, file_name: str, content: bytes) -> None:
        """``PUT /batches/{b}/datasets/{d}/files/{name}`` as ``application/octet-stream``."""
        self._call("PUT", f"/batches/{batch_id}/datasets/{dataset_id}/files/{quote(file_name)}", data=content,
                   headers={"Content-Type": "application/octet-stream"})

    def complete_batch(self, batch_id: str) -> None:
        """``POST /batches/{b}?action=COMPLETE``: the batch leaves ``loading`` for processing."""
        self._call("POST", f"/batches/{batch_id}", params={"action": "COMPLETE"})

    def abort_batch(self, batch_id: str) -> None:
        self._call("POST", f"/batches/{batch_id}", params={"action": "ABORT"})
