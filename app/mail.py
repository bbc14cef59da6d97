"""E-mail through a durable outbox.

Every message is first a row of `mail_outbox`, added to the session of the change that caused
it: a unit of work that rolls back sends nothing, one that commits cannot lose its mail. Once
the unit of work has committed (app/uow.py), the messages it queued are sent at once (a request
queues few); `flask mail send-pending` sends whatever is still waiting, in batches over one
connection (statement imports, crashes, mail-server outages), with retries and exponential
backoff.

A message is claimed (status `sending`, a claim token, a lease) in its own short transaction
before it is sent and marked `sent` right after, so two senders never send one message. Only a
sender that dies between the server's "250 OK" and the mark can cause a second copy, once its
lease has run out.

With MAIL_SERVER set, messages go over SMTP; otherwise they are written as .eml files into
MAIL_OUTBOX (development), so nothing needs a mail server.

Settings (all optional): MAIL_TIMEOUT (s, 20), MAIL_MAX_ATTEMPTS (8), MAIL_RETRY_SECONDS (60,
doubled at each failure up to MAIL_RETRY_MAX_SECONDS, 6 h), MAIL_LEASE_SECONDS (600),
MAIL_BATCH_SIZE (200).
"""

from __future__ import annotations

import base64
import logging
import smtplib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import cast

from flask import current_app, g, has_request_context
from flask_babel import force_locale, get_locale
from sqlalchemy import Table, and_, func, inspect, or_, select, update

from app import uow, writebehind
from app.dbtypes import utcnow
from app.extensions import db
from app.jobs.queue import job
from app.mail_models import MailStatus, OutboxMail

log = logging.getLogger(__name__)


def setting(name: str) -> int:
    """A mail setting from the config (app/config.py has the defaults)."""
    return int(current_app.config[name])


@dataclass
class Attachment:
    """A file attached to a message."""

    filename: str
    content: bytes
    mimetype: str = "application/pdf"


@dataclass
class Message:
    """What to send."""

    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class Queued:
    """An outbox row as a sender sees it (read on the sender's own connection)."""

    id: int
    kind: str
    to: str
    subject: str
    text: str
    html: str | None
    payload: dict
    attempts: int
    created_at: datetime


# kind → function building the Message at send time (e.g. "receipt" renders its PDF then).
Renderer = Callable[[Queued], Message]
RENDERERS: dict[str, Renderer] = {}


def register_renderer(kind: str, renderer: Renderer) -> None:
    """Let `queue_rendered(kind, …)` rows be built by `renderer` when they are sent."""
    RENDERERS[kind] = renderer


# --- queueing (inside the unit of work) ------------------------------------------------------


def _locale() -> str:
    if has_request_context():
        locale = get_locale()
        if locale is not None:
            return str(locale)
    return str(current_app.config.get("BABEL_DEFAULT_LOCALE", "vi"))


def _add(row: OutboxMail, background: bool = False) -> OutboxMail:
    """Add the row to the current session; remember it for after the commit unless batched.

    `background`: a worker sends it (the `mail.deliver` job, queued with the commit), so a
    webhook answers without rendering or talking to the mail server.
    """
    db.session.add(row)
    batch = g.get("_mail_batch")
    if batch is not None:
        batch.queued += 1
        return row
    if background:
        db.session.flush()
        deliver_queued.enqueue(row.id)
        return row
    state = uow.state()
    rows = state.get("mail_rows")
    if rows is None:
        rows = state["mail_rows"] = []
        # The list object travels with the callback: the state itself is gone after commit.
        uow.after_commit(lambda: _send_rows_after_commit(rows))
    rows.append(row)
    return row


def queue(message: Message) -> OutboxMail:
    """Queue `message` in the current transaction; it is sent once that transaction commits."""
    payload: dict = {}
    if message.attachments:
        payload["attachments"] = [
            {
                "filename": a.filename,
                "mimetype": a.mimetype,
                "content": base64.b64encode(a.content).decode("ascii"),
            }
            for a in message.attachments
        ]
    return _add(
        OutboxMail(
            kind="message",
            to=message.to,
            subject=message.subject[:300],
            text=message.text,
            html=message.html,
            payload=payload,
            status=MailStatus.pending,
            attempts=0,
            last_error="",
            next_attempt_at=utcnow(),
        )
    )


