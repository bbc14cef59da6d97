"""Complementary suppression: no count under 5 is shown, and no suppressed cell can be worked
out from the shown figures by adding and subtracting rows and columns (checked by a search of
our own, independent of the module's algebra)."""

from __future__ import annotations

import random

import pytest

from transparency.reports.suppression import HIDDEN, suppress
from transparency.reports.tables import Table


def _lines(n_rows, n_cols):
    """Each line's cells and its total, positions as the module gives them."""
    rows = [([(r, c) for c in range(n_cols)], (r, n_cols)) for r in range(n_rows + 1)]
    cols = [([(r, c) for r in range(n_rows)], (n_rows, c)) for c in range(n_cols + 1)]
    return rows + cols


def _recoverable(n_rows, n_cols, hidden) -> set:
    """Hidden cells whose value every other filling of the table agrees on.

    Another filling differs from the true one by d (on hidden cells only) with every line still
    adding up: sum of d over a line's cells == d of its total. Such tables' constraint matrices
    are network matrices, whose kernels are spanned by vectors of -1, 0, 1: searching those is
    enough. A hidden cell is recoverable when no such d moves it."""
    hidden = sorted(hidden)
    lines = _lines(n_rows, n_cols)
    free: set = set()
    for target in hidden:
        if target in free:
            continue
        d: dict = {}
        order = [target] + [p for p in hidden if p != target]
        if _search(order, 0, d, set(hidden), lines):
            free |= {p for p, v in d.items() if v}
    return set(hidden) - free


def _consistent(d: dict, hidden: set, lines) -> bool:
    for cells, total in lines:
        complete = all(p not in hidden or p in d for p in [*cells, total])
        if complete and sum(d.get(p, 0) for p in cells) != d.get(total, 0):
            return False
    return True


def _search(order, i: int, d: dict, hidden: set, lines) -> bool:
    if i == len(order):
        return True
    for v in (1, -1) if i == 0 else (0, 1, -1):
        d[order[i]] = v
        if _consistent(d, hidden, lines) and _search(order, i + 1, d, hidden, lines):
            return True
        del d[order[i]]
    return False


@pytest.mark.parametrize("seed", range(40))
def test_no_suppressed_cell_is_recoverable_and_no_small_count_shown(seed):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 4), rng.randint(1, 3)
    values = [
        [rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14, 30]) for _ in range(n_cols)] for _ in range(n_rows)
    ]
    grid = suppress(values)
    full = grid.full()
    for r in range(n_rows + 1):
        for c in range(n_cols + 1):
            if full[r][c] < 5:
                assert (r, c) in grid.hidden
    assert _recoverable(n_rows, n_cols, grid.hidden) == set(), (values, sorted(grid.hidden))


def test_a_lone_small_cell_takes_others_with_it():
    grid = suppress([[10, 3, 8], [7, 12, 9], [20, 15, 6]])
    assert grid.shown(0, 1) == HIDDEN
    assert len(grid.hidden) == 4  # a rectangle: the least that hides one cell
    for cells_and_total in _lines(3, 3):
        members = [*cells_and_total[0], cells_and_total[1]]
        assert sum(p in grid.hidden for p in members) != 1
    assert grid.shown(3, 3) == 90  # the grand total is large and stays


def test_the_search_finds_a_single_subtraction():
    # Only (0, 1) hidden: row 0's total minus the shown cells gives it away.
    assert _recoverable(1, 2, {(0, 1)}) == {(0, 1)}
    assert _recoverable(2, 2, {(0, 0), (0, 1), (1, 0), (1, 1)}) == set()


def test_tables_show_money_as_it_is_and_independent_columns_each_suppressed():
    money = Table(
        "m", "Tiền", ["A", "B"], ["Ngân hàng"], [[3], [200_000]], sensitive=False, asset="VND"
    )
    assert money.value(0, 0) == 3
    counts = Table(
        "k", "Trở lại", ["A", "B", "C"], ["n", "kept"], [[2, 1], [9, 7], [12, 6]], additive=False
    )
    assert counts.value(0, 0) == HIDDEN and counts.value(0, 1) == HIDDEN
    assert counts.value(3, 0) == 23  # column total shown
    shown = [v for _label, row in counts.shown_rows() for v in row]
    assert all(v == HIDDEN or v >= 5 for v in shown)
