"""job runs: what the back office sees of the job queue

Revision ID: 0010_job_runs
Revises: 0009_proposals
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0010_job_runs"
down_revision = "0009_proposals"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'retrying', 'done', 'failed', name='jobstatus', native_enum=False, length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('progress', sa.JSON(), nullable=False),
    sa.Column('queued_at', app.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', app.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_runs_queued_at'), ['queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_runs_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_status'))
        batch_op.drop_index(batch_op.f('ix_job_runs_queued_at'))
        batch_op.drop_index(batch_op.f('ix_job_runs_name'))

    op.drop_table('job_runs')
