"""Values from outside are checked at the door, with a range: dates, durations, event numbers,
chain heads, argument bytes, the config file (one schema) and import files. A step that was
committed always reports success."""

import json
from datetime import UTC, datetime

import pytest
from conftest import journal_process
from integrity_support import fingerprint, rechain, rows, settle
from support import refused

from journal.service import Journal

BAD = 2


@pytest.fixture
def journal(journal_env, ok):
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
    ok("add", "listed", "--platform", "mercari", "--title", "帽子", "--price", "900")
    settle(journal_env)
    return journal_env


# --- dates and durations: 2000-01-01 .. 2100-12-31 -------------------------------------------


@pytest.mark.parametrize(
    "when", ["2000-01-01", "2000-01-01T00:00", "2100-12-31", "2100-12-31T23:59"]
)
def test_the_first_and_last_supported_days_are_accepted(journal, run, when):
    assert run("upcoming", "--as-of", when).code == 0


@pytest.mark.parametrize(
    "when",
    [
        "1999-12-31",
        "1999-12-31T23:59",
        "2101-01-01",
        "2101-01-01T00:00+14:00",
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "+30000d",
        "-10000d",
    ],
)
def test_times_outside_the_supported_dates_are_refused(journal, run, when):
    before = fingerprint(journal)
    refused(run("upcoming", "--as-of", when), "outside the supported dates")
    refused(run("add", "note", "T1", "--note", "x", "--at", when), "outside the supported dates")
    assert fingerprint(journal) == before


def test_durations_are_bounded_by_the_supported_range(journal, run):
    assert run("upcoming", "--within", "36890d").code == 0
    refused(run("upcoming", "--within", "36891d"), "too long: at most 36890 days")
    refused(run("reminders", "--within", "999999w"), "too long")
    refused(run("add", "note", "T1", "--note", "x", "--at", "-999999w"), "too long")


def test_fractional_seconds_up_to_microseconds_are_truncated_longer_ones_refused(journal, run, ok):
    ok("add", "note", "T1", "--note", "a", "--at", "2026-11-22T10:00:00.999999")
    assert rows(journal)[-1][7] == "2026-11-22T01:00:00Z"
    refused(
        run("add", "note", "T1", "--note", "b", "--at", "2026-11-22T10:00:00.9999999999"),
        "bad time",
    )


# --- event numbers, chain heads, argument bytes ---------------------------------------------


@pytest.mark.parametrize("seq", [str(2**63), "922337203685", "0"])
def test_event_numbers_sqlite_cannot_hold_name_no_event(journal, run, seq):
    before = fingerprint(journal)
    refused(run("void", seq, "--reason", "r"), "there is no event #")
    assert fingerprint(journal) == before


def test_verify_head_must_be_a_full_hash(journal, ok):
    head = json.loads(ok("verify", "--json"))["head"]
    done = journal_process("verify", "--head", head[:16])
    assert done.returncode == BAD, done.stderr
    assert "not a full hash" in done.stderr and done.stderr.count("\n") == 1
    assert journal_process("verify", "--head", head.upper()).returncode == 0
    other = journal_process("verify", "--head", "0" * 64)
    assert other.returncode == 4, other.stderr


@pytest.mark.parametrize("command", [["show"], ["log"], ["verify", "--head"]])
def test_undecodable_argument_bytes_are_one_line_exit_2(journal, command):
    before = fingerprint(journal)
    done = journal_process(*command, "bad\udcff\udcfeutf8")  # the bytes b"bad\xff\xfeutf8"
    assert done.returncode == BAD, done.stderr
    assert done.stderr == "journal: an argument is not valid UTF-8 text: bad\\xff\\xfeutf8\n"
    assert fingerprint(journal) == before


def test_a_file_name_longer_than_file_systems_allow_is_refused(journal, run, tmp_path):
    long = str(tmp_path / ("x" * 300))
    refused(run("backup", long), "file name too long")
    refused(run("export", "-o", long), "file name too long")
    refused(run("import", long, "--db", tmp_path / "new.sqlite"), "file name too long")
    assert not (tmp_path / "new.sqlite").exists()


@pytest.mark.parametrize("zone", ["Asia", "A" * 300, "../../etc/passwd", "Asia/\tTokyo"])
def test_a_timezone_that_is_a_folder_or_not_a_name_is_refused(journal, run, monkeypatch, zone):
    monkeypatch.setenv("JOURNAL_TZ", zone)
    refused(run("list"), "unknown timezone")


# --- the config file: one schema, checked when loaded ----------------------------------------


def _config(journal_env, text: str) -> None:
    journal_env.with_name("config.toml").write_text(text, encoding="utf-8")


