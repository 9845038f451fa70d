"""A desktop notification delivered from inside the sandbox the written unit describes.

There is no systemd user manager in CI's container (`systemd --user` does not start there,
`systemctl --user` cannot reach a bus), so `systemd-run --user` cannot be used. Instead a
harness reads the unit `journal daemon install` wrote and applies, to a real
`journal daemon --once` (the unit's own ExecStart and Environment), every setting it can
apply without systemd:

- applied: `UMask=` (umask), `NoNewPrivileges=` (`setpriv --no-new-privs`),
  `MemoryDenyWriteExecute=` (the kernel's own `PR_SET_MDWE`, which refuses the same
  write-and-execute mappings; systemd uses a seccomp filter), `ProtectSystem=strict` and
  `ProtectHome=read-only` (every mount but /proc, /sys and /dev remounted read-only in a
  private mount namespace, `unshare -m`, which is also `PrivateMounts=`), `PrivateTmp=`
  (fresh tmpfs on /tmp and /var/tmp), `ReadWritePaths=` (those folders bound writable
  again), and through libseccomp (Debian's python3-seccomp, run by the system's python3
  just before it execs the daemon) `SystemCallFilter=@system-service` (the names
  `systemd-analyze syscall-filter` expands it to) with `SystemCallErrorNumber=EPERM`,
  `SystemCallArchitectures=native`, `RestrictAddressFamilies=` (`socket()` of another
  family fails, with EPERM where systemd says EAFNOSUPPORT) and `LockPersonality=`
  (`personality()` only with the default or the query);
- not applied (no tool for them outside systemd here): `RestrictNamespaces=`,
  `RestrictRealtime=`, `RestrictSUIDSGID=` (seccomp argument filters not written here),
  `PrivateUsers=`, `PrivateDevices=`, the
  `Protect{KernelTunables,KernelModules,KernelLogs,ControlGroups,Clock,Hostname,Proc}=`
  mounts, and the manager's own `RemoveIPC=`, `KeyringMode=`, `DevicePolicy=`.

The notification server is the real one tests/test_desktop_notifier.py uses (Xvfb + dunst
on a private D-Bus session), its bus socket placed like a desktop session's
(`$XDG_RUNTIME_DIR/bus`) in a folder the sandbox sees read-only, as /run/user is under
`ProtectHome=read-only`. Everything lives in a folder outside /tmp, so the unit gets
`PrivateTmp=yes` and the harness applies it.
"""

import contextlib
import ctypes
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from real_parts import need
from test_desktop_notifier import NEEDED, _server_up, _shown
from test_service_unit_fixes import service_settings

from tests.conftest import journal_process

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the systemd unit is Linux's")

APPLIED = {
    *("UMask", "NoNewPrivileges", "MemoryDenyWriteExecute", "ProtectSystem"),
    *("ProtectHome", "PrivateMounts", "PrivateTmp", "ReadWritePaths"),
    *("SystemCallFilter", "SystemCallErrorNumber", "SystemCallArchitectures"),
    *("RestrictAddressFamilies", "LockPersonality"),
}
NOT_APPLIED = {
    *("RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID"),
    *("PrivateUsers", "PrivateDevices"),
    *("ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs"),
    *("ProtectControlGroups", "ProtectClock", "ProtectHostname", "ProtectProc"),
    *("RemoveIPC", "KeyringMode", "DevicePolicy"),
}
SYSTEM_PYTHON = "/usr/bin/python3"
# Run by the system's python3 (python3-seccomp): load the filter, then exec the daemon.
SECCOMP = r"""
import errno, os, socket, sys
import seccomp
allowed, families, argv = sys.argv[1].split(), sys.argv[2].split(), sys.argv[3:]
rules = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))  # native arch only
for name in allowed:
    if name in ("socket", "personality"):
        continue  # allowed below with conditions
    try:
        rules.add_rule(seccomp.ALLOW, name)
    except (RuntimeError, ValueError, OSError):
        pass  # a name this libseccomp does not know
for family in families:
    rules.add_rule(seccomp.ALLOW, "socket", seccomp.Arg(0, seccomp.EQ, getattr(socket, family)))
for persona in (0, 0xFFFFFFFF):  # LockPersonality: PER_LINUX, or asking
    rules.add_rule(seccomp.ALLOW, "personality", seccomp.Arg(0, seccomp.EQ, persona))
rules.load()
os.execv(argv[0], argv)
"""
NOT_SANDBOX = {"ExecStart", "Restart", "RestartSec", "RestartPreventExitStatus", "Environment"}
PR_SET_MDWE, PR_GET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 66, 1

