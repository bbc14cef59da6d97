"""Write-behind: statements whose answer nobody reads, sent in one round trip with the commit.

A bank webhook holds the ledger's chain lock from its first posting statement to its commit,
and every round trip in between makes every other webhook wait (DESIGN.md §4: one chain). Inside
`window()`, on PostgreSQL, `execute()` and `insert_object()` queue their INSERTs and UPDATEs
instead of sending them; the queue goes out in one pipeline (psycopg's pipeline mode) together
with the COMMIT, or before a flush, a savepoint or (once the window is closed) any other
statement. Rows that need an id get one reserved before the lock (`reserve_ids`). Elsewhere
(SQLite, or no window open) everything runs at once, as `session.execute` or a flush would.

Only statements whose rows nothing in the window reads back may be queued (the balance and
head rows the transaction keeps in its cache, the statement index, the credit's entry, donation,
bank row, receipt, mail and job rows). A failure in the queue surfaces at the commit as the
SQLAlchemy error (IntegrityError…) a direct execute would raise, with the transaction rolled
back; a rollback, or a rollback to a savepoint, drops what was queued since.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any

from sqlalchemy import Table, event, exc, insert, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm import object_mapper as mapper_of
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.interfaces import MANYTOONE

from app.extensions import db
from app.txcache import tx_cache

_QUEUE = "writebehind.queue"
_OPEN = "writebehind.open"
_IDS = "writebehind.ids"
_NAME = re.compile(r"[a-z_]{1,60}")
_compiled: dict[tuple, tuple[Any, dict[str, Any], Any]] = {}


def _pipelined(connection: Connection) -> bool:
    """PostgreSQL through psycopg on a libpq with pipeline mode (14 or newer; the binary
    wheel in requirements.txt bundles one). Elsewhere statements run at once."""
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        return False
    return _pipeline_supported()


@cache
def _pipeline_supported() -> bool:
    import psycopg

    return bool(psycopg.Pipeline.is_supported())


@contextmanager
def window() -> Iterator[None]:
    """Queue `execute()`'s statements until the commit (PostgreSQL; a no-op elsewhere)."""
    connection = db.session.connection()
    if not _pipelined(connection) or connection.info.get(_OPEN):
        yield
        return
    connection.info[_OPEN] = True
    connection.info.setdefault(_QUEUE, [])
    try:
        yield
    finally:
        connection.info[_OPEN] = False


def pending(session: Session) -> bool:
    """Whether statements are queued, not yet sent, on the connection the session is bound to
    (the test suite binds every session to its one connection)."""
    bind = session.get_bind()
    return isinstance(bind, Connection) and bool(bind.info.get(_QUEUE))


def is_open() -> bool:
    return bool(db.session.connection().info.get(_OPEN))


def _ready(statement, dialect, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The driver's SQL and parameters, as SQLAlchemy would send them (bind processors
    applied); compiled once per statement and set of keys."""
    keys = tuple(sorted(params))
    key = (id(statement), dialect.name, keys)
    found = _compiled.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        # The statement is kept with its compiled form: its id() names it.
        found = _compiled[key] = (compiled, dict(compiled._bind_processors), statement)
    compiled, processors, _statement = found
    escaped = compiled.escaped_bind_names
    ready = {}
    for name, value in compiled.construct_params(dict(params)).items():
        process = processors.get(name)
        ready[escaped.get(name, name)] = process(value) if process is not None else value
    return compiled.string, ready


def execute(
    statement,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    connection: Connection | None = None,
) -> None:
    """Run `statement` (a Core statement returning nothing) now, or queue it in a window.

    `connection`: the one a mapper event is given (inside a flush); else the session's."""
    if connection is None:
        connection = db.session.connection()
        if not connection.info.get(_OPEN):
            db.session.execute(statement, params)
            return
    elif not connection.info.get(_OPEN):
        connection.execute(statement, params)
        return
    many = params if isinstance(params, Sequence) else [params]
    queue = connection.info[_QUEUE]
    for one in many:
        queue.append(_ready(statement, connection.dialect, one))


def reserve_ids(*tables: str) -> None:
    """Take the next id of each table's sequence now, before a lock is taken (PostgreSQL), so
    that `insert_id` can queue its row in a window rather than wait for RETURNING."""
    connection = db.session.connection()
    if not _pipelined(connection):
        return
    if not all(_NAME.fullmatch(table) for table in tables):
        raise ValueError(f"not table names: {tables}")
    row = connection.execute(_nextvals(tables)).one()
    reserved = tx_cache(db.session).setdefault(_IDS, {})
    for table, value in zip(tables, row, strict=True):
        reserved.setdefault(table, []).append(value)


@cache
def _nextvals(tables: tuple[str, ...]):
    columns = ", ".join(f"nextval(pg_get_serial_sequence('{t}', 'id'))" for t in tables)
    return text(f"SELECT {columns}")


def _take_id(table: Table) -> int | None:
    """An id `reserve_ids` took for `table` in this transaction, if any is left."""
    reserved = tx_cache(db.session).get(_IDS, {}).get(table.name)
    return reserved.pop() if reserved else None


