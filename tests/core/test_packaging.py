"""The installed distribution holds every package of the repository (pyproject lists them by hand,
because the client and the contract suite are installed under other names than their folders)."""
from __future__ import annotations

import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "mockaep").rglob("__init__.py")}
    assert folders - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - folders - {"mockaep_client", "mockaep_contracts", "mockaep_pytest"} == set(), "listed but not in the repository"
