"""statement totals: the index summed per day and per amount (exact totals of a filter)

`statement_totals_day` and `statement_totals_amount` hold the count and the sum of the statement
index per (Vietnam-time day | amount, campaign, campaign_to, kind, asset); `statement_totals_state`
how far they have summed it. The backfill is two GROUP BY statements over the index (seconds at a
million entries), the same code as `flask statement reindex`.

Revision ID: 0102_statement_totals
Revises: 0101_statement_bank_lookup
"""

import sqlalchemy as sa
from alembic import op

revision = "0102_statement_totals"
down_revision = "0101_statement_bank_lookup"
branch_labels = None
depends_on = None

_GROUP = ("campaign", "campaign_to", "kind", "asset")


def _group_columns():
    return [
        sa.Column("campaign", sa.String(length=80), nullable=False),
        sa.Column("campaign_to", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("asset", sa.String(length=20), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
    ]


def upgrade():
    op.create_table(
        "statement_totals_day",
        sa.Column("day", sa.Date(), nullable=False),
        *_group_columns(),
        sa.PrimaryKeyConstraint("day", *_GROUP, name=op.f("pk_statement_totals_day")),
    )
    op.create_index("ix_statement_totals_day_campaign", "statement_totals_day", ["campaign", "day"])
    op.create_index("ix_statement_totals_day_campaign_to", "statement_totals_day", ["campaign_to"])
    op.create_table(
        "statement_totals_amount",
        sa.Column("amount", sa.BigInteger(), autoincrement=False, nullable=False),
        *_group_columns(),
        sa.PrimaryKeyConstraint("amount", *_GROUP, name=op.f("pk_statement_totals_amount")),
    )
    op.create_index(
        "ix_statement_totals_amount_campaign", "statement_totals_amount", ["campaign", "amount"]
    )
    op.create_index(
        "ix_statement_totals_amount_campaign_to", "statement_totals_amount", ["campaign_to"]
    )
    op.create_table(
        "statement_totals_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("upto", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_totals_state")),
    )

    from transparency.statement.aggregates import rebuild

    connection = op.get_bind()
    rebuild(connection)
    # Planner statistics for the new tables now (PostgreSQL's autovacuum would get there later).
    for table in ("statement_totals_day", "statement_totals_amount"):
        op.execute(f"ANALYZE {table}")


def downgrade():
    op.drop_table("statement_totals_state")
    op.drop_index("ix_statement_totals_amount_campaign_to", table_name="statement_totals_amount")
    op.drop_index("ix_statement_totals_amount_campaign", table_name="statement_totals_amount")
    op.drop_table("statement_totals_amount")
    op.drop_index("ix_statement_totals_day_campaign_to", table_name="statement_totals_day")
    op.drop_index("ix_statement_totals_day_campaign", table_name="statement_totals_day")
    op.drop_table("statement_totals_day")