def insert_id(table: Table, values: Mapping[str, Any]) -> int:
    """Insert one row into `table` and give its id: queued with a reserved id inside a
    window, else sent at once with RETURNING."""
    row_id = _take_id(table) if is_open() else None
    if row_id is None:
        return db.session.execute(_insert_returning_id(table), values).scalar_one()
    execute(_insert_of(table), {**values, "id": row_id})
    return row_id


def insert_object(obj: Any) -> bool:
    """Queue the INSERT of a new ORM object in an open window, as the flush would write it
    (Python-side defaults, the keys of the rows its many-to-one relationships name, its id
    reserved by `reserve_ids`), and run the mapper's `after_insert` listeners.

    It then joins the session as if it had been flushed (persistent, nothing pending), so
    nothing writes it a second time. False when no window is open or no id is reserved: the
    caller adds and flushes it as usual.
    """
    connection = db.session.connection()
    if not connection.info.get(_OPEN):
        return False
    state = inspect(obj)
    mapper = state.mapper
    table = mapper.local_table
    (key_column,) = mapper.primary_key
    key = mapper.get_property_by_column(key_column).key
    row_id = state.dict.get(key)
    if row_id is None:
        row_id = _take_id(table)
        if row_id is None:
            return False
        set_committed_value(obj, key, row_id)
    values: dict[str, Any] = {key_column.key: row_id}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column is key_column:
            continue
        value = state.dict.get(prop.key)
        if value is None and column.default is not None:
            default: Any = column.default
            value = default.arg(None) if default.is_callable else default.arg
            set_committed_value(obj, prop.key, value)
        values[column.key] = value
    for relation in mapper.relationships:
        related = state.dict.get(relation.key)
        if relation.direction is not MANYTOONE or related is None:
            continue
        for local, remote in relation.local_remote_pairs:
            value = getattr(related, mapper_of(related).get_property_by_column(remote).key)
            values[local.key] = value
            set_committed_value(obj, mapper.get_property_by_column(local).key, value)
    execute(_insert_of(table), values, connection)
    mapper.dispatch.after_insert(mapper, connection, state)
    # In the session as if flushed, so that a look-up by its id in this transaction gives
    # this very object (the identity map), with nothing left to write.
    make_transient_to_detached(obj)
    db.session.add(obj)
    return True


@cache
def _insert_of(table: Table):
    return insert(table)


@cache
def _insert_returning_id(table: Table):
    return insert(table).returning(table.c.id)


def send_now() -> None:
    """Send what the session's connection has queued, now (a window stays open)."""
    _send(db.session.connection(), commit=False)


def _send(connection: Connection, commit: bool, undo: str | None = None) -> None:
    """Send the queue in one pipeline (with the COMMIT when `commit`). On a failure the
    transaction is rolled back (a failed COMMIT ends it, as the server does), or to the
    savepoint being released (`undo`: SQLAlchemy does not roll back a failed release), and
    the error is raised as SQLAlchemy would raise it."""
    queue = connection.info.get(_QUEUE)
    if not queue:
        return
    import psycopg

    connection.info[_QUEUE] = []
    raw: Any = connection.connection.driver_connection  # a psycopg connection
    sql, params = "", {}
    try:
        with raw.pipeline(), raw.cursor() as cursor:
            for sql, params in queue:
                cursor.execute(sql, params)
            if commit:
                raw.commit()
    except psycopg.Error as err:
        with suppress(psycopg.Error):  # a broken connection must not hide the first error
            if commit:
                raw.rollback()
            elif undo is not None:
                raw.execute(f"ROLLBACK TO SAVEPOINT {undo}")
        raise exc.DBAPIError.instance(sql, params, err, psycopg.Error) from err


@event.listens_for(Engine, "before_cursor_execute")
def _before_statement(connection, _cursor, _statement, _params, _context, _many) -> None:
    if connection.info.get(_QUEUE) and not connection.info.get(_OPEN):
        _send(connection, commit=False)


@event.listens_for(Engine, "commit")
def _before_commit(connection) -> None:
    connection.info[_OPEN] = False
    _send(connection, commit=True)


@event.listens_for(Engine, "rollback")
def _before_rollback(connection) -> None:
    connection.info[_OPEN] = False
    connection.info.pop(_QUEUE, None)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    """A flush may write rows that refer to queued ones (a foreign key): send them first."""
    connection = session.connection()
    if connection.info.get(_QUEUE):
        _send(connection, commit=False)


@event.listens_for(Engine, "savepoint")
def _before_savepoint(connection, _name) -> None:
    _send(connection, commit=False)  # what was queued before it is not undone with it


@event.listens_for(Engine, "release_savepoint")
def _before_release(connection, name, _context) -> None:
    _send(connection, commit=False, undo=name)


@event.listens_for(Engine, "rollback_savepoint")
def _before_rollback_to(connection, _name, _context) -> None:
    connection.info.pop(_QUEUE, None)  # all queued after the savepoint was taken
