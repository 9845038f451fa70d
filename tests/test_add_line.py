"""`journal add` says in one line what was recorded and the deadline it leads to."""

from freezegun import freeze_time

NOW = "2026-11-22T03:00:00+00:00"  # 12:00 in Tokyo


def test_one_line_in_japanese(run, ok, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_LANG", "ja")
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "rakuma", "--title", "ワンピース", "--price", "3000",
           "--request-required")  # fmt: skip
        line = ok("add", "request", "T1", "--buyer", "さくら")
    assert line == "T1 #2 ワンピース: 購入申請 → 購入申請期限 11/24(火) 08:30（あと1日20時間）"


def test_one_line_in_english_and_the_json_form(run, ok) -> None:
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "knit", "--price", "3000")
        line = ok("add", "sold", "T1", "--buyer", "b")
        data = run("add", "paid", "T1", "--json").json()
    assert line.splitlines() == [
        "T1 #2 knit: sold → payment due Tue 11/24 23:59 (in 2 d 11 h)",
        "→ journal message T1 thanks",  # the message a sale calls for
    ]
    assert data["next_deadline"] == {
        "kind": "ship",
        "due": "2026-11-24T12:00:00+09:00",
        "overdue": False,
    }
    assert data["notices"] == [] and data["state"] == "awaiting_shipment"


def test_a_backdated_step_whose_deadline_passed_says_so(run, ok) -> None:
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "mercari", "--title", "knit", "--price", "3000",
           "--at", "-5d")  # fmt: skip
        ok("add", "sold", "T1", "--buyer", "b", "--at", "-4d")
        line = ok("add", "paid", "T1", "--at", "-4d")
        first = line.splitlines()[0]  # then the message a payment calls for
        assert first.endswith("passed, unless it was done") and "ship was due" in first
        assert run("add", "note", "T1", "--note", "x", "--json").json()["next_deadline"]["overdue"]


def test_the_personal_information_notice_is_in_the_json_too(run, ok) -> None:
    with freeze_time(NOW):
        ok("add", "listed", "--platform", "rakuma", "--title", "knit", "--price", "3000")
        for step in (["sold", "T1", "--buyer", "b"], ["paid", "T1"], ["shipped", "T1"]):
            ok("add", *step)
        ok("add", "received", "T1")
        data = run("add", "rated", "T1", "--json").json()
        text = ok("add", "message", "T1", "--note", "ありがとうございました")
    assert [n["code"] for n in data["notices"]] == ["personal_info"]
    assert data["notices"][0]["message"]
    assert text.startswith("T1 #")
