"""The README's tutorial section is executable: its bash blocks run, in order, against `mockaep serve`."""
from __future__ import annotations

import pathlib
import json
import re
import shutil
import subprocess

import pytest

from tests.core.test_cli import start_server, stop_server

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_tutorial_blocks_run_against_a_served_emulator():
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- tutorial:start -->", 1)[1].split("<!-- tutorial:end -->", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 9
    # pasted twice into the same emulator, as a reader trying it again would
    script = "set -euo pipefail\n" + "\n".join(blocks * 2) + "\necho TUTORIAL-OK $FLOW_ID\n"
    process, url = start_server()
    try:
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                                env={"AEP": url, "PATH": "/usr/bin:/bin:/usr/local/bin"})
    finally:
        stop_server(process)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    flow_id = re.search(r"TUTORIAL-OK ([0-9a-f-]{36})", out)
    assert flow_id, out[-2000:]
    # The dataset reads back keyed by its id, the flow as a one-item list.
    assert '"schemaRef"' in out and '"items"' in out
    refusal = json.loads(out.rstrip().splitlines()[-3])
    assert refusal == {"error_code": "403010", "message": "Oauth token is missing."}
    assert "HTTP 403" in out