CONFIG_CASES = [
    ('enabled = "no"', "[rules.mercari.payment] enabled", "true or false"),
    ('counted_from = "payment"', "[rules.mercari.payment] counted_from", "a list of moments"),
    ('counted_from = ["paymnet"]', "[rules.mercari.payment] counted_from", "a list of moments"),
    ("effect = 5", "[rules.mercari.payment] effect", "text of at most"),
    ("days = 3651", "[rules.mercari.payment] days", "from 0 to 3650"),
    ("days = -1", "[rules.mercari.payment] days", "from 0 to 3650"),
    ("days = true", "[rules.mercari.payment] days", "from 0 to 3650"),
    ("days = 1.5", "[rules.mercari.payment] days", "from 0 to 3650"),
    ("hours = 9999999", "[rules.mercari.payment] hours", "from 0 to 87600"),
    ("minutes = 99999999", "[rules.mercari.payment] minutes", "from 0 to 5256000"),
    ("months = 121", "[rules.mercari.payment] months", "from 0 to 120"),
    ('at = "25:00"', "[rules.mercari.payment] at", "a time of day"),
    ('default_ship_days = "abc"', "[rules.mercari.payment] default_ship_days", '"1-2"'),
    ('confidence = "sure"', "[rules.mercari.payment] confidence", '"official"'),
    ("effective_from = 1999-01-01", "[rules.mercari.payment] effective_from", "a date from"),
    ("dayz = 3", "[rules.mercari.payment] dayz", "unknown key"),
]


@pytest.mark.parametrize("line, key, words", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_a_rule_override_of_the_wrong_type_or_range_is_refused_naming_the_key(
    journal, run, line, key, words
):
    _config(journal, f"[rules.mercari.payment]\n{line}\n")
    before = fingerprint(journal)
    for command in (["add", "sold", "T2", "--buyer", "b"], ["verify"], ["rebuild"], ["rules"]):
        message = refused(run(*command), key)
        assert words in message
    assert fingerprint(journal) == before


@pytest.mark.parametrize(
    "text, key",
    [
        ("language = 5", "language"),
        ('language = ["ja"]', "language"),
        ('language = "fr"', "language"),
        ("timezone = 5", "timezone"),
        ("rules = 5", "rules"),
        ("reminders = 5", "reminders"),
        ("notifier = 5", "notifier"),
        ("colour = 'red'", "unknown key colour"),
        ("[rules.ebay.payment]\ndays = 1", "unknown key [rules] ebay"),
        ("[rules.mercari.paymnet]\ndays = 1", "unknown key [rules.mercari] paymnet"),
        ('[reminders]\npayment = ["999999w"]', "[reminders] payment"),
        ("[reminders]\npayment = [5]", "[reminders] payment"),
        ('[reminders]\nnope = ["1h"]', "unknown key [reminders] nope"),
        ('[notifier]\nlateness = "999999w"', "[notifier] lateness"),
        ('[notifier]\nkind = "pigeon"', "[notifier] kind"),
        ("[notifier]\ncommand = 5", "[notifier] command"),
        ("x = " + "[" * 100_000, "nested too deeply"),
    ],
)
def test_every_part_of_the_config_is_checked_when_loaded(journal, run, monkeypatch, text, key):
    monkeypatch.delenv("JOURNAL_LANG")
    _config(journal, text)
    before = fingerprint(journal)
    refused(run("add", "sold", "T2", "--buyer", "b"), key)
    refused(run("show", "T1"), key)
    assert fingerprint(journal) == before


def test_config_messages_are_in_japanese_too(journal, run, monkeypatch):
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    _config(journal, "[rules.mercari.payment]\ndays = 99999\n")
    line = refused(run("show", "T1"), "[rules.mercari.payment] days")
    assert "0〜3650 の整数" in line


def test_a_full_valid_config_is_accepted_and_used(journal, run, ok, monkeypatch):
    monkeypatch.delenv("JOURNAL_TZ")
    _config(
        journal,
        """timezone = "Asia/Tokyo"
language = "en"
[rules.mercari.payment]
counted_from = ["purchase"]
days = 5
hours = 1
minutes = 0
months = 0
at = "12:00"
effect = "mine"
effect_ja = "自分"
note = "two\\nlines"
source = "me"
confidence = "custom"
effective_from = 2000-01-01
enabled = true
[rules.mercari.ship]
default_ship_days = "2-3"
[rules.rakuma.message_window]
enabled = false
[reminders]
default = ["24h"]
payment = "3h"
message_window = []
[notifier]
kind = "console"
lateness = "12h"
""",
    )
    ok("add", "sold", "T2", "--buyer", "b")
    deadlines = json.loads(ok("show", "T2", "--json"))["deadlines"]
    assert [d["effect"] for d in deadlines if d["kind"] == "payment"] == ["mine"]


def test_every_overridable_rule_field_has_a_type_in_the_schema():
    from journal.config_schema import _rule_fields
    from journal.core.rules import _OVERRIDABLE

    assert set(_rule_fields()) == _OVERRIDABLE


# --- import files -----------------------------------------------------------------------------


@pytest.fixture
def exported(journal, ok, tmp_path):
    ok("add", "sold", "T2", "--buyer", "けん")
    path = tmp_path / "out.jsonl"
    ok("export", "-o", path)
    return path


def _forge(exported, tmp_path, change) -> str:
    lines = exported.read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines[1:]]
    change(items)
    body = rechain([lines[0], *(json.dumps(i, ensure_ascii=False) for i in items)])
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(body) + "\n", encoding="utf-8")
    return str(forged)


