"""A report table and how it is shown: money as it is, counts of children suppressed."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.money import format_quantity, format_vnd
from transparency.reports.suppression import HIDDEN, Grid, suppress


@dataclass
class Table:
    """Rows × columns of integers.

    `additive`: the columns are parts of a whole (a total column is shown). `sensitive`: counts
    of children, suppressed (DESIGN.md §6); `asset` set for money or goods (then shown as such).
    """

    key: str
    title: str
    rows: list[str]
    cols: list[str]
    values: list[list[int]]
    additive: bool = True
    sensitive: bool = True
    asset: str | None = None
    totals: bool = True  # False when the rows are different things (kg of rice, bicycles)
    row_assets: list[str] = field(default_factory=list)
    hidden: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.sensitive or not self.rows or not self.cols:
            return
        if self.additive:
            self.hidden = suppress(self.values).hidden
            return
        for c in range(len(self.cols)):  # each column on its own, with its own total
            grid = suppress([[row[c]] for row in self.values])
            self.hidden |= {(r, c) for r, k in grid.hidden if k == 0}

    @property
    def width(self) -> int:
        """Columns shown: the cells, and a total when the columns add up."""
        return len(self.cols) + int(self.additive)

    def raw(self, r: int, c: int) -> int:
        """The figure at a position (r == len(rows) for the totals row)."""
        if self.additive:
            return Grid(self.values).full()[r][c]
        if r == len(self.rows):
            return sum(row[c] for row in self.values)
        return self.values[r][c]

    def value(self, r: int, c: int) -> int | str:
        """The figure, or "< 5" (what every page, PDF and spreadsheet shows)."""
        return HIDDEN if (r, c) in self.hidden else self.raw(r, c)

    def shown_rows(self) -> list[tuple[str | None, list[int | str]]]:
        """Each row's label and figures, then the totals row (label None); nothing for a
        table without rows (every page and file says "no figures" instead)."""
        if not self.rows:
            return []
        labels = [*self.rows, None] if self.totals else list(self.rows)
        return [
            (label, [self.value(r, c) for c in range(self.width)]) for r, label in enumerate(labels)
        ]

    def text(self, r: int, value) -> str:
        """A figure as the page and the PDF write it (money, goods, a count or "< 5")."""
        if isinstance(value, str):
            return value
        if self.asset == "VND":
            return format_vnd(value)
        if self.row_assets and r < len(self.row_assets):
            return format_quantity(value, self.row_assets[r])
        return f"{value:,}".replace(",", ".")
