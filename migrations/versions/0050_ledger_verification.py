"""ledger verification: stored Merkle subtrees, the tree's size and root, signed daily heads

Revision ID: 0050_ledger_verification
Revises: 0040_statement_index
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0050_ledger_verification"
down_revision = "0040_statement_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "merkle_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_merkle_nodes")),
    )
    op.create_table(
        "merkle_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merkle_state")),
    )
    op.create_table(
        "ledger_signed_heads",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("signed_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_ledger_signed_heads")),
    )


def downgrade():
    op.drop_table("ledger_signed_heads")
    op.drop_table("merkle_state")
    op.drop_table("merkle_nodes")
