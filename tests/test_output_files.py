"""Every output file through one writer (journal/files.py), through the real
`journal` command in child processes: a FIFO, a device node, a symlink or a folder at an
output path is refused with one line (exit 2) and never opened; exports are new files; the
calendar and the chart replace only a regular file of ours, keeping its mode and group; a
path that names no file is refused; `-o -` is standard output.

Only private FIFOs, device nodes and files in tmp folders are used, never the system's.
"""

import grp
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).with_name("journal")
LISTED = ("add", "listed", "--platform", "rakuma", "--title", "x", "--price", "100")
HOLD = ("add", "hold", "T1", "--buyer", "b", "--until", "+2d")


def _env(tmp_path: Path, config: str | None = None) -> dict:
    cfg = tmp_path / "config.toml"
    if config is not None:
        cfg.write_text(config, encoding="utf-8")
    return {
        **os.environ,
        "JOURNAL_DB": str(tmp_path / "j.sqlite"),
        "JOURNAL_CONFIG": str(cfg),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
    }


def _journal(*args, env: dict, umask: int | None = None, cwd: Path | None = None):
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run(
        [str(EXE), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,  # the old writer hung on a FIFO: a timeout fails the test
        preexec_fn=preexec,
        cwd=cwd,
    )


def _refused(result: subprocess.CompletedProcess, words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("journal: "), result.stderr
    assert words in lines[0], lines[0]


@pytest.fixture
def env(tmp_path):
    env = _env(tmp_path)
    for args in (LISTED, HOLD):
        assert _journal(*args, env=env).returncode == 0
    return env


OUTPUTS = {
    "calendar": lambda path: ("calendar", "-o", path),
    "csv": lambda path: ("export", "--format", "csv", "-o", path),
    "jsonl": lambda path: ("export", "-o", path),
    "chart": lambda path: ("money", "--chart", path),
    "backup": lambda path: ("backup", path),
    "history": lambda path: ("history", "--pdf", path),
}


def _name(kind: str, stem: str) -> str:
    return stem + {"chart": ".svg", "calendar": ".ics", "csv": ".csv"}.get(kind, ".out")


# -- what is at the path is never opened, read or replaced ----------------------------------


@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_a_fifo_is_refused_at_once_and_left_as_it_is(env, tmp_path, kind):
    fifo = tmp_path / _name(kind, "fifo")
    os.mkfifo(fifo)
    _refused(_journal(*OUTPUTS[kind](fifo), env=env), "not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_a_symlink_to_a_fifo_like_dev_stdout_is_refused(env, tmp_path, kind):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / _name(kind, "stdout")  # what /dev/stdout is when piped
    link.symlink_to(fifo)
    _refused(_journal(*OUTPUTS[kind](link), env=env), "symbolic link")
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_a_device_node_is_never_replaced(env, tmp_path, kind):
    node = tmp_path / _name(kind, "null")
    try:
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # a private copy of /dev/null
    except OSError as exc:
        pytest.skip(f"mknod is not permitted here ({exc.strerror}); the FIFO tests cover it")
    _refused(_journal(*OUTPUTS[kind](node), env=env), "not a regular file")
    assert stat.S_ISCHR(os.lstat(node).st_mode)


@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_a_symlink_or_a_folder_is_refused_and_nothing_is_written(env, tmp_path, kind):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / _name(kind, "link")
    link.symlink_to(victim)
    dangling = tmp_path / _name(kind, "dangling")
    dangling.symlink_to(tmp_path / "made-through-link")
    folder = tmp_path / _name(kind, "folder")
    folder.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    for target, words in ((link, "symbolic link"), (dangling, "symbolic link")):
        _refused(_journal(*OUTPUTS[kind](target), env=env), words)
    _refused(_journal(*OUTPUTS[kind](folder), env=env), "not a regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert victim.read_text() == "precious" and link.is_symlink()
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("kind", ["csv", "jsonl", "backup", "history"])
def test_an_export_is_a_new_file_and_never_overwrites(env, tmp_path, kind):
    existing = tmp_path / _name(kind, "exist")
    existing.write_text("keep")
    _refused(_journal(*OUTPUTS[kind](existing), env=env), "already exists")
    assert existing.read_text() == "keep"


def test_the_daemon_calendar_at_a_fifo_is_refused_not_a_hang(tmp_path):
    fifo = tmp_path / "daemon.ics"
    os.mkfifo(fifo)
    env = _env(tmp_path, f'[calendar]\npath = "{fifo}"\n')
    assert _journal(*LISTED, env=env).returncode == 0
    _refused(_journal("daemon", "--once", "--notifier", "console", env=env), "not a regular")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# -- the calendar and the chart: rewritten by design, privately ----------------------------


def test_a_rewritten_calendar_keeps_its_mode_and_group(env, tmp_path):
    target = tmp_path / "web.ics"
    assert _journal("calendar", "-o", target, env=env).returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    os.chmod(target, 0o644)  # for a web server that runs as another user
    group = target.stat().st_gid
    if os.geteuid() == 0:  # root may give it any group: one that is not root's
        group = next((g.gr_gid for g in grp.getgrall() if g.gr_gid != 0), group)
        os.chown(target, -1, group)
    before = target.stat().st_ino
    assert _journal("add", "hold-ended", "T1", env=env).returncode == 0
    done = _journal("calendar", "-o", target, "--json", env=env)
    assert done.returncode == 0 and '"changed": true' in done.stdout, done.stderr
    info = target.stat()
    assert info.st_ino != before  # replaced (atomically), not written in place
    assert stat.S_IMODE(info.st_mode) == 0o644 and info.st_gid == group
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_chart_never_writes_through_a_planted_partial_name(env, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    # the old writer's partial name was `.NAME.PID.partial`: `exec` keeps the shell's pid
    script = f'ln -s "{victim}" ".chart.png.$$.partial"; exec "{EXE}" money --chart chart.png'
    done = subprocess.run(
        ["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious"
    chart = tmp_path / "chart.png"
    assert not chart.is_symlink() and chart.read_bytes().startswith(b"\x89PNG")


def test_the_chart_is_private_under_umask_000(env, tmp_path):
    target = tmp_path / "um.svg"
    assert _journal("money", "--chart", target, env=env, umask=0).returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_an_empty_chart_has_a_plain_axis_and_two_legend_colours(env, tmp_path):
    target = tmp_path / "empty.svg"
    done = _journal("money", "--year", "2030", "--chart", target, env=env)
    assert done.returncode == 0, done.stderr
    svg = target.read_text(encoding="utf-8")
    ticks = re.findall(r'<g id="ytick_\d+">.*?<text[^>]*>([^<]*)</text>', svg, flags=re.S)
    assert len(ticks) >= 2 and len(set(ticks)) == len(ticks), ticks  # not 0, 0, 0, -0, -0
    assert not any(t.startswith(("\u2212", "-")) for t in ticks), ticks
    legend = svg[svg.index('<g id="legend_1">') :]
    colours = set(re.findall(r"fill:\s*(#[0-9a-f]{6})", legend)) - {"#ffffff"}
    assert len(colours) == 2, colours


# -- paths that name no file; `-` ------------------------------------------------------------

NO_NAME = ["", ".", "..", "/", "x.ics/", "sub/."]


@pytest.mark.parametrize("kind", sorted(OUTPUTS))
@pytest.mark.parametrize("value", NO_NAME)
def test_a_path_that_names_no_file_is_refused(env, tmp_path, kind, value):
    (tmp_path / "sub").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    done = _journal(*OUTPUTS[kind](value), env=env, cwd=tmp_path)
    _refused(done, "not a file name")
    assert done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list((tmp_path / "sub").iterdir()) == [] and not (tmp_path / "x.ics").exists()


@pytest.mark.parametrize("kind", ["chart", "backup"])
def test_dash_is_refused_where_there_is_no_standard_output(env, tmp_path, kind):
    done = _journal(*OUTPUTS[kind]("-"), env=env, cwd=tmp_path)
    _refused(done, "not a file name")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    ("kind", "start"),
    [("calendar", "BEGIN:VCALENDAR"), ("csv", "\ufeffID,"), ("jsonl", '{"format"')],
)
def test_dash_is_standard_output(env, tmp_path, kind, start):
    done = _journal(*OUTPUTS[kind]("-"), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(start)
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("path", [".", "/", "sub/", ".."])
def test_a_calendar_path_that_names_no_file_is_refused_by_the_config_check(tmp_path, path):
    env = _env(tmp_path, f'[calendar]\npath = "{path}"\n')
    (tmp_path / "sub").mkdir()
    for args in (("daemon", "--once", "--notifier", "console"), ("list",)):
        done = _journal(*args, env=env, cwd=tmp_path)
        _refused(done, "[calendar] path")
        assert "file name" in done.stderr
    assert not (tmp_path / "j.sqlite").exists()


# -- a home folder this machine does not know (`~0`, found by the fuzz) ----------------------


@pytest.mark.parametrize("kind", sorted(OUTPUTS))
def test_an_unknown_users_home_is_refused_not_a_crash(env, tmp_path, kind):
    before = sorted(p.name for p in tmp_path.iterdir())
    _refused(_journal(*OUTPUTS[kind]("~nosuchuser0/" + _name(kind, "out")), env=env), "~nosuch")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_an_unknown_users_home_in_db_or_import_is_refused(env, tmp_path):
    _refused(_journal("--db", "~nosuchuser0/j.sqlite", "list", env=env), "~nosuchuser0")
    _refused(_journal("import", "~nosuchuser0/x.jsonl", env=env), "~nosuchuser0")
