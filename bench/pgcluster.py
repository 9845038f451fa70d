"""A throw-away PostgreSQL cluster in a temporary folder, for the tests and the benchmark.

Debian's `initdb` and `pg_ctl` (as the `postgres` user when we run as root, since the
server refuses to run as root), a free loopback port, a private socket folder, `fsync=off`
(nothing here needs to survive a crash of the machine). Only the standard library, so the
benchmark can use it without pytest; tests/pg_server.py wraps it in a session fixture.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class ClusterError(Exception):
    """The cluster could not be made or started; the message says why."""


def server_bin(name: str) -> str | None:
    """A PostgreSQL program: the newest Debian version's, else the one on PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@dataclass
class Cluster:
    home: Path
    port: int
    user: str
    pg_ctl: str

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def url(self) -> str:
        """The server's URL, no database part."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        subprocess.run(
            as_server_user([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.home, ignore_errors=True)


def start_cluster(user: str) -> Cluster:
    """initdb and start a new cluster whose superuser is `user` (trust login on loopback)."""
    initdb, pg_ctl = server_bin("initdb"), server_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise ClusterError("initdb/pg_ctl not found (apt-get install postgresql)")
    # Not under a private temporary folder: the server runs as another user.
    home = Path(tempfile.mkdtemp(prefix="journal-pg-"))
    data = home / "data"
    if os.geteuid() == 0:
        os.chmod(home, 0o755)
        shutil.chown(home, "postgres", "postgres")
    port = free_port()
    init = subprocess.run(
        as_server_user([initdb, "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8"]),
        capture_output=True,
        text=True,
    )
    if init.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        raise ClusterError(f"initdb failed: {init.stderr.strip()[-300:]}")
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = subprocess.run(
        as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(home / "log"), "-w"])
        + ["start"],
        capture_output=True,
        text=True,
    )
    if start.returncode != 0:
        log = (home / "log").read_text(errors="replace")[-300:] if (home / "log").exists() else ""
        Cluster(home, port, user, pg_ctl).stop()  # in case it came up after all
        raise ClusterError(f"PostgreSQL did not start: {start.stderr.strip()[-200:]} {log}")
    return Cluster(home, port, user, pg_ctl)
