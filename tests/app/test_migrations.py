"""`flask db upgrade` on an empty database builds exactly the schema the models describe."""

from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.config import _database_url
from app.extensions import db


def _empty_database_url(tmp_path) -> tuple[str, callable]:
    base = _database_url()
    if not base.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'migrations.db'}", lambda: None
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


def _describe(diff: list) -> str:
    """One short line per difference (the raw objects are pages long)."""
    lines = []
    for item in diff:
        first = item[0] if isinstance(item, list) else item
        op, *rest = first
        names = [getattr(x, "name", None) or str(x)[:60] for x in rest[:3]]
        lines.append(f"  {op}: {', '.join(str(n) for n in names)}")
    return "\n".join(lines)


def test_upgrade_builds_the_models_schema(tmp_path):
    url, drop = _empty_database_url(tmp_path)
    try:
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                unmanaged = tuple(db.metadata.info.get("unmanaged_tables", ()))
                opts = {
                    "compare_type": True,
                    # Search tables and indexes built outside the models (SQLite FTS5 and
                    # its shadow tables, PostgreSQL full-text indexes on expressions).
                    "include_name": lambda name, type_, _parent: (
                        not (
                            type_ in ("table", "index")
                            and bool(unmanaged)
                            and name.startswith(unmanaged)
                        )
                    ),
                }
                context = MigrationContext.configure(conn, opts=opts)
                diff = compare_metadata(context, db.metadata)
                assert diff == [], "models and migrations disagree:\n" + _describe(diff)
                # Data the ledger needs from its first posting on.
                assert conn.execute(text("SELECT seq FROM ledger_head WHERE id = 1")).scalar() == 0
                assets = set(conn.execute(text("SELECT code FROM assets")).scalars())
                assert {"VND", "RICE_G", "BICYCLE", "SUPPLY_SET"} <= assets
            db.engine.dispose()
    finally:
        drop()


def test_downgrade_to_base_removes_everything(tmp_path):
    url, drop = _empty_database_url(tmp_path)
    try:
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert tables == set()
            db.engine.dispose()
    finally:
        drop()
