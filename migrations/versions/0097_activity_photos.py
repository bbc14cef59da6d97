"""activity photos: private by default, public only when marked and the consent allows

Revision ID: 0097_activity_photos
Revises: 0095_survey_lines
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0097_activity_photos"
down_revision = "0095_survey_lines"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unit_activity_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column(
            "consent",
            sa.Enum(
                "none",
                "no_children",
                "guardians",
                name="photoconsent",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["unit_activities.id"],
            name=op.f("fk_unit_activity_photos_activity_id_unit_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_unit_activity_photos_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_activity_photos")),
    )
    with op.batch_alter_table("unit_activity_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unit_activity_photos_activity_id"), ["activity_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("unit_activity_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_activity_photos_activity_id"))
    op.drop_table("unit_activity_photos")
