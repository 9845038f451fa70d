"""Text for people is rendered for the reader it is handed (a `Locale`), not for whoever the
process-wide reader happens to be: the web app renders a step with its own locale, the daemon
its notes with the settings it follows, `journal config` with the command's reader.

The process-wide reader (`messages.use`, `render`) is the edges' (cli.py, journal/commands/,
journal/web/) convenience; the text layer and the daemon take a `Locale`.
"""

import ast
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from journal.service import Journal
from journal.text import messages
from journal.text.config_view import config_lines
from journal.text.i18n import Locale
from journal.text.recorded import report

ROOT = Path(__file__).resolve().parent.parent
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)

# The click adapter (its help and refusals follow click's own process-wide language) and the
# config schema's refusal, said while the settings that name the language are being read.
EDGE_OF_CLICK = {
    "journal/text/helptext.py",
    "journal/text/step_names.py",
    "journal/config_schema.py",
}


@pytest.fixture
def process_reader():
    before = messages.reader()
    yield
    messages.use(before)


def _sold(tmp_path) -> object:
    journal = Journal(tmp_path / "journal.sqlite")
    try:
        journal.record("listed", None, NOW, {"platform": "mercari", "title": "ニット",
                                             "price": 2000}, now=NOW)  # fmt: skip
        return journal.record("sold", "T1", NOW, {"buyer": "はな"}, now=NOW)
    finally:
        journal.close()


@pytest.mark.parametrize(("process", "handed"), [("en", "ja"), ("ja", "en")])
def test_a_step_is_reported_in_the_language_handed_in(tmp_path, process_reader, process, handed):
    rec = _sold(tmp_path)
    messages.use(Locale(process, UTC))
    _data, lines = report(rec, Locale(handed, TOKYO), NOW)
    text = "\n".join(lines)
    if handed == "ja":  # and its zone: the deadline in Japan time
        assert "T1 #2 ニット: 購入された → 支払い期限 12/7(月) 23:59" in text, text
        assert "payment" not in text
    else:
        assert "T1 #2 ニット: sold → payment" in text, text
        assert "支払い" not in text


def test_config_table_in_the_language_handed_in(process_reader):
    data = {
        "journal": "/j.sqlite", "journal_exists": True, "config": "/c.toml",
        "config_exists": False, "lock": None, "service": "-", "log": "-", "timezone": "Asia/Tokyo",
        "language": "ja", "notifier": "console", "reminders": ["24h"],
        "overdue_reminder_at": None, "lateness": "24h",
        "reminders_by_kind": {"payment": ["3h"]},
    }  # fmt: skip
    messages.use(Locale("en", UTC))
    japanese = config_lines(data, Locale("ja", TOKYO))
    messages.use(Locale("ja", TOKYO))
    english = config_lines(data, Locale("en", UTC))
    assert "支払い" in japanese and "payment" not in japanese
    assert "payment" in english and "支払い" not in english


def _uses_process_reader(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "journal.text.messages":
            found += [a.name for a in node.names if a.name in ("render", "reader", "use")]
    return found


def test_the_text_layer_and_the_daemon_take_their_reader():
    paths = [*ROOT.glob("journal/text/*.py"), *ROOT.glob("scheduler/*.py")]
    found = {
        rel: names
        for path in paths
        if (rel := path.relative_to(ROOT).as_posix()) not in EDGE_OF_CLICK
        and rel != "journal/text/messages.py"
        and (names := _uses_process_reader(path))
    }
    assert found == {}, f"render with the Locale handed in (render_for): {found}"
    # the check can fail: an edge module does use the process-wide reader
    assert _uses_process_reader(ROOT / "cli.py") or _uses_process_reader(
        ROOT / "journal" / "commands" / "forget.py"
    )
