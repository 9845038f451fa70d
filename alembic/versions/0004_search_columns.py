"""The searches a tax office may ask for (取引年月日, 取引金額, 取引先; ranges, combined):
each trade's date and other party in the trades read model, and indexes on the trade's date
and on the log's event times, so `journal search` reads a range, not the whole journal.

The new columns are filled by the rebuild the read models' new version brings
(`PROJECTION_VERSION` 2): existing journals are rebuilt by their next command.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE trades ADD COLUMN traded_at TEXT")
    op.execute("ALTER TABLE trades ADD COLUMN party TEXT")
    op.execute("CREATE INDEX trades_traded_at ON trades (traded_at)")
    op.execute("CREATE INDEX events_time ON events (occurred_at)")


def downgrade() -> None:
    op.execute("DROP INDEX events_time")
    op.execute("DROP INDEX trades_traded_at")
    op.execute("ALTER TABLE trades DROP COLUMN party")
    op.execute("ALTER TABLE trades DROP COLUMN traded_at")
