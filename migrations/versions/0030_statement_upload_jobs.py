"""statement uploads run on the job queue: status, job, stored file, progress estimate

Revision ID: 0030_statement_upload_jobs
Revises: 0021_bank_months
"""

import sqlalchemy as sa
from alembic import op

import app.dbtypes

revision = "0030_statement_upload_jobs"
down_revision = "0021_bank_months"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("statement_imports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), server_default="done", nullable=False)
        )
        batch_op.add_column(sa.Column("job_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("stored_name", sa.String(length=120), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("rows_expected", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("error", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("finished_at", app.dbtypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("file_deleted_at", app.dbtypes.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("statement_imports", schema=None) as batch_op:
        for name in (
            "file_deleted_at",
            "finished_at",
            "error",
            "rows_expected",
            "stored_name",
            "job_id",
            "status",
        ):
            batch_op.drop_column(name)
