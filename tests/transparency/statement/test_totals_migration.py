"""Migration 0102 sums the existing index into the totals tables (a database already in use)."""

from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db
from tests.app.test_migrations import _empty_database_url

ROWS = [
    # seq, at (UTC), kind, asset, amount, campaign, campaign_to
    (1, "2025-06-01 16:59:59", "donation", "VND", 100_000, "a", ""),
    (2, "2025-06-01 17:00:00", "donation", "VND", 100_000, "a", ""),  # 2 June in Vietnam
    (3, "2025-06-01 18:00:00", "reallocation", "VND", 40_000, "a", "b"),
    (4, "2025-06-02 01:00:00", "in_kind", "RICE_G", 5_000, "b", ""),
]


def test_upgrade_sums_the_index_and_downgrade_removes_the_tables(tmp_path):
    url, drop = _empty_database_url(tmp_path)
    try:
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0101_statement_bank_lookup")
            with db.engine.begin() as conn:
                for seq, at, kind, asset, amount, campaign, to in ROWS:
                    conn.execute(
                        text(
                            "INSERT INTO statement_index (seq, at, kind, asset, amount, campaign, "
                            "campaign_to, ref_key, bank_key, name_key) VALUES (:seq, :at, :kind, "
                            ":asset, :amount, :campaign, :to, '', '', '')"
                        ),
                        dict(seq=seq, kind=kind, asset=asset, amount=amount, campaign=campaign)
                        | {"to": to, "at": at + ("+00:00" if "postgresql" in url else ".000000")},
                    )
            upgrade(revision="0102_statement_totals")
            with db.engine.connect() as conn:
                days = conn.execute(
                    text(
                        "SELECT day, campaign, campaign_to, kind, asset, entries, total "
                        "FROM statement_totals_day ORDER BY day, kind"
                    )
                ).all()
                amounts = conn.execute(
                    text(
                        "SELECT amount, kind, entries, total FROM statement_totals_amount "
                        "ORDER BY amount, kind"
                    )
                ).all()
                upto = conn.execute(text("SELECT upto FROM statement_totals_state")).scalar_one()
            day = [date(2025, 6, 1), date(2025, 6, 2)]
            assert [(date.fromisoformat(str(d)), *rest) for d, *rest in days] == [
                (day[0], "a", "", "donation", "VND", 1, 100_000),
                (day[1], "a", "", "donation", "VND", 1, 100_000),
                (day[1], "b", "", "in_kind", "RICE_G", 1, 5_000),
                (day[1], "a", "b", "reallocation", "VND", 1, 40_000),
            ]
            assert amounts == [
                (5_000, "in_kind", 1, 5_000),
                (40_000, "reallocation", 1, 40_000),
                (100_000, "donation", 2, 200_000),
            ]
            assert upto == 4
            downgrade(revision="0101_statement_bank_lookup")
            with db.engine.connect() as conn:
                left = conn.execute(text("SELECT count(*) FROM statement_index")).scalar_one()
            assert left == len(ROWS)
            assert not {n for n in inspect(db.engine).get_table_names() if "totals" in n}
            db.engine.dispose()
    finally:
        drop()
