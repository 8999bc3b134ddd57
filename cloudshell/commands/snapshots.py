"""snapshots commands (being written)."""
