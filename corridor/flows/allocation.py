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
from ..legs import keys_of, route_label, route_regimes, unique_labels
from .problem import FlowProblem, flow_problem
from .solution import FlowSolution, paths_of

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


def _merge_same_routes(routes: pd.DataFrame) -> pd.DataFrame:
    """One row per route and demand: paths that end in different demand entries of one destination (its states)
    but take the same arcs are one route."""
    if routes.empty:
        return routes
    key = [tuple(a) for a in routes["arcs"]]
    routes = routes.assign(_key=key)
    first = routes.drop_duplicates(["origin", "_demand", "_key"]).set_index(["origin", "_demand", "_key"])
    sums = routes.groupby(["origin", "_demand", "_key"], sort=False)[["mt_per_year", "_sales"]].sum()
    first[["mt_per_year", "_sales"]] = sums
    first["cost_usd_per_year"] = first["cost_usd_per_t"] * first["mt_per_year"] * USD_PER_MUSD
    return first.reset_index().drop(columns="_key")


def _entries(problem: FlowProblem, paths: list[tuple[int, int, tuple[int, ...], float]]):
    """Routes given by a solver as ``(origin, destination, arcs, Mt/yr)``, as :func:`corridor.flows.solution.paths_of`
    gives them: ``(origin, demand entry, arcs, Mt/yr)``, the entry of the destination at the state the route ends in."""
    heads = problem.graph.arcs["head"].to_numpy()
    entry = {(int(d), int(st)): k for k, (d, st) in enumerate(zip(problem.sink_dest, problem.sink_state))}
    first: dict[int, int] = {}
    for j, dest in enumerate(problem.sink_dest):
        first.setdefault(int(dest), j)
    for o, d, arcs, amount in paths:
        k = entry.get((int(d), int(heads[arcs[-1]]))) if len(arcs) else None
        yield o, (first[int(d)] if k is None else k), tuple(arcs), amount


def _unserved(demand: np.ndarray, delivered: np.ndarray, lp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unserved Mt/yr per destination, and what neither the routes nor the LP's unserved account for.

    Demand less what the routes deliver, so that delivered + unserved = demand exactly; where that differs from the
    LP's unserved by more than the solver's precision (1e-9 of the demand), the LP's figure is kept and the difference
    is reported as unrouted (it should never happen: it would mean the flow could not be decomposed).
    """
    left = demand - delivered
    tol = 1e-9 * np.maximum(demand, 1e-300) + 1e-12
    off = np.abs(left - lp) > tol
    unserved = np.where(off, lp, np.clip(left, 0.0, None))
    unrouted = np.where(off, demand - delivered - lp, 0.0)
    return unserved, unrouted


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
    unserved_lp = x[n_arcs + n_sup + n_snk:]
    vot, carbon = problem.value_of_time_usd_per_t_day, problem.carbon_price_usd_per_t_co2

    # Routes: path decomposition, each priced exactly as the LP prices it.
    money, days, co2 = graph.money(), graph.days(), graph.co2()
    est = graph.column("estimated_usd_per_t")
    nodes = net.nodes
    kind, ref, node_col = graph.column("kind"), graph.column("ref"), graph.column("node")
    rows = []
    sink_cost = problem.c[n_arcs + n_sup:n_arcs + n_sup + n_snk]  # minus the market price where coal is sold
    for o, k, path, amount in (paths_of(problem, x) if paths is None else _entries(problem, paths)):
        d = int(problem.sink_dest[k])
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
                         regimes=route_regimes(graph, p), arcs=p,
                         _demand=d, _sales=-float(sink_cost[k]) * amount * USD_PER_MUSD))
    routes = pd.DataFrame(rows, columns=[*ROUTE_COLUMNS, "_demand", "_sales"])
    routes = _merge_same_routes(routes)
    routes = routes.sort_values(["mt_per_year", "generalized_usd_per_t"], ascending=[False, True],
                                kind="stable").reset_index(drop=True)
    routes["route"] = unique_labels(list(routes["route"]), list(routes["nodes"]), list(routes["links"]), nodes)

    # Destinations and origins: what the routes deliver and ship, so every table adds up to the same tonnes.
    orig_index = {o: j for j, o in enumerate(problem.origins)}
    delivered = np.zeros(n_dest)
    np.add.at(delivered, routes["_demand"].to_numpy(dtype=np.int64), routes["mt_per_year"].to_numpy(dtype=float))
    shipped = np.zeros(n_orig)
    np.add.at(shipped, routes["origin"].map(orig_index).to_numpy(dtype=np.int64), routes["mt_per_year"])
    if paths is None:
        unserved, unrouted = _unserved(problem.demand, delivered, unserved_lp)
    else:  # the solver's own routes (to its tolerance): nothing to trace, demand less delivered is unserved
        unserved, unrouted = np.clip(problem.demand - delivered, 0.0, None), np.zeros(n_dest)
    dest = pd.DataFrame({"demand_mt_per_year": problem.demand, "delivered_mt_per_year": delivered,
                         "unserved_mt_per_year": unserved,
                         "marginal_usd_per_t": sol.eq_marginals[n_states:n_states + n_dest]},
                        index=pd.Index(problem.destinations, name="destination"))
    if unrouted.any():
        dest["unrouted_mt_per_year"] = unrouted
    orig = pd.DataFrame({"supply_mt_per_year": problem.supply, "shipped_mt_per_year": shipped,
                         "value_usd_per_t": -sol.ub_marginals[:n_orig]},
                        index=pd.Index(problem.origins, name="origin"))
    orig["value_usd_per_t"] = orig["value_usd_per_t"].where(orig["value_usd_per_t"].abs() > 1e-9, 0.0)

    # Capacity elements: flow, utilisation, shadow price (USD/t, >= 0).
    el = problem.elements.copy()
    n_el = len(el)  # rows after the capacity rows (limits, extra rows of a modification) are not elements
    cap_block = problem.A_ub[n_orig:n_orig + n_el, :n_arcs]
    el["flow_mt_per_year"] = cap_block @ arc_flow if len(el) else np.zeros(0)
    cap = el["capacity_mt_per_year"].to_numpy(float)
    flow = el["flow_mt_per_year"].to_numpy(float)
    # an element of capacity 0 is full (its flow is 0, or solver noise)
    util = np.where(cap > 0, flow / np.where(cap > 0, cap, 1.0), 1.0)
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
    sales = float(routes["_sales"].sum())
    routes = routes[ROUTE_COLUMNS]
    per_t = (lambda usd: usd / (delivered_total * USD_PER_MUSD)) if delivered_total > 0 else (lambda usd: 0.0)
    totals = {
        # the minimised objective from its parts, each from the routes (it equals HiGHS's objective to the
        # solver's precision): generalized cost + unserved penalty - sales at market prices
        "total_cost_usd_per_year": generalized + penalty - sales,
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
    if unrouted.any():
        totals["unrouted_mt_per_year"] = float(unrouted.sum())
    limit_table = pd.DataFrame(columns=LIMIT_COLUMNS)
    if limits:
        from .diversify import limit_table as _limit_table

        limit_table = _limit_table(problem, sol, limits)
    return Allocation(routes=routes, elements=el, destinations=dest, origins=orig, totals=totals,
                      arc_flow=arc_flow, lp_size=problem.size(),
                      exposure=flow_exposure(graph, routes, delivered_total), limits=limit_table)
