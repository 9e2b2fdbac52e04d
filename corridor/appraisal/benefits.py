"""The benefit of a set of open projects: the rule of a half on the allocation with and without them, and the table
of benefits over sets of projects and representative years that the appraisal and the portfolio read.

Per destination ``d`` (Mt/yr, USD/t, so million USD/yr), with ``Q`` the tonnes delivered and ``g`` their average
generalized cost per tonne, without (0) and with (1) the projects, and ``V`` the value of a generated tonne::

    existing  = (g0 - g1) * min(Q0, Q1)
    generated = 1/2 * (V - g1) * (Q1 - Q0)    if Q1 >= Q0   (traffic served that was unserved)
              = 1/2 * (V - g0) * (Q1 - Q0)    if Q1 <  Q0   (traffic lost, a negative benefit)

A destination with nothing delivered has no average cost: its ``g`` is ``V`` (at that cost the tonne does not move).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ._lp import Outcome, SwitchedLP
from .years import Periods


@dataclass(frozen=True)
class Benefit:
    """Annual benefit (million USD/yr) of a set of projects over the base in one year: on existing traffic and on
    generated traffic; ``generated_mt`` is the extra tonnage delivered."""

    existing: float
    generated: float
    generated_mt: float

    @property
    def total(self) -> float:
        return self.existing + self.generated


def rule_of_half(without: Outcome, with_: Outcome, value_usd_per_t: float) -> Benefit:
    """The benefit of going from ``without`` to ``with_`` (same destinations), by the rule of a half."""
    q0, q1 = without.delivered, with_.delivered
    tol = 1e-9 * max(1.0, float(q0.sum()), float(q1.sum()))
    g0 = np.where(q0 > tol, without.cost / np.where(q0 > tol, q0, 1.0), value_usd_per_t)
    g1 = np.where(q1 > tol, with_.cost / np.where(q1 > tol, q1, 1.0), value_usd_per_t)
    dq = np.where(np.abs(q1 - q0) > tol, q1 - q0, 0.0)
    existing = (g0 - g1) * np.minimum(q0, q1)
    generated = np.where(dq >= 0, 0.5 * (value_usd_per_t - g1) * dq, 0.5 * (value_usd_per_t - g0) * dq)
    return Benefit(float(existing.sum()), float(generated.sum()), float(dq.sum()))


@dataclass
class BenefitTable:
    """Benefits of sets of projects at the representative years of ``periods``, solved on demand and kept.

    The base of every benefit is the network with none of the LP's projects open. ``factors``: the demand factor
    of each representative year; ``value_usd_per_t``: the value of a generated tonne.
    """

    lp: SwitchedLP
    periods: Periods
    factors: dict[int, float]
    value_usd_per_t: float
    _outcomes: dict[tuple[frozenset[str], int], Outcome] = field(default_factory=dict)

    def outcome(self, open_set: Iterable[str], year: int) -> Outcome:
        key = (frozenset(open_set), year)
        if key not in self._outcomes:
            self._outcomes[key] = self.lp.solve(key[0], self.factors[year])
        return self._outcomes[key]

    def benefit(self, open_set: Iterable[str], k: int, end: bool) -> Benefit:
        """Benefit of ``open_set`` over the base in period ``k``'s start (or end) year."""
        year = self.periods.ends(k) if end else self.periods.starts[k]
        return rule_of_half(self.outcome((), year), self.outcome(open_set, year), self.value_usd_per_t)

    def period_value(self, open_set: Iterable[str], k: int) -> float:
        """Present value (million USD, discounted to the first year) of period ``k``'s benefits of ``open_set``."""
        s = frozenset(open_set)
        value = self.periods.w_start[k] * self.benefit(s, k, False).total
        if self.periods.w_end[k] > 0:
            value += self.periods.w_end[k] * self.benefit(s, k, True).total
        return float(value)

    def annual(self, schedule: dict[str, int], year: int) -> Benefit:
        """Benefit in ``year`` of the projects open by then under ``schedule`` (project -> opening period),
        interpolated between the period's representative years."""
        k = self.periods.period_of(year)
        s = frozenset(p for p, o in schedule.items() if o is not None and o <= k)
        a, b = self.periods.starts[k], self.periods.ends(k)
        lam = 0.0 if b == a else (year - a) / (b - a)
        b0, b1 = self.benefit(s, k, False), self.benefit(s, k, True) if lam > 0 else None
        if b1 is None:
            return b0
        return Benefit((1 - lam) * b0.existing + lam * b1.existing, (1 - lam) * b0.generated + lam * b1.generated,
                       (1 - lam) * b0.generated_mt + lam * b1.generated_mt)
