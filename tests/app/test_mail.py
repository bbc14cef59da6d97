"""The mail outbox: queued in the transaction, sent after the commit, retried, never twice.

A real SMTP server (aiosmtpd) on loopback receives what the application sends.
"""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, func, select, text

from app import mail, uow
from app.dbtypes import utcnow
from app.extensions import db
from app.mail_models import MailStatus, OutboxMail


class Inbox:
    """aiosmtpd handler keeping every message; refuses recipients in `refuse`."""

    def __init__(self) -> None:
        self.messages: list = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A local SMTP server that can be started late (to play an outage) and stopped."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def server():
    item = Server()
    yield item
    item.stop()


@pytest.fixture
def mail_app(app, make_app, server):
    """An app whose mail goes to the local server (started by the test when it wants)."""
    other = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    with other.app_context():
        yield other
        db.session.remove()


def message(to: str = "ban.doc@example.org", subject: str = "Chào bạn") -> mail.Message:
    return mail.Message(
        to=to,
        subject=subject,
        text="Nội dung thư có dấu tiếng Việt.",
        html="<p>Nội dung</p>",
        attachments=[mail.Attachment("a.txt", b"tep dinh kem", "text/plain")],
    )


def committed_rows() -> list[tuple]:
    """The outbox as another connection sees it (what survives this transaction)."""
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(text("SELECT id, status, attempts FROM mail_outbox ORDER BY id")).all()
            )
    finally:
        engine.dispose()


def rows() -> list[OutboxMail]:
    db.session.expire_all()
    return list(db.session.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars())


def test_queued_in_the_transaction_and_sent_after_commit(mail_app, server):
    server.start()
    row = mail.queue(message())
    db.session.flush()
    # In the transaction that queued it, not outside it, and nothing sent yet.
    assert db.session.execute(select(func.count(OutboxMail.id))).scalar_one() == 1
    assert server.inbox.messages == []
    assert row.status == MailStatus.pending
    uow.commit()
    [sent] = server.inbox.messages
    assert sent["To"] == "ban.doc@example.org" and sent["Subject"] == "Chào bạn"
    assert "tiếng Việt" in sent.get_body(("plain",)).get_content()
    [attachment] = list(sent.iter_attachments())
    assert attachment.get_filename() == "a.txt"
    [stored] = rows()
    assert stored.status == MailStatus.sent and stored.attempts == 1
    assert stored.sent_at is not None and stored.last_error == "" and stored.claim is None


@pytest.mark.commits  # asks another connection what survived
def test_rollback_queues_and_sends_nothing(mail_app, server):
    server.start()
    mail.queue(message())
    db.session.flush()
    uow.rollback()
    assert rows() == [] and committed_rows() == []
    uow.commit()  # a later commit in the same context does not resurrect it
    assert server.inbox.messages == []


def test_queued_mail_is_sent_after_the_commit(mail_app, server):
    server.start()
    mail.queue(message(subject="Một"))
    mail.queue(message(subject="Hai"))
    uow.commit()
    assert sorted(m["Subject"] for m in server.inbox.messages) == ["Hai", "Một"]
    assert [r.status for r in rows()] == [MailStatus.sent, MailStatus.sent]


def test_smtp_down_keeps_the_mail_with_its_error_then_send_pending_sends_it(
    mail_app, make_app, server
):
    mail.queue(message())
    uow.commit()  # nobody listens on the port: the commit still succeeds
    [row] = rows()
    assert row.status == MailStatus.pending and row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)  # backoff recorded
    assert server.inbox.messages == []

    server.start()
    runner = mail_app.test_cli_runner()
    early = runner.invoke(args=["mail", "send-pending"])
    assert early.exit_code == 0, early.output
    assert "Đã gửi 0 thư" in early.output and server.inbox.messages == []  # waits its turn

    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    later = runner.invoke(args=["mail", "send-pending"])
    assert later.exit_code == 0, later.output
    assert "Đã gửi 1 thư" in later.output
    [stored] = rows()
    assert stored.status == MailStatus.sent and stored.attempts == 2
    assert len(server.inbox.messages) == 1
    again = runner.invoke(args=["mail", "send-pending"])
    assert "Đã gửi 0 thư" in again.output and len(server.inbox.messages) == 1


