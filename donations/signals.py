"""Signals other parts listen to (receipts, referral credit) without importing upward."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the unit of work, after a Donation row and its ledger entry are flushed:
# donation_received.send(donation).
donation_received = _signals.signal("donation-received")

# Sent by a bulk writer (a statement import chunk) with the ids of the Donation rows it
# inserted and posted, instead of one donation_received per row:
# donations_recorded.send([donation_id, ...]).
donations_recorded = _signals.signal("donations-recorded")
