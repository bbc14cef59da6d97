"""distance to school in metres: students.distance_km (whole km, 12,5 rounded) → distance_m

Revision ID: 0090_distance_metres
Revises: 0085_commendation
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes  # noqa: F401 - every migration imports the UTC type

revision = "0090_distance_metres"
down_revision = "0085_commendation"
branch_labels = None
depends_on = None

CHECK = "ck_students_distance_positive"


def _move(old: str, new: str, factor: str) -> None:
    # The CHECK names the column, so it goes first and comes back under the new name.
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
        batch_op.alter_column(
            old, new_column_name=new, existing_type=sa.Integer(), existing_nullable=False
        )
    op.execute(sa.text(f"UPDATE students SET {new} = {factor}"))
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f(CHECK), f"{new} >= 0")


def upgrade():
    _move("distance_km", "distance_m", "distance_m * 1000")


def downgrade():
    # Whole km again, halves up (what the old form did).
    _move("distance_m", "distance_km", "(distance_km + 500) / 1000")
