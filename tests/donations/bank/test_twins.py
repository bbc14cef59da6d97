"""One transfer, one credit: SePay, Casso and statement files reporting the same transfer."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from donations.bank.importing import import_statement
from donations.bank.models import BankTransaction, TxStatus
from donations.bank.twins import TwinSearch
from tests.fixtures.donations import (
    CASSO_SECRET,
    SEPAY_KEY,
    casso_body,
    post_casso,
    post_sepay,
    sepay_body,
    write_csv,
)
from tests.race import pause_first_call, race

ACCOUNT = "campaign:hoc-bong-thu"


@pytest.fixture(autouse=True)
def keys(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    monkeypatch.setitem(app.config, "CASSO_WEBHOOK_SECRET", CASSO_SECRET)


@pytest.fixture
def pledge(make_bank_pledge, make_campaign):
    return make_bank_pledge(make_campaign(unit="province"), amount=200_000)


def rows(provider: str | None = None) -> list[BankTransaction]:
    db.session.expire_all()
    stmt = select(BankTransaction).order_by(BankTransaction.id)
    if provider:
        stmt = stmt.where(BankTransaction.provider == provider)
    return list(db.session.execute(stmt).scalars())


def entries() -> int:
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def credited_once(pledge) -> None:
    """What the donor and the public see: one gift, one ledger entry, the pledge paid."""
    assert ledger.balance(ACCOUNT) == 200_000 and entries() == 1
    db.session.refresh(pledge)
    assert pledge.received == 200_000 and pledge.status.value == "paid"


def statement_row(n: int, day: str, memo: str, reference: str = "") -> list:
    return [n, day, reference, "", "200.000", "", memo]


# -- certain twins merge silently ----------------------------------------------------------------


def test_sepay_then_casso_same_transfer_counts_once(client, pledge):
    memo = f"MBVCB.88.{pledge.reference} ung ho"
    post_sepay(client, sepay_body(memo, reference="FT26324001"))
    response = post_casso(client, casso_body(memo, reference="FT26324001"))
    assert response.status_code == 200
    sepay, casso = rows()
    assert sepay.status == TxStatus.matched and casso.status == TxStatus.duplicate
    # Kept as evidence on the one transaction.
    assert casso.twin_of_id == sepay.id and casso.donation_id == sepay.donation_id
    credited_once(pledge)


def test_casso_first_without_reference_then_sepay(client, pledge):
    """Casso often has no reference: the pledge code in both memos is the evidence."""
    post_casso(client, casso_body(f"{pledge.reference} ung ho", when="2026-11-20 10:15:03"))
    post_sepay(client, sepay_body(f"CT DEN:1234 {pledge.reference} ung ho", reference="FT1"))
    casso, sepay = rows()
    assert casso.status == TxStatus.matched
    assert sepay.status == TxStatus.duplicate and sepay.twin_of_id == casso.id
    credited_once(pledge)


def test_statement_dated_one_day_later_is_the_same_transfer(client, pledge, tmp_path):
    """A statement dates by posting date: a late-evening transfer is booked the next day."""
    post_sepay(
        client,
        sepay_body(pledge.reference, reference="FT555", when="2026-11-20 23:50:00"),
    )
    path = write_csv(
        tmp_path / "s.csv",
        [
            statement_row(1, "21/11/2026", f"IBFT {pledge.reference}", "FT555"),
        ],
    )
    report = import_statement(path)
    db.session.commit()
    assert report.duplicates == 1 and report.matched == 0
    (statement,) = rows("statement")
    assert statement.twin_of_id == rows("sepay")[0].id
    credited_once(pledge)


def test_saturday_evening_transfer_booked_on_monday_is_the_same_transfer(client, pledge, tmp_path):
    """21 November 2026 is a Saturday: the bank books it on Monday the 23rd."""
    post_sepay(client, sepay_body(pledge.reference, reference="FT21", when="2026-11-21 21:00:00"))
    path = write_csv(tmp_path / "s.csv", [statement_row(1, "23/11/2026", "IBFT", "FT21")])
    assert import_statement(path).duplicates == 1
    db.session.commit()
    credited_once(pledge)


def test_statement_without_reference_one_day_later_matches_by_code(client, pledge, tmp_path):
    post_sepay(client, sepay_body(pledge.reference, when="2026-11-20 22:00:00"))
    path = write_csv(
        tmp_path / "s.csv", [statement_row(1, "21/11/2026", f"{pledge.reference} ung ho")]
    )
    assert import_statement(path).duplicates == 1
    db.session.commit()
    credited_once(pledge)


def test_three_channels_one_transfer(client, pledge, tmp_path):
    memo = f"{pledge.reference} ung ho"
    post_sepay(client, sepay_body(memo, reference="FT777"))
    post_casso(client, casso_body(memo, reference="FT777"))
    import_statement(write_csv(tmp_path / "s.csv", [statement_row(1, "20/11/2026", memo, "FT777")]))
    db.session.commit()
    first, *others = rows()
    assert [o.status for o in others] == [TxStatus.duplicate, TxStatus.duplicate]
    assert {o.twin_of_id for o in others} == {first.id}
    credited_once(pledge)


def test_two_identical_transfers_same_day_with_different_references_both_count(
    client, pledge, tmp_path
):
    """The donor pressed "repeat transfer": the same memo, amount and day, twice."""
    memo = f"{pledge.reference} ung ho"
    post_sepay(client, sepay_body(memo, reference="FT100", when="2026-11-20 09:00:00"))
    post_sepay(client, sepay_body(memo, reference="FT101", when="2026-11-20 09:01:00"))
    # Casso reports both too, and the month's statement lists both.
    post_casso(client, casso_body(memo, reference="FT101", when="2026-11-20 09:01:00"))
    post_casso(client, casso_body(memo, reference="FT100", when="2026-11-20 09:00:00"))
    path = write_csv(
        tmp_path / "s.csv",
        [
            statement_row(1, "20/11/2026", memo, "FT100"),
            statement_row(2, "20/11/2026", memo, "FT101"),
        ],
    )
    assert import_statement(path).duplicates == 2
    db.session.commit()
    sepay = rows("sepay")
    assert [r.status for r in sepay] == [TxStatus.matched, TxStatus.matched]
    by_ref = {r.bank_reference: r for r in sepay}
    for other in rows("casso") + rows("statement"):
        assert other.status == TxStatus.duplicate
        assert other.twin_of_id == by_ref[other.bank_reference].id
    assert ledger.balance(ACCOUNT) == 400_000 and entries() == 2
    db.session.refresh(pledge)
    assert pledge.status.value == "overpaid"


def test_identical_transfers_without_references_each_claimed_once(client, pledge):
    """Without references, each earlier row is claimed once per channel: two Casso reports of
    two SePay transfers make two twins, not one twin and one more gift."""
    memo = f"{pledge.reference} ung ho"
    for _ in range(2):
        body = sepay_body(memo)
        body["referenceCode"] = None
        post_sepay(client, body)
    post_casso(client, casso_body(memo))
    post_casso(client, casso_body(memo))
    first, second = rows("sepay")
    assert {r.twin_of_id for r in rows("casso")} == {first.id, second.id}
    assert ledger.balance(ACCOUNT) == 400_000 and entries() == 2


def test_different_pledge_codes_are_two_transfers(client, make_bank_pledge, pledge):
    other = make_bank_pledge(pledge.campaign, amount=200_000)
    post_sepay(client, sepay_body(f"{pledge.reference} ung ho"))
    post_casso(client, casso_body(f"{other.reference} ung ho"))
    assert [r.status for r in rows()] == [TxStatus.matched, TxStatus.matched]
    assert ledger.balance(ACCOUNT) == 400_000


# -- accounts: never assumed to be the fund's ---------------------------------------------------


@pytest.mark.parametrize("account", [None, "", "   "])
def test_notification_without_account_number_goes_to_review(client, pledge, account):
    body = sepay_body(pledge.reference)
    body["accountNumber"] = account
    assert post_sepay(client, body).status_code == 200
    (tx,) = rows()
    assert tx.status == TxStatus.review and "không ghi số tài khoản" in tx.note
    assert entries() == 0 and ledger.balance(ACCOUNT) == 0


def test_casso_for_another_account_waits_and_shows_its_twin(client, pledge, login_as):
    post_sepay(client, sepay_body(pledge.reference, reference="FT9"))
    post_casso(client, casso_body(pledge.reference, account="999000111", reference="FT9"))
    sepay, casso = rows()
    assert casso.status == TxStatus.review and "999000111" in casso.note
    assert casso.maybe_twin_of_id == sepay.id
    credited_once(pledge)


# -- uncertain twins wait in review, side by side -----------------------------------------------


def test_uncertain_twin_waits_beside_the_first_and_is_never_credited(client, pledge, login_as):
    post_sepay(client, sepay_body(f"{pledge.reference} ung ho", reference="FT42"))
    # The same amount and day, no reference, a memo the bank cut short: maybe the same.
    post_casso(client, casso_body("IBFT NGUYEN VAN THU CHUYEN TIEN"))
    sepay, casso = rows()
    assert casso.status == TxStatus.review and casso.maybe_twin_of_id == sepay.id
    assert "Có thể trùng" in casso.note
    credited_once(pledge)

    treasurer = login_as("treasurer")
    page = client.get(f"/quan-tri/ung-ho/giao-dich/{casso.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Có thể là cùng một giao dịch" in html
    assert "IBFT NGUYEN VAN THU CHUYEN TIEN" in html and f"{pledge.reference} ung ho" in html
    assert "FT42" in html
    # The first row's page shows the waiting report too.
    assert "IBFT NGUYEN VAN THU" in client.get(f"/quan-tri/ung-ho/giao-dich/{sepay.id}").text

    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{casso.id}/cung-giao-dich", data={"other_id": sepay.id}
    )
    assert response.status_code == 302
    casso = rows("casso")[0]
    assert casso.status == TxStatus.duplicate and casso.twin_of_id == sepay.id
    assert casso.resolved_by_id == treasurer.id
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "bank_tx.same_transfer" in actions
    credited_once(pledge)


def test_same_transfer_refused_for_unrelated_rows(client, pledge, login_as):
    post_sepay(client, sepay_body(f"{pledge.reference} ung ho"))
    post_casso(client, casso_body("ung ho", amount=150_000))
    sepay, casso = rows()
    login_as("treasurer")
    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{casso.id}/cung-giao-dich",
        data={"other_id": sepay.id},
        follow_redirects=True,
    )
    assert "không được đề xuất là trùng" in response.get_data(as_text=True)
    assert rows("casso")[0].status == TxStatus.review


def test_uncertain_twin_can_still_be_counted_as_its_own_gift(client, pledge, login_as):
    post_sepay(client, sepay_body(f"{pledge.reference} ung ho", reference="FT1"))
    post_casso(client, casso_body("chuyen tien"))
    casso = rows("casso")[0]
    login_as("treasurer")
    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{casso.id}/gan",
        data={"a-pledge_reference": pledge.reference},
    )
    assert response.status_code == 302
    assert ledger.balance(ACCOUNT) == 400_000


# -- at the same moment: the search runs under the ledger lock -----------------------------------


@pytest.mark.commits
@pytest.mark.parametrize("first", ["sepay", "casso"])
def test_sepay_and_casso_at_the_same_moment_count_once(app, pledge, monkeypatch, first):
    """The first holds the ledger lock when the second arrives: the second waits, then sees
    the first one committed and keeps itself as evidence."""
    memo = f"{pledge.reference} ung ho"
    sepay = sepay_body(memo, reference="FT2020")
    casso = casso_body(memo, reference="FT2020")
    entered = pause_first_call(monkeypatch, TwinSearch, "find")

    def send(kind):
        def run():
            client = app.test_client()
            if kind == "sepay":
                return post_sepay(client, sepay).status_code
            return post_casso(client, casso).status_code

        return run

    second = "casso" if first == "sepay" else "sepay"
    assert race(send(first), send(second), entered) == (200, 200)
    stored = rows()
    assert [r.provider for r in stored] == [first, second]
    assert [r.status for r in stored] == [TxStatus.matched, TxStatus.duplicate]
    assert stored[1].twin_of_id == stored[0].id
    credited_once(pledge)


@pytest.mark.commits
def test_notification_during_an_import_waits_and_is_recognised(app, pledge, monkeypatch, tmp_path):
    """A statement chunk holds the ledger lock from its twin search to its commit; a
    notification of one of its transfers arriving meanwhile waits, then sees it."""
    memo = f"{pledge.reference} ung ho"
    path = write_csv(tmp_path / "s.csv", [statement_row(1, "20/11/2026", memo, "FT31")])
    entered = pause_first_call(monkeypatch, TwinSearch, "preload")

    def run_import():
        with app.app_context():
            report = import_statement(path)
            db.session.commit()
            db.session.remove()
            return report.matched

    def notify():
        return post_sepay(app.test_client(), sepay_body(memo, reference="FT31")).status_code

    assert race(run_import, notify, entered) == (1, 200)
    # Not by id: a notification takes its rows' ids before it waits for the lock.
    (statement,), (sepay,) = rows("statement"), rows("sepay")
    assert statement.status == TxStatus.matched
    assert sepay.status == TxStatus.duplicate and sepay.twin_of_id == statement.id
    credited_once(pledge)


def test_treasurer_sees_evidence_on_the_one_transaction(client, pledge, login_as):
    post_sepay(client, sepay_body(pledge.reference, reference="FT8"))
    post_casso(client, casso_body(pledge.reference, reference="FT8"))
    sepay, casso = rows()
    login_as("auditor")
    html = client.get(f"/quan-tri/ung-ho/giao-dich/{sepay.id}").get_data(as_text=True)
    assert "Các kênh khác báo cùng giao dịch" in html and f"#{casso.id}" in html
    html = client.get(f"/quan-tri/ung-ho/giao-dich/{casso.id}").get_data(as_text=True)
    assert "Báo cáo trùng" in html and "cung-giao-dich" not in html


@pytest.mark.commits
def test_many_transfers_each_reported_by_both_channels_at_once(
    app, make_bank_pledge, make_campaign
):
    """Twelve transfers, each reported by SePay and Casso from eight senders at once, in
    shuffled order: every transfer is credited exactly once."""
    campaign = make_campaign(unit="province")
    pledges = [make_bank_pledge(campaign, amount=100_000 + i) for i in range(12)]
    jobs = []
    for i, p in enumerate(pledges):
        memo, ref = f"{p.reference} ung ho", f"FT77{i:04d}"
        jobs.append(("sepay", sepay_body(memo, p.amount, reference=ref)))
        jobs.append(("casso", casso_body(memo, p.amount, reference=ref)))
    random.Random(7).shuffle(jobs)
    barrier = threading.Barrier(8)
    codes: list[int] = []
    lock = threading.Lock()

    def sender(part):
        client = app.test_client()
        barrier.wait()
        for kind, body in part:
            post = post_sepay if kind == "sepay" else post_casso
            status = post(client, body).status_code
            with lock:
                codes.append(status)

    threads = [threading.Thread(target=sender, args=(jobs[n::8],)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert codes == [200] * len(jobs)
    stored = rows()
    assert sum(r.status == TxStatus.matched for r in stored) == 12
    assert sum(r.status == TxStatus.duplicate for r in stored) == 12
    assert ledger.balance(ACCOUNT) == sum(p.amount for p in pledges) and entries() == 12


def test_a_statement_with_many_amounts_still_finds_its_twin(client, pledge, tmp_path):
    """600 different amounts, five value days each: the candidates are read in slices."""
    post_sepay(
        client, sepay_body(pledge.reference, reference="FT-LAST", when="2026-11-20 10:00:00")
    )
    rows_ = [[n, "20/11/2026", f"FT{n}", "", f"{10_000 + n}", "", "ung ho"] for n in range(600)]
    rows_.append(statement_row(601, "20/11/2026", f"{pledge.reference} ung ho", "FT-LAST"))
    report = import_statement(write_csv(tmp_path / "big.csv", rows_))
    db.session.commit()
    assert report.duplicates == 1 and report.to_review == 600
    credited_once(pledge)


def test_a_chunk_reads_the_other_channels_rows_on_both_sides_of_its_own(app, pledge):
    """A chunk's many keys are read as two ranges of the twin index, below and above the
    asking channel's name: rows of channels named before and after "statement" are both
    candidates, the statement's own rows never are."""
    from donations.bank.matching import fund_account_number
    from donations.bank.twins import _FEW_KEYS, nearby_keys

    account = fund_account_number()
    day = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)  # a Wednesday, Vietnam time too
    amounts = range(100_000, 100_000 + 2 * _FEW_KEYS)
    for provider in ("casso", "statement", "zalopay"):  # before, itself, after
        for amount in amounts:
            db.session.add(
                BankTransaction(
                    provider=provider,
                    provider_id=f"{provider}-{amount}",
                    account_number=account,
                    amount=amount,
                    occurred_at=day,
                    dedupe_key=nearby_keys(account, day.date(), amount)[0],
                    status=TxStatus.review,
                )
            )
    db.session.flush()
    search = TwinSearch(account)
    items = [
        SimpleNamespace(provider="statement", occurred_at=day, amount=a, bank_reference="")
        for a in amounts
    ]
    search.preload(items)
    seen = {
        row.provider
        for bucket in search._rows.values()
        for found in bucket.by_provider.values()
        for row in found
    }
    assert seen == {"casso", "zalopay"}
    assert sum(len(b.by_provider.get("zalopay", ())) for b in search._rows.values()) == len(amounts)
    db.session.rollback()
