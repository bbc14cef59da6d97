"""trace attribution: the FIFO lots and uses of campaign accounts, kept like the Merkle tree

Revision ID: 0100_trace_attribution
Revises: 0097_activity_photos
"""

import sqlalchemy as sa
from alembic import op

revision = "0100_trace_attribution"
down_revision = "0097_activity_photos"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trace_state",
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("asset", sa.String(length=20), nullable=False),
        sa.Column("upto_seq", sa.Integer(), nullable=False),
        sa.Column("upto_hash", sa.String(length=64), nullable=False),
        sa.Column("open_from", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account", "asset", name=op.f("pk_trace_state")),
    )
    op.create_table(
        "trace_lots",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("asset", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("gift", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_trace_lots")),
    )
    op.create_index("ix_trace_lots_account_seq", "trace_lots", ["account", "asset", "seq"])
    op.create_index("ix_trace_lots_ref", "trace_lots", ["account", "asset", "ref"])
    op.create_table(
        "trace_uses",
        sa.Column("use_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("lot_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("use_seq", "lot_seq", name=op.f("pk_trace_uses")),
    )
    op.create_index("ix_trace_uses_lot_seq", "trace_uses", ["lot_seq"])


def downgrade():
    op.drop_index("ix_trace_uses_lot_seq", table_name="trace_uses")
    op.drop_table("trace_uses")
    op.drop_index("ix_trace_lots_ref", table_name="trace_lots")
    op.drop_index("ix_trace_lots_account_seq", table_name="trace_lots")
    op.drop_table("trace_lots")
    op.drop_table("trace_state")
