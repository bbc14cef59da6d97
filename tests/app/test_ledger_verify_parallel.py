"""`flask ledger verify` in ranges: the same answer as one pass, whatever is tampered with."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.ledger import verify_parallel
from app.ledger.verify import verify_database
from tests.app.test_ledger import give


class _InlinePool:
    """The process pool, run in this process on the test's connection (which alone sees the
    test's rows): the ranges and their merge are what is under test here."""

    def __init__(self, *_args, **_kwargs) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        return None

    def submit(self, _fn, _url, after, upto, batch):
        class Done:
            result = staticmethod(
                lambda: verify_parallel.check_range(db.session.connection(), after, upto, batch)
            )

        return Done()


@pytest.fixture
def ranges(ctx, monkeypatch):
    monkeypatch.setattr(verify_parallel, "MIN_PER_WORKER", 1)
    monkeypatch.setattr(verify_parallel, "ProcessPoolExecutor", _InlinePool)
    for i in range(30):
        give(10_000 + i, f"k{i}")
    db.session.commit()


def test_ranges_give_the_one_pass_answer(ranges):
    one = verify_database()
    assert one.ok and one.count == 30
    for workers in (2, 3, 7):
        assert verify_database(workers=workers, batch=4) == one
    merged = verify_parallel.check(3, 4)  # the ranges' merge answered, no second pass
    assert merged is not None and (merged.count, merged.last) == (30, one.head)


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE ledger_entries SET amount = amount + 1 WHERE seq = 17",  # inside a range
        "UPDATE ledger_entries SET prev_hash = hash WHERE seq = 11",  # first of range 2 of 3
        "UPDATE ledger_entries SET ref = 'X' WHERE seq = 10",  # last of range 1 of 3
        "DELETE FROM ledger_entries WHERE seq = 21",  # the first of range 3
        "DELETE FROM ledger_entries WHERE seq = 20",  # the last of range 2
        "UPDATE account_balances SET balance = 1 WHERE account = 'campaign:hoc-bong'",
    ],
)
def test_a_tampered_ledger_is_named_as_one_pass_names_it(ranges, tamper):
    db.session.execute(text(tamper))
    db.session.commit()
    one = verify_database()
    assert not one.ok
    assert verify_database(workers=3, batch=4) == one
