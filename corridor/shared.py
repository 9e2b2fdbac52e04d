"""Cases that change numbers only share one routing graph and one LP.

Most cases of a scenario change numbers (tariffs, capacities, volumes), not what is open. Their routing graphs have
the same states and arcs, and their allocation LPs the same matrices: only arc prices, capacities, supply and
demand differ. :class:`SharedBuilds` builds the first graph (per lot) and the first LP (per list of origins and
destinations) in full and every later one ``like`` it (:func:`corridor.graph.build_graph`,
:func:`corridor.flows.flow_problem`), which gives the same graph and LP bit for bit for a fraction of the work. A
case that closes something is built in full. With transit regimes, graphs are shared between cases whose cargo
comes from the same countries (the same layers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .graph import RoutingGraph, build_graph, same_rows
from .layers import cargo_countries
from .network import Network

if TYPE_CHECKING:
    from .case import Case
    from .flows import FlowProblem


class SharedBuilds:
    """The routing graphs and LPs of the cases of one scenario (whose network is ``network``), shared where they
    can be."""

    def __init__(self, network: Network):
        self.network = network
        self._graphs: dict[tuple[float | None, tuple[str, ...]], RoutingGraph] = {}
        self._problems: dict[tuple, FlowProblem] = {}

    def graph(self, net: Network, lot_t: float | None = None, origins: list[str] | None = None) -> RoutingGraph:
        """The routing graph of ``net`` (a case's network) for a lot of ``lot_t`` tonnes (None: full ships); with
        transit regimes, the layers of the countries of ``origins`` (default: every country)."""
        key = (lot_t, tuple(cargo_countries(net, origins)) if net.has_regimes else ())
        base = self._graphs.get(key)
        if base is not None:
            return build_graph(net, lot_t=lot_t, origins=origins, like=base)  # a full build where the rows differ
        graph = build_graph(net, lot_t=lot_t, origins=origins)
        if same_rows(net, self.network):
            self._graphs[key] = graph
        return graph

    def flow_problem(self, graph: RoutingGraph, supply: Mapping[str, float], demand: Mapping[str, float],
                     **options: Any) -> FlowProblem:
        """:func:`corridor.flows.flow_problem`, like an earlier LP of the same shape where there is one."""
        from .flows import flow_problem

        key = (tuple(supply), tuple(demand), graph.lot_t, graph.cargos)
        like = self._problems.get(key)
        problem = flow_problem(graph, supply, demand, like=like, **options)
        if like is None and any(graph.states is g.states for g in self._graphs.values()):
            self._problems[key] = problem
        return problem

    def case_problem(self, case: Case) -> FlowProblem:
        """The allocation LP of a case with ``[flows]`` (full ships), as :func:`corridor.solve.solve_flows` builds it:
        with transit regimes on the layers of the supply's countries; with markets, sales at market prices or
        diversification limits (their rows after the capacity rows) built in full."""
        f = case.require_flows()
        s = case.settings
        graph = self.graph(case.network, None, list(f.supply))
        options: dict[str, Any] = dict(unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
                                       value_of_time_usd_per_t_day=s.value_of_time_usd_per_t_day,
                                       carbon_price_usd_per_t_co2=s.carbon_price_usd_per_t_co2)
        if not (f.markets or f.limits or f.sell):
            return self.flow_problem(graph, f.supply, f.demand, **options)
        from .flows import flow_problem

        problem = flow_problem(graph, f.supply, f.demand, markets=f.markets,
                               sales_usd_per_t=f.sales_usd_per_t(case.network), **options)
        if f.limits:
            from .flows.diversify import with_limits

            problem = with_limits(problem, f.limits)
        return problem
