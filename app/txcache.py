"""A per-transaction cache for rows that the transaction has locked.

While a transaction holds a lock (the ledger's chain head, a receipt counter), no one else can
change the locked rows, so reading them again for every posting in a long import is wasted work.
What is stored here is forgotten when the outermost transaction ends, commit or rollback.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "txcache"


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEY, None)


def tx_cache(session) -> dict:
    """The cache of the session's current transaction."""
    return session.info.setdefault(_KEY, {})