def queue_rendered(
    kind: str, to: str, payload: dict, subject: str = "", *, background: bool = False
) -> OutboxMail:
    """Queue a message that the `kind` renderer builds from `payload` when it is sent.

    Store what is needed to render (ids), never the rendered bytes; the language of the
    request that queued it is kept for the rendering. With `background`, a worker renders
    and sends it (a PDF attachment costs tens of milliseconds: not in a webhook's answer).
    """
    if kind not in RENDERERS:
        raise ValueError(f"no mail renderer for {kind!r}")
    return _add(
        OutboxMail(
            kind=kind,
            to=to,
            subject=subject[:300],
            text="",
            html=None,
            payload={**payload, "locale": _locale()},
            status=MailStatus.pending,
            attempts=0,
            last_error="",
            next_attempt_at=utcnow(),
        ),
        background,
    )


_OUTBOX = cast(Table, OutboxMail.__table__)


def queue_rendered_id(kind: str, to: str, payload: dict, subject: str = "") -> int:
    """`queue_rendered(…, background=True)` in one INSERT, without an ORM row; the row's id.

    For a webhook that holds the ledger's chain lock while it queues a receipt: the row goes
    in at once (no flush of the session), and a worker renders and sends it.
    """
    if kind not in RENDERERS:
        raise ValueError(f"no mail renderer for {kind!r}")
    now = utcnow()
    values = {
        "kind": kind,
        "to": to,
        "subject": subject[:300],
        "text": "",
        "html": None,
        "payload": {**payload, "locale": _locale()},
        "status": MailStatus.pending,
        "attempts": 0,
        "last_error": "",
        "next_attempt_at": now,
        "locked_until": None,
        "claim": None,
        "created_at": now,
        "sent_at": None,
    }
    row_id = writebehind.insert_id(_OUTBOX, values)
    batch = g.get("_mail_batch")
    if batch is not None:
        batch.queued += 1
    else:
        deliver_queued.enqueue(row_id)
    return row_id


@dataclass
class Batch:
    """Counts what was queued for the batch sender during `batch_only()`."""

    queued: int = 0


@contextmanager
def batch_only() -> Iterator[Batch]:
    """Mail queued inside this block is left to `flask mail send-pending` (large imports).

    Holds across the commits made inside the block (an import commits after every chunk).
    """
    outer = g.get("_mail_batch")
    batch = outer or Batch()
    g._mail_batch = batch
    try:
        yield batch
    finally:
        if outer is None:
            g.pop("_mail_batch", None)
        else:
            g._mail_batch = outer


# --- sending ---------------------------------------------------------------------------------


def build(message: Message, message_id: str | None = None) -> EmailMessage:
    """The MIME message for `message`."""
    mime = EmailMessage()
    mime["From"] = current_app.config["MAIL_SENDER"]
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@thapsang>"
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    for item in message.attachments:
        maintype, subtype = item.mimetype.split("/", 1)
        mime.add_attachment(
            item.content, maintype=maintype, subtype=subtype, filename=item.filename
        )
    return mime


class MailServerDown(Exception):
    """The mail server could not be reached or would not talk to us: stop this run."""


class Transport:
    """One SMTP connection for many messages (or the development outbox folder)."""

    def __init__(self) -> None:
        self.cfg = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.cfg
        try:
            smtp = smtplib.SMTP(
                cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=setting("MAIL_TIMEOUT")
            )
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        except (OSError, smtplib.SMTPException) as err:
            raise MailServerDown(f"{type(err).__name__}: {err}") from err
        return smtp

    def send(self, mime: EmailMessage) -> None:
        """Send one message; MailServerDown when the connection itself fails."""
        if not self.cfg.get("MAIL_SERVER"):
            outbox = Path(self.cfg["MAIL_OUTBOX"])
            outbox.mkdir(parents=True, exist_ok=True)
            (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(mime))
            return
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            self.smtp.send_message(mime)
        except smtplib.SMTPServerDisconnected as err:
            self.smtp = None
            raise MailServerDown(f"{type(err).__name__}: {err}") from err
        except smtplib.SMTPException:  # a subclass of OSError: refused for this message only
            self.reset()
            raise
        except OSError as err:  # the connection broke
            self.smtp = None
            raise MailServerDown(f"{type(err).__name__}: {err}") from err

    def reset(self) -> None:
        """Start the next message from a clean SMTP session."""
        if self.smtp is not None:
            try:
                self.smtp.rset()
            except (OSError, smtplib.SMTPException):
                self.close()

    def close(self) -> None:
        """Say goodbye to the server."""
        if self.smtp is not None:
            with suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


