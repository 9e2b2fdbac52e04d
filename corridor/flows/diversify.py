"""The cost of diversification: at most a share of the exported tonnes through one country (or a set of gateways).

A :class:`~corridor.case.Limit` adds one row to the allocation LP::

    tonnes through S  <=  max_share x total demand      (or <= max_mt_per_year)

where the tonnes through S are the flow on the link arcs that **enter** S (the nodes of the countries, or the nodes
named) from outside, plus what starts inside S (supply at a node in S). A tonne is counted each time it enters, so
for a country this is the tonnes that pass through it or end there; list a set of gateways that routes use one at a
time (e.g. ``zamyn_uud`` and ``gashuunsukhait``), not two on the same route.

The row's dual is the **marginal cost of diversification**: what the total annual cost would fall by, per tonne a
year, if one more tonne could pass through S (USD/t). Sweeping the share (:func:`diversification`) gives the
**diversification cost curve**: the extra annual cost, and per diverted tonne, as less goes through S. The LP's
optimal cost is convex in the cap, so both never fall as the share removed grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..case import Case, Limit
from ..errors import InputError
from .modify import Modification, modified, solve_modified
from .problem import FlowProblem
from .solution import FlowSolution

USD_PER_MUSD = 1e6
CURVE_COLUMNS = ["max_share", "cap_mt_per_year", "through_mt_per_year", "share_removed", "diverted_mt_per_year",
                 "total_cost_usd_per_year", "extra_usd_per_year", "extra_usd_per_diverted_t", "marginal_usd_per_t",
                 "delivered_mt_per_year", "unserved_mt_per_year"]


def through_columns(problem: FlowProblem, limit: Limit) -> np.ndarray:
    """The LP columns whose sum is the tonnes through the limit's countries or nodes (see the module docstring)."""
    graph = problem.graph
    nodes = graph.network.nodes
    inside = set(limit.nodes) | set(nodes.index[nodes["country"].isin(limit.countries)])
    arcs = graph.arcs
    link = arcs["kind"].to_numpy() == "link"
    wanted = list(inside)
    enter = link & np.isin(arcs["node"].to_numpy(), wanted) & ~np.isin(arcs["from_node"].to_numpy(), wanted)
    starts = [problem.n_arcs + i for i, o in enumerate(problem.supply_origin) if problem.origins[o] in inside]
    return np.concatenate([np.flatnonzero(enter), np.asarray(starts, dtype=np.int64)])


def cap_of(problem: FlowProblem, limit: Limit) -> float:
    """The limit's cap in Mt/yr: ``max_mt_per_year``, or ``max_share`` of the total demand."""
    if limit.max_mt_per_year is not None:
        return float(limit.max_mt_per_year)
    return float(limit.max_share if limit.max_share is not None else 1.0) * float(problem.demand.sum())


def limit_row(problem: FlowProblem, limit: Limit, cap: float | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    cols = through_columns(problem, limit)
    return cols, np.ones(len(cols)), cap_of(problem, limit) if cap is None else float(cap)


def with_limits(problem: FlowProblem, limits: Sequence[Limit]) -> FlowProblem:
    """``problem`` with one inequality row per limit, after its capacity rows."""
    return modified(problem, Modification("limits", rows=tuple(limit_row(problem, lim) for lim in limits)))


def limit_table(problem: FlowProblem, sol: FlowSolution, limits: Sequence[Limit]) -> pd.DataFrame:
    """What passes through each limit's set, its cap, whether it binds and its dual (USD/t, >= 0)."""
    n = len(limits)
    rows = problem.A_ub[-n:]
    through = rows @ np.clip(sol.x, 0.0, None)
    cap = problem.b_ub[-n:]
    marginal = -np.asarray(sol.ub_marginals[-n:], dtype=float)
    return pd.DataFrame({"through": [lim.label for lim in limits], "through_mt_per_year": through,
                         "cap_mt_per_year": cap, "binding": through >= cap - 1e-7 * np.maximum(1.0, cap),
                         "marginal_usd_per_t": np.where(np.abs(marginal) < 1e-9, 0.0, marginal)})


@dataclass
class DiversificationCurve:
    """The result of :func:`diversification`: one row per cap (``table``, columns :data:`CURVE_COLUMNS`), from no cap
    down to the smallest share asked for."""

    case: str
    through: str
    baseline_through_mt_per_year: float
    demand_mt_per_year: float
    table: pd.DataFrame
    scenario: str = ""
    notes: list[str] = field(default_factory=list)

    def plot(self):
        """The diversification cost curve (:func:`corridor.plot.diversify.diversification_chart`)."""
        from ..plot.diversify import diversification_chart

        return diversification_chart(self)

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "case": self.case, "through": self.through,
                "baseline_through_mt_per_year": self.baseline_through_mt_per_year,
                "demand_mt_per_year": self.demand_mt_per_year, "rows": self.table.to_dict(orient="records")}


