"""activities of a unit: kind, dates, place, participants by group, students reached, campaign

Revision ID: 0082_activities
Revises: 0081_entitlements
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0082_activities"
down_revision = "0081_entitlements"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unit_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "charity_class",
                "summer_review",
                "art_programme",
                "encouragement",
                "drive",
                "other",
                name="activitykind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("organisers", sa.String(length=300), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("students_reached", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "students_reached >= 0", name=op.f("ck_unit_activities_reached_positive")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_unit_activities_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_unit_activities_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_activities_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_activities")),
    )
    with op.batch_alter_table("unit_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_activities_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_unit_activities_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_activities_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("unit_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_activities_unit_id"))
        batch_op.drop_index(batch_op.f("ix_unit_activities_held_on"))
        batch_op.drop_index(batch_op.f("ix_unit_activities_campaign_id"))

    op.drop_table("unit_activities")
