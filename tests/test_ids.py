"""A command's id is made without the `uuid` module (journal/ids.py) but has uuid4's form."""

import sqlite3
import uuid

from journal.ids import new_command_id


def test_a_new_command_id_is_a_uuid4_in_hex():
    made = {new_command_id() for _ in range(2000)}
    assert len(made) == 2000
    for value in made:
        parsed = uuid.UUID(hex=value)
        assert parsed.hex == value
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_the_events_a_step_stores_are_named_by_its_command_id(journal_env, ok):
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
    ok("add", "note", "T1", "--note", "毛玉あり")
    ok("void", "2", "--reason", "typo")
    with sqlite3.connect(journal_env) as conn:
        ids = [row[0] for row in conn.execute("SELECT event_id FROM events ORDER BY seq")]
    assert len(ids) == 3 and len({event_id[:-2] for event_id in ids}) == 3
    for event_id in ids:
        command, index = event_id.split(":")
        assert uuid.UUID(hex=command).version == 4 and index == "0"
