"""notes and audit summaries stored as messages, shown in the reader's language

`bank_transactions.note`, `card_reversals.note` and `audit_log.summary` keep the Vietnamese text; the new JSON
columns keep the message (msgid and parameters) that a page translates when it shows it.
Older rows have none and show their text as before.

Revision ID: 0008_stored_messages
Revises: 0007_bank_twin_index
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes  # noqa: F401

revision = "0008_stored_messages"
down_revision = "0007_bank_twin_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bank_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_msg", sa.JSON(), nullable=True))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary_msg", sa.JSON(), nullable=True))
    with op.batch_alter_table("card_reversals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_msg", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("card_reversals", schema=None) as batch_op:
        batch_op.drop_column("note_msg")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("summary_msg")
    with op.batch_alter_table("bank_transactions", schema=None) as batch_op:
        batch_op.drop_column("note_msg")
