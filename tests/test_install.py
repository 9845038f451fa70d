"""`pip install .` (not editable) gives a working `journal`, migrations included."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def test_a_built_wheel_carries_the_command_rules_and_migrations(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    site = tmp_path / "site"
    (wheel,) = wheels.glob("trade_journal-*.whl")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    assert (site / "journal_migrations" / "versions").is_dir()
    assert (site / "journal" / "rulepacks" / "rakuma.toml").is_file()
    assert not (site / "alembic").exists()  # never shadow the Alembic library
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_TZ": "UTC",
    }
    probe = (
        "import sys, cli, journal, journal.storage.store as s; "
        "print(journal.__file__); print(s.migrations_dir()); sys.exit(cli.main(sys.argv[1:]))"
    )
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "x",
            "--price",
            "100",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    module_file, migrations, trade_id = out.stdout.split()
    assert module_file.startswith(str(site)) and migrations.startswith(str(site))
    assert trade_id == "T1"
