"""Tab completion of `journal add STEP` offers only the trades the step can be recorded on,
and bash shows each id's title when there is more than one to choose from (through a real
bash and the real command)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path):
    values = {
        **os.environ,
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_LANG": "ja",
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
    }
    base = [sys.executable, str(ROOT / "cli.py"), "add"]
    for args in (
        ["listed", "--platform", "mercari", "--title", "ニット", "--price", "900", "--at", "-2d"],
        ["listed", "--platform", "mercari", "--title", "コート 冬", "--price", "900"]
        + ["--at", "-2d"],
        ["sold", "T2", "--buyer", "けん", "--paid", "--at", "-1d"],
        ["shipped", "T2", "--at", "-20h"],
        ["received", "T2", "--at", "-10h"],
        ["rated", "T2", "--at", "-5h"],  # completed: finished
    ):
        subprocess.run([*base, *args], env=values, check=True, capture_output=True)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "journal"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "cli.py"}" "$@"\n')
    shim.chmod(0o755)
    values["PATH"] = f"{bindir}{os.pathsep}{values['PATH']}"
    return values


def _tab(env: dict[str, str], *words: str) -> list[str]:
    """COMPREPLY of a real bash after `journal WORDS…<TAB>`."""
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    quoted = " ".join(f'"{w}"' for w in ("journal", *words))
    script = (
        f"source <(journal completion bash); COMP_WORDS=({quoted}); COMP_CWORD={len(words)};"
        ' _journal_completion journal; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


def test_a_step_is_offered_only_the_trades_it_can_be_recorded_on(env) -> None:
    assert _tab(env, "add", "shipped", "") == ["T1"]  # T2 is completed
    assert _tab(env, "add", "発送", "") == ["T1"]  # by its Japanese name too
    assert _tab(env, "add", "note", "") == ["T1  ニット", "T2  コート 冬"]  # any time
    assert _tab(env, "show", "") == ["T1  ニット", "T2  コート 冬"]


def test_one_candidate_is_the_id_alone(env) -> None:
    assert _tab(env, "show", "t2") == ["T2"]
