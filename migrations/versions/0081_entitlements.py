"""entitlements: kinds (data with their legal basis, the defaults inserted) and a student's per year

Revision ID: 0081_entitlements
Revises: 0080_peer_pairs
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0081_entitlements"
down_revision = "0080_peer_pairs"
branch_labels = None
depends_on = None

DEFAULTS = [
    (
        "mien-hp-81",
        "Miễn học phí",
        "tuition_exemption",
        "Nghị định 81/2021/NĐ-CP (thay thế Nghị định 86/2015/NĐ-CP), Điều 15",
        ["poor", "orphan", "disability"],
        True,
        1,
    ),
    (
        "giam-hp-81",
        "Giảm 50% học phí",
        "tuition_reduction",
        "Nghị định 81/2021/NĐ-CP (thay thế Nghị định 86/2015/NĐ-CP), Điều 16",
        ["near_poor"],
        True,
        2,
    ),
    (
        "ho-tro-chi-phi-hoc-tap-81",
        "Hỗ trợ chi phí học tập (150.000 ₫/tháng)",
        "learning_cost",
        "Nghị định 81/2021/NĐ-CP (thay thế Nghị định 86/2015/NĐ-CP), Điều 18",
        ["poor", "orphan", "disability"],
        True,
        3,
    ),
    (
        "ban-tru-116",
        "Hỗ trợ học sinh bán trú (tiền ăn, nhà ở, gạo)",
        "boarding",
        "Nghị định 116/2016/NĐ-CP",
        [],
        True,
        4,
    ),
    (
        "mien-hp-86",
        "Miễn học phí (theo quy định cũ)",
        "tuition_exemption",
        "Nghị định 86/2015/NĐ-CP (đã được thay thế từ năm học 2021-2022)",
        ["poor", "orphan", "disability"],
        False,
        9,
    ),
    (
        "ho-tro-chi-phi-hoc-tap-86",
        "Hỗ trợ chi phí học tập (theo quy định cũ)",
        "learning_cost",
        "Nghị định 86/2015/NĐ-CP (đã được thay thế từ năm học 2021-2022)",
        ["poor"],
        False,
        9,
    ),
]


def upgrade():
    op.create_table(
        "entitlement_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "tuition_exemption",
                "tuition_reduction",
                "learning_cost",
                "boarding",
                "other",
                name="category",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("situations", sa.JSON(), nullable=False),
        sa.Column("minority_communes", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlement_kinds")),
        sa.UniqueConstraint("code", name=op.f("uq_entitlement_kinds_code")),
    )
    op.create_table(
        "student_entitlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("received", sa.Boolean(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kind_id"],
            ["entitlement_kinds.id"],
            name=op.f("fk_student_entitlements_kind_id_entitlement_kinds"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_student_entitlements_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_student_entitlements_student_id_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_student_entitlements_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_entitlements")),
        sa.UniqueConstraint("student_id", "kind_id", "school_year", name="uq_student_entitlements"),
    )
    with op.batch_alter_table("student_entitlements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_student_entitlements_kind_id"), ["kind_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_student_entitlements_school_year"), ["school_year"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_student_entitlements_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_student_entitlements_unit_id"), ["unit_id"], unique=False
        )

    # The defaults an admin then edits (students/entitlements/defaults.py, copied so that this
    # migration never changes when that module does).
    kinds = sa.table(
        "entitlement_kinds",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("category", sa.String),
        sa.column("legal_basis", sa.String),
        sa.column("situations", sa.JSON),
        sa.column("minority_communes", sa.JSON),
        sa.column("active", sa.Boolean),
        sa.column("position", sa.Integer),
        sa.column("updated_at", app.dbtypes.UTCDateTime),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        kinds,
        [
            {
                "code": code,
                "name": name,
                "category": category,
                "legal_basis": basis,
                "situations": situations,
                "minority_communes": [],
                "active": active,
                "position": position,
                "updated_at": now,
            }
            for code, name, category, basis, situations, active, position in DEFAULTS
        ],
    )


def downgrade():
    with op.batch_alter_table("student_entitlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_entitlements_unit_id"))
        batch_op.drop_index(batch_op.f("ix_student_entitlements_student_id"))
        batch_op.drop_index(batch_op.f("ix_student_entitlements_school_year"))
        batch_op.drop_index(batch_op.f("ix_student_entitlements_kind_id"))

    op.drop_table("student_entitlements")
    op.drop_table("entitlement_kinds")
