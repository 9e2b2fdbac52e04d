"""The years of an appraisal: representative years, the periods between them, and the discounted weights that turn
benefits solved at representative years into a present value (linear interpolation within a period)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Periods:
    """Representative years ``points`` (sorted) and the periods between them.

    Period ``k`` covers the years ``points[k]`` to ``points[k+1] - 1`` (the last one also ``points[-1]``). A project
    opens at the start of a period; within a period the open set is fixed and the annual benefit is interpolated
    linearly between the allocation solved at ``points[k]`` and the one at ``points[k+1]``, both with the period's
    open set. ``w_start[k]`` and ``w_end[k]`` are the sums of discount factor x interpolation weight over the
    period's years, so the present value of the period's benefits is ``w_start[k] B(start) + w_end[k] B(end)``.
    """

    first_year: int
    last_year: int
    rate: float
    points: tuple[int, ...]
    w_start: np.ndarray
    w_end: np.ndarray

    @property
    def starts(self) -> tuple[int, ...]:
        """The first year of each period: the years a project can open."""
        return self.points[:-1] if len(self.points) > 1 else self.points

    @property
    def n(self) -> int:
        return len(self.starts)

    def ends(self, k: int) -> int:
        """The representative year at the end of period ``k`` (its own start if the horizon is one year)."""
        return self.points[k + 1] if len(self.points) > 1 else self.points[k]

    def years(self, k: int) -> range:
        """The years of period ``k``."""
        last = self.points[-1] if k == self.n - 1 else self.points[k + 1] - 1
        return range(self.starts[k], last + 1)

    def discount(self, year: int | np.ndarray) -> np.ndarray:
        """Discount factor of ``year`` (1 in ``first_year``; more than 1 before it)."""
        return np.power(1.0 + self.rate, -(np.asarray(year, dtype=float) - self.first_year))

    def period_of(self, year: int) -> int:
        """The period that ``year`` falls in (0 before the horizon)."""
        k = int(np.searchsorted(np.asarray(self.starts), year, side="right")) - 1
        return max(k, 0)


def make_periods(first_year: int, last_year: int, rate: float, step_years: int, extra: tuple[int, ...] = ()
                 ) -> Periods:
    """Representative years every ``step_years`` from ``first_year``, plus ``last_year`` and ``extra`` (earliest
    opening years inside the horizon), and the discounted interpolation weights of each period."""
    pts = set(range(first_year, last_year + 1, step_years)) | {first_year, last_year}
    pts |= {y for y in extra if first_year < y <= last_year}
    points = tuple(sorted(pts))
    per = Periods(first_year, last_year, rate, points, np.zeros(0), np.zeros(0))
    w_start, w_end = np.zeros(per.n), np.zeros(per.n)
    for k in range(per.n):
        a, b = per.starts[k], per.ends(k)
        for y in per.years(k):
            lam = 0.0 if b == a else (y - a) / (b - a)
            df = float(per.discount(y))
            w_start[k] += df * (1.0 - lam)
            w_end[k] += df * lam
    return Periods(first_year, last_year, rate, points, w_start, w_end)
