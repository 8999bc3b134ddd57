"""Theme files (TOML, one per theme), shipped in the wheel as the package cloudshell.themes."""
