"""`journal verify`: an intact journal passes; any change made behind its back is named."""

import json

import pytest
from integrity_support import raw_sql, rows

EXIT_DAMAGED = 4


@pytest.fixture
def filled(journal_env, ok):
    """A journal with three trades and a dozen events, made through the real command."""
    ok(
        "add",
        "listed",
        "--platform",
        "rakuma",
        "--title",
        "ボトムス",
        "--price",
        "3000",
        "--request-required",
        "--at",
        "-3d",
    )
    ok("add", "request", "T1", "--buyer", "さくら", "--at", "-2d")
    ok("add", "approved", "T1", "--at", "-2d")
    ok(
        "add",
        "listed",
        "--platform",
        "mercari",
        "--title",
        "ニット",
        "--price",
        "2500",
        "--at",
        "-3d",
    )
    ok("add", "sold", "T2", "--buyer", "けん", "--at", "-1d")
    ok("add", "paid", "T2", "--at", "-20h")
    ok("add", "note", "T1", "--note", "まだ支払わないで 🙏")
    ok("add", "listed", "--platform", "yahoo-flea", "--title", "ワンピース", "--price", "2400")
    ok("add", "hold", "T3", "--buyer", "ゆき", "--until", "+4d")
    return journal_env


def test_an_intact_journal_verifies(filled, run):
    result = run("verify", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["ok"] is True
    assert data["events"] == 9
    assert data["head"] == rows(filled)[-1][-1]


def test_an_empty_journal_verifies(journal_env, run):
    assert run("list").code == 0  # creates it
    assert run("verify").code == 0


def test_an_edited_payload_is_named_by_its_sequence_number(filled, run):
    # A tamperer drops the append-only triggers and lowers a price.
    raw_sql(filled, "UPDATE events SET payload = replace(payload, '2500', '250') WHERE seq = 4")
    result = run("verify")
    assert result.code == EXIT_DAMAGED
    assert result.err.count("\n") == 1
    assert "#4" in result.err and "changed after it was written" in result.err


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(filled, run):
    from journal.storage.store import event_hash

    row = rows(filled)[4]  # seq 5
    assert '"buyer":{"sealed":' in row[6]  # the name is sealed: the forger swaps the whole field
    content = (*row[:6], '{"buyer":"だれか"}', *row[7:9])
    raw_sql(
        filled,
        (
            "UPDATE events SET payload = ?, hash = ? WHERE seq = 5",
            (content[6], event_hash(row[9], content)),
        ),
    )
    result = run("verify", "--json")
    assert result.code == EXIT_DAMAGED
    assert result.json()["damage"] == {"seq": 6, "problem": "broken_link", "detail": ""}


def test_a_removed_event_is_found(filled, run):
    raw_sql(filled, "DELETE FROM events WHERE seq = 3")
    result = run("verify", "--json")
    assert result.code == EXIT_DAMAGED
    assert result.json()["damage"]["seq"] == 3
    assert result.json()["damage"]["problem"] == "missing"


def test_events_cut_from_the_end_are_found_by_the_read_models(filled, run):
    raw_sql(filled, "DELETE FROM events WHERE seq >= 8")
    result = run("verify", "--json")
    assert result.code == EXIT_DAMAGED
    assert result.json()["damage"]["problem"] == "checkpoint"
    assert "lost events at its end" in result.err


def test_a_changed_time_is_found(filled, run):
    raw_sql(filled, "UPDATE events SET occurred_at = '2026-01-01T00:00:00Z' WHERE seq = 2")
    result = run("verify", "--json")
    assert result.json()["damage"]["seq"] == 2
    assert result.json()["damage"]["problem"] == "altered"


def test_a_version_gap_is_found_even_with_a_valid_chain(tmp_path, journal_env, run):
    """A file whose hashes are all consistent but whose trade versions skip is still refused."""
    from journal.storage.store import GENESIS_HASH, event_hash

    run("list")  # creates the journal
    first = (
        1,
        "a:0",
        "T1",
        1,
        "listed",
        1,
        json.dumps({"platform": "mercari", "price": 100, "title": "x"}),
        "2026-11-20T00:00:00Z",
        "2026-11-20T00:00:00Z",
    )
    second = (
        2,
        "b:0",
        "T1",
        3,
        "note",
        1,
        '{"note":"n"}',
        "2026-11-20T00:00:00Z",
        "2026-11-20T00:00:00Z",
    )
    h1 = event_hash(GENESIS_HASH, first)
    h2 = event_hash(h1, second)
    raw_sql(
        journal_env,
        ("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)", (*first, GENESIS_HASH, h1)),
        ("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)", (*second, h1, h2)),
    )
    result = run("verify", "--json")
    assert result.code == EXIT_DAMAGED
    assert result.json()["damage"]["seq"] == 2
    assert result.json()["damage"]["problem"] == "version_gap"


def test_edited_read_models_are_found_and_rebuild_repairs_them(filled, run, ok):
    raw_sql(filled, "UPDATE deadlines SET due = '2030-01-01T00:00:00Z' WHERE trade = 'T1'")
    result = run("verify")
    assert result.code == EXIT_DAMAGED
    assert "run `journal rebuild`" in result.err
    ok("rebuild")
    assert run("verify").code == 0


def test_lagging_read_models_are_caught_up_not_reported(filled, run):
    """A crash between commit and projection is normal repair work, not damage."""
    raw_sql(
        filled,
        "UPDATE projection_state SET value = 2 WHERE key = 'checkpoint'",
        "DELETE FROM trades WHERE id = 'T3'",
        "DELETE FROM deadlines",
    )
    assert run("verify").code == 0


def test_verify_writes_nothing_to_a_damaged_log(filled, run):
    from integrity_support import fingerprint, settle

    raw_sql(filled, "UPDATE events SET payload = '{}' WHERE seq = 7")
    settle(filled)
    before = fingerprint(filled)
    assert run("verify").code == EXIT_DAMAGED
    assert fingerprint(filled) == before


def test_log_only_skips_the_read_models(filled, run):
    raw_sql(filled, "UPDATE trades SET title = 'changed'")
    assert run("verify", "--log-only").code == 0
    assert run("verify").code == EXIT_DAMAGED
    raw_sql(filled, "UPDATE events SET type = 'paid' WHERE seq = 9")
    result = run("verify", "--log-only", "--json")
    assert result.code == EXIT_DAMAGED
    assert result.json()["damage"]["seq"] == 9


@pytest.mark.parametrize(
    "statement, where",
    [
        (
            "INSERT INTO trades VALUES"
            " ('T9','rakuma','seller','x',1,'listed',1,1,1,'2026-01-01T00:00:00Z',NULL)",
            "T9",
        ),
        ("UPDATE trades SET traded_at = '2000-01-01T00:00:00Z' WHERE id = 'T2'", "T2"),
        ("UPDATE trades SET party = 'someone' WHERE id = 'T1'", "T1"),
        ("DELETE FROM trades WHERE id = 'T2'", "T2"),
        ("DELETE FROM deadlines WHERE trade = 'T3'", "T3"),
        ("INSERT INTO deadlines VALUES ('T2','extra','2030-01-01T00:00:00Z','x',NULL)", "T2"),
        ("UPDATE trades SET state = 'completed' WHERE id = 'T1'", "T1"),
    ],
)
def test_any_read_model_difference_names_its_trade(filled, run, statement, where):
    raw_sql(filled, statement)
    result = run("verify", "--json")
    assert result.code == EXIT_DAMAGED
    damage = result.json()["damage"]
    assert damage["problem"] == "read_models" and where in damage["detail"]


def test_a_kept_head_shows_a_rewritten_history(filled, run, ok):
    """A forger who rewrites an event and recomputes every hash after it gets a chain that
    verifies on its own, but no longer contains the head the owner noted."""
    from journal.storage.store import event_hash

    kept = run("verify", "--json").json()["head"]
    ok("add", "note", "T2", "--note", "later")
    assert run("verify", "--head", kept).code == 0  # history only grew

    stored = rows(filled)
    head, statements = stored[1][9], []
    for row in stored[1:]:
        content = row[:9] if row[0] != 2 else (*row[:6], '{"buyer":"だれか"}', *row[7:9])
        digest = event_hash(head, content)
        statements.append(
            (
                "UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (content[6], head, digest, row[0]),
            )
        )
        head = digest
    raw_sql(filled, *statements)
    assert run("verify", "--log-only").code == 0  # consistent on its own
    result = run("verify", "--head", kept, "--json")
    assert result.code == EXIT_DAMAGED
    assert result.json()["damage"]["problem"] == "kept_head"
    assert "does not contain the head" in result.err
