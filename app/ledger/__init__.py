"""The hash-chained double-entry ledger of DESIGN.md §4."""
