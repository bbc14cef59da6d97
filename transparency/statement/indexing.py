"""Keeping the statement index (models.StatementRow) in step with the ledger.

Every entry the ledger writes through the ORM gets its index row in the same flush (a mapper
event on LedgerEntry); a bank transaction linked to its donation adds its bank reference to
that donation's row. Entries written some other way (a bulk insert that bypasses the ORM, a
database restored from an export) are caught up by `catch_up()`, which the statement calls
before it searches, and `flask statement reindex` rebuilds the whole index.

Name search: SQLite keeps an FTS5 table over `name_key` in step by triggers; PostgreSQL has a
GIN index on `to_tsvector('simple', name_key)`. Both are created here when the tables are
created (tests, `db.create_all`) and by the migration.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from sqlalchemy import Connection, bindparam, event, func, insert, select, text, update

from app import writebehind
from app.extensions import db
from app.ledger.models import CHAIN_COLUMNS, LedgerEntry
from app.text import strip_diacritics
from transparency.statement.models import StatementRow

_NOT_WORD = re.compile(r"[^0-9a-z]+")
CAMPAIGN = "campaign:"

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS statement_fts USING fts5(name_key, "
    "content='statement_index', content_rowid='seq', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS statement_fts_ai AFTER INSERT ON statement_index "
    "WHEN new.name_key <> '' BEGIN "
    "INSERT INTO statement_fts(rowid, name_key) VALUES (new.seq, new.name_key); END",
    "CREATE TRIGGER IF NOT EXISTS statement_fts_ad AFTER DELETE ON statement_index "
    "WHEN old.name_key <> '' BEGIN "
    "INSERT INTO statement_fts(statement_fts, rowid, name_key) "
    "VALUES ('delete', old.seq, old.name_key); END",
    "CREATE TRIGGER IF NOT EXISTS statement_fts_au AFTER UPDATE OF name_key ON statement_index "
    "BEGIN "
    "INSERT INTO statement_fts(statement_fts, rowid, name_key) "
    "SELECT 'delete', old.seq, old.name_key WHERE old.name_key <> ''; "
    "INSERT INTO statement_fts(rowid, name_key) "
    "SELECT new.seq, new.name_key WHERE new.name_key <> ''; END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS statement_fts_ai",
    "DROP TRIGGER IF EXISTS statement_fts_ad",
    "DROP TRIGGER IF EXISTS statement_fts_au",
    "DROP TABLE IF EXISTS statement_fts",
)
POSTGRES_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_statement_index_name_fts ON statement_index "
    "USING gin (to_tsvector('simple'::regconfig, name_key))",
)


def fold(value: str) -> str:
    """Text as the name search compares it: no diacritics, lower case, words split by spaces.

    "Nguyễn Văn  A" and "NGUYEN van a" (composed or decomposed Unicode) both give "nguyen van a".
    """
    plain = strip_diacritics(unicodedata.normalize("NFC", value or "")).lower()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def search_key(value: str) -> str:
    """A reference or bank reference as the index stores it: trimmed, upper case."""
    return (value or "").strip().upper()


def create_search(connection: Connection) -> None:
    """Create the full-text side of the index for this database (idempotent)."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            connection.execute(text(statement))
    elif connection.dialect.name == "postgresql":
        for statement in POSTGRES_DDL:
            connection.execute(text(statement))


