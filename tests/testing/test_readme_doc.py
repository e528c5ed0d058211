"""The README's "Testing your integration" example is a test module: extract it and run it with pytest."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_the_testing_example_runs_as_written(tmp_path):
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- testing-example:start -->", 1)[1].split("<!-- testing-example:end -->", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 3
    module = tmp_path / "test_readme_example.py"
    module.write_text("\n\n".join(blocks), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    tests = len(re.findall(r"^def test_", module.read_text(), flags=re.M))
    assert f"{tests} passed" in result.stdout
