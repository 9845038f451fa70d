"""The journal as a user installs it: a clean, non-editable install in a virtual environment
of its own, as pipx makes (`python -m venv X && X/bin/pip install <project>`), without the
test dependencies.

The development environment's editable install puts an import hook into every interpreter
start (its `python -c pass` takes about twice as long), and its test dependencies sit on the
path; timing commands there measures the environment, not what a seller runs. The install
is built once per source tree (a hash of the files that go into it) and kept in the bench
cache, so a run builds it at most once and a later run of the same sources reuses it.
"""

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What is not part of the package a user installs (and would only slow the copy down).
SKIP = {".git", ".venv", "build", "dist", "tests", "bench", "__pycache__", ".pytest_cache"}
SKIP_SUFFIXES = (".egg-info", ".pyc", ".sqlite", ".sqlite-wal", ".sqlite-shm")
DONE = "installed.ok"


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP or n.startswith(".") or n.endswith(SKIP_SUFFIXES)}


def _sources() -> list[Path]:
    """The files the install is built from, in a stable order."""
    found = []
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        hidden = any(p in SKIP or p.startswith(".") for p in parts[:-1])
        if path.is_file() and not hidden and not _ignore("", [parts[-1]]):
            found.append(path)
    return found


def source_hash() -> str:
    """A hash of every file the install is built from: a changed file means a new install."""
    digest = hashlib.sha256(sys.version.encode())
    for path in _sources():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def clean_install(cache: Path, say=print) -> Path:
    """The `bin` folder of a clean install of this source tree (built on first use)."""
    key = source_hash()
    home = cache / f"install-{key}"
    if (home / DONE).exists():
        return home / "bin"
    for stale in cache.glob("install-*"):
        shutil.rmtree(stale, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    say(f"building a clean install into {home} (python -m venv + pip install, no test deps) …")
    with tempfile.TemporaryDirectory(prefix="journal-src-") as folder:
        # A copy, so that the build's own build/ folder never lands in (or leaks from) the tree.
        source = Path(folder) / "src"
        shutil.copytree(ROOT, source, ignore=_ignore)
        subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
        pip = [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--disable-pip-version-check", str(source)], check=True)
    (home / DONE).write_text(key + "\n")
    return home / "bin"


def check_install(bin_dir: Path) -> Path:
    """An install given with `--install DIR` (its root or its bin folder): its `bin`."""
    for candidate in (bin_dir / "bin", bin_dir):
        if (candidate / "journal").exists() and (candidate / "python").exists():
            return candidate
    raise SystemExit(f"python -m bench: no journal and python in {bin_dir} or {bin_dir}/bin")
