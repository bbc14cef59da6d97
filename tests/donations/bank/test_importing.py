"""Statement import: preview, per-row report, de-duplication, interruption, bad files."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEntry
from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from donations.bank.importing import CACHE_KIB_WHILE_IMPORTING, import_statement
from donations.bank.models import BankTransaction, StatementImport, TxStatus
from donations.models import Donation
from donations.pledges.models import Pledge
from tests.conftest import login
from tests.fixtures.donations import (
    SEPAY_KEY,
    post_sepay,
    rows_for,
    sepay_body,
    write_csv,
    write_xlsx,
)


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def state() -> tuple:
    """What a donor or auditor would see: money per campaign, rows, pledge statuses."""
    statuses = tuple(
        db.session.execute(
            select(Pledge.reference, Pledge.status, Pledge.received).order_by(Pledge.id)
        )
    )
    return (
        ledger.balance("campaign:hoc-bong-thu"),
        count(BankTransaction),
        count(Donation),
        statuses,
    )


@pytest.fixture
def pledges(ctx, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    return [make_bank_pledge(campaign, amount=100_000 * (i + 1)) for i in range(6)]


def test_csv_import_matches_and_reports_skipped_rows(pledges, tmp_path):
    extra = [
        [90, "21/11/2026", "FT900", "50.000", "", "950.000", "Phi dich vu"],
        [91, "21/11/2026", "FT901", "", "300.000", "1.250.000", "ung ho khong ghi ma"],
        [92, "khong phai ngay", "FT902", "", "10.000", "", "dong loi"],
    ]
    path = write_csv(tmp_path / "vietinbank.csv", rows_for(pledges, extra))
    report = import_statement(path)
    db.session.commit()
    assert report.rows == 7 and report.matched == 6 and report.to_review == 1
    assert report.skipped == 2
    reasons = {p["line"]: p["reason"] for p in report.problems}
    assert any("ghi nợ" in r for r in reasons.values())
    assert any("ngày" in r.lower() for r in reasons.values())
    assert ledger.balance("campaign:hoc-bong-thu") == sum(p.amount for p in pledges)
    statuses = [p.status.value for p in db.session.execute(select(Pledge)).scalars()]
    assert statuses == ["paid"] * len(pledges)
    assert count(StatementImport) == 1
    assert db.session.execute(select(AuditEntry.action)).scalars().all() == ["statement.import"]


def test_reimporting_the_same_file_adds_nothing(pledges, tmp_path):
    path = write_csv(tmp_path / "s.csv", rows_for(pledges))
    import_statement(path)
    db.session.commit()
    before = state()
    again = import_statement(path)
    db.session.commit()
    assert again.added == 0 and again.already == 6
    assert state() == before


def test_rows_whose_gift_was_recorded_already_keep_that_donation(pledges, tmp_path):
    """Bank rows lost after their gifts were written (an operator's clean-up): importing the
    file again links the new rows to the same donations, posts and receipts nothing twice."""
    path = write_csv(tmp_path / "s.csv", rows_for(pledges))
    import_statement(path)
    db.session.commit()
    before = state()
    donations = dict(db.session.execute(select(Donation.provider_ref, Donation.id)).tuples().all())
    entries = db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    db.session.execute(BankTransaction.__table__.delete())
    db.session.commit()
    again = import_statement(path)
    db.session.commit()
    assert again.added == 6 and again.matched == 6
    assert state() == before
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == entries
    links = db.session.execute(
        select(BankTransaction.provider_id, BankTransaction.donation_id)
    ).all()
    assert {donations[f"statement:{pid}"] for pid, _d in links} == {d for _p, d in links}


def test_identical_rows_on_one_day_are_two_gifts(ctx, tmp_path, make_campaign):
    make_campaign(unit="province")
    same = [1, "20/11/2026", "", "", "100.000", "", "ung ho hoc sinh"]
    path = write_csv(tmp_path / "twins.csv", [same, [2, *same[1:]]])
    report = import_statement(path)
    db.session.commit()
    assert report.to_review == 2 and count(BankTransaction) == 2
    assert import_statement(path).added == 0


def test_statement_rows_already_received_by_webhook_are_not_counted_twice(
    client, app, pledges, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    first, second = pledges[0], pledges[1]
    post_sepay(
        client,
        sepay_body(
            f"MBVCB.1.{first.reference} ung ho",
            first.amount,
            reference="FT000001",
            when="2026-11-20 09:00:00",
        ),
    )
    no_reference = sepay_body(
        f"{second.reference} ung ho", second.amount, when="2026-11-20 09:30:00"
    )
    no_reference["referenceCode"] = None
    post_sepay(client, no_reference)
    path = write_csv(tmp_path / "overlap.csv", rows_for(pledges[:2]))
    report = import_statement(path)
    db.session.commit()
    # Row 1 has the same bank reference; row 2 none on the notification, but the codes agree.
    # (Two different references would be two transfers: see test_twins.py.)
    assert report.duplicates == 2 and report.matched == 0
    assert ledger.balance("campaign:hoc-bong-thu") == first.amount + second.amount
    assert count(Donation) == 2


def test_webhook_after_statement_is_recognised_as_the_same_transfer(
    client, app, pledges, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    path = write_csv(tmp_path / "first.csv", rows_for(pledges[:1]))
    import_statement(path)
    db.session.commit()
    p = pledges[0]
    response = post_sepay(
        client,
        sepay_body(
            f"MBVCB.1.{p.reference} ung ho",
            p.amount,
            reference="FT000001",
            when="2026-11-20 11:00:00",
        ),
    )
    assert response.status_code == 200
    webhook = db.session.execute(
        select(BankTransaction).where(BankTransaction.provider == "sepay")
    ).scalar_one()
    assert webhook.status == TxStatus.duplicate
    assert count(Donation) == 1 and ledger.balance("campaign:hoc-bong-thu") == p.amount


def test_interrupted_import_run_again_gives_the_same_result(
    app, tmp_path, make_bank_pledge, make_campaign
):
    campaign = make_campaign(unit="province")
    pledges = [make_bank_pledge(campaign, amount=100_000 + i) for i in range(25)]
    rows = rows_for(pledges, [[99, "22/11/2026", "", "", "70.000", "", "khong ma"]])
    path = write_csv(tmp_path / "big.csv", rows)

    # What one clean run gives: every pledge paid in full, one transfer left for review.
    expected_balance = sum(p.amount for p in pledges)

    calls = {"n": 0}

    def crash_after_two_chunks(_report):
        db.session.commit()
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C, or the server died

    with pytest.raises(KeyboardInterrupt):
        import_statement(path, chunk_size=10, checkpoint=crash_after_two_chunks)
    db.session.rollback()
    assert count(BankTransaction) == 20  # two chunks were safely committed
    report = import_statement(path, chunk_size=10, checkpoint=lambda _r: db.session.commit())
    db.session.commit()
    assert report.already == 20 and report.added == 6
    assert ledger.balance("campaign:hoc-bong-thu") == expected_balance
    assert count(BankTransaction) == 26 and count(Donation) == 25
    assert {
        (status.value, received == amount)
        for status, received, amount in db.session.execute(
            select(Pledge.status, Pledge.received, Pledge.amount)
        )
    } == {("paid", True)}
    review = db.session.execute(
        select(BankTransaction).where(BankTransaction.status == TxStatus.review)
    )
    assert len(review.scalars().all()) == 1
    # And a third run changes nothing at all.
    before = state()
    assert import_statement(path, chunk_size=10).added == 0
    assert state() == before


def test_xlsx_import_and_formula_cells(pledges, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", rows_for(pledges), formula_at=2)
    report = import_statement(path)
    db.session.commit()
    assert report.matched == 5 and report.skipped == 1
    assert "công thức" in report.problems[0]["reason"]


def test_dry_run_saves_nothing(pledges, tmp_path):
    path = write_csv(tmp_path / "s.csv", rows_for(pledges))
    report = import_statement(path, dry_run=True)
    db.session.rollback()
    assert report.matched == 6 and report.dry_run
    assert count(BankTransaction) == 0 and ledger.balance("campaign:hoc-bong-thu") == 0


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.csv", b"", "rỗng"),
        ("cols.csv", "Ngày;Số tiền;Ghi chú\n20/11/2026;100000;x\n".encode(), "tiêu đề"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "ảnh"),
        ("fake.xlsx", b"PK\x03\x04garbage-not-a-zip", "Excel"),
        ("statement.pdf", b"%PDF-1.4", ".csv hoặc .xlsx"),
    ],
)
def test_bad_files_get_a_clear_error_and_nothing_saved(
    ctx, tmp_path, name, content, fragment, make_campaign
):
    make_campaign(unit="province")
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DomainError) as info:
        import_statement(path)
    db.session.rollback()
    assert fragment in str(info.value.message)
    assert count(BankTransaction) == 0 and count(StatementImport) == 0


def test_cli_import_and_dry_run(app, pledges, tmp_path):
    path = write_csv(tmp_path / "cli.csv", rows_for(pledges))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["bank", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "chạy thử" in dry.output and count(BankTransaction) == 0
    real = runner.invoke(args=["bank", "import", str(path)])
    assert real.exit_code == 0, real.output
    assert "khớp tự động         : 6" in real.output
    db.session.expire_all()
    assert count(BankTransaction) == 6
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    failed = runner.invoke(args=["bank", "import", str(bad)])
    assert failed.exit_code == 2 and "rỗng" in failed.output


def test_upload_refuses_other_types_and_roles(client, make_user, tmp_path):
    user = make_user("treasurer")
    login(client, user)
    bad = client.post(
        "/quan-tri/ung-ho/sao-ke",
        data={"file": (tmp_path.joinpath("x.txt").open("wb+"), "x.txt")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "Chỉ nhận tệp .csv hoặc .xlsx" in bad.get_data(as_text=True)
    client.post("/dang-xuat")
    login(client, make_user("auditor"))
    assert client.get("/quan-tri/ung-ho/sao-ke").status_code == 403


def test_cli_import_shows_a_progress_bar_and_a_summary(app, pledges, tmp_path):
    path = write_csv(tmp_path / "bar.csv", rows_for(pledges))
    result = app.test_cli_runner().invoke(args=["bank", "import", str(path), "--chunk-size", "2"])
    assert result.exit_code == 0, result.output
    bar = result.stderr
    assert "Nhập sao kê" in bar and "khop=6" in bar and "100%" in bar
    assert "khớp tự động         : 6" in result.stdout


def test_the_import_freezes_the_long_lived_objects_only_while_it_runs(pledges, tmp_path):
    """The app's objects are kept out of the garbage collector's full passes during the
    import, and handed back afterwards, also when a chunk fails half-way."""
    path = write_csv(tmp_path / "s.csv", rows_for(pledges))
    frozen: list[int] = []
    import_statement(path, chunk_size=2, progress=lambda _r: frozen.append(gc.get_freeze_count()))
    db.session.rollback()
    assert frozen and all(n > 0 for n in frozen) and gc.get_freeze_count() == 0

    def fail(_report):
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        import_statement(path, chunk_size=2, checkpoint=fail)
    db.session.rollback()
    assert gc.get_freeze_count() == 0


def test_sqlite_imports_with_a_larger_page_cache_and_gives_it_back(pledges, tmp_path):
    """On SQLite each chunk runs with the import's page cache; the app's size is restored."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    sizes: list[int] = []

    def checkpoint(_report):
        sizes.append(db.session.execute(text("PRAGMA cache_size")).scalar_one())
        db.session.commit()

    path = write_csv(tmp_path / "s.csv", rows_for(pledges))
    import_statement(path, chunk_size=2, checkpoint=checkpoint)
    assert sizes and set(sizes) == {-CACHE_KIB_WHILE_IMPORTING}
    assert db.session.execute(text("PRAGMA cache_size")).scalar_one() == -65_536
    db.session.commit()


@pytest.mark.commits  # real commits, so a chunk's connection really returns to the pool
def test_sqlite_connections_go_back_to_the_pool_with_the_apps_settings(pledges, tmp_path):
    """A chunk's connection, returned to the pool by its commit, no longer holds the import's
    cache and WAL settings, even while the import goes on with another chunk."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    used: list = []
    idle: list[tuple[int, int]] = []

    def checkpoint(_report):
        used.append(db.session.connection().connection.dbapi_connection)
        db.session.commit()

    def progress(_report):  # after the commit: the chunk's connection is back in the pool
        raw = used[-1]
        idle.append(
            (
                raw.execute("PRAGMA cache_size").fetchone()[0],
                raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
            )
        )

    path = write_csv(tmp_path / "s.csv", rows_for(pledges))
    import_statement(path, chunk_size=2, checkpoint=checkpoint, progress=progress)
    db.session.commit()
    assert len(idle) >= 2 and set(idle) == {(-65_536, 1000)}
