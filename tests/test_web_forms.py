"""The forms through real HTTP against `journal serve`: a purchase from the new-trade form,
a one-tap step backdated by its time field, undo after its question (twice sent, one void),
and the calendar feed, which is `journal calendar`'s file behind a secret of its own."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from support import given
from web_server import csrf_of, form_values, serving

TOKYO = ZoneInfo("Asia/Tokyo")  # the tests' reader (conftest: JOURNAL_TZ)


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))


def _lines(text: str) -> list[str]:
    """The calendar's lines but its stamps (the moment it was written)."""
    lines = text.replace("\r\n", "\n").strip().splitlines()
    return [x for x in lines if not x.startswith(("DTSTAMP", "LAST-MODIFIED"))]


def test_a_purchase_from_the_new_trade_form(ok):
    with serving() as server:
        cookie = server.login()
        page = server.page("/trades/new?step=bought", cookie).text
        assert 'name="unpaid"' in page and 'name="request_required"' not in page
        form = _hidden(page.split('action="/trades/new"')[1])
        form |= {"platform": "rakuma", "title": "ワンピース", "price": "1800", "unpaid": "on"}
        done = server.post_form("/trades/new", form, cookie)
        assert done.status == 200 and "T1" in done.text
        again = server.post_form("/trades/new", form, cookie)  # a double tap
        assert again.status == 200
    trades = json.loads(ok("list", "--json"))
    assert [(t["id"], t["state"]) for t in trades] == [("T1", "awaiting_payment")]
    assert json.loads(ok("show", "T1", "--json"))["role"] == "buyer"


def test_a_one_tap_step_is_backdated_by_its_time_field(ok):
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500",
       "--ship-days", "1-2", "--at", "-5d")  # fmt: skip
    ok("add", "sold", "T1", "--buyer", "さくら", "--paid", "--at", "-5d")
    with serving() as server:
        cookie = server.login()
        today = server.page("/", cookie).text
        assert 'value="shipped"' in today
        when = (datetime.now(TOKYO) - timedelta(days=2)).replace(hour=18, minute=30)
        at = when.strftime("%Y-%m-%dT%H:%M")  # as a phone's datetime-local input sends it
        form = form_values(today, "shipped") | {"step": "shipped", "at": at}
        done = server.post_form("/trades/T1/steps", form, cookie)
        assert done.status == 200 and 'href="/"' in done.text
    shipped = json.loads(ok("show", "T1", "--json"))["events"][-1]
    assert shipped["type"] == "shipped"
    assert shipped["occurred_at"] == f"{at}:00+09:00"


def test_undo_asks_first_and_voids_once(ok):
    given.knit_sold(ok)
    with serving() as server:
        cookie = server.login()
        assert 'href="/trades/T1/undo"' in server.page("/trades/T1", cookie).text
        question = server.page("/trades/T1/undo", cookie)
        assert question.status == 200 and "#2" in question.text
        form = _hidden(question.text.split('action="/trades/T1/undo"')[1])
        assert form["seq"] == "2" and form["csrf"] == csrf_of(question.text)
        done = server.post_form("/trades/T1/undo", form, cookie)
        assert done.status == 303 and done.headers["location"] == "/trades/T1"
        again = server.post_form("/trades/T1/undo", form, cookie)
        assert again.status == 409  # the same question again: not a second undo
    shown = json.loads(ok("show", "T1", "--json"))
    assert shown["state"] == "listed"
    assert [e["type"] for e in shown["events"]] == ["listed", "sold", "voided"]


def test_the_calendar_feed_is_journal_calendar_behind_its_own_secret(ok, tmp_path):
    given.knit_sold(ok, "--paid")
    with serving() as server:
        feed = server.request("GET", server.calendar_path)
        assert feed.headers["content-type"].startswith("text/calendar")
        assert "BEGIN:VEVENT" in feed.text
        assert _lines(feed.text) == _lines(ok("calendar"))
        old = server.calendar_path
    secret_file = tmp_path / "calendar-secret"
    assert secret_file.read_text().strip() in old
    with serving(None, "--rotate-calendar") as server:
        assert server.calendar_path != old
        assert server.request("GET", old).status == 404
        assert server.request("GET", server.calendar_path).status == 200