def deliver(message: Message) -> None:
    """Send now, without the outbox (kept for tools; the application queues instead)."""
    transport = Transport()
    try:
        transport.send(build(message))
    finally:
        transport.close()


def _due(now: datetime):
    return or_(
        and_(OutboxMail.status == MailStatus.pending, OutboxMail.next_attempt_at <= now),
        and_(OutboxMail.status == MailStatus.sending, OutboxMail.locked_until < now),
    )


def _claimable(now: datetime):
    """Waiting or abandoned messages, due or not (a job's retry keeps its own schedule)."""
    return or_(
        OutboxMail.status == MailStatus.pending,
        and_(OutboxMail.status == MailStatus.sending, OutboxMail.locked_until < now),
    )


def _claim(ids: list[int], now: datetime, due_only: bool = True) -> str:
    """Claim those of `ids` that are due, in a transaction of their own; returns the token."""
    token = uuid.uuid4().hex
    with db.engine.begin() as conn:
        conn.execute(
            update(OutboxMail)
            .where(OutboxMail.id.in_(ids), _due(now) if due_only else _claimable(now))
            .values(
                status=MailStatus.sending,
                claim=token,
                locked_until=now + timedelta(seconds=setting("MAIL_LEASE_SECONDS")),
            )
        )
    return token


def _claimed(token: str) -> list[Queued]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(
                OutboxMail.id,
                OutboxMail.kind,
                OutboxMail.to,
                OutboxMail.subject,
                OutboxMail.text,
                OutboxMail.html,
                OutboxMail.payload,
                OutboxMail.attempts,
                OutboxMail.created_at,
            )
            .where(OutboxMail.claim == token, OutboxMail.status == MailStatus.sending)
            .order_by(OutboxMail.id)
        ).all()
    return [Queued(*row) for row in rows]


def _mark(item: Queued, token: str, **values) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            update(OutboxMail)
            .where(OutboxMail.id == item.id, OutboxMail.claim == token)
            .values(claim=None, locked_until=None, **values)
        )


