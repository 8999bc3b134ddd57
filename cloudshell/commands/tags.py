"""tags commands (being written)."""