# Inside a private mount namespace: ProtectSystem=strict, PrivateTmp, ReadWritePaths.
MOUNTS = r"""
set -e
awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r m; do
  case "$m" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) ;; *) mount -o remount,bind,ro "$m" ;; esac
done
if [ "$PRIVATE_TMP" = yes ]; then
  mount -t tmpfs -o mode=1777 tmpfs /tmp; mount -t tmpfs -o mode=1777 tmpfs /var/tmp
fi
for p in $WRITABLE; do  # the harness's folders hold no spaces
  [ -d "$p" ] || continue  # systemd's "-": a missing folder is skipped
  mount --bind "$p" "$p"; mount -o remount,bind,rw "$p"
done
umask "$UMASK"
exec setpriv --no-new-privs -- "$@"
"""

PROBE = """
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
def writes(folder):
    try:
        with open(os.path.join(folder, "probe"), "x"):
            pass
        return True
    except OSError:
        return False
def opens(family):
    import socket
    try:
        socket.socket(family, socket.SOCK_DGRAM).close()
        return True
    except OSError:
        return False
status = open("/proc/self/status").read()
print(json.dumps({
    "umask": os.umask(0o077),
    "no_new_privs": "NoNewPrivs:\\t1" in status,
    "mdwe": libc.prctl(66, 0, 0, 0, 0),
    "home_writable": writes(os.environ["HOME"]),
    "journal_folder_writable": writes(sys.argv[1]),
    "outer_tmp_seen": os.path.exists(sys.argv[2]),
    "seccomp": "Seccomp:\t2" in status,
    "netlink_socket": opens(16),
    "unix_socket": opens(1),
    "personality_changed": libc.personality(0x0008) != -1,
}))
"""


def _deny_write_execute() -> None:
    """preexec: MemoryDenyWriteExecute through the kernel (Linux 6.3+); kept across exec."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        os._exit(97)


def sandboxed(unit: str, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run `argv` with the unit's settings the harness can apply (see the module's doc)."""
    settings = service_settings(unit)
    sandbox = set(settings) - NOT_SANDBOX
    assert sandbox == APPLIED | NOT_APPLIED, sandbox ^ (APPLIED | NOT_APPLIED)
    assert settings["ProtectSystem"] == ["strict"] and settings["NoNewPrivileges"] == ["yes"]
    assert settings["MemoryDenyWriteExecute"] == ["yes"]
    writable = [w.strip('"').lstrip("-") for w in shlex.split(settings["ReadWritePaths"][0])]
    unshare = ["unshare", "-m", "--propagation", "private"]
    if os.geteuid() != 0:
        unshare.append("--map-current-user")
    filtered = [
        SYSTEM_PYTHON,
        "-c",
        SECCOMP,
        " ".join(sorted(syscalls(settings["SystemCallFilter"][0]))),
        settings["RestrictAddressFamilies"][0],
        *argv,
    ]
    assert settings["SystemCallErrorNumber"] == ["EPERM"]
    assert settings["SystemCallArchitectures"] == ["native"]
    assert settings["LockPersonality"] == ["yes"]
    extra = {
        "PRIVATE_TMP": settings.get("PrivateTmp", ["no"])[0],
        "WRITABLE": " ".join(writable),
        "UMASK": settings["UMask"][0],
    }
    return subprocess.run(
        [*unshare, "sh", "-c", MOUNTS, "sandbox", *filtered],
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_deny_write_execute,
    )


