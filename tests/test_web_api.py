"""The JSON API through real HTTP against the real `journal serve`: each read equals the
command line's `--json` for the same journal; a refusal is 409/422 with the command line's
words, and writes nothing."""

import json

import pytest
from web_server import serving


@pytest.fixture
def story(ok):
    """A few trades in different states, an overdue deadline among them."""
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500",
       "--ship-days", "1-2", "--at", "-3d")  # fmt: skip
    ok("add", "sold", "T1", "--buyer", "さくら", "--paid", "--at", "-3d")
    ok("add", "listed", "--platform", "rakuma", "--title", "ワンピース", "--price", "1800",
       "--request-required", "--at", "-2d")  # fmt: skip
    ok("add", "request", "T2", "--buyer", "はな", "--at", "-1d")
    ok("add", "listed", "--platform", "yahoo-flea", "--title", "ボトムス", "--price", "3000")
    ok("add", "listed", "--platform", "mercari", "--title", "帽子", "--price", "900")
    ok("add", "delisted", "T4")


def _cli(ok, *args):
    return json.loads(ok(*args, "--json"))


QUERIES = [
    ("", ()),
    ("?all=1", ("--all",)),
    ("?platform=mercari", ("--platform", "mercari")),
    ("?platform=%E3%83%A1%E3%83%AB%E3%82%AB%E3%83%AA&all=1", ("--platform", "メルカリ", "--all")),
    ("?state=listed", ("--state", "listed")),
    ("?search=%E3%83%8B%E3%83%83%E3%83%88", ("--search", "ニット")),
]


def test_reads_equal_the_command_lines_json(story, ok):
    with serving() as server:
        for query, args in QUERIES:
            answer = server.api("GET", "/api/v1/trades" + query)
            assert answer.status == 200, answer.text
            assert answer.json() == _cli(ok, "list", *args), query
            assert answer.headers["content-type"] == "application/json"
        listed = _cli(ok, "list", "--all")
        assert {r["id"] for r in listed} == {"T1", "T2", "T3", "T4"}
        for trade in ("T1", "T2", "T3", "T4", "t2"):
            answer = server.api("GET", f"/api/v1/trades/{trade}")
            assert answer.status == 200
            assert answer.json() == _cli(ok, "show", trade)
        for query, args in (("", ()), ("?within=30d", ("--within", "30d"))):
            answer = server.api("GET", "/api/v1/upcoming" + query)
            assert answer.json() == _cli(ok, "upcoming", *args)
        assert any(r["overdue"] for r in answer.json())  # the story has an overdue one


def test_read_refusals_say_what_the_command_line_says(story, run):
    with serving() as server:
        missing = server.api("GET", "/api/v1/trades/T404")
        assert missing.status == 404
        assert missing.json()["error"] == "unknown_trade"
        assert missing.json()["message"] in run("show", "T404").err
        bad = server.api("GET", "/api/v1/upcoming?within=soon")
        assert bad.status == 422 and bad.json()["error"] == "bad_duration"
        assert bad.json()["message"] in run("upcoming", "--within", "soon").err
        state = server.api("GET", "/api/v1/trades?state=sideways")
        assert state.status == 422 and state.json()["error"] == "web_bad_choice"


def test_the_api_needs_the_bearer_token(story):
    with serving() as server:
        for token in (None, "wrong-token-wrong-token", "x"):
            answer = server.api("GET", "/api/v1/trades", token=token)
            assert answer.status == 401
            assert answer.json()["error"] == "web_unauthorized"
            assert answer.headers["www-authenticate"].startswith("Bearer")
        basic = server.request("GET", "/api/v1/trades", headers={"Authorization": "Basic eA=="})
        assert basic.status == 401
