"""The append-only event log, its guards, and the read models derived from it.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE events (
            seq            INTEGER PRIMARY KEY,
            event_id       TEXT    NOT NULL UNIQUE,
            stream         TEXT    NOT NULL,
            version        INTEGER NOT NULL CHECK (version >= 1),
            type           TEXT    NOT NULL,
            schema_version INTEGER NOT NULL,
            payload        TEXT    NOT NULL,
            occurred_at    TEXT    NOT NULL,
            recorded_at    TEXT    NOT NULL,
            prev_hash      TEXT    NOT NULL,
            hash           TEXT    NOT NULL,
            UNIQUE (stream, version)
        )
        """
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_guards()
    else:
        _sqlite_guards()
    # Read models: derived from the log, rebuilt from zero by `journal rebuild`.
    op.execute(
        """
        CREATE TABLE trades (
            id          TEXT PRIMARY KEY,
            platform    TEXT    NOT NULL,
            role        TEXT    NOT NULL,
            title       TEXT    NOT NULL,
            price       INTEGER NOT NULL,
            state       TEXT    NOT NULL,
            active      INTEGER NOT NULL,
            created_seq INTEGER NOT NULL,
            last_seq    INTEGER NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX trades_active ON trades (created_seq) WHERE active = 1")
    op.execute("CREATE INDEX trades_created ON trades (created_seq)")
    op.execute(
        """
        CREATE TABLE deadlines (
            trade  TEXT NOT NULL,
            kind   TEXT NOT NULL,
            due    TEXT NOT NULL,
            effect TEXT NOT NULL,
            met_at TEXT,
            PRIMARY KEY (trade, kind)
        )
        """
    )
    op.execute("CREATE INDEX deadlines_open_due ON deadlines (due) WHERE met_at IS NULL")
    op.execute("CREATE INDEX deadlines_kind_due ON deadlines (kind, due) WHERE met_at IS NULL")
    op.execute("CREATE TABLE projection_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    op.execute("INSERT INTO projection_state (key, value) VALUES ('checkpoint', 0)")
    op.execute("INSERT INTO projection_state (key, value) VALUES ('next_trade', 1)")


def _sqlite_guards() -> None:
    op.execute(
        """
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END
        """
    )
    op.execute(
        """
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END
        """
    )


def _postgres_guards() -> None:
    """The same refusals on PostgreSQL, TRUNCATE included (it bypasses row triggers)."""
    op.execute(
        """
        CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING MESSAGE = 'events are append-only: ' || TG_OP || ' refused';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
        " FOR EACH ROW EXECUTE FUNCTION events_append_only()"
    )
    op.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
        " FOR EACH ROW EXECUTE FUNCTION events_append_only()"
    )
    op.execute(
        "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events"
        " FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()"
    )


def downgrade() -> None:
    for name in ("projection_state", "deadlines", "trades"):
        op.execute(f"DROP TABLE {name}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE events")
        op.execute("DROP FUNCTION events_append_only()")
        return
    op.execute("DROP TRIGGER events_no_delete")
    op.execute("DROP TRIGGER events_no_update")
    op.execute("DROP TABLE events")
