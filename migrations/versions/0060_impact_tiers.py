"""impact tiers: what a gift buys ("1.000.000 ₫ = học bổng một tháng"), per campaign

Revision ID: 0060_impact_tiers
Revises: 0050_ledger_verification
"""

import sqlalchemy as sa
from alembic import op

revision = "0060_impact_tiers"
down_revision = "0050_ledger_verification"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign_impact_tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('asset', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_campaign_impact_tiers_amount_positive')),
    sa.ForeignKeyConstraint(['asset'], ['assets.code'], name=op.f('fk_campaign_impact_tiers_asset_assets')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_impact_tiers_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_impact_tiers'))
    )
    with op.batch_alter_table('campaign_impact_tiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_impact_tiers_campaign_id'), ['campaign_id'], unique=False)


def downgrade():
    with op.batch_alter_table('campaign_impact_tiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_impact_tiers_campaign_id'))

    op.drop_table('campaign_impact_tiers')
