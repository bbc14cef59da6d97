"""The append-only record of every back-office write."""
