"""Events found by type and time: the completions of a period (Rakuma's fee tiers) and the
listings of an item (the double-listing alarm) are read without scanning the whole log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX events_type_time ON events (type, occurred_at)")


def downgrade() -> None:
    op.execute("DROP INDEX events_type_time")
