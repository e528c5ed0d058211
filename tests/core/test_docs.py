"""Documents that are written from other documents stay in step with them."""
from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_readme_sdk_table_is_what_docs_aepp_says():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "aepp_table.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
