"""Screen lines that die when they are dropped, not at the next full garbage collection.

Textual's compositor divides every line a widget renders at the cuts of the screen
(``Strip.divide``). When the line spans its region whole, the one cut is its own length and
``divide`` returns ``[self]`` and caches that list in the strip's own ``_divide_cache``: a
reference cycle (strip → cache → dict → list → strip) holding the strip's seven
``FIFOCache`` objects and every strip derived from it. A widget keeps its lines (its
styles cache) from one refresh to the next, so young collections find them alive and
promote them; they die in the oldest generation, where only a full collection frees them,
and each refresh adds its lines to the count that triggers the next full collection (at
10,000 instances and a 2 s sweep: one full collection every few sweeps, 80-150 ms each on
the UI thread).

:func:`install` wraps ``Strip.divide`` so that a ``[self]`` answer is not kept in the
strip's cache: the lines are freed by reference counting when the widget drops them.
Dividing such a strip again costs one comparison and one list, as the cached answer did not
save more.
"""

from __future__ import annotations

from textual.strip import Strip

_INSTALLED = {"divide": None}


def install() -> None:
    """Wrap ``Strip.divide`` once per process (idempotent)."""
    if _INSTALLED["divide"] is not None:
        return
    divide = Strip.divide

    def acyclic_divide(self: Strip, cuts):
        strips = divide(self, cuts)
        if len(strips) == 1 and strips[0] is self:
            # The cache (4 entries) has no public delete: cleared whole. Its other entries hold
            # new strips, no cycle; losing them costs a re-divide if those cuts come again.
            self._divide_cache.clear()
        return strips

    acyclic_divide.__doc__ = divide.__doc__
    acyclic_divide.__wrapped__ = divide
    Strip.divide = acyclic_divide
    _INSTALLED["divide"] = divide
