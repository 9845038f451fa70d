"""The web app's rows: `journal serve` on a generated journal, the 今日 page and
`GET /api/v1/upcoming` each requested 100 times in a row over one keep-alive connection
(after 5 untimed), p50 and p95 of the whole request as a client sees it; and the weight of
a first visit (the page, its stylesheet, icon and manifest). Target: p95 ≤ 50 ms at 1M events.

    python -m bench.web [--install DIR] [--sizes 1k,1m]   # these rows alone
"""

import http.client
import os
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

TOKEN = "bench-token-" + "0" * 32
REQUESTS = 100
WARM = 5


def _start(b, db: Path) -> tuple[subprocess.Popen, int]:
    env = {**b.env, "JOURNAL_WEB_TOKEN": TOKEN, "JOURNAL_DB": str(db)}
    env["JOURNAL_CONFIG"] = str(b.work / "web-config" / "config.toml")
    process = subprocess.Popen(
        [*b.journal, "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        found = re.search(r"http://127\.0\.0\.1:(\d+)/login/", line)
        if found:
            return process, int(found.group(1))
    process.kill()
    raise RuntimeError("journal serve did not start")


def _get(conn: http.client.HTTPConnection, port: int, path: str, headers: dict) -> bytes:
    conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}", **headers})
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 200:
        raise RuntimeError(f"GET {path}: {answer.status}")
    return body


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def measure(b, db: Path) -> dict[str, object]:
    """p50/p95 (seconds) of 今日 and of the upcoming API, and a first visit's bytes."""
    process, port = _start(b, db)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        form = urlencode({"token": TOKEN})
        conn.request("POST", "/login", form, {
            "Host": f"127.0.0.1:{port}", "Content-Type": "application/x-www-form-urlencoded"
        })  # fmt: skip
        answer = conn.getresponse()
        answer.read()
        cookie = {"Cookie": answer.getheader("set-cookie").split(";", 1)[0]}
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        out: dict[str, object] = {}
        for name, path, headers in (("today", "/", cookie), ("api", "/api/v1/upcoming", bearer)):
            for _ in range(WARM):
                _get(conn, port, path, headers)
            samples = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                _get(conn, port, path, headers)
                samples.append(time.perf_counter() - started)
            out[name] = _percentiles(samples)
        first = _get(conn, port, "/", cookie)
        parts = ("/static/app.css", "/icon.svg", "/manifest.webmanifest")
        out["bytes"] = len(first) + sum(len(_get(conn, port, p, cookie)) for p in parts)
        conn.close()
        return out
    finally:
        process.terminate()
        process.wait(timeout=30)


def rows_web(b, journals: dict, sizes: list[str]) -> list:
    """One row per size for 今日 and one for the API (p50, p95; target p95 ≤ 50 ms), and the
    first visit's weight (≤ 100 KB)."""
    from bench.__main__ import Row, events, verdict

    def row(figure: str, value: str, target: str, ok: bool) -> Row:
        return Row(figure, value, "—", "—", target, verdict(ok))

    out: list = []
    if not b.available("serve"):
        return out
    for size in dict.fromkeys(["1k", sizes[-1]]):
        db, meta = journals[size]
        found = measure(b, db)
        label = events(meta)
        for name, figure in (("today", "今日 page (`GET /`)"), ("api", "`GET /api/v1/upcoming`")):
            p50, p95 = found[name]
            value = f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
            out.append(row(f"{figure} at {label}, {REQUESTS} requests", value, "p95 ≤ 50 ms",
                           p95 <= 0.050))  # fmt: skip
        kb = found["bytes"] / 1024
        out.append(row(f"first visit of 今日 at {label}: page, CSS, icon, manifest",
                       f"{kb:.1f} KB", "≤ 100 KB", kb <= 100))  # fmt: skip
    return out


def main() -> None:
    import argparse
    import tempfile

    from bench.__main__ import SIZES, Bench, say, table
    from bench.install import check_install, clean_install

    parser = argparse.ArgumentParser(prog="python -m bench.web")
    parser.add_argument("--install", type=Path, metavar="DIR")
    parser.add_argument("--sizes", default="1k,1m")
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".cache")
    args = parser.parse_args()
    sizes = [s.strip().lower() for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="journal-bench-web-") as folder:
        bin_dir = check_install(args.install) if args.install else clean_install(args.cache, say)
        b = Bench(1, args.cache, Path(folder), 0, bin_dir)
        journals = {s: b.cached(s, SIZES[s]) for s in sizes}
        print(f"{os.cpu_count()} CPUs")
        print(table(rows_web(b, journals, sizes)))


if __name__ == "__main__":
    main()
