"""A project's money by year (capital spread over its construction years, operating cost while open, residual
value at the horizon's end) and the measures of a stream of net benefits: NPV, benefit-cost ratio, IRR and the year
it first pays (discounted payback)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .years import Periods


@dataclass(frozen=True)
class ProjectCosts:
    """A project's costs in million USD of the appraisal's price year.

    ``capex`` is spread evenly over the ``build_years`` years before opening; ``opex`` is paid each year open; the
    residual value at the horizon's end is the straight-line share of ``capex`` of the life left.
    """

    id: str
    name: str
    capex: float
    opex: float
    build_years: int
    life_years: float
    earliest_open_year: int
    opened_year: int | None = None  # built: the opening year is fixed

    def flows(self, open_year: int, first_year: int, last_year: int) -> dict[str, dict[int, float]]:
        """Capex, opex and residual value by year (years before ``first_year`` included, for capex)."""
        capex = dict.fromkeys(range(open_year - self.build_years, open_year), self.capex / self.build_years)
        opex = dict.fromkeys(range(max(open_year, first_year), last_year + 1), self.opex)
        used = last_year - open_year + 1
        left = max(self.life_years - max(used, 0), 0.0) / self.life_years
        residual = {last_year: self.capex * min(left, 1.0)} if used > 0 else {}
        if used <= 0:  # opens after the horizon: nothing is spent inside it that buys anything
            capex = {y: v for y, v in capex.items() if y <= last_year}
            residual = {last_year: self.capex} if capex else {}
        return {"capex": capex, "opex": opex, "residual": residual}

    def pv_cost(self, open_year: int, periods: Periods) -> float:
        """Present value of capex + opex - residual value when opening in ``open_year``."""
        f = self.flows(open_year, periods.first_year, periods.last_year)
        pv = sum(v * float(periods.discount(y)) for y, v in f["capex"].items())
        pv += sum(v * float(periods.discount(y)) for y, v in f["opex"].items())
        pv -= sum(v * float(periods.discount(y)) for y, v in f["residual"].items())
        return float(pv)


def npv(rate: float, years: np.ndarray, net: np.ndarray, first_year: int) -> float:
    """Net present value at ``rate`` of ``net`` (million USD) paid in ``years``, discounted to ``first_year``."""
    return float(np.sum(np.asarray(net) * np.power(1.0 + rate, -(np.asarray(years, float) - first_year))))


def irr(years: np.ndarray, net: np.ndarray, first_year: int) -> tuple[float | None, str]:
    """The internal rate of return (scipy brentq on the NPV), or None and why there is none.

    The search runs from -99% to +1000% a year; a stream whose NPV does not change sign there has no IRR (all
    benefits and no cost, or costs never recovered). Where the NPV changes sign more than once, the lowest rate is
    returned and the reason says so.
    """
    from scipy.optimize import brentq

    net = np.asarray(net, float)
    if not (net > 1e-12).any():
        return None, "no net benefit in any year"
    if not (net < -1e-12).any():
        return None, "no net cost in any year"
    grid = np.concatenate([np.linspace(-0.99, 0.0, 100, endpoint=False), np.linspace(0.0, 10.0, 1001)])
    values = np.array([npv(r, years, net, first_year) for r in grid])
    signs = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    if len(signs) == 0:
        return None, "the NPV does not change sign between -99% and 1000%"
    i = int(signs[0])
    rate = float(brentq(lambda r: npv(r, years, net, first_year), grid[i], grid[i + 1], xtol=1e-12))
    return rate, "" if len(signs) == 1 else f"the NPV changes sign {len(signs)} times; the lowest rate is given"


def payback_year(years: np.ndarray, net: np.ndarray, rate: float, first_year: int) -> int | None:
    """The first year from which the discounted cumulative net benefit stays at or above zero, or None."""
    disc = np.asarray(net, float) * np.power(1.0 + rate, -(np.asarray(years, float) - first_year))
    cum = np.cumsum(disc)
    if cum[-1] < 0:
        return None
    below = np.flatnonzero(cum < -1e-9)
    if len(below) == 0:
        return int(years[0])
    nxt = int(below[-1]) + 1
    return int(years[nxt]) if nxt < len(years) else None


def bcr(pv_benefit: float, pv_cost: float) -> float:
    """Benefit-cost ratio: present value of benefits (residual value included) over that of capex and opex."""
    return float(pv_benefit / pv_cost) if pv_cost > 0 else float("inf") if pv_benefit > 0 else float("nan")
