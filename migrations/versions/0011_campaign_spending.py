"""campaign spending: purchases and works against an invoice, reallocations between campaigns

Revision ID: 0011_campaign_spending
Revises: 0010_job_runs
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0011_campaign_spending"
down_revision = "0010_job_runs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign_expenses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('purchase', 'works', name='expensekind', native_enum=False, length=12), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('tax_code', sa.String(length=20), nullable=False),
    sa.Column('invoice_number', sa.String(length=40), nullable=False),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('invoice_path', sa.String(length=200), nullable=False),
    sa.Column('public_copy_path', sa.String(length=200), nullable=True),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_campaign_expenses_amount_positive')),
    sa.ForeignKeyConstraint(['budget_line_id'], ['campaign_budget_lines.id'], name=op.f('fk_campaign_expenses_budget_line_id_campaign_budget_lines')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_expenses_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_campaign_expenses_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_expenses')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_campaign_expenses_proposal_id'))
    )
    with op.batch_alter_table('campaign_expenses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_expenses_budget_line_id'), ['budget_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_expenses_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_reallocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('minutes_ref', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_campaign_reallocations_amount_positive')),
    sa.CheckConstraint('source_id <> target_id', name=op.f('ck_campaign_reallocations_two_campaigns')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_campaign_reallocations_proposal_id_proposals')),
    sa.ForeignKeyConstraint(['source_id'], ['campaigns.id'], name=op.f('fk_campaign_reallocations_source_id_campaigns')),
    sa.ForeignKeyConstraint(['target_id'], ['campaigns.id'], name=op.f('fk_campaign_reallocations_target_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_reallocations')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_campaign_reallocations_proposal_id'))
    )
    with op.batch_alter_table('campaign_reallocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_reallocations_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_reallocations_target_id'), ['target_id'], unique=False)



def downgrade():
    with op.batch_alter_table('campaign_reallocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_reallocations_target_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_reallocations_source_id'))

    op.drop_table('campaign_reallocations')
    with op.batch_alter_table('campaign_expenses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_expenses_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_expenses_budget_line_id'))

    op.drop_table('campaign_expenses')
