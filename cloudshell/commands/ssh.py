"""ssh commands (being written)."""
