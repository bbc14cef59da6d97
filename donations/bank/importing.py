"""Statement import: stream a bank's CSV/XLSX file into bank transactions, in chunks.

Each row gets a stable fingerprint, so importing the same file again, or a file that overlaps
rows already received by webhook, adds nothing. The caller may commit after every chunk
(`checkpoint`): an import stopped half-way and run again ends in the same state.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import Pool

from app import mail, stored_text
from app.audit import service as audit
from app.dbtypes import VN_TZ, utcnow
from app.errors import DomainError
from app.extensions import db
from app.ledger.batch import table_of
from app.ledger.rows import among, rows_by_key
from donations.bank.bulk_settle import Settled, settle_chunk
from donations.bank.matching import STATEMENT, Incoming, Matcher, statement_fingerprint
from donations.bank.memo import compact_memo
from donations.bank.models import BankTransaction, StatementImport, TxStatus
from donations.bank.statement_limits import check_file
from donations.bank.statement_reader import (
    DEFAULT_LIMITS,
    Limits,
    RowProblem,
    StatementError,
    StatementRow,
    read_statement,
)

# Rows settled and committed together. Every commit writes each index page the chunk touched,
# and most of these indexes have scattered keys (hashes, fingerprints): once the tables are
# large, 1.000 rows touch nearly as many pages as 3.000, so larger chunks write fewer pages
# per row (100.000 rows, A/B: SQLite 25–32 s -> 21–25 s, PostgreSQL 30–38 s -> 24–31 s;
# 5.000 gained little more). The chain lock is held for one chunk, well under a second at
# this size: what a bank notification arriving during an import may wait.
CHUNK_SIZE = 3000
# SQLite: a chunk dirties thousands of index pages, and checkpointing the WAL back into the
# database every 1.000 pages (the default) writes and syncs them again after every chunk
# (a third of a 100.000-row import's time). During an import the WAL grows to this many pages
# (4 KiB each) between checkpoints; the default is restored at the end.
WAL_PAGES_WHILE_IMPORTING = 50_000
_WAL_PAGES_DEFAULT = 1000
# SQLite: a chunk inserts into a dozen indexes at scattered keys (hashes, fingerprints), so
# once the tables outgrow the connection's 64 MiB page cache every chunk reads pages back
# from the file, more of them the larger the tables (100.000 rows: 15,2 s -> 12,7 s with a
# larger cache, mean of 3 runs). During an import the cache may grow to this many KiB (used
# only as pages are read); the app's size is set back at the end.
CACHE_KIB_WHILE_IMPORTING = 1_048_576
_CACHE_KIB_DEFAULT = 65_536  # as app/__init__.py sets it on every connection
MAX_PROBLEMS_KEPT = 500
SAMPLE_ROWS = 50


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), row by row where it matters."""

    filename: str
    dry_run: bool = False
    rows: int = 0  # credit rows read
    added: int = 0  # new transactions stored
    already: int = 0  # rows imported before (same file again)
    duplicates: int = 0  # rows already received by webhook
    matched: int = 0
    to_review: int = 0
    ignored: int = 0
    skipped: int = 0  # rows the reader could not use
    amount_added: int = 0  # đồng counted as donations
    # {"line", "reason" (Vietnamese), "reason_msg" (the message, see app.stored_text)}
    problems: list[dict] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    import_id: int | None = None
    receipts_queued: int = 0  # receipt e-mails left to `flask mail send-pending`
    rows_expected: int = 0  # lines or sheet rows counted before parsing (for progress bars)

    def as_dict(self) -> dict:
        """Plain data for templates and JSON."""
        return asdict(self)


