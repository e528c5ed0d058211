"""Helpers of the replay tests: exchanges and cassettes on disk, a plain install of the package."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

from mockaep.replay.cassette import Interaction, cassette_meta, write_cassette
from tests.replay.servers import ROOT

#: Adobe's Postman collections without their prose, one per service (tools/extract_postman.py).
POSTMAN = Path(__file__).resolve().parent / "data" / "postman"


def exchange(method="GET", uri="http://gw.test/data/foundation/flowservice/flows", *, body=b"", status=200,
             response=b'{"items": []}', request_headers=None, response_headers=None, meta=None) -> Interaction:
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        request_headers = {"Content-Type": ["application/json"], **(request_headers or {})}
    return Interaction(method=method, uri=uri, request_headers=dict(request_headers or {}), request_body=body,
                       status=status, reason="", response_headers=dict(response_headers or
                                                                       {"Content-Type": ["application/json"]}),
                       response_body=response, meta=dict(meta or {}))


@pytest.fixture
def write(tmp_path):
    """``write(interactions, **meta)`` → path of a cassette holding them."""
    counter = iter(range(1000))

    def make(interactions, **meta):
        path = tmp_path / f"cassette-{next(counter)}.json"
        write_cassette(path, interactions, cassette_meta(**meta))
        return str(path)
    return make


@pytest.fixture(scope="session")
def plain_install(tmp_path_factory) -> Path:
    """The ``bin`` folder of a fresh virtualenv holding ``pip install .`` of this repository and
    nothing else (no test extra, not editable): what a user gets. One per test session.

    The sources are copied first, so the build leaves nothing in the working tree.
    """
    root = tmp_path_factory.mktemp("plain-install")
    source = root / "mockaep-src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache", ".venv"))
    try:
        venv.EnvBuilder(with_pip=True).create(root / "venv")
    except (OSError, subprocess.CalledProcessError) as exc:  # no ensurepip on this Python, say
        pytest.skip(f"cannot create a virtualenv here: {exc}")
    bin_dir = root / "venv" / ("Scripts" if os.name == "nt" else "bin")
    installed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                str(source)], capture_output=True, text=True, timeout=300,
                               env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")})
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    return bin_dir
