"""Signals other parts listen to (receipts, referral credit) without importing upward."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the unit of work, after a Donation row and its ledger entry are flushed:
# donation_received.send(donation).
donation_received = _signals.signal("donation-received")
