"""`python -m bench`: the journal measured against the floor of its own stack, one table.

Every figure is the median of several runs of a whole `journal` process (disk cache warmed
by one untimed run first), next to a floor measured in the same run on the same machine;
the verdict is on the ratio, since absolute times drift on shared machines.

    python -m bench              # 1k, 100k and 1M events (generated once, cached)
    python -m bench --smoke      # 1k events only, a few seconds: keeps the suite from rotting
    python -m bench --pg         # also the PostgreSQL rows (a throw-away local cluster)
    python -m bench --install DIR   # time this install instead of building a clean one

The commands run from a clean, non-editable install in a virtual environment of its own
(bench/install.py, as pipx installs it), against that environment's `python -c pass`.
"""

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import floors
from bench.generate import GENERATOR_VERSION, Meta, generate
from bench.install import check_install, clean_install
from bench.web import rows_web

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = {"1k": 1_000, "100k": 100_000, "1m": 1_000_000}
NA = "n/a (command not available)"


@dataclass
class Row:
    """One line of the table: a figure, its floor, and the verdict on their ratio."""

    figure: str
    value: str
    floor: str
    ratio: str
    target: str
    verdict: str


class Bench:
    def __init__(self, runs: int, cache: Path, work: Path, idle: float, bin_dir: Path) -> None:
        self.runs = runs
        self.cache = cache
        self.work = work
        self.idle = idle
        # The install under test: its `journal`, and its interpreter for every floor.
        self.journal = [str(bin_dir / "journal")]
        self.python = str(bin_dir / "python")
        # Like a user with no settings: config looked up in the (empty) per-user folders.
        self.env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
            "XDG_CACHE_HOME": str(work / "cache"),
            "JOURNAL_TZ": "Asia/Tokyo",
            "JOURNAL_LANG": "en",
        }
        for name in ("JOURNAL_DB", "JOURNAL_CONFIG", "PYTHONDONTWRITEBYTECODE", "PYTHONPATH"):
            self.env.pop(name, None)

    # -- journals -------------------------------------------------------------------------
    def cached(
        self, name: str, target: int, gap: int | None = None, now: datetime | None = None
    ) -> tuple[Path, Meta]:
        """A generated journal from the cache (made on first use), copied to the work dir."""
        self.cache.mkdir(parents=True, exist_ok=True)
        ignore = self.cache / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n")
        stem = f"{name}-v{GENERATOR_VERSION}"
        db, meta_path = self.cache / f"{stem}.sqlite", self.cache / f"{stem}.json"
        if not meta_path.exists():
            for stale in self.cache.glob(f"{stem}.sqlite*"):
                stale.unlink()
            started = time.perf_counter()
            say(f"generating {name} ({target:,} events) into {db} …")
            options: dict = {k: v for k, v in (("gap", gap), ("now", now)) if v is not None}
            meta = generate(db, target, **options)
            _checkpoint(db)
            meta.save(meta_path)
            say(f"  done in {time.perf_counter() - started:.0f} s: {meta}")
        copy = self.work / f"{stem}.sqlite"
        if not copy.exists():
            shutil.copyfile(db, copy)
        return copy, Meta.load(meta_path)

    # -- timing ---------------------------------------------------------------------------
    def wall(self, argv: Sequence[str], **env: str) -> Callable[[], float]:
        """One run of a whole process, timed from outside (`env`: added to the environment)."""
        environ = {**self.env, **env}

        def run() -> float:
            start = time.perf_counter()
            done = subprocess.run(
                argv, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
            return elapsed

        return run

    def inner(self, program: str, *args: str) -> Callable[[], float]:
        """One run of a floor program: the seconds it reports for its own timed part."""

        def run() -> float:
            out = subprocess.run(
                [self.python, "-c", program, *args],
                env=self.env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            return float(out.split()[0])

        return run

    def times(self, *measures: Callable[[], float], runs: int | None = None) -> list[list[float]]:
        """Several measures taken in turn (a figure and its floor alternate, so drift on a
        shared machine touches both alike), after one untimed warm-up each."""
        for measure in measures:
            measure()
        times: list[list[float]] = [[] for _ in measures]
        for _ in range(runs or self.runs):
            for measure, bucket in zip(measures, times, strict=True):
                bucket.append(measure())
        return times

    def median(self, *measures: Callable[[], float], runs: int | None = None) -> list[float]:
        """The medians of `times`."""
        return [statistics.median(t) for t in self.times(*measures, runs=runs)]

    def j(self, db: Path, *args: str) -> list[str]:
        return [*self.journal, *args, "--db", str(db)]

    def available(self, *command: str) -> bool:
        """Whether this build of the journal has the command (its --help succeeds)."""
        done = subprocess.run(
            [*self.journal, *command, "--help"], env=self.env, capture_output=True
        )
        return done.returncode == 0


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _checkpoint(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def rate(per_second: float) -> str:
    return f"{per_second:,.0f} ev/s"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def ratio_row(figure: str, value: float, floor: float, limit: float, floor_name: str) -> Row:
    """A time figure whose ratio to its floor must stay at or under `limit`."""
    r = value / floor
    return Row(
        figure,
        ms(value),
        f"{ms(floor)} ({floor_name})",
        f"{r:.2f} ×",
        f"≤ {limit} ×",
        verdict(r <= limit),
    )


def spread(values: list[float]) -> str:
    """min / median / max in milliseconds."""
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{low * 1000:.0f} / {mid * 1000:.0f} / {high * 1000:.0f} ms"


def startup_row(figure: str, value: list[float], floor: list[float], limit: float) -> Row:
    """A command against the install's bare `python -c pass`, run by run alternated: the
    ratio of the medians, and each side's min / median / max."""
    r = statistics.median(value) / statistics.median(floor)
    return Row(
        figure,
        spread(value),
        f"{spread(floor)} (python -c pass)",
        f"{r:.2f} ×",
        f"≤ {limit} ×",
        verdict(r <= limit),
    )


def throughput_row(
    figure: str, events: int, seconds: float, floor: float, limit: float, floor_name: str
) -> Row:
    """A throughput figure that must reach at least `limit` times its floor's throughput."""
    value, base = events / seconds, events / floor
    r = value / base
    judged = verdict(r >= limit) if events >= 500_000 else "— (target is for 1M events)"
    return Row(
        figure,
        f"{rate(value)} ({seconds:.1f} s)",
        f"{rate(base)} ({floor_name})",
        f"{r:.2f} ×",
        f"≥ {limit} ×",
        judged,
    )


def spread_row(
    figure: str, events: int, runs: list[list[float]], limit: float, floor_name: str
) -> Row:
    """`throughput_row` of the medians of alternated runs (the command's, the floor's), with
    each side's min / median / max seconds and the per-run ratios' min / median / max."""
    seconds, floor = runs
    row = throughput_row(
        figure, events, statistics.median(seconds), statistics.median(floor), limit, floor_name
    )
    ratios = [f / s for s, f in zip(seconds, floor, strict=True)]
    low, mid, high = min(ratios), statistics.median(ratios), max(ratios)
    return Row(
        row.figure,
        f"{row.value}; runs {_secs(seconds)}",
        f"{row.floor}; runs {_secs(floor)}",
        f"{row.ratio} (runs {low:.2f} / {mid:.2f} / {high:.2f})",
        row.target,
        row.verdict,
    )


def _secs(values: list[float]) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{low:.1f} / {mid:.1f} / {high:.1f} s"


def guarded(figure: str, target: str, measure: Callable[[], Row]) -> Row:
    """A row for a command built elsewhere: if its interface differs from what the harness
    expects, say so in the table instead of losing the whole run."""
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001 - reported in the table
        say(f"{figure}: {type(exc).__name__}: {exc}")
        return Row(figure, f"error: {type(exc).__name__} (see stderr)", "—", "—", target, "error")


def events(meta: Meta) -> str:
    return f"{meta.events:,} events"


def pending(figure: str, target: str) -> Row:
    return Row(figure, NA, "—", "—", target, "pending")


# -- the rows ---------------------------------------------------------------------------------


def rows_startup(b: Bench, db: Path, meta: Meta, label: str) -> list[Row]:
    """Every everyday command against `python -c pass`: what any Python program pays."""
    bare = b.wall([b.python, "-c", floors.PASS])
    commands = {
        "add message": ("add", "message", meta.show_id, "--note", "ベンチマーク"),
        "add listed": (
            "add",
            "listed",
            "--platform",
            "mercari",
            "--title",
            "ベンチ",
            "--price",
            "1000",
        ),
        **{name: tuple(argv) for name, argv in read_commands(meta).items()},
        "log": ("log", meta.show_id),
        "reminders": ("reminders", "--as-of", meta.now),
    }
    if meta.events < 500_000:  # at 1M, money folds a year of trades: the throughput row
        commands["money"] = ("money",)
    out = []
    for name, argv in commands.items():
        value, floor = b.times(b.wall(b.j(db, *argv)), bare)
        out.append(startup_row(f"`journal {name}` ({label})", value, floor, 6))
    return out


def rows_instant(b: Bench, db: Path, meta: Meta) -> list[Row]:
    """`journal --help` (≤ 4 ×) and Tab completing a trade id (≤ 3 ×), as bash asks for it
    (click's protocol: the words so far in the environment), against `python -c pass`. The
    journal is the user's default one (a copy of `db` in the data folder), as after
    `journal completion bash`; the untimed warm-up is the first Tab and the first --help,
    which click answers (later ones are answered from what it printed, journal/commands/)."""
    bare = b.wall([b.python, "-c", floors.PASS])
    helped, floor = b.times(b.wall([*b.journal, "--help"]), bare)
    out = [startup_row("`journal --help`", helped, floor, 4)]
    default = Path(b.env["XDG_DATA_HOME"]) / "trade-journal" / "journal.sqlite"
    default.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db, default)
    complete = {"_JOURNAL_COMPLETE": "bash_complete", "COMP_CWORD": "2"}
    tab = b.wall(b.journal, COMP_WORDS="journal show ", **complete)
    tabbed, floor = b.times(tab, bare)
    out.append(startup_row("Tab after `journal show ` (trade ids)", tabbed, floor, 3))
    return out


def read_commands(meta: Meta) -> dict[str, list[str]]:
    return {
        "list": ["list"],
        "upcoming": ["upcoming", "--as-of", meta.now],
        "show": ["show", meta.show_id],
    }


def rows_reads(b: Bench, small: tuple[Path, Meta], big: tuple[Path, Meta], label: str) -> list[Row]:
    out = []
    small_cmds, big_cmds = read_commands(small[1]), read_commands(big[1])
    for name in small_cmds:
        value, base = b.median(
            b.wall(b.j(big[0], *big_cmds[name])), b.wall(b.j(small[0], *small_cmds[name]))
        )
        out.append(ratio_row(f"`journal {name}` at {label}", value, base, 1.5, "same at 1k"))
    return out


def search_window(meta: Meta) -> list[str]:
    """`journal search` as a tax office asks: a month (the one before the journal's `now`)
    and an amount range, combined."""
    now = datetime.fromisoformat(meta.now)
    first = (now.replace(day=1) - timedelta(days=1)).replace(day=1).date()
    last = now.replace(day=1).date() - timedelta(days=1)
    return ["search", "--from", str(first), "--to", str(last), "--min", "1000", "--max", "5000"]


def rows_search(b: Bench, db: Path, meta: Meta, label: str) -> list[Row]:
    """`journal search` with a date and an amount range against `journal list`, on the same
    journal in the same run (≤ 1.5 ×): the trades' date is indexed, so a range is read."""
    if not b.available("search"):
        return [pending(f"`journal search` (a month, ¥1,000–5,000) at {label}", "≤ 1.5 ×")]
    value, base = b.median(b.wall(b.j(db, *search_window(meta))), b.wall(b.j(db, "list")))
    figure = f"`journal search` (a month, ¥1,000–5,000) at {label}"
    return [ratio_row(figure, value, base, 1.5, "`journal list`, same journal")]


BULK = ("rebuild", "verify", "import")


def rows_bulk(b: Bench, db: Path, meta: Meta, label: str, only: Sequence[str] = BULK) -> list[Row]:
    """The bulk rows (`only`: some of them) against their floors, median of up to 3 runs."""
    runs = max(1, min(b.runs, 3))
    scan_once = b.inner(floors.SCAN, str(db))
    out = []
    if "rebuild" in only:
        seconds, scan = b.median(b.wall(b.j(db, "rebuild")), scan_once, runs=runs)
        out.append(
            throughput_row(
                f"`journal rebuild` at {label}",
                meta.events,
                seconds,
                scan,
                0.25,
                "sqlite3 scan + json.loads",
            )
        )
    figure = f"`journal verify` at {label}"
    if "verify" not in only:
        pass
    elif b.available("verify"):

        def verify() -> Row:
            both = b.times(b.wall(b.j(db, "verify")), scan_once, runs=runs)
            return spread_row(figure, meta.events, both, 0.3, "sqlite3 scan + json.loads")

        out.append(guarded(figure, "≥ 0.3 × scan", verify))
    else:
        out.append(pending(figure, "≥ 0.3 × scan"))
    figure = f"import of the {label} export"
    if "import" not in only:
        pass
    elif b.available("import") and b.available("export"):
        out.append(
            guarded(figure, "≥ 0.4 × executemany", lambda: row_import(b, db, meta, label, runs))
        )
    else:
        out.append(pending(figure, "≥ 0.4 × executemany"))
    return out


def rows_money(b: Bench, db: Path, meta: Meta, label: str) -> list[Row]:
    """`journal money` for the journal's last year and the CSV export of every trade: both
    fold every trade of the log (like rebuild, without its writes), so their throughput is
    judged against the same scan. A lookup per trade that reads every sale (the Rakuma tier
    once did) shows here as a collapse at 1M events."""
    runs = max(1, min(b.runs, 3))
    scan_once = b.inner(floors.SCAN, str(db))
    commands = {
        f"`journal money --year {meta.now[:4]}` at {label}": ("money", "--year", meta.now[:4]),
        f"`journal export --format csv` at {label}": ("export", "--format", "csv"),
    }
    out = []
    for figure, argv in commands.items():

        def measure(figure: str = figure, argv: tuple[str, ...] = argv) -> Row:
            seconds, scan = b.median(b.wall(b.j(db, *argv)), scan_once, runs=runs)
            return throughput_row(
                figure, meta.events, seconds, scan, 0.25, "sqlite3 scan + json.loads"
            )

        if b.available(*argv[:1]):
            out.append(guarded(figure, "≥ 0.25 × scan", measure))
        else:
            out.append(pending(figure, "≥ 0.25 × scan"))
    return out


def row_import(b: Bench, db: Path, meta: Meta, label: str, runs: int) -> Row:
    export = b.work / f"export-{meta.events}.jsonl"
    with export.open("wb") as sink:
        subprocess.run(b.j(db, "export", "--format", "jsonl"), env=b.env, stdout=sink, check=True)
    template = b.work / "empty.sqlite"
    if not template.exists():
        subprocess.run(b.j(template, "list"), env=b.env, check=True, capture_output=True)
        _checkpoint(template)
    target = b.work / "imported.sqlite"

    def clean() -> None:
        for leftover in b.work.glob("imported.sqlite*"):
            leftover.unlink()

    def journal_import() -> float:
        """Into a new journal file, as a user restoring an export would."""
        clean()
        return b.wall(b.j(target, "import", str(export)))()

    def floor() -> float:
        """Into an empty journal of the same schema (the rows are loaded before timing)."""
        clean()
        shutil.copyfile(template, target)
        return b.inner(floors.EXECUTEMANY, str(db), str(target))()

    both = b.times(journal_import, floor, runs=runs)
    clean()
    figure = f"import of the {label} export"
    return spread_row(figure, meta.events, both, 0.4, "sqlite3 executemany")


def rows_daemon(b: Bench, smoke: bool) -> list[Row]:
    replan_figure = "daemon re-plan after one `journal add` (100k open deadlines)"
    idle_figure = "daemon idle 60 s (100k open deadlines): CPU, peak RSS"
    if not b.available("daemon"):
        return [pending(replan_figure, "≤ 2 s"), pending(idle_figure, "≤ 1 %, ≤ 150 MB")]
    from bench.daemon import measure

    # Trades every 5 s instead of every 48 min: tens of thousands in flight at once. About
    # one open deadline per six events (600k events gave 104,750 open deadlines). Unlike
    # the other journals it ends at the current hour, since the daemon runs on the real
    # clock and deadlines before it are past; older copies are dropped.
    target = 2_000 if smoke else 600_000
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    name = f"open-{target // 1000}k-{hour:%Y%m%d%H}"
    for stale in b.cache.glob(f"open-{target // 1000}k-*"):
        if not stale.name.startswith(name):
            stale.unlink()
    db, meta = b.cached(name, target, gap=5, now=hour)
    opened = f"({meta.open_deadlines:,} open deadlines, {meta.open_trades:,} open trades)"
    replan_figure = replan_figure.replace("(100k open deadlines)", opened)
    idle_figure = idle_figure.replace("(100k open deadlines)", opened)
    rows: list[Row] = []

    def both() -> Row:
        rows.extend(measure(b, db, meta, b.idle, replan_figure, idle_figure))
        return rows[0]

    first = guarded(replan_figure, "≤ 2 s", both)
    if rows:
        return rows
    return [first, Row(idle_figure, first.value, "—", "—", "≤ 1 %, ≤ 150 MB", "error")]


# -- the table ------------------------------------------------------------------------------


def dev_note(b: Bench) -> str:
    """The development environment's bare start-up beside the install's, as a note only."""
    dev, clean = b.median(
        b.wall([sys.executable, "-c", floors.PASS]), b.wall([b.python, "-c", floors.PASS])
    )
    return (
        f"commands run from {Path(b.python).parent.parent} (clean, non-editable install);"
        f" its python -c pass {ms(clean)}, this environment's {ms(dev)} (note only)"
    )


def table(rows: list[Row]) -> str:
    head = ("figure", "journal", "floor (same run)", "ratio", "target", "verdict")
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    for r in rows:
        lines.append(
            f"| {r.figure} | {r.value} | {r.floor} | {r.ratio} | {r.target} | {r.verdict} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="1k events, few runs, seconds.")
    parser.add_argument("--runs", type=int, default=None, help="Timed runs per figure.")
    parser.add_argument("--sizes", default="1k,100k,1m", help="Journal sizes (1k is the base).")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--idle", type=float, default=60.0, help="Daemon idle seconds.")
    parser.add_argument(
        "--install",
        type=Path,
        metavar="DIR",
        help="Time this install (a virtual environment with `journal`) instead of building a"
        " clean one from this source tree.",
    )
    parser.add_argument(
        "--pg",
        action="store_true",
        help="Also the PostgreSQL rows, on a throw-away local cluster (initdb, pg_ctl).",
    )
    parser.add_argument(
        "--pg-url",
        metavar="URL",
        help="Use this server for the PostgreSQL rows instead (the bench creates and drops"
        " its own databases there); implies --pg.",
    )
    parser.add_argument(
        "--pg-only", action="store_true", help="Only the PostgreSQL rows; implies --pg."
    )
    parser.add_argument(
        "--only",
        metavar="ROWS",
        help="Only these bulk rows, comma-separated: rebuild, verify, import (e.g. `--only"
        " verify,import --sizes 1m`); the other rows are skipped.",
    )
    args = parser.parse_args(argv)
    only = [n.strip().lower() for n in args.only.split(",")] if args.only else None
    if only is not None and not set(only) <= set(BULK):
        parser.error(f"--only takes some of: {', '.join(BULK)}")
    pg = args.pg or args.pg_only or bool(args.pg_url)
    sizes = ["1k"] if args.smoke else [s.strip().lower() for s in args.sizes.split(",")]
    runs = args.runs or (3 if args.smoke else 7)
    idle = min(args.idle, 2.0) if args.smoke else args.idle

    with tempfile.TemporaryDirectory(prefix="journal-bench-") as folder:
        bin_dir = check_install(args.install) if args.install else clean_install(args.cache, say)
        b = Bench(runs, args.cache, Path(folder), idle, bin_dir)
        journals = {s: b.cached(s, SIZES[s]) for s in sizes}
        big = sizes[-1]
        label = events(journals[big][1])
        started = time.perf_counter()
        load_before = os.getloadavg()
        notes: list[str] = []
        steps: list[Callable[[], list[Row]]] = [
            lambda: rows_bulk(b, *journals[big], label),
            lambda: rows_money(b, *journals[big], label),
            lambda: rows_search(b, *journals[big], label),
            *(
                (lambda s=s: rows_reads(b, journals["1k"], journals[s], events(journals[s][1])))
                for s in sizes[1:] or sizes
            ),
            *(
                (lambda s=s: rows_startup(b, *journals[s], events(journals[s][1])))
                for s in dict.fromkeys(["1k", big])
            ),
            lambda: rows_instant(b, *journals["1k"]),
            lambda: rows_daemon(b, args.smoke),
            lambda: rows_web(b, journals, sizes),
        ]
        if args.pg_only:
            steps = []
        if only is not None:
            steps = [lambda: rows_bulk(b, *journals[big], label, only)]
        if pg:
            from bench.pg import rows_pg

            steps.append(lambda: rows_pg(b, journals, sizes, args.pg_url, notes))
        rows: list[Row] = []
        for step in steps:
            rows.extend(step())
        print(
            f"trade-journal benchmark · {platform.python_implementation()} "
            f"{platform.python_version()} · {os.cpu_count()} CPUs · median of {runs} runs"
        )
        for s in sizes:
            m = journals[s][1]
            print(
                f"  {s}: {m.events:,} events, {m.trades:,} trades, {m.open_trades} open,"
                f" {m.open_deadlines:,} open deadlines (generator v{GENERATOR_VERSION},"
                f" seed {m.seed})"
            )
        notes.append(dev_note(b))
        notes.append(
            f"load average (1 min) {load_before[0]:.2f} at the start,"
            f" {os.getloadavg()[0]:.2f} at the end"
        )
        for note in notes:
            print(f"  {note}")
        print()
        print(table(rows))
        if args.smoke:
            print(
                "\nSmoke run: 1k events and few runs, to keep the suite working; its verdicts"
                " are indicative only. The targets are judged on a full run (BENCHMARKS.md)."
            )
        print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