def _payload(key, value):
    def change(items):
        payload = json.loads(items[0]["payload"])
        payload[key] = value
        items[0]["payload"] = json.dumps(payload, ensure_ascii=False)

    return change


def _column(key, value):
    def change(items):
        items[0][key] = value

    return change


@pytest.mark.parametrize(
    "change, why",
    [
        (_payload("price", "abc"), "bad payload price"),
        (_payload("title", 5), "bad payload title"),
        (_payload("platform", "ebay"), "bad payload platform"),
        (_payload("ship_days", "1-99999999999"), "bad payload ship_days"),
        (_payload("until", "9999-12-31T23:59:00+14:00"), "bad payload until"),
        (_payload("colour", "red"), "bad payload (colour)"),
        (_column("payload", "[1, 2]"), "bad payload"),
        (_column("payload", '"text"'), "bad payload"),
        (_column("payload", "[" * 100_000), "bad payload"),
        (_column("occurred_at", "2026-11-20T10:00:00"), "bad timestamp"),
        (_column("occurred_at", "9999-12-31T23:59:00+14:00"), "bad timestamp"),
        (_column("type", "teleported"), "bad type"),
    ],
)
def test_a_rechained_import_with_payloads_no_version_wrote_is_refused(
    exported, tmp_path, run, change, why
):
    forged = _forge(exported, tmp_path, change)
    target = tmp_path / "new.sqlite"
    message = refused(run("import", forged, "--db", target), why)
    assert "line 2" in message
    assert not target.exists()


def test_an_accepted_import_can_be_shown(exported, tmp_path, run):
    target = tmp_path / "new.sqlite"
    assert run("import", exported, "--db", target).code == 0
    for trade in ("T1", "T2"):
        assert run("show", trade, "--db", target, "--json").code == 0


@pytest.mark.parametrize(
    "tail, why",
    [("[" * 100_000, "not an event line"), ("x" * (1 << 20), "a line longer than")],
)
def test_deep_or_long_import_lines_are_refused_through_the_real_command(
    exported, tmp_path, tail, why
):
    source = tmp_path / "hostile.jsonl"
    source.write_text(exported.read_text(encoding="utf-8") + tail + "\n", encoding="utf-8")
    target = tmp_path / "new.sqlite"
    done = journal_process("import", str(source), "--db", str(target))
    assert done.returncode == BAD, done.stderr
    assert why in done.stderr and done.stderr.count("\n") == 1
    assert not target.exists()


def test_a_deeply_nested_header_is_not_an_export(journal, tmp_path):
    source = tmp_path / "deep.jsonl"
    source.write_text("[" * 100_000 + "\n", encoding="utf-8")
    done = journal_process("import", str(source), "--db", str(tmp_path / "new.sqlite"))
    assert done.returncode == BAD, done.stderr
    assert "is not a trade-journal export" in done.stderr


# --- a committed step reports success ---------------------------------------------------------


def test_a_far_future_hold_stored_earlier_does_not_break_add_show_or_list(journal_env, ok):
    """A hold until 9999-12-31 (stored before dates were checked), then a zone east of Tokyo:
    the deadline cannot be shown in that zone, and is shown in UTC instead."""
    ok("add", "listed", "--platform", "mercari", "--title", "x", "--price", "100", "--at", "-1d")
    Journal(journal_env).add(
        "hold",
        "T1",
        datetime.now(UTC).replace(microsecond=0),
        {"buyer": "b", "until": datetime(9999, 12, 31, 14, 59, tzinfo=UTC)},
        now=datetime.now(UTC).replace(microsecond=0),
    )
    env = {"JOURNAL_TZ": "Pacific/Kiritimati"}
    added = journal_process("add", "note", "T1", "--note", "x", env=env)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("T1 #3")
    for args in (["show", "T1"], ["show", "T1", "--json"], ["list"], ["upcoming", "--json"]):
        done = journal_process(*args, env=env)
        assert done.returncode == 0, (args, done.stderr)
    assert "9999-12-31" in journal_process("show", "T1", env=env).stdout


def test_a_report_that_fails_after_the_commit_still_exits_0(journal, run, monkeypatch):
    from journal.text import recorded

    def broken(*_args, **_kwargs):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(recorded, "report", broken)  # journal/commands/everyday.py `record`
    before = len(rows(journal))
    result = run("add", "note", "T1", "--note", "x")
    assert result.code == 0, result
    assert result.out == f"T1 #{before + 1}\n" and result.err == ""
    assert len(rows(journal)) == before + 1
    result = run("add", "note", "T1", "--note", "y", "--json")
    assert result.code == 0 and json.loads(result.out) == {"id": "T1", "seq": before + 2}
