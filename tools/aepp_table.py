"""Write README's table of the community SDK's methods from docs/aepp.md (the one source).

    python tools/aepp_table.py          # rewrite the section between the README markers
    python tools/aepp_table.py --check  # exit 1 when README is not what docs/aepp.md says

docs/aepp.md lists, per aepp class, every method with the HTTP call it makes and its status
against mockaep; README shows each class's methods grouped by status, so a reader sees all of
them at once and the few the platform itself refuses, with the reason.
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "aepp.md"
README = ROOT / "README.md"
START, END = "<!-- aepp:start -->", "<!-- aepp:end -->"
CLASS_HEADING = re.compile(r"^## .* — `aepp\.[a-z]+\.(?P<cls>\w+)`")
GROUPS = ("works", "refused by the platform too", "not emulated", "SDK defect")


def _group(status: str) -> str | None:
    lowered = status.lower()
    if lowered.startswith("works"):
        return "works"
    if lowered.startswith("refused by the platform too"):
        return "refused by the platform too"
    if lowered.startswith(("mockaep defect", "not emulated", "not driven")):
        return "not emulated"
    if lowered.startswith("sdk defect"):
        return "SDK defect"
    return None  # not HTTP, another service: not a method on these services


def read_doc(text: str) -> dict[str, dict[str, list[str]]]:
    """class → group → methods (with the reason, for refusals and gaps)."""
    found: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for line in text.splitlines():
        heading = CLASS_HEADING.match(line)
        if heading:
            current = found.setdefault(heading["cls"], {group: [] for group in GROUPS})
            continue
        if current is None or not line.startswith("| ") or line.startswith(("| method", "| ---")):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        method, status = cells[0], " | ".join(cells[2:])
        group = _group(status)
        if group is None:
            continue
        reason = status.split(":", 1)[1].strip() if group != "works" and ":" in status else ""
        current[group].append(f"{method} ({reason})" if reason else method)
    return found


def counts_table(text: str) -> str:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| class |"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return "\n".join(lines[start:end])


def section(text: str) -> str:
    parts = [START, "", counts_table(text), "",
             "| class | works | refused by the platform too (why) | not emulated / SDK defect |",
             "| --- | --- | --- | --- |"]
    for cls, groups in read_doc(text).items():
        gaps = groups["not emulated"] + [f"{m} (SDK defect)" for m in groups["SDK defect"]]
        parts.append(f"| `{cls}` | {', '.join(groups['works']) or '—'} | "
                     f"{'; '.join(groups['refused by the platform too']) or '—'} | {'; '.join(gaps) or '—'} |")
    parts += ["", END]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only check README is up to date")
    args = parser.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        print(f"README.md has no {START} … {END} section", file=sys.stderr)
        return 1
    head, rest = readme.split(START, 1)
    _old, tail = rest.split(END, 1)
    updated = head + section(DOC.read_text(encoding="utf-8")) + tail
    if args.check:
        if updated != readme:
            print("README.md's aepp table differs from docs/aepp.md: run python tools/aepp_table.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