def drop_search(connection: Connection) -> None:
    """Drop what create_search made (the PostgreSQL index goes with its table)."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            connection.execute(text(statement))


def _slug(account: str) -> str:
    return account[len(CAMPAIGN) :] if account.startswith(CAMPAIGN) else ""


def _campaign_of(connection: Connection, source: str, destination: str, ref: str) -> str:
    """The campaign an entry belongs to (see StatementRow.campaign)."""
    mine = _slug(source) or _slug(destination)
    if mine or source == "world" or not ref:
        return mine
    # A hand-over (student → world) or an expense paid (expense → world): the campaign whose
    # entry with the same ref brought the value to this account.
    earlier = connection.execute(
        select(LedgerEntry.source)
        .where(LedgerEntry.ref == ref, LedgerEntry.destination == source)
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return _slug(earlier or "")


def row_for(connection: Connection, entry) -> dict:
    """The index row of one entry (an ORM entry or a row with the same attributes)."""
    return _index_row(entry, _campaign_of(connection, entry.source, entry.destination, entry.ref))


def _index_row(entry, campaign: str, bank_reference: str | None = None) -> dict:
    to = _slug(entry.destination)
    return {
        "seq": entry.seq,
        "at": entry.at,
        "kind": entry.kind,
        "asset": entry.asset,
        "amount": entry.amount,
        "campaign": campaign,
        "campaign_to": to if to and to != campaign else "",
        "ref_key": search_key(entry.ref)[:80],
        "bank_key": search_key(bank_reference or "")[:120],
        "name_key": fold(entry.label)[:200],
    }


# Built once: these run inside every posting's flush, under the ledger's chain lock.
_INSERT_ROW = insert(StatementRow.__table__)


def _after_entry_insert(_mapper, connection: Connection, entry: LedgerEntry) -> None:
    writebehind.execute(_INSERT_ROW, row_for(connection, entry), connection)


@cache
def _set_bank_key():
    """The bank reference of a donation's entry, by donation id (built on first use: the
    donations package is imported late, transparency being the top floor)."""
    from donations.models import Donation

    seq = select(Donation.ledger_seq).where(Donation.id == bindparam("b_donation"))
    return (
        update(StatementRow.__table__)
        .where(StatementRow.seq == seq.scalar_subquery())
        .values(bank_key=bindparam("b_bank_key"))
    )


def _after_bank_write(_mapper, connection: Connection, tx) -> None:
    """A bank transaction linked to a donation: its bank reference finds that entry."""
    if not tx.donation_id or not tx.bank_reference:
        return
    writebehind.execute(
        _set_bank_key(),
        {"b_donation": tx.donation_id, "b_bank_key": search_key(tx.bank_reference)[:120]},
        connection,
    )


def _bank_rows(connection: Connection, seqs: Iterable[int] | None = None):
    from donations.bank.models import BankTransaction
    from donations.models import Donation

    stmt = (
        select(Donation.ledger_seq, BankTransaction.bank_reference)
        .join(BankTransaction, BankTransaction.donation_id == Donation.id)
        .where(BankTransaction.bank_reference != "", Donation.ledger_seq.is_not(None))
    )
    if seqs is not None:
        stmt = stmt.where(Donation.ledger_seq.in_(list(seqs)))
    return connection.execute(stmt).all()


_ENTRY_COLUMNS = (*CHAIN_COLUMNS, LedgerEntry.label)


def _origins(connection: Connection, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """For (ref, account) pairs: the source of the latest entry with that ref into that account
    (what `_campaign_of` asks one entry at a time), in one query per 500 refs."""
    found: dict[tuple[str, str], tuple[int, str]] = {}
    refs = sorted({ref for ref, _account in wanted})
    for start in range(0, len(refs), 500):
        rows = connection.execute(
            select(
                LedgerEntry.ref, LedgerEntry.destination, LedgerEntry.seq, LedgerEntry.source
            ).where(LedgerEntry.ref.in_(refs[start : start + 500]))
        )
        for ref, destination, seq, source in rows:
            key = (ref, destination)
            if key in wanted and (key not in found or found[key][0] < seq):
                found[key] = (seq, source)
    return {key: source for key, (_seq, source) in found.items()}


def index_range(connection: Connection, after: int, upto: int, chunk: int = 5000) -> int:
    """Index the entries with after < seq ≤ upto; returns how many were added.

    Set-based, a chunk at a time: the entries as plain rows, the campaigns of hand-overs and
    expenses and the bank references each in one query per chunk, one bulk insert (a bulk
    load or a statement import of a million entries is indexed at thousands per second).
    """
    added = 0
    while after < upto:
        entries = connection.execute(
            select(*_ENTRY_COLUMNS)
            .where(LedgerEntry.seq > after, LedgerEntry.seq <= upto)
            .order_by(LedgerEntry.seq)
            .limit(chunk)
        ).all()
        if not entries:
            break
        # Only an entry leaving a non-campaign account (a hand-over, an expense paid) needs
        # the campaign of the entry that brought its value there (see _campaign_of).
        wanted = {
            (e.ref, e.source)
            for e in entries
            if e.ref and e.source != "world" and not _slug(e.source) and not _slug(e.destination)
        }
        origins = _origins(connection, wanted) if wanted else {}
        banks = dict(_bank_rows(connection, [e.seq for e in entries]))
        rows = []
        for e in entries:
            campaign = _slug(e.source) or _slug(e.destination)
            if not campaign and (e.ref, e.source) in wanted:
                campaign = _slug(origins.get((e.ref, e.source), ""))
            rows.append(_index_row(e, campaign, banks.get(e.seq)))
        connection.execute(insert(StatementRow.__table__), rows)
        added += len(rows)
        after = rows[-1]["seq"]
    return added


# From this many entries behind on, catching up suspends the name search's per-row upkeep.
BULK_AT_LEAST = 20_000


def catch_up_bulk(chunk: int = 50_000, progress=lambda _done, _upto: None) -> int:
    """`catch_up()` after a bulk load: with many entries to add, the name search's per-row
    upkeep (SQLite's FTS5 insert trigger, PostgreSQL's GIN index) is dropped while the rows go
    in and built once at the end, about half the work. One transaction, DDL included (both
    databases roll DDL back), so a stopped run leaves the index as it was; meanwhile the index
    is locked for readers on PostgreSQL. Flushes, never commits."""
    connection = db.session.connection()
    done, upto = indexed_upto(connection), ledger_upto(connection)
    if upto - done < BULK_AT_LEAST:
        return index_range(connection, done, upto)
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.execute(text("DROP TRIGGER IF EXISTS statement_fts_ai"))
    elif dialect == "postgresql":
        connection.execute(text("DROP INDEX IF EXISTS ix_statement_index_name_fts"))
    added = 0
    while done < upto:
        last = min(done + chunk, upto)
        added += index_range(connection, done, last)
        done = last
        progress(done, upto)
    if dialect == "sqlite":  # every row of the content table, the new ones included
        connection.execute(text("INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')"))
    create_search(connection)  # the trigger or the GIN index again
    return added


def indexed_upto(connection: Connection) -> int:
    """The highest seq in the index (0 when empty)."""
    return connection.execute(select(func.coalesce(func.max(StatementRow.seq), 0))).scalar_one()


def ledger_upto(connection: Connection) -> int:
    """The highest seq in the ledger (0 when empty)."""
    return connection.execute(select(func.coalesce(func.max(LedgerEntry.seq), 0))).scalar_one()


def catch_up() -> int:
    """Index entries the ledger holds and the index does not (written past the ORM); flushes."""
    connection = db.session.connection()
    done, head = indexed_upto(connection), ledger_upto(connection)
    if done >= head:
        return 0
    return index_range(connection, done, head)


def rebuild(connection: Connection) -> int:
    """Empty the index and build it again from the ledger; returns the number of entries."""
    connection.execute(StatementRow.__table__.delete())
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO statement_fts(statement_fts) VALUES ('delete-all')"))
    return index_range(connection, 0, ledger_upto(connection))


def register() -> None:
    """Listen to ledger writes and bank links (once per process) and create the FTS side."""
    from donations.bank.models import BankTransaction

    unmanaged = db.metadata.info.setdefault("unmanaged_tables", [])
    for name in ("statement_fts", "ix_statement_index_name_fts"):
        if name not in unmanaged:
            unmanaged.append(name)
    if not event.contains(LedgerEntry, "after_insert", _after_entry_insert):
        event.listen(LedgerEntry, "after_insert", _after_entry_insert)
        event.listen(BankTransaction, "after_insert", _after_bank_write)
        event.listen(BankTransaction, "after_update", _after_bank_write)
        table = StatementRow.__table__
        event.listen(table, "after_create", lambda _t, conn, **_kw: create_search(conn))
        event.listen(table, "before_drop", lambda _t, conn, **_kw: drop_search(conn))
