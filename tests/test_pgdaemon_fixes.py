"""The daemon on a PostgreSQL journal, through the real `journal daemon` process:

- it outlives a server outage (the server really stopped and started again), says so in its
  log, and delivers a reminder recorded after the server is back;
- two journals in one database (two schemas) each have their own leader;
- a standby keeps its own `[calendar] path` file, following the journal.
"""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import USER, psql
from real_parts import need
from test_daemon_e2e import DaemonProcess, _notes, _wait_for
from test_pg_daemon import NOTIFIER, _hold, _list, _until

from bench.pgcluster import Cluster, ClusterError, as_server_user, start_cluster

pytestmark = pytest.mark.slow


@pytest.fixture
def own_server() -> Iterator[Cluster]:
    """A PostgreSQL cluster of this test alone: it is stopped and started again."""
    try:
        cluster = start_cluster(USER)
    except ClusterError as exc:
        need(str(exc))
    try:
        yield cluster
    finally:
        cluster.stop()


def _server(cluster: Cluster, action: str) -> None:
    """Stop (fast: sessions are ended at once, as in a restart) or start the server."""
    options = f"-p {cluster.port} -k {cluster.home} -c listen_addresses=127.0.0.1 -c fsync=off"
    argv = [cluster.pg_ctl, "-D", str(cluster.data), "-w"]
    if action == "stop":
        argv += ["-m", "fast", "stop"]
    else:
        argv += ["-o", options, "-l", str(cluster.home / "log"), "start"]
    done = subprocess.run(as_server_user(argv), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def _setup(tmp_path: Path, db: str, name: str = "", extra: str = "") -> tuple[dict, list[str]]:
    """The environment of a daemon (its own notes file and config) and its arguments."""
    script = tmp_path / "notify.py"
    if not script.exists():
        script.write_text(NOTIFIER.format(python=sys.executable), encoding="utf-8")
        script.chmod(0o755)
    config = tmp_path / f"config{name}.toml"
    config.write_text('[reminders]\nhold_expiry = ["0m"]\n' + extra, encoding="utf-8")
    env = {
        "JOURNAL_DB": db,
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        "JOURNAL_CONFIG": str(config),
        "NOTES_OUT": str(tmp_path / f"notes{name}.jsonl"),
    }
    return env, ["--notifier", "command", "--command", str(script)]


def _clean(*daemons: DaemonProcess) -> None:
    for daemon in daemons:
        assert "Traceback" not in daemon.stderr(), daemon.stderr()


@pytest.mark.parametrize("outage", [9, pytest.param(30, marks=pytest.mark.slow)])
def test_the_only_daemon_outlives_a_server_outage_and_delivers_after_it(
    own_server, tmp_path, outage
):
    psql(own_server.url, "postgres", "CREATE DATABASE j")
    env, args = _setup(tmp_path, f"{own_server.url}/j")
    assert _list(env, "before") == "T1"
    daemon = DaemonProcess(env, tmp_path / "d.log", *args)
    try:
        _until(daemon, "watching", 30)
        _server(own_server, "stop")
        stopped = time.monotonic()
        _until(daemon, "lost the connection", 10)
        _until(daemon, "nothing is delivered until it is back", 10)
        while time.monotonic() - stopped < outage:
            assert daemon.proc.poll() is None, daemon.stderr()  # the old daemon exited 1
            time.sleep(0.2)
        _server(own_server, "start")
        _until(daemon, "leading again", 15)
        assert "another daemon" not in daemon.stderr()
        assert "reached" in daemon.stderr() and "again after" in daemon.stderr()

        _hold(env, "T1", 3)  # recorded after the outage: the daemon learns of it at once
        notes = _wait_for(Path(env["NOTES_OUT"]), 1, timeout=20)
        assert [(n["trade"], n["kind"], n["daemon"]) for n in notes] == [
            ("T1", "hold_expiry", daemon.proc.pid)
        ], daemon.stderr()
    finally:
        code = daemon.stop()
    assert code == 0, daemon.stderr()
    _clean(daemon)


def test_two_journals_in_one_database_each_have_their_own_leader(pg_url, tmp_path):
    server, name = pg_url.rsplit("/", 1)
    psql(server, name, "CREATE SCHEMA alpha; CREATE SCHEMA beta;")
    urls = {s: f"{pg_url}?options=-csearch_path%3D{s}" for s in ("alpha", "beta")}
    setups = {s: _setup(tmp_path, url, s) for s, url in urls.items()}
    for schema, (env, _args) in setups.items():
        assert _list(env, f"in {schema}") == "T1"
    assert psql(server, name, "SELECT count(*) FROM alpha.events, beta.events").strip() == "1"
    daemons = {s: DaemonProcess(env, tmp_path / f"{s}.log", *a) for s, (env, a) in setups.items()}
    second_alpha = None
    try:
        for daemon in daemons.values():
            _until(daemon, "watching", 30)  # the old code: beta stood by forever
        env, args = setups["alpha"]
        second_alpha = DaemonProcess(env, tmp_path / "alpha2.log", *args)
        _until(second_alpha, "standing by", 30)  # one leader per journal, still

        for env, _args in setups.values():
            _hold(env, "T1", 3)
        for schema, (env, _args) in setups.items():
            notes = _wait_for(Path(env["NOTES_OUT"]), 1, timeout=20)
            assert [(n["trade"], n["daemon"]) for n in notes] == [
                ("T1", daemons[schema].proc.pid)
            ], daemons[schema].stderr()
        time.sleep(2)  # time for a second delivery, if there were one
        assert [len(_notes(Path(env["NOTES_OUT"]))) for env, _ in setups.values()] == [1, 1]
    finally:
        codes = [d.stop() for d in daemons.values()]
        if second_alpha is not None:
            codes.append(second_alpha.stop())
    assert codes == [0] * len(codes)
    _clean(*daemons.values())


def test_a_standby_keeps_its_own_calendar_file(pg_url, tmp_path):
    calendars = {n: tmp_path / f"{n}.ics" for n in ("a", "b")}
    setups = {
        n: _setup(tmp_path, pg_url, n, f'[calendar]\npath = "{path}"\n')
        for n, path in calendars.items()
    }
    env_a, args_a = setups["a"]
    assert _list(env_a, "first") == "T1"
    leader = DaemonProcess(env_a, tmp_path / "a.log", *args_a)
    standby = None
    try:
        _until(leader, "watching", 30)
        env_b, args_b = setups["b"]
        standby = DaemonProcess(env_b, tmp_path / "b.log", *args_b)
        _until(standby, "standing by", 30)
        _wait_file(calendars["b"], "BEGIN:VCALENDAR", standby)  # the old code: never written

        made = _list(env_a, "calendar-check")
        _hold(env_a, made, 3600)
        for path in calendars.values():  # both follow the journal
            _wait_file(path, "calendar-check", standby)
        assert "leading" not in standby.stderr()
    finally:
        codes = [leader.stop()] + ([standby.stop()] if standby is not None else [])
    assert codes == [0] * len(codes)
    _clean(leader, standby)


def _wait_file(path: Path, text: str, daemon: DaemonProcess, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not (path.exists() and text in path.read_text(encoding="utf-8")):
        assert daemon.proc.poll() is None, daemon.stderr()
        assert time.monotonic() < deadline, f"{path} has no {text!r}: {daemon.stderr()}"
        time.sleep(0.05)


def test_a_stale_session_of_the_same_daemon_is_ended_never_taken_for_another_daemon(pg_url):
    """After a network break the server may still hold the lock for the daemon's old
    session: the daemon ends that session and leads; a real other daemon is respected."""
    import psycopg

    from journal.storage.engines.postgres import libpq_url
    from scheduler.leader import take_seat

    old = take_seat(pg_url)
    assert old.try_lock() is True
    new = take_seat(pg_url)
    try:
        assert new.try_lock() is None  # ours, from before the break: being ended
        deadline = time.monotonic() + 10
        while not new.try_lock():
            assert time.monotonic() < deadline, "the stale session still holds the lock"
            time.sleep(0.1)
        with pytest.raises(psycopg.OperationalError):
            old.conn.execute("SELECT 1")
    finally:
        new.close()
        old.close()
    other = psycopg.connect(libpq_url(pg_url), application_name="another daemon")
    try:
        other.execute("SELECT pg_advisory_lock(%s)", (new.key,))
        third = take_seat(pg_url)
        try:
            assert third.try_lock() is False  # another daemon's: left alone
            assert other.execute("SELECT 1").fetchone() == (1,)
        finally:
            third.close()
    finally:
        other.close()
