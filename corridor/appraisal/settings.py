"""The ``[appraisal]`` settings of a scenario (checked in :mod:`corridor._appraisal_parse`): horizon, demand path,
discount rate, price year, the projects to appraise, budgets and how generated traffic is valued."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AppraisalSettings:
    """How a scenario's projects are appraised (see docs/appraisal.md).

    Attributes
    ----------
    first_year, last_year : int
        The horizon, both included. Money is discounted to ``first_year``.
    discount_rate : float
        Real discount rate a year (0.09 = 9%).
    price_year : int
        Year whose USD prices every figure is in (the network's costs are taken to be in this year's USD).
    step_years : int
        Spacing of the representative years at which the allocation is solved; the annual benefit is interpolated
        linearly between them. The first and last year and every project's earliest opening year are always
        representative years. 1 = every year solved.
    demand_growth_per_year : float or None
        Supply and demand of ``[flows]`` grow at this rate a year from ``first_year`` (0.02 = 2%).
    demand_scale : dict of int to float
        Or: the factor on ``[flows]`` supply and demand in given years, linear in between, flat outside.
    projects : tuple of str
        The projects appraised (default: every project not yet built). A built project named here is appraised
        ex post: its costs at its own years, the network without it as the counterfactual.
    budget_total_musd, budget_per_year_musd : float or None
        The portfolio's capital budget, in million USD of ``price_year``: in total (undiscounted), or in each year.
    generated_value_usd_per_t : float or None
        What a tonne of generated traffic (demand served that was unserved) is worth to its shipper (USD/t); default:
        the unserved penalty of ``[flows]``.
    case : str or None
        The case whose network and flows are appraised (default: the first).
    rates : tuple of float
        Other discount rates to report NPVs at (a sensitivity).
    """

    first_year: int
    last_year: int
    discount_rate: float
    price_year: int
    step_years: int = 5
    demand_growth_per_year: float | None = None
    demand_scale: dict[int, float] = field(default_factory=dict)
    projects: tuple[str, ...] = ()
    budget_total_musd: float | None = None
    budget_per_year_musd: float | None = None
    generated_value_usd_per_t: float | None = None
    case: str | None = None
    rates: tuple[float, ...] = ()

    def demand_factor(self, year: int) -> float:
        """The factor on ``[flows]`` supply and demand in ``year``."""
        if self.demand_scale:
            years = sorted(self.demand_scale)
            if year <= years[0]:
                return self.demand_scale[years[0]]
            if year >= years[-1]:
                return self.demand_scale[years[-1]]
            for a, b in itertools.pairwise(years):
                if a <= year <= b:
                    lam = (year - a) / (b - a)
                    return (1 - lam) * self.demand_scale[a] + lam * self.demand_scale[b]
        growth = self.demand_growth_per_year or 0.0
        return float((1.0 + growth) ** (year - self.first_year))
