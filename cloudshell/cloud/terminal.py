"""The one terminal-safe sanitizer: cloud data and user input never drive the terminal.

Control characters (C0, DEL, C1) are either shown escaped (``\\x1b``: messages, output) or
masked by one character (a table cell or a completion's meta keeps its width).
"""

from __future__ import annotations

import re
from functools import lru_cache

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@lru_cache(maxsize=8)
def _control_but(keep: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"\\x{c:02x}" for c in [*range(0x20), *range(0x7f, 0xa0)]
                                    if chr(c) not in keep) + "]")


def escaped(text: str, *, keep: str = "") -> str:
    """Each control character shown as its escape (``\\x1b``), except those in ``keep`` (``"\\t\\n"``)."""
    pattern = _control_but(keep) if keep else CONTROL
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def masked(text: str, mask: str = "?") -> str:
    """Each control character replaced by ``mask`` (one cell for one character)."""
    return CONTROL.sub(mask, text) if CONTROL.search(text) else text
