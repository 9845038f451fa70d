"""The README's usage blocks, pasted line by line into a shell on an empty journal: every
line exits 0 (the examples are what a new user tries first)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def usage_lines() -> list[str]:
    """The `journal …` lines of the ```sh blocks under "## Usage" (recording, then reading)."""
    section = README.split("## Usage", 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if line.strip().startswith("journal "):
                lines.append(line.strip())
    return lines


def test_the_usage_block_is_found() -> None:
    lines = usage_lines()
    assert len(lines) >= 15
    assert lines[0].startswith("journal add listed")


@pytest.mark.slow
def test_every_usage_line_runs_on_an_empty_journal(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "journal"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "cli.py"}" "$@"\n')
    shim.chmod(0o755)
    home = tmp_path / "home"
    (home / "Dropbox").mkdir(parents=True)
    env = {
        **os.environ,
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "JOURNAL_DB": str(tmp_path / "journal.sqlite"),
        "JOURNAL_CONFIG": str(tmp_path / "config.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "ja",
    }
    failures = []
    for line in usage_lines():
        done = subprocess.run(
            ["sh", "-c", line], env=env, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            failures.append((line, done.returncode, done.stderr.strip()))
        assert "Traceback" not in done.stderr
    assert failures == []
