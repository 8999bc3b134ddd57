"""Pieces both directions of the bundle stream share: progress callback type, buffer and tar block sizes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Progress = Callable[[str, int, int], Any]

BUFFER_SIZE = 1 << 20
_TAR_BLOCK = 512
