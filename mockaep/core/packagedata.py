"""The data files shipped in ``mockaep/specs`` (official OpenAPI documents, connection and flow
specs, explore fixtures, standard XDM, the Data Prep catalogue), read on first use.

One :class:`PackageData` belongs to one app (``Emulator.package``), so nothing is cached in a
module global and two apps in one process share nothing. The parsed documents are shared by every
request of that app: treat them as read-only (copy before changing, as the services do).
"""
from __future__ import annotations

import json
import threading
from importlib import resources
from typing import Any, Callable, Hashable


def read_package_json(relative_path: str) -> Any:
    """Parse one JSON file of ``mockaep/specs`` (no caching: see :class:`PackageData`)."""
    return json.loads(resources.files("mockaep.specs").joinpath(relative_path).read_text("utf-8"))


def package_files(folder: str, suffix: str = ".json") -> list[str]:
    """Relative paths of the files in a folder of ``mockaep/specs``, sorted."""
    base = resources.files("mockaep.specs").joinpath(folder)
    return sorted(f"{folder}/{entry.name}" for entry in base.iterdir() if entry.name.endswith(suffix))


class PackageData:
    """Parsed package files and what one app derives from them, each computed once."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def json(self, relative_path: str) -> Any:
        """A parsed file of ``mockaep/specs`` (read-only)."""
        return self.memo(("json", relative_path), lambda: read_package_json(relative_path))

    def memo(self, key: Hashable, factory: Callable[[], Any]) -> Any:
        """``factory()``, computed once per app for ``key`` (package data never changes while the
        app runs, so nothing derived from it only can go stale)."""
        found = self._values.get(key, _MISSING)
        if found is _MISSING:
            value = factory()
            with self._lock:
                found = self._values.setdefault(key, value)
        return found


_MISSING = object()
