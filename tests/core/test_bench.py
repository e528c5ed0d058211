"""bench/run.py runs (tiny sizes): its figures are read by people, so it must not rot. Nothing
here looks at a figure — benchmarks measure, tests judge what they can judge without a clock."""
from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_and_prints_every_figure():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--seconds", "0.6", "--small", "20",
                             "--large", "60", "--samples", "5"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    for figure in ("1. GET /flows/{id}", "2. onboarding", "3. state==enabled", "3. first page", "4. memory",
                   "loading 60 flows", "5. start-up", "6. another tenant"):
        assert figure in result.stdout, result.stdout
    assert result.stdout.count("ratio") >= 5
