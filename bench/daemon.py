"""The daemon rows: re-plan latency after one `journal add`, and its idle cost.

The daemon is watched from outside through /proc (Linux), so the measurement does not
depend on what it logs: "busy" means its CPU time grew. Re-plan latency is from the end of
the `journal add` process to the daemon's last CPU activity before it goes quiet again.
Peak RSS is the kernel's high-water mark (VmHWM), which includes the start-up plan.
"""

import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
QUIET = 1.0  # seconds without CPU growth that count as "done"


def cpu_ticks(pid: int) -> int:
    """User + system CPU ticks of the process and its waited-for children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15])


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def last_busy(pid: int, since: float, timeout: float) -> float:
    """Watch CPU time until it stays flat for QUIET seconds; when it last grew (monotonic)."""
    ticks, busy_at = cpu_ticks(pid), since
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.01)
        now_ticks = cpu_ticks(pid)
        now = time.monotonic()
        if now_ticks != ticks:
            ticks, busy_at = now_ticks, now
        elif now - busy_at >= QUIET:
            return busy_at
    raise TimeoutError("the daemon never went quiet")


def measure(
    bench: Any, db: Path, meta: Any, idle: float, replan_figure: str, idle_figure: str
) -> list:
    from bench.__main__ import Row, verdict

    log = (bench.work / "daemon.log").open("wb")
    proc = subprocess.Popen(bench.j(db, "daemon"), env=bench.env, stdout=log, stderr=log)
    try:
        time.sleep(0.5)
        if proc.poll() is not None:
            raise RuntimeError(f"journal daemon exited with {proc.returncode}")
        last_busy(proc.pid, time.monotonic(), timeout=300)  # the start-up plan
        start_ticks, start = cpu_ticks(proc.pid), time.monotonic()
        time.sleep(idle)
        cpu = (cpu_ticks(proc.pid) - start_ticks) / CLOCK_TICKS / (time.monotonic() - start)
        rss = peak_rss_mb(proc.pid)
        latencies = []
        for _ in range(3):
            subprocess.run(
                bench.j(db, "add", "message", meta.show_id, "--note", "再計画"),
                env=bench.env,
                check=True,
                capture_output=True,
            )
            done = time.monotonic()
            latencies.append(max(0.0, last_busy(proc.pid, done, timeout=120) - done))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    replan = statistics.median(latencies)
    return [
        Row(replan_figure, f"{replan:.2f} s", "—", "—", "≤ 2 s", verdict(replan <= 2)),
        Row(
            idle_figure.replace("60 s", f"{idle:.0f} s"),
            f"{cpu * 100:.2f} % CPU, {rss:.0f} MB",
            "—",
            "—",
            "≤ 1 %, ≤ 150 MB",
            verdict(cpu <= 0.01 and rss <= 150),
        ),
    ]
