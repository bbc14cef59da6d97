"""students

Revision ID: 0004_students
Revises: 0003_donations
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import app.dbtypes  # noqa: F401

revision = "0004_students"
down_revision = "0003_donations"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
