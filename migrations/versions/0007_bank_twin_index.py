"""bank transactions: look up twins by (dedupe_key, provider)

A statement import asks only for unclaimed rows of the other channel; with the provider in the
index that is a seek, instead of a scan over every earlier row with the same day and amount.

Revision ID: 0007_bank_twin_index
Revises: 0006_mail_outbox
"""

from alembic import op

revision = "0007_bank_twin_index"
down_revision = "0006_mail_outbox"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bank_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_transactions_twin")
        batch_op.create_index("ix_bank_transactions_twin", ["dedupe_key", "provider"], unique=False)


def downgrade():
    with op.batch_alter_table("bank_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_transactions_twin")
        batch_op.create_index("ix_bank_transactions_twin", ["dedupe_key"], unique=False)