def file_sha256(path: str | os.PathLike) -> str:
    """The file's SHA-256, read in blocks (statements can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _note(report: ImportReport, row: StatementRow, outcome: str, settled: Settled | None):
    if len(report.sample) < SAMPLE_ROWS:
        report.sample.append(
            {
                "line": row.line_no,
                "date": row.date.isoformat(),
                "amount": row.amount,
                "memo": row.memo[:160],
                "outcome": outcome,
                "pledge": settled.pledge.reference if settled and settled.pledge else "",
                "note": stored_text.display(
                    stored_text.freeze(settled.note), stored_text.vietnamese(settled.note)
                )
                if settled is not None
                else "",
            }
        )


def _items(rows: list[StatementRow], seen: dict[tuple, int], account: str) -> list[Incoming]:
    items = []
    for row in rows:
        basis = (row.reference or "").strip() or compact_memo(row.memo)
        n = seen[(row.date, row.amount, basis)] = seen.get((row.date, row.amount, basis), 0) + 1
        items.append(
            Incoming(
                provider=STATEMENT,
                provider_id=statement_fingerprint(row.date, row.amount, row.reference, row.memo, n),
                amount=row.amount,
                occurred_at=datetime.combine(row.date, time(0, 0), VN_TZ),
                memo=row.memo,
                account_number=account,
                bank_reference=(row.reference or "")[:120],
                raw={**row.raw, "_line": row.line_no},
            )
        )
    return items


def _process_chunk(
    rows: list[StatementRow],
    matcher: Matcher,
    seen: dict,
    report: ImportReport,
    account: str,
) -> None:
    items = _items(rows, seen, account)
    ids = [item.provider_id for item in items]
    # Rows stored before: by an earlier import (counted as "already"), or by this very import
    # before it was interrupted (counted by their outcome, as if it had never stopped).
    ours: dict[str, TxStatus] = {}
    done: set[str] = set()
    for provider_id, status, import_id in rows_by_key(
        table_of(BankTransaction),
        "provider_id",
        ids,
        ("provider_id", "status", "import_id"),
        provider=STATEMENT,
    ):
        done.add(provider_id)
        if report.import_id is not None and import_id == report.import_id:
            ours[provider_id] = status
    done |= {
        (key or "").split(":", 1)[1]
        for key in db.session.execute(
            select(BankTransaction.twin_key).where(
                among(BankTransaction.twin_key, [f"{STATEMENT}:{i}" for i in ids])
            )
        )
        .scalars()
        .all()
    }
    fresh = [item for item in items if item.provider_id not in done]
    outcomes = iter(settle_chunk(matcher, fresh, report.import_id) if fresh else [])
    for row, item in zip(rows, items, strict=True):
        if item.provider_id in ours:
            _count(report, ours[item.provider_id], item.amount)
            _note(report, row, ours[item.provider_id].value, None)
            continue
        if item.provider_id in done:
            report.already += 1
            _note(report, row, "already", None)
            continue
        settled = next(outcomes)
        _count(report, settled.status, item.amount)
        _note(report, row, settled.status.value, settled)


def _count(report: ImportReport, status: TxStatus, amount: int) -> None:
    report.added += 1
    if status == TxStatus.duplicate:
        report.duplicates += 1
    elif status == TxStatus.matched:
        report.matched += 1
        report.amount_added += amount
    elif status == TxStatus.review:
        report.to_review += 1
    else:
        report.ignored += 1


def import_statement(
    path: str | os.PathLike,
    filename: str | None = None,
    *,
    actor=None,
    account: str | None = None,
    dry_run: bool = False,
    checkpoint: Callable[[ImportReport], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    record: StatementImport | None = None,
    progress: Callable[[ImportReport], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportReport:
    """Read, de-duplicate, store and match a statement file; flushes, never commits.

    In a dry run the caller rolls back afterwards; the report says what would happen.
    `record` is the upload's import (run again after an interruption, it carries on where
    the committed chunks stopped); `progress` is told after every chunk's checkpoint.
    """
    try:
        rows_expected = check_file(path, filename or Path(path).name, limits)
    except StatementError as err:
        raise DomainError(err.args[0], field="file") from None
    path = Path(path)
    filename = filename or path.name
    report = ImportReport(filename=filename, dry_run=dry_run, rows_expected=rows_expected)
    matcher = Matcher()
    account = account or matcher.account
    own_record = False
    if record is not None:
        report.import_id = record.id
    elif not dry_run:
        record = StatementImport(
            filename=filename[:200],
            sha256=file_sha256(path),
            imported_by_id=getattr(actor, "id", None),
            status="running",
        )
        db.session.add(record)
        db.session.flush()
        report.import_id = record.id
        own_record = True
    if record is not None and not record.rows_expected:
        record.rows_expected = rows_expected
    seen: dict[tuple, int] = {}
    chunk: list[StatementRow] = []
    # Receipts of the donations found here are queued in the outbox with the chunk that
    # records them, and left to `flask mail send-pending`: an import sends no mail itself.
    with mail.batch_only() as mails, _long_lived_frozen():
        try:
            for result in read_statement(path, filename, limits):
                if isinstance(result, RowProblem):
                    report.skipped += 1
                    if len(report.problems) < MAX_PROBLEMS_KEPT:
                        report.problems.append(
                            {
                                "line": result.line_no,
                                "reason": stored_text.vietnamese(result.reason),
                                "reason_msg": stored_text.freeze(result.reason),
                            }
                        )
                    continue
                report.rows += 1
                chunk.append(result)
                if len(chunk) >= chunk_size:
                    _sqlite_pragmas(WAL_PAGES_WHILE_IMPORTING, CACHE_KIB_WHILE_IMPORTING)
                    _process_chunk(chunk, matcher, seen, report, account)
                    chunk = []
                    _save(record, report)
                    if checkpoint is not None:
                        checkpoint(report)
                        matcher = Matcher()  # a commit expired what the caches held
                    if progress is not None:
                        progress(report)
            if chunk:
                _process_chunk(chunk, matcher, seen, report, account)
        except StatementError as err:
            raise DomainError(err.args[0], field="file") from None
        finally:
            with suppress(SQLAlchemyError):  # a failed transaction keeps its own error
                _sqlite_pragmas(_WAL_PAGES_DEFAULT, _CACHE_KIB_DEFAULT)
    report.receipts_queued = mails.queued
    if report.rows == 0 and report.skipped == 0:
        raise DomainError(_l("Tệp không có dòng giao dịch nào."), field="file")
    if own_record and record is not None:
        record.status, record.finished_at = "done", utcnow()
    _save(record, report)
    if record is not None:
        audit.record(
            actor,
            "statement.import",
            record,
            _l(
                "Nhập sao kê %(file)s: %(added)s giao dịch mới, %(matched)s khớp, "
                "%(review)s chờ duyệt, %(duplicates)s trùng webhook, "
                "%(already)s đã nhập trước, %(skipped)s dòng bỏ qua",
                file=filename,
                added=report.added,
                matched=report.matched,
                review=report.to_review,
                duplicates=report.duplicates,
                already=report.already,
                skipped=report.skipped,
            ),
            {"rows": [None, report.rows], "added": [None, report.added]},
        )
    return report


@contextmanager
def _long_lived_frozen():
    """Keep the objects that exist before the import (the app, its models and metadata:
    a few hundred thousand) out of the garbage collector's full passes while it runs.

    An import allocates millions of short-lived objects, and every full pass walked all of
    those long-lived ones again: about 2 s of 100.000 rows. Unfrozen afterwards, so they
    are collected as before (frozen, garbage is only kept a little longer, never lost).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


