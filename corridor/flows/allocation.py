"""The solved allocation of one case as pandas tables: routes of the flow, capacity elements with their shadow
prices, destinations, origins and totals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import costs
from ..case import Limit
from ..costs import DEFAULT_UNSERVED_PENALTY_USD_PER_T
from ..exposure import flow_exposure
from ..graph import RoutingGraph
from ..legs import keys_of, route_label, route_regimes
from .problem import FlowProblem, flow_problem
from .solution import FlowSolution, decompose

USD_PER_MUSD = 1e6
ROUTE_COLUMNS = ["origin", "destination", "route", "mt_per_year", "cost_usd_per_t", "generalized_usd_per_t",
                 "cost_usd_per_year", "estimated_share", "nodes", "key_nodes", "links", "regimes", "arcs"]
LIMIT_COLUMNS = ["through", "through_mt_per_year", "cap_mt_per_year", "binding", "marginal_usd_per_t"]
ELEMENT_COLUMNS = ["kind", "id", "name", "flow_mt_per_year", "capacity_mt_per_year", "capacity_estimated",
                   "utilisation", "shadow_price_usd_per_t", "binding", "relieve_with"]


@dataclass(frozen=True)
class Allocation:
    """The solved allocation of one case, as pandas tables.

    Attributes
    ----------
    routes : DataFrame
        The flow decomposed into origin-to-destination routes, largest first: Mt/yr, money and generalized
        cost per tonne, money per year, the share of the money resting on estimates, nodes, key nodes, links,
        regimes (the layer it crosses each country in, see :func:`corridor.legs.route_regimes`) and arcs
        (routing-graph arc numbers).
    elements : DataFrame
        Every element with a capacity (kind link, transfer or node): flow, capacity, whether that capacity is an
        estimate (``capacity_estimated``, see :mod:`corridor.provenance`), utilisation and shadow price (USD per
        tonne of extra annual capacity), binding ones first.
    destinations : DataFrame
        Demand, delivered and unserved Mt/yr per destination, and the marginal cost of one more tonne of
        demand there (USD/t; equal to the penalty where demand is unserved).
    origins : DataFrame
        Supply and shipped Mt/yr per origin, and the value of one more tonne of supply there (USD/t).
    totals : dict
        ``total_cost_usd_per_year`` (the minimised objective: generalized transport cost plus unserved penalty, less
        ``sales_usd_per_year`` where the flows sell at market prices),
        ``transport_cost_usd_per_year`` (money paid for the delivered tonnes), ``generalized_cost_usd_per_year``,
        ``unserved_penalty_usd_per_year``, ``delivered_mt_per_year``, ``unserved_mt_per_year``,
        ``average_cost_usd_per_t`` and ``average_generalized_usd_per_t`` (per delivered tonne).
    arc_flow : ndarray
        Mt/yr on each arc of ``graph.arcs``.
    lp_size : dict
        Variables, rows and non-zeros of the LP.
    limits : DataFrame
        Each diversification limit (:mod:`corridor.flows.diversify`): what passes through its countries or nodes, the
        cap, whether it binds, and its dual, the marginal cost of diversification (USD per tonne a year kept out).
    exposure : DataFrame
        The flow by country it passes through (:func:`corridor.exposure.flow_exposure`): Mt/yr, share of the
        delivered tonnes, million tonne-km, USD/yr, days per tonne and kt CO2 a year.
    """

    routes: pd.DataFrame
    elements: pd.DataFrame
    destinations: pd.DataFrame
    origins: pd.DataFrame
    totals: dict
    arc_flow: np.ndarray
    lp_size: dict = field(default_factory=dict)
    exposure: pd.DataFrame = field(default_factory=pd.DataFrame)
    limits: pd.DataFrame = field(default_factory=pd.DataFrame)


def allocate(graph: RoutingGraph, supply: Mapping[str, float], demand: Mapping[str, float], *,
             unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY_USD_PER_T,
             value_of_time_usd_per_t_day: float = 0.0, carbon_price_usd_per_t_co2: float = 0.0,
             markets: Mapping[str, Sequence[str]] | None = None, limits: Sequence[Limit] = (),
             sales_usd_per_t: Mapping[str, float] | None = None) -> Allocation:
    """Allocate annual supply to demand at least total generalized cost on the capacitated ``graph``.

    Parameters
    ----------
    graph : RoutingGraph
        From :func:`corridor.build_graph`; capacities come from its network's ``capacity_mt_per_year``.
    supply, demand : mapping of node id to Mt/yr
        What each origin can ship, what each destination wants. No node may be in both.
    unserved_penalty_usd_per_t : float
        Cost of a tonne of demand left undelivered (keyword-only).
    value_of_time_usd_per_t_day : float
        Adds value of time x transit days to every tonne's cost (keyword-only).
    carbon_price_usd_per_t_co2 : float
        Adds carbon price x CO2 to every tonne's cost (keyword-only).
    markets : mapping, optional
        Groups of nodes any of which may take a demand named after the group.
    limits : sequence of Limit
        At most a share of the exported tonnes through a country or a set of nodes (:mod:`corridor.flows.diversify`).
    sales_usd_per_t : mapping, optional
        The value of a tonne delivered at each destination node (its market price): the allocation then maximises
        sales less transport (see :func:`~corridor.flows.flow_problem`).

    Returns
    -------
    Allocation

    Examples
    --------
    >>> g = corridor.build_graph(corridor.load_network("baseline"))
    >>> alloc = allocate(g, {"tavan_tolgoi": 10}, {"pohang": 4, "tianjin": 6})
    >>> alloc.elements.head()  # binding capacities first, with their shadow prices
    """
    from .model import FlowModel

    problem = flow_problem(graph, supply, demand, unserved_penalty_usd_per_t=unserved_penalty_usd_per_t,
                           value_of_time_usd_per_t_day=value_of_time_usd_per_t_day,
                           carbon_price_usd_per_t_co2=carbon_price_usd_per_t_co2, markets=markets,
                           sales_usd_per_t=sales_usd_per_t)
    if limits:
        from .diversify import with_limits

        problem = with_limits(problem, limits)
    return FlowModel(problem).allocation(limits=limits)


def path_nodes(graph: RoutingGraph, path: list[int], destination: str) -> tuple[list[str], list[str]]:
    """The nodes in order and the key nodes (:func:`corridor.legs.key_nodes`) of a path of the flow decomposition
    (arc numbers)."""
    if not path:
        return [destination], [destination]
    p = np.asarray(path, dtype=np.int64)
    frm, to, kind = graph.column("from_node")[p], graph.column("node")[p].tolist(), graph.column("kind")[p]
    seq = [frm[0]]
    for n in to:
        if n != seq[-1]:
            seq.append(n)
    transfers = {n for n, k in zip(to, kind) if k == "transfer"}
    return seq, keys_of(seq, transfers, graph.network.nodes)


def _partners(cap_block, route_arcs, ids: np.ndarray, binding: np.ndarray, price: np.ndarray) -> list[str]:
    """For each binding element with a price, the full elements at price 0 that carry exactly the same routes:
    the price is what one more t/yr is worth when they are relieved together (each alone saves nothing)."""
    out = [""] * len(ids)
    if not len(ids) or not len(route_arcs):
        return out
    uses = np.column_stack([np.asarray(cap_block[:, list(p)].sum(axis=1)).ravel() > 0 for p in route_arcs])
    carried = [frozenset(np.flatnonzero(row)) for row in uses]
    for e in np.flatnonzero(binding & (price > 0)):
        same = [ids[f] for f in np.flatnonzero(binding & (price <= 0)) if carried[f] == carried[e] and carried[e]]
        out[e] = ";".join(same)
    return out


def read_solution(problem: FlowProblem, sol: FlowSolution, limits: Sequence[Limit] = (),
                  paths: list[tuple[int, int, tuple[int, ...], float]] | None = None) -> Allocation:
    """The tables of an :class:`Allocation` from a solved :class:`FlowProblem` (whose last inequality rows are the
    ``limits``, if any).

    ``paths`` are the routes of the flow as ``(origin index, destination index, arcs, Mt/yr)`` where the solver knows
    them (the logit allocation, :mod:`corridor.flows.logit`); by default the flow is decomposed into routes.
    """
    graph = problem.graph
    net = graph.network
    n_arcs, n_sup, n_snk = problem.n_arcs, len(problem.supply_state), len(problem.sink_state)
    n_dest, n_orig, n_states = len(problem.destinations), len(problem.origins), len(graph.states)
    x = np.clip(sol.x, 0.0, None)
    arc_flow = x[:n_arcs]
    y = x[n_arcs:n_arcs + n_sup]
    z = x[n_arcs + n_sup:n_arcs + n_sup + n_snk]
    unserved = x[n_arcs + n_sup + n_snk:]
    vot, carbon = problem.value_of_time_usd_per_t_day, problem.carbon_price_usd_per_t_co2

    # Destinations and origins.
    delivered = np.bincount(problem.sink_dest, weights=z, minlength=n_dest) if n_dest else np.zeros(0)
    dest = pd.DataFrame({"demand_mt_per_year": problem.demand, "delivered_mt_per_year": delivered,
                         "unserved_mt_per_year": unserved,
                         "marginal_usd_per_t": sol.eq_marginals[n_states:n_states + n_dest]},
                        index=pd.Index(problem.destinations, name="destination"))
    shipped = np.bincount(problem.supply_origin, weights=y, minlength=n_orig) if n_orig else np.zeros(0)
    orig = pd.DataFrame({"supply_mt_per_year": problem.supply, "shipped_mt_per_year": shipped,
                         "value_usd_per_t": -sol.ub_marginals[:n_orig]},
                        index=pd.Index(problem.origins, name="origin"))
    orig["value_usd_per_t"] = orig["value_usd_per_t"].where(orig["value_usd_per_t"].abs() > 1e-9, 0.0)

    # Routes: path decomposition, each priced exactly as the LP prices it.
    money, days, co2 = graph.money(), graph.days(), graph.co2()
    est = graph.column("estimated_usd_per_t")
    nodes = net.nodes
    kind, ref, node_col = graph.column("kind"), graph.column("ref"), graph.column("node")
    rows = []
    for o, d, path, amount in (decompose(problem, x) if paths is None else paths):
        p = list(path)
        dnode = str(node_col[p[-1]]) if p else problem.destinations[d]  # the node reached (of a market group)
        cost = float(money[p].sum())
        gen = costs.generalized(cost, float(days[p].sum()), vot, float(co2[p].sum()), carbon)
        seq, keys = path_nodes(graph, p, dnode)
        rows.append(dict(origin=problem.origins[o], destination=dnode,
                         route=route_label(keys, nodes), mt_per_year=amount,
                         cost_usd_per_t=cost, generalized_usd_per_t=gen, cost_usd_per_year=cost * amount * USD_PER_MUSD,
                         estimated_share=costs.estimated_share(cost, float(est[p].sum())),
                         nodes=seq, key_nodes=keys, links=ref[p][kind[p] == "link"].tolist(),
                         regimes=route_regimes(graph, p), arcs=p))
    routes = pd.DataFrame(rows, columns=ROUTE_COLUMNS)
    routes = routes.sort_values(["mt_per_year", "generalized_usd_per_t"], ascending=[False, True],
                                kind="stable").reset_index(drop=True)

    # Capacity elements: flow, utilisation, shadow price (USD/t, >= 0).
    el = problem.elements.copy()
    n_el = len(el)  # rows after the capacity rows (limits, extra rows of a modification) are not elements
    cap_block = problem.A_ub[n_orig:n_orig + n_el, :n_arcs]
    el["flow_mt_per_year"] = cap_block @ arc_flow if len(el) else np.zeros(0)
    cap = el["capacity_mt_per_year"].to_numpy(float)
    flow = el["flow_mt_per_year"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(cap > 0, flow / np.where(cap > 0, cap, 1.0), np.where(flow > 0, np.inf, 1.0))
    el["utilisation"] = util
    price = -sol.ub_marginals[n_orig:n_orig + n_el]
    el["shadow_price_usd_per_t"] = np.where(np.abs(price) < 1e-9, 0.0, price)
    el["binding"] = util >= 1.0 - 1e-7
    el["relieve_with"] = _partners(cap_block, routes["arcs"], el["id"].to_numpy(), el["binding"].to_numpy(),
                                   el["shadow_price_usd_per_t"].to_numpy())
    el = el.sort_values(["shadow_price_usd_per_t", "utilisation", "kind", "id"],
                        ascending=[False, False, True, True], kind="stable").reset_index(drop=True)
    el = el[ELEMENT_COLUMNS]

    delivered_total = float(delivered.sum())
    transport = float((routes["cost_usd_per_t"] * routes["mt_per_year"]).sum()) * USD_PER_MUSD
    generalized = float((routes["generalized_usd_per_t"] * routes["mt_per_year"]).sum()) * USD_PER_MUSD
    penalty = float(unserved.sum()) * problem.unserved_penalty_usd_per_t * USD_PER_MUSD
    n_sup = len(problem.supply_state)
    sales = -float(problem.c[n_arcs + n_sup:n_arcs + n_sup + len(problem.sink_state)] @ z) * USD_PER_MUSD
    per_t = (lambda usd: usd / (delivered_total * USD_PER_MUSD)) if delivered_total > 0 else (lambda usd: 0.0)
    totals = {
        "total_cost_usd_per_year": sol.objective * USD_PER_MUSD,
        "sales_usd_per_year": sales,
        "transport_cost_usd_per_year": transport,
        "generalized_cost_usd_per_year": generalized,
        "unserved_penalty_usd_per_year": penalty,
        "supply_mt_per_year": float(problem.supply.sum()),
        "demand_mt_per_year": float(problem.demand.sum()),
        "delivered_mt_per_year": delivered_total,
        "unserved_mt_per_year": float(unserved.sum()),
        "average_cost_usd_per_t": per_t(transport),
        "average_generalized_usd_per_t": per_t(generalized),
        "unserved_penalty_usd_per_t": problem.unserved_penalty_usd_per_t,
    }
    limit_table = pd.DataFrame(columns=LIMIT_COLUMNS)
    if limits:
        from .diversify import limit_table as _limit_table

        limit_table = _limit_table(problem, sol, limits)
    return Allocation(routes=routes, elements=el, destinations=dest, origins=orig, totals=totals,
                      arc_flow=arc_flow, lp_size=problem.size(),
                      exposure=flow_exposure(graph, routes, delivered_total), limits=limit_table)
