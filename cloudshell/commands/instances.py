"""instances commands (being written)."""
