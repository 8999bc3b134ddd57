"""The monitor's screens, one module each."""
