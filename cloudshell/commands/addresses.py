"""addresses commands (being written)."""
