"""images commands (being written)."""
