"""campaigns: campaigns, goals, updates, budget lines, milestones, referral codes and credits,
personal fundraising pages

Revision ID: 0002_campaigns
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

import app.dbtypes


# revision identifiers, used by Alembic.
revision = '0002_campaigns'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('story_md', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('scholarship', 'rice_jar', 'boarding_house', 'transport', 'school_supplies', 'classroom_repair', 'general', name='campaignkind', native_enum=False, length=30), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'closed', 'archived', name='campaignstatus', native_enum=False, length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('featured', sa.Boolean(), nullable=False),
    sa.Column('cover_image', sa.String(length=120), nullable=True),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_campaigns_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('slug', name=op.f('uq_campaigns_slug'))
    )

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_unit_id'), ['unit_id'], unique=False)

    op.create_table('referral_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_referral_codes_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_referral_codes_code'))
    )

    with op.batch_alter_table('referral_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_codes_unit_id'), ['unit_id'], unique=False)

    op.create_table('campaign_budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=160), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_campaign_budget_lines_amount_positive')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_budget_lines_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_budget_lines'))
    )

    with op.batch_alter_table('campaign_budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_budget_lines_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('asset', sa.String(length=20), nullable=False),
    sa.Column('target', sa.BigInteger(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.CheckConstraint('target > 0', name=op.f('ck_campaign_goals_target_positive')),
    sa.ForeignKeyConstraint(['asset'], ['assets.code'], name=op.f('fk_campaign_goals_asset_assets')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_goals_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_goals'))
    )

    with op.batch_alter_table('campaign_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_goals_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_milestones_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_milestones'))
    )

    with op.batch_alter_table('campaign_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_milestones_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('image', sa.String(length=120), nullable=True),
    sa.Column('published_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_campaign_updates_author_id_users')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_updates_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_updates'))
    )

    with op.batch_alter_table('campaign_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_updates_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_updates_published_at'), ['published_at'], unique=False)

    op.create_table('fundraising_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('referral_code_id', sa.Integer(), nullable=False),
    sa.Column('owner_name', sa.String(length=120), nullable=False),
    sa.Column('owner_email', sa.String(length=254), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('goal', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='pagestatus', native_enum=False, length=12), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('goal > 0', name=op.f('ck_fundraising_pages_goal_positive')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_fundraising_pages_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_fundraising_pages_decided_by_id_users')),
    sa.ForeignKeyConstraint(['referral_code_id'], ['referral_codes.id'], name=op.f('fk_fundraising_pages_referral_code_id_referral_codes')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_fundraising_pages_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fundraising_pages')),
    sa.UniqueConstraint('referral_code_id', name=op.f('uq_fundraising_pages_referral_code_id'))
    )

    with op.batch_alter_table('fundraising_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fundraising_pages_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fundraising_pages_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_fundraising_pages_unit_id'), ['unit_id'], unique=False)

    op.create_table('referral_credits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('referral_code_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_referral_credits_amount_positive')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_referral_credits_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['referral_code_id'], ['referral_codes.id'], name=op.f('fk_referral_credits_referral_code_id_referral_codes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_credits')),
    sa.UniqueConstraint('key', name=op.f('uq_referral_credits_key'))
    )

    with op.batch_alter_table('referral_credits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_credits_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_credits_referral_code_id'), ['referral_code_id'], unique=False)


def downgrade():
    with op.batch_alter_table('referral_credits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_credits_referral_code_id'))
        batch_op.drop_index(batch_op.f('ix_referral_credits_campaign_id'))

    op.drop_table('referral_credits')

    with op.batch_alter_table('fundraising_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fundraising_pages_unit_id'))
        batch_op.drop_index(batch_op.f('ix_fundraising_pages_status'))
        batch_op.drop_index(batch_op.f('ix_fundraising_pages_campaign_id'))

    op.drop_table('fundraising_pages')

    with op.batch_alter_table('campaign_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_updates_published_at'))
        batch_op.drop_index(batch_op.f('ix_campaign_updates_campaign_id'))

    op.drop_table('campaign_updates')

    with op.batch_alter_table('campaign_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_milestones_campaign_id'))

    op.drop_table('campaign_milestones')

    with op.batch_alter_table('campaign_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_goals_campaign_id'))

    op.drop_table('campaign_goals')

    with op.batch_alter_table('campaign_budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_budget_lines_campaign_id'))

    op.drop_table('campaign_budget_lines')

    with op.batch_alter_table('referral_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_codes_unit_id'))

    op.drop_table('referral_codes')

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_unit_id'))
        batch_op.drop_index(batch_op.f('ix_campaigns_status'))

    op.drop_table('campaigns')
