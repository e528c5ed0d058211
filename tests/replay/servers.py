"""Start ``mockaep`` subcommands as real processes on free ports, and stop them with SIGTERM."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAIN = "import sys; from mockaep.cli import main; sys.exit(main())"
URL_RE = re.compile(r"(http://[\w.\[\]:-]+:\d+)\s*$")


def mockaep_command(*args: str) -> list[str]:
    return [sys.executable, "-c", MAIN, *args]


def run_mockaep(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(mockaep_command(*args), capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


class Server:
    """A ``mockaep`` process serving on ``--port 0``; ``url`` is read from its banner.

    By default the repository's mockaep runs; ``program`` runs another one instead (e.g. the
    ``mockaep`` script of an installed copy), with the environment less ``PYTHONPATH``, from ``cwd``.
    """

    def __init__(self, *args: str, startup_timeout: float = 60, program: str | None = None,
                 cwd: str | os.PathLike[str] | None = None) -> None:
        if program is None:
            command, env = mockaep_command(*args, "--port", "0"), {**os.environ, "PYTHONPATH": str(ROOT)}
        else:
            command = [program, *args, "--port", "0"]
            env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        cwd=cwd or ROOT, env=env)
        self.lines: list[str] = []
        found = threading.Event()

        def read() -> None:
            for line in self.process.stdout:  # type: ignore[union-attr]
                self.lines.append(line)
                if URL_RE.search(line):
                    found.set()
            found.set()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not found.wait(startup_timeout) or not any(URL_RE.search(line) for line in self.lines):
            self.stop()
            raise RuntimeError(f"mockaep {' '.join(args)} did not start: {''.join(self.lines)}")
        self.url = next(URL_RE.search(line).group(1) for line in self.lines if URL_RE.search(line))

    def stop(self, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