def diversification(case: Case, *, countries: Sequence[str] = (), nodes: Sequence[str] = (),
                    shares: Sequence[float] | None = None, steps: int = 11) -> DiversificationCurve:
    """The diversification cost curve of a case's annual flows: the allocation with at most each share of the total
    demand passing through ``countries`` (or ``nodes``), against the allocation without that cap.

    Parameters
    ----------
    case : Case
        With ``[flows]``; its own limits on other sets stay in force.
    countries, nodes : sequences of str
        What the tonnes must go less through: countries (``["CN"]``) or gateway nodes.
    shares : sequence of float, optional
        The caps, as shares of the total demand (e.g. ``[0.5, 0.3, 0.1]``); default ``steps`` even shares from what
        goes through at no cap down to 0.

    Returns
    -------
    DiversificationCurve
        ``extra_usd_per_year``: the total annual cost (generalized cost plus the unserved penalty, less the sales
        where the flows ``sell`` at market prices: then the net earnings lost) above the uncapped one;
        ``diverted_mt_per_year``: tonnes kept out of the set; ``extra_usd_per_diverted_t``: their ratio;
        ``marginal_usd_per_t``: the cap's dual (the cost of the last tonne kept out).
    """
    from ..criticality.flows import prepare

    if not countries and not nodes:
        raise InputError("diversification needs countries or nodes to send less through")
    limit = Limit(countries=tuple(countries), nodes=tuple(nodes), max_share=1.0)
    prepared = prepare(case)  # with the case's own limits
    problem, base = prepared.problem, prepared.solution
    cols, coef, _ = limit_row(problem, limit)
    through0 = float(np.clip(base.x[cols], 0.0, None).sum())
    demand = float(problem.demand.sum())
    if shares is None:
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
            raise InputError(f"steps must be a whole number of at least 2, got {steps!r}")
        caps = [float(v) for v in np.linspace(through0 / demand if demand else 0.0, 0.0, int(steps))]
    else:
        caps = [float(s) for s in shares]
    if any(not 0.0 <= s <= 1.0 for s in caps):
        raise InputError("shares are between 0 and 1")
    mods = [Modification(f"at most {s:.0%}", rows=((cols, coef, s * demand),)) for s in caps]
    n_unserved = problem.n_arcs + len(problem.supply_state) + len(problem.sink_state)
    rows = []
    for s, sol in zip(caps, solve_modified(problem, mods)):
        x = np.clip(sol.x, 0.0, None)
        through = float(x[cols].sum())
        unserved = float(x[n_unserved:n_unserved + len(problem.destinations)].sum())
        extra = max(0.0, sol.objective - base.objective) * USD_PER_MUSD
        diverted = max(0.0, through0 - through)
        rows.append(dict(max_share=s, cap_mt_per_year=s * demand, through_mt_per_year=through,
                         share_removed=max(0.0, (through0 - s * demand) / demand) if demand else 0.0,
                         diverted_mt_per_year=diverted, total_cost_usd_per_year=sol.objective * USD_PER_MUSD,
                         extra_usd_per_year=extra,
                         extra_usd_per_diverted_t=extra / (diverted * USD_PER_MUSD) if diverted > 1e-9 else 0.0,
                         marginal_usd_per_t=max(0.0, -float(sol.ub_marginals[-1])),
                         delivered_mt_per_year=demand - unserved, unserved_mt_per_year=unserved))
    label = ", ".join([*countries, *nodes])
    table = pd.DataFrame(rows, columns=CURVE_COLUMNS).sort_values("max_share", ascending=False, kind="stable")
    return DiversificationCurve(case=case.name, through=label, baseline_through_mt_per_year=through0,
                                demand_mt_per_year=demand, table=table.reset_index(drop=True))
