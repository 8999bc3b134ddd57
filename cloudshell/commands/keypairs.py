"""keypairs commands (being written)."""
