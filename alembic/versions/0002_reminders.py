"""Sent reminders: operational records of what the daemon delivered (not a read model).

They cannot be derived from the log (they record what a person was told, and when), so
`journal rebuild` leaves them alone. The key is a reminder's identity: the deadline
(trade, kind, due) and the warning offset, so a moved due time is a new reminder.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE reminders_sent (
            trade     TEXT    NOT NULL,
            kind      TEXT    NOT NULL,
            due       TEXT    NOT NULL,
            offset_s  INTEGER NOT NULL,
            sent_at   TEXT    NOT NULL,
            how       TEXT    NOT NULL
                      CHECK (how IN ('on_time', 'late', 'summary', 'superseded')),
            notifier  TEXT    NOT NULL,
            PRIMARY KEY (trade, kind, due, offset_s)
        )
        """
    )
    op.execute("CREATE INDEX reminders_sent_due ON reminders_sent (due)")


def downgrade() -> None:
    op.execute("DROP TABLE reminders_sent")
