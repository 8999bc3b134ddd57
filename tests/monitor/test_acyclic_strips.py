"""Screen lines leave no reference cycle behind (widgets/acyclic_strips.py): a strip divided at its
own length is not kept in its own cache, so dropping it frees it without a full collection."""

from __future__ import annotations

import gc

from rich.segment import Segment
from textual.strip import Strip

from cloudshell.widgets import acyclic_strips


def _cached_values(strip: Strip) -> list:
    cache = strip._divide_cache
    return [cache.get(key) for key in list(cache.keys())]


def test_a_strip_divided_whole_is_not_in_its_own_cache() -> None:
    acyclic_strips.install()
    acyclic_strips.install()                      # idempotent: wrapped once
    strip = Strip([Segment("abc"), Segment("def")])
    assert strip.divide([6]) == [strip]
    assert all(strip not in value for value in _cached_values(strip))
    assert not any(strip in gc.get_referents(value) for value in _cached_values(strip))


def test_other_cuts_still_divide_and_are_cached() -> None:
    acyclic_strips.install()
    strip = Strip([Segment("abcdef")])
    parts = strip.divide([2, 6])
    assert [part.text for part in parts] == ["ab", "cdef"]
    assert strip.divide([2, 6]) is parts          # the cache still answers
    assert Strip.divide.__wrapped__ is not Strip.divide


def test_a_strip_makes_only_the_caches_it_uses_and_they_still_answer() -> None:
    acyclic_strips.install()
    strip = Strip([Segment("abc"), Segment("def")])
    assert acyclic_strips.made_caches(strip) == set()           # no FIFOCache made with the strip
    cropped = strip.crop(1, 5)
    assert cropped.text == "bcde"
    assert acyclic_strips.made_caches(strip) == {"_crop_cache"}
    assert strip.crop(1, 5) is cropped            # the crop cache still answers
    assert strip.adjust_cell_length(8).text == "abcdef  "
    assert acyclic_strips.made_caches(strip) == {"_crop_cache", "_line_length_cache"}
