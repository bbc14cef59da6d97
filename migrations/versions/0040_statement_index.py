"""transparency: the public statement's search index

`statement_index` holds, for every ledger entry, what the statement filters and searches on
(campaign, date, kind, asset, amount, reference and bank reference upper-cased, the public
label folded without diacritics). Name search: an FTS5 table kept in step by triggers on
SQLite; a GIN index on to_tsvector('simple', name_key) on PostgreSQL. Existing entries are
indexed here (the same code as `flask statement reindex`).

Revision ID: 0040_statement_index
Revises: 0030_statement_upload_jobs
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0040_statement_index"
down_revision = "0030_statement_upload_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "statement_index",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("asset", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("campaign", sa.String(length=80), nullable=False),
        sa.Column("campaign_to", sa.String(length=80), nullable=False),
        sa.Column("ref_key", sa.String(length=80), nullable=False),
        sa.Column("bank_key", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_statement_index")),
    )
    with op.batch_alter_table("statement_index", schema=None) as batch_op:
        batch_op.create_index("ix_statement_index_amount", ["amount", "asset"], unique=False)
        batch_op.create_index("ix_statement_index_asset_seq", ["asset", "seq"], unique=False)
        batch_op.create_index("ix_statement_index_at", ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_statement_index_bank_key"), ["bank_key"], unique=False)
        batch_op.create_index(
            "ix_statement_index_campaign_at", ["campaign", "at", "asset", "amount"], unique=False
        )
        batch_op.create_index("ix_statement_index_campaign_seq", ["campaign", "seq"], unique=False)
        batch_op.create_index("ix_statement_index_campaign_to", ["campaign_to"], unique=False)
        batch_op.create_index("ix_statement_index_kind_seq", ["kind", "seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_statement_index_ref_key"), ["ref_key"], unique=False)

    from transparency.statement.indexing import create_search, rebuild

    connection = op.get_bind()
    create_search(connection)
    rebuild(connection)


def downgrade():
    from transparency.statement.indexing import drop_search

    drop_search(op.get_bind())
    with op.batch_alter_table("statement_index", schema=None) as batch_op:
        for name in (
            "ix_statement_index_ref_key",
            "ix_statement_index_kind_seq",
            "ix_statement_index_campaign_to",
            "ix_statement_index_campaign_seq",
            "ix_statement_index_campaign_at",
            "ix_statement_index_bank_key",
            "ix_statement_index_at",
            "ix_statement_index_asset_seq",
            "ix_statement_index_amount",
        ):
            batch_op.drop_index(name)
    op.drop_table("statement_index")
