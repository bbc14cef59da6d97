"""bank transactions: one transfer, one credit (twins across SePay, Casso, statements)

`twin_of_id`: a report kept as evidence on the row of the same transfer received first;
`maybe_twin_of_id`: a report waiting in review beside the row it may duplicate.

Revision ID: 0020_bank_twins
Revises: 0012_treasury_b
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes  # noqa: F401 - every migration imports the UTC type

revision = "0020_bank_twins"
down_revision = "0012_treasury_b"
branch_labels = None
depends_on = None

def upgrade():
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('twin_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('maybe_twin_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_bank_transactions_maybe_twin_of_id'), ['maybe_twin_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transactions_twin_of_id'), ['twin_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_bank_transactions_twin_of_id_bank_transactions'), 'bank_transactions', ['twin_of_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_bank_transactions_maybe_twin_of_id_bank_transactions'), 'bank_transactions', ['maybe_twin_of_id'], ['id'])



def downgrade():
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bank_transactions_maybe_twin_of_id_bank_transactions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_bank_transactions_twin_of_id_bank_transactions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_bank_transactions_twin_of_id'))
        batch_op.drop_index(batch_op.f('ix_bank_transactions_maybe_twin_of_id'))
        batch_op.drop_column('maybe_twin_of_id')
        batch_op.drop_column('twin_of_id')

