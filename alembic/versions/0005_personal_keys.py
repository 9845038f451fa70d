"""Personal-data keys: one per trade with a personal field, kept outside the log.

The log stores a trade's personal fields sealed with its key (journal/storage/personal.py);
forgetting the trade's personal data sets `key` to NULL (and `forgotten_at`), so the log
and its hash chain stay as they are while those fields can no longer be read. Not a read
model: a key cannot be derived from the log, so `journal rebuild` leaves this table alone.
Journals from before this revision keep their personal fields in plain text (see README,
"Personal data"); only what is recorded from now on is sealed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personal_keys",
        sa.Column("trade", sa.Text, primary_key=True),
        sa.Column("key", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("forgotten_at", sa.Text, nullable=True),
        sa.CheckConstraint(
            "key IS NOT NULL OR forgotten_at IS NOT NULL", name="personal_keys_kept_or_forgotten"
        ),
    )


def downgrade() -> None:
    op.drop_table("personal_keys")
