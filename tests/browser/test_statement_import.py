"""Browser: a treasurer uploads a statement on a phone and watches the import's progress bar
fill up while a real worker imports it, chunk by chunk, until it says it is done."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime

import pytest
from huey.storage import SqliteStorage
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import queue
from app.ledger import service as ledger
from donations.bank.models import BankTransaction
from donations.pledges.bulk import bulk_pledges
from tests.browser.conftest import has_horizontal_scroll
from tests.browser.test_treasury_corrections import _login

pytestmark = pytest.mark.browser
ROWS = 1500


@pytest.fixture
def worker_queue(app, tmp_path, monkeypatch):
    """Jobs go to a real (SQLite) queue instead of running at once; small chunks."""
    saved = (queue.huey.storage, queue.huey.immediate)
    queue.huey.immediate = False
    queue.huey.storage = SqliteStorage("thapsang-browser", filename=str(tmp_path / "jobs.db"))
    monkeypatch.setitem(app.config, "BANK_IMPORT_CHUNK_SIZE", 100)
    yield
    queue.huey.flush()
    queue.huey.storage, queue.huey.immediate = saved


def test_an_uploaded_statement_is_watched_until_it_is_imported(
    phone, live_server, worker_queue, make_user, make_campaign, tmp_path
):
    campaign = make_campaign("sao-ke-trinh-duyet", unit="province", title="Sao kê trình duyệt")
    pairs = bulk_pledges(campaign, ROWS, seed=5, created_at=datetime(2026, 11, 1, tzinfo=UTC))
    treasurer = make_user("treasurer")
    db.session.commit()
    path = tmp_path / "sao-ke-thang-11.csv"
    lines = ["Ngày GD;Số CT;Số tiền ghi nợ;Số tiền ghi có;Số dư;Nội dung chi tiết"]
    lines += [
        f"{1 + n % 28:02d}/11/2026;FT{n:08d};;{amount};;MBVCB.{n}.{code} ung ho"
        for n, (code, amount) in enumerate(pairs)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    _login(phone, live_server, treasurer)
    phone.goto(f"{live_server}/quan-tri/ung-ho/sao-ke")
    phone.set_input_files("input[type=file]", str(path))
    phone.get_by_role("button", name="Tải lên và nhập").click()
    phone.wait_for_url("**/sao-ke/*")
    # No worker yet: the import waits in the queue, and the page says so.
    assert "Đang chờ xử lý" in phone.inner_text("#import-progress")
    assert not has_horizontal_scroll(phone)

    seen: list[int] = []
    with queue.consumer(workers=1):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(PlaywrightError):  # the page reloads itself at the end
                if "Đã nhập xong" in phone.inner_text("#import-progress", timeout=2000):
                    break
                seen.append(int(phone.get_attribute("progress", "value", timeout=2000) or 0))
            time.sleep(0.2)
    text = phone.inner_text("#import-progress")
    assert "Đã nhập xong" in text
    assert phone.get_attribute("progress", "value") == "100"
    assert seen == sorted(seen)  # the bar only moves forward
    assert f"{ROWS}" in text  # rows read and matched
    phone.screenshot(path=str(tmp_path / "import-done.png"), full_page=True)
    db.session.expire_all()
    assert (
        db.session.execute(select(func.count()).select_from(BankTransaction)).scalar_one() == ROWS
    )
    assert ledger.balance(campaign.account) == sum(amount for _code, amount in pairs)
