"""Bulk inserts with parameters made ready once: COPY on PostgreSQL, the driver's executemany
elsewhere.

A Core `insert(table)` with a list of dicts processes every parameter of every row in Python
(about a third of a statement import's CPU). Here each column's bind processor (the same one a
Core insert would apply, so the stored values are identical) is looked up once and applied
only to the columns that have one, and the rows go to the driver as plain tuples, inside the
session's transaction. No ORM events fire, as with a Core insert.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import (
    DateTime,
    Enum,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import TypeDecorator

from app.extensions import db

# SQLite's executemany sends one statement per row anyway; slices only bound memory.
_SLICE = 5000


def _by_column(process: Callable[[Any], Any], memo: bool) -> Callable[[list], list]:
    """A bind processor applied to a whole column of values.

    Datetimes and enums (`memo`) are processed once per distinct value: an import's rows
    share a few dozen dates, one "now" and a few statuses, and equal aware datetimes are one
    moment, so they give the same stored value. Other types once per value, but None (an
    empty JSON note, say) once per column.
    """
    if memo:

        def column(values: list) -> list:
            done = {value: process(value) for value in set(values)}
            return [done[value] for value in values]

    else:

        def column(values: list) -> list:
            null = process(None) if None in values else None
            return [null if value is None else process(value) for value in values]

    return column


def _processors(table: Table, columns: Sequence[str], dialect) -> list[tuple[int, Callable]]:
    found = []
    for i, name in enumerate(columns):
        column_type = table.c[name].type
        process = column_type._cached_bind_processor(dialect)
        if process is not None:
            memo = isinstance(getattr(column_type, "impl", column_type), DateTime | Enum)
            found.append((i, _by_column(process, memo)))
    return found


def _ready(rows: Iterable[Sequence[Any]], width: int, processors, extra=()) -> list[tuple]:
    """The rows with `extra` values appended and every processor applied, column by column."""
    rows = list(rows)
    if not rows:
        return []
    columns: list[Any] = list(zip(*rows, strict=True))
    for _name, make in extra:
        columns.append([make() for _row in rows])
    if len(columns) != width:
        raise ValueError(f"{width} columns expected, rows have {len(columns)}")
    for i, process in processors:
        columns[i] = process(list(columns[i]))
    return list(zip(*columns, strict=True))


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _called(fn: Callable[[Any], Any]) -> Callable[[], Any]:
    return lambda: fn(None)  # SQLAlchemy's wrapped default takes the execution context


def _defaults(table: Table, columns: Sequence[str]) -> list[tuple[str, Callable[[], Any]]]:
    """The Python-side defaults a Core insert would fill in for the columns not given."""
    found: list[tuple[str, Callable[[], Any]]] = []
    for column in table.c:
        default: Any = column.default
        if column.name in columns or default is None:
            continue
        if getattr(default, "is_scalar", False):
            found.append((column.name, _constant(default.arg)))
        elif getattr(default, "is_callable", False):
            found.append((column.name, _called(default.arg)))
        else:
            raise ValueError(f"{table.name}.{column.name}: a default insert_rows cannot fill")
    return found


def insert_rows(table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (tuples in the order of `columns`) into `table`; returns how many.

    Columns left out get their Python-side default, as with a Core insert. Flushes nothing
    and never commits: the caller's session flushes first when the rows refer to objects it
    holds.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    defaults = _defaults(table, columns)
    columns = [*columns, *(name for name, _make in defaults)]
    processors = _processors(table, columns, dialect)
    ready = _ready(rows, len(columns), processors, defaults)
    if not ready:
        return 0
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    target = dialect.identifier_preparer.format_table(table)
    cursor = connection.connection.cursor()  # the DB-API cursor of this very transaction
    try:
        if dialect.name == "postgresql":
            with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for values in ready:
                    copy.write_row(values)
        else:
            marks = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in columns)
            sql = f"INSERT INTO {target} ({names}) VALUES ({marks})"  # noqa: S608 - quoted names
            for start in range(0, len(ready), _SLICE):
                cursor.executemany(sql, ready[start : start + _SLICE])
    finally:
        cursor.close()
    return len(ready)


def _literal(values: list[Any]) -> str | None:
    """A PostgreSQL array literal of plain ints, or of strings without quotes or backslashes
    (keys, codes, statuses): joined at C speed, where the driver dumps a list value by value
    (~0.9 ms per thousand strings, a dozen lists per import chunk). None for anything else,
    which the driver dumps as before."""
    if not values:
        return "{}"
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}"
    if all(type(value) is str for value in values):
        plain = "".join(values)
        if '"' not in plain and "\\" not in plain:
            return '{"' + '","'.join(values) + '"}'
    return None


class _ArrayText(TypeDecorator):
    """An ARRAY parameter given as its literal text: rendered `%(p)s::TYPE[]` like any array
    parameter, the text sent as it is. The driver sends a string untyped, so the server
    reads it as the array once, when binding. (A `CAST(text AS TYPE[])` instead would parse
    it again for every row a sequential scan filters: seconds per query.)"""

    impl = ARRAY
    cache_ok = True

    def bind_processor(self, dialect: Any) -> None:
        return None


def _array(values: list[Any], column_type: Any) -> Any:
    """`values` bound as one array parameter of `column_type` items (PostgreSQL)."""
    text = _literal(values)
    if text is None:
        return bindparam(None, values, type_=ARRAY(column_type))
    return bindparam(None, text, type_=_ArrayText(column_type))


def among(column: Any, values: Iterable[Any]) -> Any:
    """`column IN values` for a long list, bound as one parameter.

    An IN list of a thousand values is rendered and bound value by value (on PostgreSQL the
    driver then splits the long statement again): one array (`= ANY(...)`, PostgreSQL) or
    one JSON text (`IN (SELECT value FROM json_each(...))`, SQLite) costs the same for ten
    values or ten thousand, and needs no slicing under SQLite's limit of bound variables.
    """
    values = list(values)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return column == any_(_array(values, column.type))
    if dialect == "sqlite":
        listed = func.json_each(bindparam(None, json.dumps(values), type_=String))
        return column.in_(select(literal_column("value")).select_from(listed))
    return column.in_(values)


def rows_by_key(
    table: Table, key: str, values: Iterable[Any], columns: Sequence[str], **equal: Any
) -> list[Any]:
    """The `columns` of the rows whose `key` is one of `values` and whose other columns
    equal `equal` (a unique index over those columns and `key`): one query.

    On PostgreSQL each value is looked up on its own through a LATERAL join: with the plain
    `a = x AND b = ANY(...)`, statistics taken while the table was small (an import fills it
    within seconds, before autovacuum looks again) make the planner read every row with
    `a = x` and filter, a cost that grows with the table. The `OFFSET 0` keeps the planner
    from flattening the LATERAL subquery into that same plan (a hash join over every row with
    `a = x`: 57 ms per 1.000 keys at 100.000 rows instead of 3 ms).
    """
    values = list(values)
    wanted = [table.c[name] for name in columns]
    fixed = [table.c[name] == value for name, value in equal.items()]
    if db.session.get_bind().dialect.name != "postgresql":
        return list(
            db.session.execute(select(*wanted).where(*fixed, among(table.c[key], values))).all()
        )
    column = table.c[key]
    keys = func.unnest(_array(values, column.type)).table_valued("v").render_derived(name="k")
    inner = select(*wanted).where(*fixed, column == keys.c.v).offset(0).lateral("t")
    return list(db.session.execute(select(inner).select_from(keys.join(inner, true()))).all())


def update_rows(
    table: Table, key: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Set `columns` of the rows whose `key` is the first value of each tuple in `rows`
    (key, *values); returns how many tuples were given.

    One `UPDATE … FROM unnest(arrays)` on PostgreSQL (not one statement per row), the driver's
    executemany elsewhere; values through the columns' bind processors, as `insert_rows`.
    """
    if not rows:
        return 0
    connection = db.session.connection()
    dialect = connection.dialect
    names = [key, *columns]
    ready = _ready(rows, len(names), _processors(table, names, dialect))
    preparer = dialect.identifier_preparer
    target = preparer.format_table(table)
    cursor = connection.connection.cursor()
    try:
        if dialect.name == "postgresql":
            compile_type = dialect.type_compiler_instance.process
            arrays = ", ".join(f"%s::{compile_type(table.c[name].type)}[]" for name in names)
            alias = ", ".join(f"c{i}" for i in range(len(names)))
            sets = ", ".join(
                f"{preparer.quote(name)} = v.c{i}" for i, name in enumerate(columns, start=1)
            )
            # Each row is found through the key's index (a LATERAL look-up fenced by OFFSET
            # 0): joined directly, statistics taken while the table was small make the
            # planner hash the whole table for every batch (28 ms per 1.000 rows among
            # 100.000 pledges, instead of 3 ms).
            quoted = preparer.quote(key)
            cursor.execute(
                f"UPDATE {target} SET {sets} FROM unnest({arrays}) AS v({alias}) "  # noqa: S608
                f"CROSS JOIN LATERAL (SELECT {quoted} AS k FROM {target} "
                f"WHERE {quoted} = v.c0 OFFSET 0) AS t "
                f"WHERE {target}.{quoted} = t.k",  # names quoted, values bound
                [_text_or_list(list(column)) for column in zip(*ready, strict=True)],
            )
        else:
            sets = ", ".join(f"{preparer.quote(name)} = ?" for name in columns)
            cursor.executemany(
                f"UPDATE {target} SET {sets} WHERE {preparer.quote(key)} = ?",  # noqa: S608
                [[*values[1:], values[0]] for values in ready],
            )
    finally:
        cursor.close()
    return len(ready)


def _text_or_list(values: list[Any]) -> Any:
    literal = _literal(values)
    return values if literal is None else literal
