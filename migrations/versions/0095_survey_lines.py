"""survey lines: a survey's counts by measure, grade, gender and ethnic group

Revision ID: 0095_survey_lines
Revises: 0090_distance_metres
"""

import sqlalchemy as sa
from alembic import op

revision = "0095_survey_lines"
down_revision = "0090_distance_metres"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unit_survey_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column(
            "gender",
            sa.Enum("female", "male", "other", name="gender", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("ethnic_group", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "grade >= 1 AND grade <= 12", name=op.f("ck_unit_survey_lines_grade_range")
        ),
        sa.CheckConstraint("count >= 0", name=op.f("ck_unit_survey_lines_count_positive")),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["unit_surveys.id"],
            name=op.f("fk_unit_survey_lines_survey_id_unit_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_survey_lines")),
        sa.UniqueConstraint(
            "survey_id", "measure", "grade", "gender", "ethnic_group", name="uq_unit_survey_lines"
        ),
    )
    with op.batch_alter_table("unit_survey_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_survey_lines_survey_id"), ["survey_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("unit_survey_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_survey_lines_survey_id"))
    op.drop_table("unit_survey_lines")
