"""How sure a measured test accuracy is: its 95 % interval, and the tiers a rerun could flip.

A training run is random (initial weights, batch order, thread scheduling), and the test
split is a sample of 10,000 images. A result a fraction of a percent from a tier can land on
either side on a rerun: such a grade is marked borderline, for the teacher to see.
"""

from __future__ import annotations

import math

Z_95 = 1.959964


def wilson_interval(correct: int, total: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of CORRECT / TOTAL, in percent."""
    if total <= 0:
        return 0.0, 100.0
    share = correct / total
    centre = (share + Z_95**2 / (2 * total)) / (1 + Z_95**2 / total)
    half = Z_95 * math.sqrt(share * (1 - share) / total + Z_95**2 / (4 * total**2)) / (1 + Z_95**2 / total)
    return round(100 * max(0.0, centre - half), 2), round(100 * min(1.0, centre + half), 2)


def borderline_tiers(accuracy: float, interval: tuple[float, float], tiers: list[float]) -> list[int]:
    """Tier numbers (1-based) whose threshold lies within the interval's half-width of ACCURACY."""
    half_width = (interval[1] - interval[0]) / 2
    return [number for number, tier in enumerate(tiers, start=1) if abs(accuracy - tier) <= half_width]