def test_outage_stops_the_run_and_releases_the_rest(mail_app, server):
    with mail.batch_only() as batch:
        for i in range(5):
            mail.queue(message(subject=f"Thư {i}"))
    uow.commit()
    assert batch.queued == 5 and server.inbox.messages == []  # left to the batch command
    result = mail_app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert result.exit_code == 1 and "Không kết nối được máy chủ thư" in result.output
    statuses = [(r.status, r.attempts) for r in rows()]
    # One tried and recorded with backoff; the others untouched, still due, no attempt burnt.
    assert statuses[0] == (MailStatus.pending, 1)
    assert statuses[1:] == [(MailStatus.pending, 0)] * 4
    server.start()
    report = mail.send_pending()
    assert report.sent == 4 and len(server.inbox.messages) == 4


def test_batches_and_limit(mail_app, server):
    server.start()
    with mail.batch_only():
        for i in range(7):
            mail.queue(message(subject=f"Thư {i}"))
        uow.commit()  # a commit inside the block (import checkpoints) keeps it batched
        mail.queue(message(subject="Thư 7"))
    uow.commit()
    assert server.inbox.messages == []
    first = mail_app.test_cli_runner().invoke(
        args=["mail", "send-pending", "--limit", "5", "--batch-size", "2"]
    )
    assert first.exit_code == 0 and "Đã gửi 5 thư" in first.output
    assert "Còn trong hàng đợi: 3 thư" in first.output
    assert mail.send_pending(batch_size=2).sent == 3
    assert sorted(m["Subject"] for m in server.inbox.messages) == [f"Thư {i}" for i in range(8)]
    assert mail.send_pending().sent == 0 and len(server.inbox.messages) == 8


def test_never_sent_twice(mail_app, server):
    server.start()
    with mail.batch_only():
        mail.queue(message())
    uow.commit()
    [row] = rows()
    # Another sender holds it: this one leaves it alone.
    token = mail._claim([row.id], utcnow())
    assert mail.send_pending().sent == 0 and mail.send_ids([row.id]).sent == 0
    assert server.inbox.messages == []
    # That sender finishes; nobody sends it again.
    report = mail.SendReport()
    mail._send_claimed(token, mail.Transport(), report)
    assert report.sent == 1
    assert mail.send_pending().sent == 0 and mail.send_ids([row.id]).sent == 0
    assert len(server.inbox.messages) == 1
    # A sender that died holding a claim: once the lease runs out the message is sent.
    with mail.batch_only():
        mail.queue(message(subject="Mồ côi"))
    uow.commit()
    orphan = rows()[-1]
    mail._claim([orphan.id], utcnow())
    assert mail.send_pending().sent == 0
    orphan.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert mail.send_pending().sent == 1 and len(server.inbox.messages) == 2


def test_refused_recipient_is_given_up_and_retries_stop(mail_app, make_app, server):
    server.inbox.refuse.add("khong.co@example.org")
    server.start()
    mail.queue(message(to="khong.co@example.org"))
    mail.queue(message(to="co.that@example.org"))
    uow.commit()
    refused, ok = rows()
    assert refused.status == MailStatus.failed and "550" in refused.last_error
    assert ok.status == MailStatus.sent
    # A transient failure is retried until MAIL_MAX_ATTEMPTS, then given up.
    server.stop()
    quick = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_RETRY_SECONDS=0, MAIL_MAX_ATTEMPTS=3
    )
    with quick.app_context():
        with mail.batch_only():
            mail.queue(message(subject="Bền bỉ"))
        uow.commit()
        for _ in range(3):
            mail.send_pending()
        last = rows()[-1]
        assert last.status == MailStatus.failed and last.attempts == 3
        assert mail.send_pending().sent == 0
        db.session.remove()


def test_backoff_grows_and_is_capped(mail_app):
    assert [mail.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert mail.backoff(30).total_seconds() == 6 * 3600


def test_development_outbox_folder(app, tmp_path, make_app):
    dev = make_app(MAIL_SERVER="", MAIL_OUTBOX=str(tmp_path / "outbox"))
    with dev.app_context():
        mail.queue(message())
        uow.commit()
        assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
        assert rows()[0].status == MailStatus.sent
        db.session.remove()


def test_mail_status_command(mail_app):
    with mail.batch_only():
        mail.queue(message())
    uow.commit()
    output = mail_app.test_cli_runner().invoke(args=["mail", "status"]).output
    assert "pending  1" in output and "due      1" in output
