"""statement index: donations by ledger entry and bank rows by donation, indexed

Indexing a chunk of entries looks up their bank references through donations.ledger_seq and
bank_transactions.donation_id; without these indexes every chunk read both tables whole.

Revision ID: 0101_statement_bank_lookup
Revises: 0100_trace_attribution
"""

from alembic import op

revision = "0101_statement_bank_lookup"
down_revision = "0100_trace_attribution"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_donations_ledger_seq", "donations", ["ledger_seq"])
    op.create_index("ix_bank_transactions_donation_id", "bank_transactions", ["donation_id"])


def downgrade():
    op.drop_index("ix_bank_transactions_donation_id", table_name="bank_transactions")
    op.drop_index("ix_donations_ledger_seq", table_name="donations")