def _release(token: str) -> int:
    """Give back claimed messages that were not tried (the server went down)."""
    with db.engine.begin() as conn:
        return conn.execute(
            update(OutboxMail)
            .where(OutboxMail.claim == token, OutboxMail.status == MailStatus.sending)
            .values(status=MailStatus.pending, claim=None, locked_until=None)
        ).rowcount


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones."""
    base = setting("MAIL_RETRY_SECONDS")
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), setting("MAIL_RETRY_MAX_SECONDS"))
    )


def _failed(item: Queued, token: str, error: str, *, permanent: bool = False) -> bool:
    """Record a failed attempt; True when the message is given up."""
    attempts = item.attempts + 1
    give_up = permanent or attempts >= setting("MAIL_MAX_ATTEMPTS")
    _mark(
        item,
        token,
        status=MailStatus.failed if give_up else MailStatus.pending,
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=utcnow() + backoff(attempts),
    )
    log.warning("mail %s to %s failed (attempt %s): %s", item.id, item.to, attempts, error)
    return give_up


def _render(item: Queued) -> Message:
    if item.kind == "message":
        return Message(
            to=item.to,
            subject=item.subject,
            text=item.text,
            html=item.html,
            attachments=[
                Attachment(a["filename"], base64.b64decode(a["content"]), a["mimetype"])
                for a in (item.payload or {}).get("attachments", [])
            ],
        )
    renderer = RENDERERS.get(item.kind)
    if renderer is None:
        raise LookupError(f"no mail renderer for {item.kind!r}")
    locale = (item.payload or {}).get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        return renderer(item)


@dataclass
class SendReport:
    """What a sending run did."""

    sent: int = 0
    retrying: int = 0  # failed this time, will be tried again
    given_up: int = 0  # failed for good (status failed)
    server_down: str = ""  # set when the run stopped because the server was unreachable
    released: int = 0  # claimed but not tried because the server went down


def _send_claimed(token: str, transport: Transport, report: SendReport) -> bool:
    """Send the messages claimed under `token`; False when the server went down."""
    for item in _claimed(token):
        try:
            mime = build(
                _render(item), f"<outbox-{item.id}.{item.created_at:%Y%m%d%H%M%S}@thapsang>"
            )
        except Exception as err:  # noqa: BLE001 - a broken message must not stop the others
            if _failed(item, token, f"render: {type(err).__name__}: {err}"):
                report.given_up += 1
            else:
                report.retrying += 1
            continue
        try:
            transport.send(mime)
        except MailServerDown as err:
            report.server_down = str(err)
            if _failed(item, token, str(err)):
                report.given_up += 1
            else:
                report.retrying += 1
            report.released += _release(token)
            return False
        except smtplib.SMTPRecipientsRefused as err:
            codes = [code for code, _ in err.recipients.values()]
            permanent = bool(codes) and all(code >= 500 for code in codes)
            if _failed(
                item, token, f"SMTPRecipientsRefused: {err.recipients}", permanent=permanent
            ):
                report.given_up += 1
            else:
                report.retrying += 1
            continue
        except smtplib.SMTPException as err:
            if _failed(item, token, f"{type(err).__name__}: {err}"):
                report.given_up += 1
            else:
                report.retrying += 1
            continue
        _mark(
            item,
            token,
            status=MailStatus.sent,
            attempts=item.attempts + 1,
            sent_at=utcnow(),
            last_error="",
        )
        report.sent += 1
    return True


def send_ids(ids: list[int], *, due_only: bool = True) -> SendReport:
    """Send the given queued messages now (those still due, or all that wait unless
    `due_only`); never raises for mail errors."""
    report = SendReport()
    if not ids:
        return report
    transport = Transport()
    try:
        _send_claimed(_claim(ids, utcnow(), due_only), transport, report)
    finally:
        transport.close()
    return report


class NotSent(Exception):
    """A background delivery that did not go out this time (its job is retried)."""


@job("mail.deliver", retries=6, delay=30)
def deliver_queued(outbox_id: int) -> None:
    """The job that renders and sends one queued message (receipts with their PDF).

    A failure leaves the message in the outbox (`flask mail send-pending` can still send it)
    and raises, so the job is retried with backoff and shows on the jobs page.
    """
    report = send_ids([outbox_id], due_only=False)
    if report.sent:
        return
    with db.engine.connect() as conn:
        row = conn.execute(
            select(OutboxMail.status, OutboxMail.last_error).where(OutboxMail.id == outbox_id)
        ).first()
    if row is None:
        raise NotSent(f"mail {outbox_id} is not in the outbox")
    if MailStatus(row.status) != MailStatus.sent:  # sent meanwhile by send-pending: done
        raise NotSent(f"mail {outbox_id} {MailStatus(row.status).value}: {row.last_error}")


def _send_rows_after_commit(rows: list[OutboxMail]) -> None:
    ids: list[int] = []
    for row in rows:
        identity = inspect(row).identity
        if identity:
            ids.append(identity[0])
    try:
        send_ids(ids)
    except Exception:  # noqa: BLE001 - mail must never undo or break a committed change
        log.exception("could not send queued mail %s; `flask mail send-pending` will", ids)


def send_pending(
    limit: int | None = None,
    batch_size: int | None = None,
    between_batches: Callable[[], None] | None = None,
) -> SendReport:
    """Send due messages in batches, oldest first, each at most once per run.

    Stops early when the mail server cannot be reached (the rest stays queued).
    """
    batch_size = batch_size or setting("MAIL_BATCH_SIZE")
    report = SendReport()
    last_id = 0
    done = 0
    transport = Transport()
    try:
        while limit is None or done < limit:
            now = utcnow()
            size = batch_size if limit is None else min(batch_size, limit - done)
            with db.engine.connect() as conn:
                ids = list(
                    conn.execute(
                        select(OutboxMail.id)
                        .where(OutboxMail.id > last_id, _due(now))
                        .order_by(OutboxMail.id)
                        .limit(size)
                    ).scalars()
                )
            if not ids:
                break
            last_id = ids[-1]
            done += len(ids)
            if not _send_claimed(_claim(ids, now), transport, report):
                break
            if between_batches is not None:
                between_batches()
    finally:
        transport.close()
    return report


def counts() -> dict[str, int]:
    """Messages per status, and how many pending ones are due now."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(OutboxMail.status, func.count()).group_by(OutboxMail.status)
        ).all()
        due = conn.execute(
            select(func.count()).select_from(OutboxMail).where(_due(utcnow()))
        ).scalar_one()
    result = {status.value: 0 for status in MailStatus}
    for status, count in rows:
        result[MailStatus(status).value] = count
    result["due"] = due
    return result