_RAISED = "import_sqlite_pragmas"  # on a pooled connection's info: its settings were raised


def _sqlite_pragmas(wal_pages: int, cache_kib: int) -> None:
    """Set SQLite's WAL auto-checkpoint and page cache size on the connection of the current
    transaction (a commit may hand the next chunk another pooled connection, so they are set
    per chunk, and set back when the connection returns to the pool). Durability at commit
    is unchanged."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    connection = db.session.connection()
    connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(wal_pages)}")
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(cache_kib)}")
    connection.connection.info[_RAISED] = (wal_pages, cache_kib) != (
        _WAL_PAGES_DEFAULT,
        _CACHE_KIB_DEFAULT,
    )


@event.listens_for(Pool, "checkin")
def _lower_on_checkin(dbapi_connection, connection_record) -> None:
    """A connection an import raised the settings of goes back to the pool with the app's
    own, so no idle connection keeps a 1 GiB cache."""
    if dbapi_connection is None or not connection_record.info.pop(_RAISED, False):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA wal_autocheckpoint={_WAL_PAGES_DEFAULT}")
    cursor.execute(f"PRAGMA cache_size=-{_CACHE_KIB_DEFAULT}")
    cursor.close()


def _save(record: StatementImport | None, report: ImportReport) -> None:
    if record is None:
        return
    record.rows = report.rows
    record.added = report.added
    record.duplicates = report.duplicates + report.already
    record.matched = report.matched
    record.to_review = report.to_review
    record.skipped = report.skipped
    record.amount_added = report.amount_added
    record.problems = list(report.problems)
    db.session.flush()
