"""One allocation LP for a network with every appraised project open, re-solved with projects switched off by
bounds: a closed project's link and transfer arcs get an upper bound of 0 and its capacity raises come off the
right-hand side. Supply and demand change by year through the right-hand side too, so the matrix is built once.

The LP is held by :class:`corridor.flows.FlowModel` (HiGHS through ``highspy``): every solve of :meth:`SwitchedLP.solve`
is a warm re-solve from the base basis with changed arc bounds, capacities, supply and demand; ``warm=False`` solves
the same numbers from scratch (scipy), the check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..flows.model import FlowModel
from ..flows.problem import FlowProblem, flow_problem
from ..flows.solution import decompose
from ..graph import build_graph
from ..network import Network
from ..projects import open_projects


@dataclass(frozen=True)
class Outcome:
    """The allocation of one year with one set of projects open, per destination (Mt/yr and million USD/yr).

    ``delivered[d]``, ``cost[d]`` (generalized cost of the delivered tonnes), ``unserved[d]``; ``objective`` =
    total generalized cost + unserved penalty (million USD/yr).
    """

    destinations: tuple[str, ...]
    delivered: np.ndarray
    cost: np.ndarray
    unserved: np.ndarray
    objective: float


class SwitchedLP:
    """The allocation LP of ``net`` with ``projects`` open, solved for any subset of them and any year's flows.

    Parameters
    ----------
    net : Network
        The network as it runs (built projects in, others aside).
    projects : list of str
        The projects that can be switched (built ones among them are switched off for "without").
    supply, demand : mapping of node id to Mt/yr
        The base flows; :meth:`solve` scales them.
    """

    def __init__(self, net: Network, projects: Iterable[str], supply: Mapping[str, float],
                 demand: Mapping[str, float], *, unserved_penalty_usd_per_t: float,
                 value_of_time_usd_per_t_day: float = 0.0):
        self.projects = list(projects)
        self.network = open_projects(net, self.projects)
        self.graph = build_graph(self.network, origins=list(supply))  # the transit layers of the supply's countries
        self.supply = dict(supply)
        self.demand = dict(demand)
        self.problem: FlowProblem = flow_problem(
            self.graph, self.supply, self.demand, unserved_penalty_usd_per_t=unserved_penalty_usd_per_t,
            value_of_time_usd_per_t_day=value_of_time_usd_per_t_day)
        self.weights = self.graph.weights(value_of_time_usd_per_t_day)
        arcs = self.graph.arcs
        pt = net.projects
        ref, kind = arcs["ref"].to_numpy(), arcs["kind"].to_numpy()
        elements = self.problem.elements
        row_of = {(k, i): r for r, (k, i) in enumerate(zip(elements["kind"], elements["id"]))}
        n_orig = len(self.problem.origins)
        self._arcs: dict[str, np.ndarray] = {}
        self._raises: dict[str, list[tuple[int, float]]] = {}
        for p in self.projects:
            links = set(self.network.links.index[self.network.links["project"] == p])
            transfers = set(self.network.transfers.index[self.network.transfers["project"] == p])
            hit = (((kind == "link") & np.isin(ref, list(links)))
                   | ((kind == "transfer") & np.isin(ref, list(transfers))))
            self._arcs[p] = np.flatnonzero(hit)
            cap = pt.capacity[pt.capacity["project"] == p]
            self._raises[p] = [(n_orig + row_of[(t[:-1], e)], float(a))
                               for t, e, a in zip(cap["table"], cap["element"], cap["add_mt_per_year"])
                               if (t[:-1], e) in row_of]
        self.model = FlowModel(self.problem)
        self.solves = 0

    def touches(self, project: str) -> bool:
        """Whether ``project`` changes anything in this LP (arcs or capacities)."""
        return len(self._arcs[project]) > 0 or len(self._raises[project]) > 0

    def numbers(self, open_set: Iterable[str], factor: float = 1.0) -> dict[str, np.ndarray]:
        """The numbers of the LP (:meth:`corridor.flows.FlowModel.solve`) with ``open_set`` open (the other projects
        closed: their arcs bounded at 0, their capacity raises off) and supply and demand x ``factor``."""
        open_set = set(open_set)
        m = self.model
        upper = m.base_arc_upper.copy()
        capacity = m.base_capacity.copy()
        n_orig = len(self.problem.origins)
        for p in self.projects:
            if p not in open_set:
                upper[self._arcs[p]] = 0.0
                for row, add in self._raises[p]:
                    capacity[row - n_orig] = max(capacity[row - n_orig] - add, 0.0)
        return {"arc_upper": upper, "capacity": capacity, "supply": m.base_supply * factor,
                "demand": m.base_demand * factor}

    def solve(self, open_set: Iterable[str], factor: float = 1.0, *, warm: bool = True) -> Outcome:
        """The allocation with ``open_set`` open (the other projects closed) and supply and demand x ``factor``:
        re-solved warm, or from scratch with ``warm=False``."""
        nums = self.numbers(open_set, factor)
        res = self.model.solve(**nums) if warm else self.model.solve_cold(**nums)
        self.solves += 1
        pr = self.problem
        n_dest = len(pr.destinations)
        unserved = np.asarray(res.x[-n_dest:], dtype=float)
        delivered = pr.demand * factor - unserved
        cost = np.zeros(n_dest)
        scaled = FlowProblem(**{**pr.__dict__, "demand": pr.demand * factor, "supply": pr.supply * factor})
        for _, d, arcs, amount in decompose(scaled, res.x):
            cost[d] += float(self.weights[list(arcs)].sum()) * amount if arcs else 0.0
        return Outcome(destinations=tuple(pr.destinations), delivered=np.maximum(delivered, 0.0), cost=cost,
                       unserved=unserved, objective=float(res.objective))
