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


def _move(old: str, new: str, factor: str) -> None:
    # A plain RENAME COLUMN (SQLite >= 3.25, PostgreSQL) carries the CHECK over to the new name.
    # A batch copy of students would DROP a table that visits, outcomes and pairs point at: with
    # foreign keys on, SQLite refuses it on real data (or cascades the children away).
    op.execute(sa.text(f"ALTER TABLE students RENAME COLUMN {old} TO {new}"))
    op.execute(sa.text(f"UPDATE students SET {new} = {factor}"))


def upgrade():
    _move("distance_km", "distance_m", "distance_m * 1000")


def downgrade():
    # Whole km again, halves up (what the old form did).
    _move("distance_m", "distance_km", "(distance_km + 500) / 1000")
