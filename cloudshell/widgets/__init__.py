"""The monitor's reusable widgets."""
