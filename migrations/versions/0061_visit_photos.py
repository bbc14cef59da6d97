"""visit photos: private photos of a household visit (EXIF removed)

Revision ID: 0061_visit_photos
Revises: 0060_impact_tiers
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0061_visit_photos"
down_revision = "0060_impact_tiers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('student_visit_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['student_visits.id'], name=op.f('fk_student_visit_photos_visit_id_student_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student_visit_photos'))
    )
    with op.batch_alter_table('student_visit_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_visit_photos_visit_id'), ['visit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('student_visit_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_visit_photos_visit_id'))

    op.drop_table('student_visit_photos')
