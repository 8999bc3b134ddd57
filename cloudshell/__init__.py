"""cloudshell: a keyboard-driven terminal shell for EC2-compatible clouds."""

__version__ = "0.1.0"
