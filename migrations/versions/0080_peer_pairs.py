"""peer support: pairs (or small groups) of a school year and their result each term

Revision ID: 0080_peer_pairs
Revises: 0070_security_sessions
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0080_peer_pairs"
down_revision = "0070_security_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "student_peer_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column(
            "model",
            sa.Enum("study", "to_school", "other", name="peermodel", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("model_note", sa.String(length=120), nullable=False),
        sa.Column("helpers", sa.JSON(), nullable=False),
        sa.Column("follower", sa.String(length=120), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_student_peer_pairs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_student_peer_pairs_school_id_schools")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_student_peer_pairs_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_student_peer_pairs_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_peer_pairs")),
        sa.UniqueConstraint("student_id", "school_year", "model", name="uq_student_peer_pairs"),
    )
    with op.batch_alter_table("student_peer_pairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_student_peer_pairs_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_student_peer_pairs_school_year"), ["school_year"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_student_peer_pairs_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_student_peer_pairs_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "student_peer_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=3), nullable=False),
        sa.Column("days_absent", sa.Integer(), nullable=False),
        sa.Column("grades_improved", sa.Boolean(), nullable=False),
        sa.Column("still_in_school", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["student_peer_pairs.id"],
            name=op.f("fk_student_peer_results_pair_id_student_peer_pairs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_student_peer_results_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_peer_results")),
        sa.UniqueConstraint("pair_id", "term", name="uq_student_peer_results_term"),
    )
    with op.batch_alter_table("student_peer_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_student_peer_results_pair_id"), ["pair_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("student_peer_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_peer_results_pair_id"))

    op.drop_table("student_peer_results")
    with op.batch_alter_table("student_peer_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_peer_pairs_unit_id"))
        batch_op.drop_index(batch_op.f("ix_student_peer_pairs_student_id"))
        batch_op.drop_index(batch_op.f("ix_student_peer_pairs_school_year"))
        batch_op.drop_index(batch_op.f("ix_student_peer_pairs_school_id"))

    op.drop_table("student_peer_pairs")
