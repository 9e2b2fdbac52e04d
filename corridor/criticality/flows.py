"""Criticality for annual flows: close (or derate) each element in turn and re-solve the allocation; the extra
annual cost and the tonnes a year left unserved.

The LP is built once (:func:`corridor.flows.flow_problem`) and re-solved warm (:func:`~corridor.flows.modify.
solve_modified`, :class:`~corridor.flows.FlowModel`) under one :class:`~corridor.flows.modify.Modification` per
element: closing holds the element's arcs at 0; derating by a factor
``f`` lowers its capacity to ``f`` x capacity, or, for an element without one, caps what passes through it at ``f``
x what it carries now. An element that carries no flow cannot change the optimum when closed, so it is not re-solved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..case import Case
from ..flows.model import FlowModel
from ..flows.modify import Modification, solve_modified
from ..flows.problem import FlowProblem, flow_problem
from ..flows.solution import FlowSolution
from ..graph import build_graph
from .elements import Element

USD_PER_MUSD = 1e6
FLOW_TOL = 1e-9  # Mt/yr: below this an element carries nothing
COLUMNS = ["case", "kind", "id", "name", "flow_mt_per_year", "extra_cost_usd_per_year", "unserved_mt_per_year",
           "total_cost_usd_per_year", "status"]


@dataclass(frozen=True)
class Prepared:
    """A case's allocation LP and its solution, ready for modifications."""

    problem: FlowProblem
    solution: FlowSolution

    @property
    def unserved(self) -> float:
        return float(_unserved(self.problem, self.solution))


def prepare(case: Case) -> Prepared:
    """Build and solve a case's allocation LP once (full ships, as :func:`corridor.solve.solve_flows`)."""
    f, s = case.require_flows(), case.settings
    problem = flow_problem(build_graph(case.network, origins=list(f.supply)), f.supply, f.demand,
                           unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
                           value_of_time_usd_per_t_day=s.value_of_time_usd_per_t_day,
                           carbon_price_usd_per_t_co2=s.carbon_price_usd_per_t_co2, markets=f.markets,
                           sales_usd_per_t=f.sales_usd_per_t(case.network))
    if f.limits:
        from ..flows.diversify import with_limits

        problem = with_limits(problem, f.limits)
    return Prepared(problem, FlowModel(problem).solve())


def _unserved(problem: FlowProblem, sol: FlowSolution) -> float:
    n = problem.n_arcs + len(problem.supply_state) + len(problem.sink_state)
    return float(np.clip(sol.x[n:n + len(problem.destinations)], 0.0, None).sum())


def modifications(prepared: Prepared, items: list[Element], derate: float | None = None
                  ) -> tuple[list[int], list[Modification]]:
    """The elements that must be re-solved and their modifications (close, or derate by ``derate``)."""
    problem, x = prepared.problem, prepared.solution.x
    arc_flow = np.clip(x[:problem.n_arcs], 0.0, None)
    rows = {(k, i): r for r, (k, i) in enumerate(zip(problem.elements["kind"], problem.elements["id"]))}
    n_orig = len(problem.origins)
    picked, mods = [], []
    for j, e in enumerate(items):
        carried = float(arc_flow[e.through].sum()) if derate is not None else float(arc_flow[e.closed].sum())
        if carried <= FLOW_TOL:
            continue
        if derate is None:
            mods.append(Modification(e.id, closed=e.closed))
        elif (e.kind, e.id) in rows:
            r = rows[(e.kind, e.id)]
            mods.append(Modification(e.id, rhs={n_orig + r: derate * float(problem.elements.at[r,
                                                                                                 "capacity_mt_per_year"])}))
        else:
            mods.append(Modification(e.id, rows=((e.through, np.ones(len(e.through)), derate * carried),)))
        picked.append(j)
    return picked, mods


def flow_criticality(case: Case, items: list[Element], *, derate: float | None = None,
                     prepared: Prepared | None = None) -> pd.DataFrame:
    """One row per element (columns :data:`COLUMNS`): the flow through it, the extra annual cost (USD/yr, the
    allocation's objective: generalized cost plus the unserved penalty) and the extra unserved Mt/yr when it is closed
    (or derated), the largest extra cost first."""
    prepared = prepared or prepare(case)
    problem, sol = prepared.problem, prepared.solution
    arc_flow = np.clip(sol.x[:problem.n_arcs], 0.0, None)
    base_cost, base_unserved = sol.objective, prepared.unserved
    picked, mods = modifications(prepared, items, derate)
    solved = dict(zip(picked, solve_modified(problem, mods)))
    rows = []
    for j, e in enumerate(items):
        out = solved.get(j)
        cost = out.objective if out is not None else base_cost
        unserved = _unserved(problem, out) - base_unserved if out is not None else 0.0
        rows.append(dict(case=case.name, kind=e.kind, id=e.id, name=e.name,
                         flow_mt_per_year=float(arc_flow[e.through].sum()),
                         extra_cost_usd_per_year=max(0.0, cost - base_cost) * USD_PER_MUSD,
                         unserved_mt_per_year=max(0.0, unserved), total_cost_usd_per_year=cost * USD_PER_MUSD,
                         status="closed" if derate is None else f"derated to {derate:g}"))
    return pd.DataFrame(rows, columns=COLUMNS)
