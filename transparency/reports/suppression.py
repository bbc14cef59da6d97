"""Small-count suppression of a table of children (DESIGN.md §6): no cell under 5 is shown,
and none can be worked out from the others.

A table is its cells plus a total for each row, each column and the whole. Every count under 5
(0 included: "no child" is a fact about children too) is suppressed first. Then, as long as a
suppressed value could still be worked out by adding and subtracting shown figures (any linear
combination of the row and column equations, tested exactly with fractions), one more cell is
suppressed next to it: the smallest figure of its row or column. The result: every line holds
no suppressed cell or at least two, and no suppressed value is determined by the shown ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

THRESHOLD = 5
HIDDEN = "< 5"


@dataclass
class Grid:
    """Cells `values[r][c]` with row totals, column totals and the grand total; `hidden` holds
    the suppressed positions, (r, c) with c == n_cols for a row total, r == n_rows for a column
    total, (n_rows, n_cols) for the grand total."""

    values: list[list[int]]
    hidden: set[tuple[int, int]] = field(default_factory=set)

    @property
    def n_rows(self) -> int:
        return len(self.values)

    @property
    def n_cols(self) -> int:
        return len(self.values[0]) if self.values else 0

    def full(self) -> list[list[int]]:
        """The table with its totals: one more column and one more row."""
        rows = [list(r) + [sum(r)] for r in self.values]
        totals = [sum(r[c] for r in rows) for c in range(self.n_cols + 1)]
        return rows + [totals]

    def shown(self, r: int, c: int) -> int | str:
        """The figure of a position, or "< 5"."""
        return HIDDEN if (r, c) in self.hidden else self.full()[r][c]

    def lines(self) -> list[list[tuple[int, int]]]:
        """Each row (cells and its total) and each column (cells and its total)."""
        rows = [[(r, c) for c in range(self.n_cols + 1)] for r in range(self.n_rows + 1)]
        cols = [[(r, c) for r in range(self.n_rows + 1)] for c in range(self.n_cols + 1)]
        return rows + cols


def _determined(grid: Grid) -> list[tuple[int, int]]:
    """Suppressed positions whose value the shown figures fix (linear algebra, exact)."""
    hidden = sorted(grid.hidden)
    if not hidden:
        return []
    index = {pos: i for i, pos in enumerate(hidden)}
    # Each line says: its cells add up to its total. Keep the suppressed unknowns' part.
    equations = []
    for line in grid.lines():
        total_pos = line[-1]
        row = [Fraction(0)] * len(hidden)
        for pos in line[:-1]:
            if pos in index:
                row[index[pos]] += 1
        if total_pos in index:
            row[index[total_pos]] -= 1
        if any(row):
            equations.append(row)
    basis = _row_reduce(equations)
    out = []
    for pos, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(hidden))]
        if _in_span(basis, unit):
            out.append(pos)
    return out


def _row_reduce(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced row echelon form: (pivot column, row) pairs."""
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        row = _reduce(basis, list(row))
        pivot = next((j for j, v in enumerate(row) if v), None)
        if pivot is None:
            continue
        row = [v / row[pivot] for v in row]
        basis = [(p, [a - b[pivot] * r for a, r in zip(b, row, strict=True)]) for p, b in basis]
        basis.append((pivot, row))
    return basis


def _reduce(basis, row):
    for pivot, b in basis:
        if row[pivot]:
            factor = row[pivot]
            row = [a - factor * v for a, v in zip(row, b, strict=True)]
    return row


def _in_span(basis, vector) -> bool:
    return not any(_reduce(basis, list(vector)))


def suppress(values: list[list[int]], threshold: int = THRESHOLD) -> Grid:
    """Suppress every count under `threshold`, then enough others that none can be recovered."""
    grid = Grid([list(r) for r in values])
    if not grid.values or not grid.n_cols:
        return grid
    full = grid.full()
    grid.hidden = {
        (r, c)
        for r in range(grid.n_rows + 1)
        for c in range(grid.n_cols + 1)
        if full[r][c] < threshold
    }
    lines = grid.lines()

    def singles(hidden) -> int:
        return sum(1 for line in lines if sum(p in hidden for p in line) == 1)

    def cost(pos):
        # Fewest lines left with a lone suppressed figure, inner cells before totals, then the
        # smallest figure (the least information lost).
        total = pos[0] == grid.n_rows or pos[1] == grid.n_cols
        return (singles(grid.hidden | {pos}), total, full[pos[0]][pos[1]], pos)

    for _ in range((grid.n_rows + 1) * (grid.n_cols + 1)):
        lone = next((line for line in lines if sum(p in grid.hidden for p in line) == 1), None)
        if lone is None:
            exposed = _determined(grid)  # the exact test, once no line gives one away
            if not exposed:
                return grid
            lone = [p for line in lines if exposed[0] in line for p in line]
        candidates = [p for p in lone if p not in grid.hidden]
        if not candidates:
            break
        grid.hidden.add(min(candidates, key=cost))
    if _determined(grid):  # cannot happen in practice: hide the whole table rather than leak
        grid.hidden = {pos for line in lines for pos in line}
    return grid
