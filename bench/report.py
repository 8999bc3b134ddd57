"""The one protocol every benchmark uses to hand its figures to ``bench/run``.

A benchmark prints its own human report, and for each headline figure one
machine line ``FIGURE {json}`` through :func:`figure`; ``bench/run`` collects
those lines from every benchmark into one table.
"""

from __future__ import annotations

import json


def figure(name: str, value: float | None, unit: str, target: str, meets: bool | None, note: str = "") -> None:
    """Print one headline figure: what, how much, the target, and whether it is met.

    ``value`` None: the step that measures it failed (``meets`` False, ``note`` says why);
    the table still shows the figure beside its target, as a miss."""
    print("FIGURE " + json.dumps({"name": name, "value": value, "unit": unit, "target": target,
                                  "meets": meets, "note": note}), flush=True)
