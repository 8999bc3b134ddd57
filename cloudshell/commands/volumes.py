"""volumes commands (being written)."""
