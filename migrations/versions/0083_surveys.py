"""surveys: a unit's mid-term or year-end counts, reasons, causes and support

Revision ID: 0083_surveys
Revises: 0082_activities
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0083_surveys"
down_revision = "0082_activities"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unit_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column(
            "period",
            sa.Enum("mid_term", "year_end", name="period", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("draft", "submitted", name="surveystatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("causes", sa.JSON(), nullable=False),
        sa.Column("supported", sa.Integer(), nullable=False),
        sa.Column("support_note", sa.Text(), nullable=False),
        sa.Column("submitted_at", app.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_unit_surveys_submitted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_surveys_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_surveys")),
        sa.UniqueConstraint("unit_id", "school_year", "period", name="uq_unit_surveys_period"),
    )
    with op.batch_alter_table("unit_surveys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_surveys_school_year"), ["school_year"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_unit_surveys_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("unit_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_surveys_unit_id"))
        batch_op.drop_index(batch_op.f("ix_unit_surveys_school_year"))

    op.drop_table("unit_surveys")