def syscalls(group: str, seen: set[str] | None = None) -> set[str]:
    """The system calls a `SystemCallFilter=` group stands for, as systemd expands it."""
    seen = seen if seen is not None else set()
    out = subprocess.run(
        ["systemd-analyze", "syscall-filter", group], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    names: set[str] = set()
    for line in out[1:]:
        word = line.strip()
        if word.startswith("@") and word not in seen:
            seen.add(word)
            names |= syscalls(word, seen)
        elif word and not word.startswith(("#", "@")):
            names.add(word)
    return names


def _has_seccomp() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import seccomp"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def session():
    """A folder outside /tmp with a desktop session in it: bus at run/bus, Xvfb, dunst."""
    missing = [p for p in (*NEEDED, "unshare", "setpriv", "mount") if shutil.which(p) is None]
    if missing:
        need("the sandbox harness needs " + ", ".join(missing) + " (.ci/run installs them)")
    if shutil.which("systemd-analyze") is None or not _has_seccomp():
        need(
            "the sandbox harness needs systemd-analyze and python3-seccomp (.ci/run installs them)"
        )
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        need("cannot make a private mount namespace here (unshare -m)")
    # Outside /tmp and /var/tmp (which PrivateTmp hides): beside the checkout, or in the
    # home folder when the checkout itself is a temporary one.
    temporary = any(ROOT.is_relative_to(t) for t in (Path("/tmp"), Path("/var/tmp")))
    base = Path(tempfile.mkdtemp(prefix=".unit-sandbox-", dir=Path.home() if temporary else ROOT))
    run = base / "run"
    run.mkdir(mode=0o700)
    procs: list[subprocess.Popen] = []
    try:
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", f"--address=unix:path={run / 'bus'}"]
            + ["--print-address=1"],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        procs.append(bus)
        address = bus.stdout.readline().strip()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "800x600x24"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        procs.append(xvfb)
        display = xvfb.stdout.readline().strip()
        env = {
            "DBUS_SESSION_BUS_ADDRESS": address,
            "XDG_RUNTIME_DIR": str(run),
            "DISPLAY": f":{display}",
            "XDG_CONFIG_HOME": str(base / "dunst"),
        }
        full = {**os.environ, **env}
        procs.append(subprocess.Popen(["dunst"], env=full, stdin=subprocess.DEVNULL))
        deadline = time.monotonic() + 15
        while not _server_up(full):
            if time.monotonic() > deadline:
                need("dunst did not come up on the private bus")
            time.sleep(0.1)
        yield base, env
    finally:
        for proc in reversed(procs):
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        shutil.rmtree(base, ignore_errors=True)


def _install(base: Path, bus_env: dict[str, str], title: str) -> tuple[str, dict[str, str]]:
    """A journal with a hold due for a reminder, its unit written; (unit text, env)."""
    home = base / "home"
    (base / "data").mkdir()
    home.mkdir()
    env = {
        **bus_env,
        "HOME": str(home),
        "JOURNAL_DB": str(base / "data" / "journal.sqlite"),
        "JOURNAL_CONFIG": str(home / "config.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "ja",
    }
    for step in (
        ("add", "listed", "--platform", "rakuma", "--title", title, "--price", "1800"),
        ("add", "hold", "T1", "--buyer", "さくら", "--until", "+2h"),
    ):
        done = journal_process(*step, env=env)
        assert done.returncode == 0, (step, done.stderr)
    install = journal_process(
        "daemon", "install", "--json", env={**env, "XDG_CONFIG_HOME": str(home / ".config")}
    )
    assert install.returncode == 0, install.stderr
    assert json.loads(install.stdout)["notifier_problem"] is None  # the bus answers
    return Path(json.loads(install.stdout)["path"]).read_text(), env


def _service_env(unit: str, env: dict[str, str]) -> dict[str, str]:
    """What a user manager gives the service: the session's variables and the unit's
    Environment= lines (nothing of the journal's from the caller's environment)."""
    keep = ("PATH", "HOME", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DISPLAY", "LANG")
    service = {k: env.get(k, os.environ.get(k, "")) for k in keep}
    for line in service_settings(unit).get("Environment", []):
        key, _, value = line.strip('"').partition("=")
        service[key] = value
    return service


@pytest.mark.slow
def test_the_hardened_units_daemon_delivers_a_desktop_notification(session) -> None:
    base, bus_env = session
    token = uuid.uuid4().hex[:8]
    title = f"ワンピース{token}"
    unit, env = _install(base, bus_env, title)
    service = _service_env(unit, env)
    assert "PrivateTmp" in service_settings(unit)  # the journal is outside /tmp

    marker = Path(tempfile.mkstemp(prefix="outer-")[1])  # in the host's /tmp
    try:
        probe = sandboxed(
            unit,
            [sys.executable, "-c", PROBE, str(base / "data"), str(marker)],
            service,
        )
    finally:
        marker.unlink()
    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout) == {
        "umask": 0o077,
        "no_new_privs": True,
        "mdwe": PR_MDWE_REFUSE_EXEC_GAIN,
        "home_writable": False,  # ProtectSystem=strict / ProtectHome=read-only
        "journal_folder_writable": True,  # ReadWritePaths=
        "outer_tmp_seen": False,  # PrivateTmp=
        "seccomp": True,  # a filter is loaded: SystemCallFilter=
        "netlink_socket": False,  # RestrictAddressFamilies=
        "unix_socket": True,
        "personality_changed": False,  # LockPersonality=
    }

    command = shlex.split(service_settings(unit)["ExecStart"][0])
    assert command[1:3] == ["daemon", "--db"]
    done = sandboxed(unit, [*command, "--once"], service)
    assert done.returncode == 0, done.stderr
    shown = _shown(bus_env, token)
    assert [n["summary"]["data"] for n in shown] == [f"T1 {title}"]
    assert shown[0]["body"]["data"].startswith("取り置き: ")
    again = sandboxed(unit, [*command, "--once", "--json"], service)  # recorded: not twice
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["delivered"] == 0
