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

:func:`install` also makes a strip's seven caches (divide, crop, style, filter, line length,
crop-extend, offsets) on first use instead of in ``Strip.__init__``: a strip is mostly cropped or
divided once, so six of its seven ``FIFOCache`` objects were made for nothing, each one a
GC-tracked object. Every rendered line makes several strips, and the lines a widget keeps from
one refresh to the next are moved to the oldest generation; at 10,000 instances those caches were
the most numerous objects young collections moved up (1,015 of ~3,900 over 18 sweeps), bringing
the next full collection nearer. A cache made on first use holds what it held before.
"""

from __future__ import annotations

from textual.cache import FIFOCache
from textual.strip import Strip

_INSTALLED = {"divide": None}

# Textual's own sizes (textual/strip.py, Strip.__init__).
LAZY_CACHES = {"_divide_cache": 4, "_crop_cache": 16, "_style_cache": 16, "_filter_cache": 4,
               "_line_length_cache": 4, "_crop_extend_cache": 4, "_offsets_cache": 4}
_OTHER_SLOTS = {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count"}
_SLOTS: dict = {}   # cache name → Textual's own slot, once the lazy properties stand in for it


def made_caches(strip: Strip) -> set[str]:
    """The names of the caches this strip has made so far."""
    made = set()
    for name, slot in _SLOTS.items():
        try:
            slot.__get__(strip, Strip)
        except AttributeError:
            continue
        made.add(name)
    return made


def _lazy(name: str, size: int, slot) -> property:
    def get(self: Strip) -> FIFOCache:
        try:
            return slot.__get__(self, Strip)
        except AttributeError:      # first use on this strip
            cache = FIFOCache(size)
            slot.__set__(self, cache)
            return cache

    return property(get, slot.__set__, doc=f"{name}, made on first use")


def _install_lazy_caches() -> None:
    if set(Strip.__slots__) != set(LAZY_CACHES) | _OTHER_SLOTS:
        return   # another Textual: its own __init__ stays (the caches are only made eagerly)

    def __init__(self: Strip, segments, cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    __init__.__doc__ = Strip.__init__.__doc__
    __init__.__wrapped__ = Strip.__init__
    for name, size in LAZY_CACHES.items():
        _SLOTS[name] = Strip.__dict__[name]
        setattr(Strip, name, _lazy(name, size, _SLOTS[name]))
    Strip.__init__ = __init__


def install() -> None:
    """Wrap ``Strip.divide`` and make the strips' caches lazily, once per process (idempotent)."""
    if _INSTALLED["divide"] is not None:
        return
    _install_lazy_caches()
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
