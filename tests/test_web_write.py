"""Recording through the API and the forms, through real HTTP against `journal serve`: the
answer is `journal add --json`'s object for the same step on the same journal; a refusal is
409 (not allowed now) or 422 (bad input) with the command line's words and writes nothing;
a form sent twice records once; a form older than its trade is refused."""

import json

import pytest
from support import given
from web_server import csrf_of, form_values, serving

AT = "2026-12-01T10:00"
STORY = [  # (step, trade, fields, the same as options)
    ("listed", None, {"platform": "mercari", "title": "ニット", "price": 2500, "ship_days": "1-2"},
     ["--platform", "mercari", "--title", "ニット", "--price", "2500", "--ship-days", "1-2"]),
    ("sold", "T1", {"buyer": "さくら", "paid": True}, ["--buyer", "さくら", "--paid"]),
    ("shipped", "T1", {"carrier": "ネコポス", "shipping": "210"},
     ["--carrier", "ネコポス", "--shipping", "210"]),
    ("received", "T1", {}, []),
    ("rated", "T1", {}, []),
]  # fmt: skip


def _events(ok) -> int:
    return len(json.loads(ok("log", "--json")))


def test_each_recorded_step_answers_what_journal_add_json_says(ok, tmp_path):
    other = str(tmp_path / "cli.sqlite")  # the same story through the command line
    with serving() as server:
        for step, trade, fields, options in STORY:
            path = "/api/v1/trades" if trade is None else f"/api/v1/trades/{trade}/steps"
            answer = server.api("POST", path, {"step": step, "fields": fields, "at": AT})
            assert answer.status == 201, answer.text
            ids = [] if trade is None else [trade]
            cli = json.loads(ok("add", step, *ids, *options, "--at", AT, "--db", other, "--json"))
            assert answer.json() == cli, step
        shown = json.loads(ok("show", "T1", "--json"))
        assert shown["state"] == "completed"
        assert [e["type"] for e in shown["events"]] == ["listed", "sold", "paid", "shipped",
                                                        "received", "rated"]  # fmt: skip


def test_refusals_are_409_or_422_and_write_nothing(ok, run):
    given.knit(ok)
    before = _events(ok)
    with serving() as server:
        cases = [
            ("/api/v1/trades/T1/steps", {"step": "shipped"}, 409, "shipped", "T1"),
            ("/api/v1/trades/T1/steps", {"step": "offer", "fields": {"price": "-5"}}, 422, 0, 0),
            ("/api/v1/trades", {"step": "listed", "fields": {"platform": "mercari"}}, 422, 0, 0),
            ("/api/v1/trades/T9/steps", {"step": "paid"}, 404, None, None),
            ("/api/v1/trades/T1/steps", {"step": "listed"}, 422, None, None),
            ("/api/v1/trades/T1/steps", {"step": "voided"}, 422, None, None),
            ("/api/v1/trades/T1/steps", ["not", "an", "object"], 422, None, None),
            ("/api/v1/trades/T1/steps", {"step": "sold", "at": "someday"}, 422, None, None),
        ]  # fmt: skip
        for path, body, status, cli_step, cli_trade in cases:
            answer = server.api("POST", path, body)
            assert answer.status == status, (body, answer.text)
            assert set(answer.json()) == {"error", "message"} and answer.json()["message"]
            if cli_step:
                said = run("add", cli_step, cli_trade).err
                assert answer.json()["message"] in " ".join(said.split())
        broken = server.request("POST", "/api/v1/trades", b"{", {"Authorization": "Bearer x"})
        assert broken.status == 401
    assert _events(ok) == before


def test_a_form_sent_twice_records_once_and_a_stale_form_is_refused(ok):
    given.knit_sold(ok, "--paid")
    with serving() as server:
        cookie = server.login()
        page = server.page("/trades/T1", cookie).text
        shipped = form_values(page, "shipped")
        assert shipped["csrf"] == csrf_of(page) and shipped["event_id"]
        before = _events(ok)
        first = server.post_form("/trades/T1/steps", shipped, cookie)
        again = server.post_form("/trades/T1/steps", shipped, cookie)
        assert first.status == again.status == 200
        assert _events(ok) == before + 1
        assert first.text.count("T1 #") == again.text.count("T1 #") == 1

        # a form rendered before another step landed is refused, not applied
        page = server.page("/trades/T1", cookie).text
        received = form_values(page, "received")
        note = {"step": "note", "fields": {"note": "梱包写真あり"}}
        assert server.api("POST", "/api/v1/trades/T1/steps", note).status == 201
        before = _events(ok)
        stale = server.post_form("/trades/T1/steps", received, cookie)
        assert stale.status == 409
        assert "T1" in stale.text and "読み込み直して" not in stale.text  # English reader
        assert "reload" in stale.text
        assert _events(ok) == before


@pytest.mark.parametrize("lang", ["ja"])
def test_a_refused_form_speaks_the_readers_language(ok, monkeypatch, lang):
    monkeypatch.setenv("JOURNAL_LANG", lang)
    given.knit(ok)
    with serving() as server:
        cookie = server.login()
        page = server.page("/trades/T1", cookie).text
        sold = form_values(page, "sold")
        ok("add", "delisted", "T1")
        stale = server.post_form("/trades/T1/steps", sold, cookie)
        assert stale.status == 409 and "読み込み直して" in stale.text
