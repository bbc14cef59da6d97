"""donations: card payments and receipts

Revision ID: 0005_donations_cards
Revises: 0004_students
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import app.dbtypes  # noqa: F401

revision = "0005_donations_cards"
down_revision = "0004_students"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
