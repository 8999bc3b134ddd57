"""wait commands (being written)."""
