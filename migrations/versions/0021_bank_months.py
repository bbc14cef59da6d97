"""bank months: the monthly reconciliation of the fund's bank account

One row per month: the statement's opening and closing balances, which imported file it is,
and, once a treasurer closed it (only when the difference is zero), the frozen figures.

Revision ID: 0021_bank_months
Revises: 0020_bank_twins
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0021_bank_months"
down_revision = "0020_bank_twins"
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('bank_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('opening_balance', sa.BigInteger(), nullable=True),
    sa.Column('closing_balance', sa.BigInteger(), nullable=True),
    sa.Column('statement_import_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'closed', name='monthstatus', native_enum=False, length=8), nullable=False),
    sa.Column('ledger_total', sa.BigInteger(), nullable=True),
    sa.Column('difference', sa.BigInteger(), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('statement_sha256', sa.String(length=64), nullable=False),
    sa.Column('closed_at', app.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("month LIKE '____-__'", name=op.f('ck_bank_months_month_shape')),
    sa.CheckConstraint("status <> 'closed' OR difference = 0", name=op.f('ck_bank_months_closed_only_when_balanced')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_bank_months_closed_by_id_users')),
    sa.ForeignKeyConstraint(['statement_import_id'], ['statement_imports.id'], name=op.f('fk_bank_months_statement_import_id_statement_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_months')),
    sa.UniqueConstraint('month', name=op.f('uq_bank_months_month'))
    )


def downgrade():
    op.drop_table('bank_months')
