"""commendation: lists of a period and their ranked, edited entries

Revision ID: 0085_commendation
Revises: 0084_report_files
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0085_commendation"
down_revision = "0084_report_files"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "commendation_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_commendation_lists_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_commendation_lists_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commendation_lists")),
    )
    with op.batch_alter_table("commendation_lists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commendation_lists_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "commendation_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["commendation_lists.id"],
            name=op.f("fk_commendation_entries_list_id_commendation_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commendation_entries")),
    )
    with op.batch_alter_table("commendation_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commendation_entries_list_id"), ["list_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("commendation_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commendation_entries_list_id"))

    op.drop_table("commendation_entries")
    with op.batch_alter_table("commendation_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commendation_lists_unit_id"))

    op.drop_table("commendation_lists")
