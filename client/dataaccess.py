"""Data Access (``/data/foundation/export``): what batches landed, read back.

A batch's dataset files, the stored files that make one, their bytes (Parquet for landed data),
the rows a batch rejected when its error diagnostics are on, and a dataset preview.
"""
from __future__ import annotations

from typing import Any, Iterator

from mockaep_client.results import ServiceClient, drop_none


class DataAccess(ServiceClient):
    service = "dataaccess"

    def batch_files(self, batch_id: str, *, start: int | None = None, limit: int | None = None) -> dict[str, Any]:
        """``GET /batches/{id}/files``: ``{"data": [{"dataSetFileId", ...}], "_page", "_links"}``."""
        return self._json("GET", f"/batches/{batch_id}/files", params=drop_none({"start": start, "limit": limit}))

    def dataset_file(self, file_id: str) -> dict[str, Any]:
        """``GET /files/{id}``: the stored files of a dataset file (``data[].name``, ``length``)."""
        return self._json("GET", f"/files/{file_id}")

    def download(self, file_id: str, name: str, *, byte_range: str | None = None) -> bytes:
        """``GET /files/{id}?path=name``: the file's bytes (``byte_range``: ``"bytes=0-99"``)."""
        headers = {"Range": byte_range} if byte_range else None
        return self._call("GET", f"/files/{file_id}", params={"path": name}, headers=headers).content

    def failed_files(self, batch_id: str) -> dict[str, Any]:
        """``GET /batches/{id}/failed``: the files of the rows the batch rejected (kept when its
        error diagnostics are on)."""
        return self._json("GET", f"/batches/{batch_id}/failed")

    def failed_file(self, batch_id: str, name: str) -> Any:
        """``GET /batches/{id}/failed?path=name``: one of them (JSON)."""
        return self._json("GET", f"/batches/{batch_id}/failed", params={"path": name})

    def meta(self, batch_id: str, path: str | None = None) -> Any:
        """``GET /batches/{id}/meta[?path=]``: the batch's meta directory (``row_errors``…) or a file of it."""
        return self._json("GET", f"/batches/{batch_id}/meta", params=drop_none({"path": path}))

    def preview(self, dataset_id: str) -> list[dict[str, Any]]:
        """``GET /datasets/{id}/preview``: the dataset's first rows."""
        return self._json("GET", f"/datasets/{dataset_id}/preview")["data"]

    def batch_downloads(self, batch_id: str) -> Iterator[tuple[str, str, bytes]]:
        """(dataSetFileId, file name, bytes) of every stored file a batch landed, page by page."""
        start = 0
        while True:
            page = self.batch_files(batch_id, start=start)
            for entry in page.get("data") or []:
                for stored in self.dataset_file(entry["dataSetFileId"]).get("data") or []:
                    yield entry["dataSetFileId"], stored["name"], self.download(entry["dataSetFileId"], stored["name"])
            if "next" not in (page.get("_links") or {}):
                return
            start += len(page.get("data") or [])
