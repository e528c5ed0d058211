"""A real server's HTTP API with the Flask test client's call shape, so the shared test helpers
(``tests.catalog.helpers``) drive a ``mockaep serve`` process as they drive an in-process app."""
from __future__ import annotations

from typing import Any

import requests


class Answer:
    def __init__(self, response: requests.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers

    @property
    def json(self) -> Any:
        return self.response.json()

    def get_json(self) -> Any:
        return self.response.json()

    def get_data(self, as_text: bool = False):
        return self.response.text if as_text else self.response.content


class RealHTTP:
    """``post/get/put/patch/delete(path, headers=, json=, data=, query_string=)`` against ``url``."""

    def __init__(self, url: str, default_headers: dict[str, str] | None = None) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.default_headers = dict(default_headers or {})

    def open(self, path: str, method: str = "GET", *, headers=None, json=None, data=None, query_string=None,
             content_type: str | None = None) -> Answer:
        merged = {**self.default_headers, **(headers or {})}
        if content_type:
            merged["Content-Type"] = content_type
        response = self.session.request(method, f"{self.url}{path}", headers=merged, json=json, data=data,
                                        params=query_string, timeout=30)
        return Answer(response)

    def get(self, path: str, **kw) -> Answer:
        return self.open(path, "GET", **kw)

    def post(self, path: str, **kw) -> Answer:
        return self.open(path, "POST", **kw)

    def put(self, path: str, **kw) -> Answer:
        return self.open(path, "PUT", **kw)

    def patch(self, path: str, **kw) -> Answer:
        return self.open(path, "PATCH", **kw)

    def delete(self, path: str, **kw) -> Answer:
        return self.open(path, "DELETE", **kw)
