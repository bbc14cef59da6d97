"""treasury, part B: card fees, corrections, overpayments, in-kind stock, hand-over keys

Card gifts keep Stripe's fee and its ledger entry; a donation, a receipt and a bank transaction
remember a correction that took the gift back; pledges what was refunded; `corrections` and
`overpayments` hold the treasurer's decisions; `stock_movements`, `stock_purchases` and
`stock_takes` the goods of each unit; an allocation line how often its hand-over was reversed.

Revision ID: 0012_treasury_b
Revises: 0011_campaign_spending
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0012_treasury_b"
down_revision = "0011_campaign_spending"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stock_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('asset', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('ref', sa.String(length=80), nullable=False),
    sa.Column('ledger_seq', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_stock_movements_quantity_not_zero')),
    sa.ForeignKeyConstraint(['asset'], ['assets.code'], name=op.f('fk_stock_movements_asset_assets')),
    sa.ForeignKeyConstraint(['ledger_seq'], ['ledger_entries.seq'], name=op.f('fk_stock_movements_ledger_seq_ledger_entries')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_stock_movements_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements')),
    sa.UniqueConstraint('key', name=op.f('uq_stock_movements_key'))
    )
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.create_index('ix_stock_movements_unit_asset', ['unit_id', 'asset'], unique=False)

    op.create_table('overpayments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledge_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('bank_reference', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('thanked', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_overpayments_amount_positive')),
    sa.ForeignKeyConstraint(['pledge_id'], ['pledges.id'], name=op.f('fk_overpayments_pledge_id_pledges')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_overpayments_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_overpayments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overpayments')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_overpayments_proposal_id'))
    )
    with op.batch_alter_table('overpayments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overpayments_pledge_id'), ['pledge_id'], unique=False)

    op.create_table('stock_purchases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('asset', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('invoice_number', sa.String(length=60), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_stock_purchases_amount_positive')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_purchases_quantity_positive')),
    sa.ForeignKeyConstraint(['asset'], ['assets.code'], name=op.f('fk_stock_purchases_asset_assets')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_stock_purchases_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_stock_purchases_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_stock_purchases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_purchases')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_stock_purchases_proposal_id'))
    )
    with op.batch_alter_table('stock_purchases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_purchases_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_purchases_unit_id'), ['unit_id'], unique=False)

    op.create_table('stock_takes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('asset', sa.String(length=20), nullable=False),
    sa.Column('counted_on', sa.Date(), nullable=False),
    sa.Column('counted', sa.BigInteger(), nullable=False),
    sa.Column('book', sa.BigInteger(), nullable=False),
    sa.Column('difference', sa.BigInteger(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('counted >= 0', name=op.f('ck_stock_takes_counted_not_negative')),
    sa.ForeignKeyConstraint(['asset'], ['assets.code'], name=op.f('fk_stock_takes_asset_assets')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_stock_takes_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_stock_takes_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_stock_takes_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_stock_takes_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_takes')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_stock_takes_proposal_id'))
    )
    with op.batch_alter_table('stock_takes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_takes_unit_id'), ['unit_id'], unique=False)

    op.create_table('corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('entry_seq', sa.Integer(), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=True),
    sa.Column('bank_tx_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reversal_seq', sa.Integer(), nullable=True),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bank_tx_id'], ['bank_transactions.id'], name=op.f('fk_corrections_bank_tx_id_bank_transactions')),
    sa.ForeignKeyConstraint(['donation_id'], ['donations.id'], name=op.f('fk_corrections_donation_id_donations')),
    sa.ForeignKeyConstraint(['entry_seq'], ['ledger_entries.seq'], name=op.f('fk_corrections_entry_seq_ledger_entries')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_corrections_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['reversal_seq'], ['ledger_entries.seq'], name=op.f('fk_corrections_reversal_seq_ledger_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrections')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_corrections_proposal_id'))
    )
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrections_bank_tx_id'), ['bank_tx_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrections_entry_seq'), ['entry_seq'], unique=False)

    with op.batch_alter_table('allocation_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handover_attempt', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reassigned', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('card_gifts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_status', sa.String(length=10), nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('fee', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('fee_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fee_returned', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('fee_note', sa.String(length=300), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_card_gifts_fee_status'), ['fee_status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_card_gifts_fee_seq_ledger_entries'), 'ledger_entries', ['fee_seq'], ['seq'])

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reversal_seq', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_donations_reversal_seq_ledger_entries'), 'ledger_entries', ['reversal_seq'], ['seq'])

    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded', sa.BigInteger(), nullable=False, server_default='0'))

    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', app.dbtypes.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=300), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_at')

    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_column('refunded')

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_donations_reversal_seq_ledger_entries'), type_='foreignkey')
        batch_op.drop_column('reversal_seq')

    with op.batch_alter_table('card_gifts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_card_gifts_fee_seq_ledger_entries'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_card_gifts_fee_status'))
        batch_op.drop_column('fee_note')
        batch_op.drop_column('fee_returned')
        batch_op.drop_column('fee_seq')
        batch_op.drop_column('fee')
        batch_op.drop_column('fee_status')

    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.drop_column('reassigned')

    with op.batch_alter_table('allocation_lines', schema=None) as batch_op:
        batch_op.drop_column('handover_attempt')

    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrections_entry_seq'))
        batch_op.drop_index(batch_op.f('ix_corrections_bank_tx_id'))

    op.drop_table('corrections')
    with op.batch_alter_table('stock_takes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_takes_unit_id'))

    op.drop_table('stock_takes')
    with op.batch_alter_table('stock_purchases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_purchases_unit_id'))
        batch_op.drop_index(batch_op.f('ix_stock_purchases_campaign_id'))

    op.drop_table('stock_purchases')
    with op.batch_alter_table('overpayments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_overpayments_pledge_id'))

    op.drop_table('overpayments')
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_movements_unit_asset')

    op.drop_table('stock_movements')
