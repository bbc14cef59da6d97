"""Reading ahead in a thread: the same rows in the same order, errors where they belong."""

from __future__ import annotations

import threading
import time

import pytest

from donations.bank.read_ahead import read_ahead
from donations.bank.statement_reader import StatementError


def test_rows_come_out_in_order_whatever_the_batch_size():
    for n in (0, 1, 499, 500, 501, 12_345):
        assert list(read_ahead(iter(range(n)))) == list(range(n))


def test_a_reader_error_is_raised_to_the_caller_after_the_rows_before_it():
    def broken():
        yield from range(1_200)
        raise StatementError("tệp hỏng")

    seen = []
    with pytest.raises(StatementError, match="tệp hỏng"):
        for row in read_ahead(broken()):
            seen.append(row)
    assert seen == list(range(1_200))


def test_stopping_early_ends_the_worker_and_closes_the_source():
    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    rows = read_ahead(endless())
    assert [next(rows) for _ in range(10)] == list(range(10))
    rows.close()
    assert closed.wait(5)
    time.sleep(0.2)
    assert not any(t.name == "statement-reader" and t.is_alive() for t in threading.enumerate())
