"""Solve a scenario: for each case, expand its network into the routing graph, find the cheapest routes of its
shipment and the best route through each of its gateways (:func:`solve_shipment`), and allocate its annual flows
(:func:`solve_flows`)."""

from __future__ import annotations

from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from .case import Case
from .corridors import RANK_LIMIT, Gateway, best_per_gateway, shipment_gateways
from .errors import InputError, NoRouteError, shown
from .graph import RoutingGraph, build_graph
from .legs import describe_routes
from .restrict import Restriction, path_problems, path_restriction
from .results import Results
from .routes import check_route_work, no_route_message, route_budget, routes_in_order
from .scenario import Scenario
from .shared import SharedBuilds

if TYPE_CHECKING:
    from .flows import Allocation


class ShipmentSolution(NamedTuple):
    """The routes of one case's shipment: totals rows, legs, and one row per gateway (its best route's rank)."""

    routes: list[dict]
    legs: list[pd.DataFrame]
    corridors: list[dict]


def run(scenario: Scenario, *, draws: int = 0, seed: int = 0, chunk: int | None = None,
        check_share: float | None = None, candidates: int | None = None, progress: bool | None = None,
        workers: int | None = None, scheduler: Any = None, block: int | None = None) -> Results:
    """Solve every case of ``scenario``.

    A case whose origin cannot reach its destination is reported in ``Results.failures`` and the other
    cases still run.

    With ``draws`` > 0 the scenario's ``[[uncertainty]]`` entries are sampled ``draws`` times (seeded by ``seed``)
    and every route gains P10/P50/P90 of its cost and generalized cost and the probability of being the cheapest;
    every case with ``[flows]`` re-solves its allocation per draw (``Results.flow_draws``), in-process or, with
    ``workers=N`` or ``scheduler=ADDRESS``, on local processes or a Dask cluster (the same numbers).
    ``chunk``, ``check_share``, ``candidates``, ``progress``, ``workers``, ``scheduler`` and ``block`` are passed on
    to :func:`corridor.uncertainty.run_draws` (its defaults where None; they need ``draws``).

    Raises
    ------
    InputError
        if an argument is out of range (``draws``, ``seed``, ...) or a case cannot be solved with the inputs given
        (a number beyond :mod:`corridor.limits`, a cost that is not finite). An unknown keyword is a TypeError.

    Examples
    --------
    >>> import corridor
    >>> res = corridor.run(corridor.load_scenario("scenarios/test_shipment_2015.toml"))
    >>> res.routes[["route", "cost_usd_per_t", "transit_days"]]
    """
    options: dict[str, Any] = {k: v for k, v in (("chunk", chunk), ("check_share", check_share),
                                                  ("candidates", candidates), ("progress", progress),
                                                  ("workers", workers), ("scheduler", scheduler), ("block", block))
                              if v is not None}
    if not isinstance(scenario, Scenario):
        raise InputError(f"run needs a Scenario (from corridor.load_scenario), got {type(scenario).__name__}")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 0:
        raise InputError(f"draws must be a whole number of at least 0, got {shown(draws)}")
    if options and not draws:
        raise InputError(f"{', '.join(options)} apply to a run with draws; give draws > 0")
    if draws:
        from .uncertainty.montecarlo import check_arguments, run_draws

        check_arguments(draws, seed, **({"chunk": 1, "check_share": 0.0, "candidates": 1} | {
            k: v for k, v in options.items() if k in ("chunk", "check_share", "candidates")}))
    shared = SharedBuilds(scenario.network)  # cases that change numbers only share one graph and one LP
    # annual flows: sea legs in full ships (no lot); the same with or without draws
    flows = {case.name: _in_case(scenario, case, partial(solve_flows, shared=shared))
             for case in scenario.cases if case.flows is not None}
    if draws:
        return run_draws(scenario, draws=draws, seed=seed, flows=flows, shared=shared, **options)
    routes: list[dict] = []
    legs: list[pd.DataFrame] = []
    corridors: list[dict] = []
    failures: dict[str, str] = {}
    for case in scenario.cases:
        if case.shipment is None:
            continue
        ship = case.shipment
        try:
            gateways = shipment_gateways(scenario.network, ship.origin, ship.destination)
            sol = _in_case(scenario, case, partial(_shared_shipment, shared=shared, gateways=gateways))
        except NoRouteError as err:
            failures[case.name] = str(err)
            continue
        routes += sol.routes
        legs += sol.legs
        corridors += sol.corridors
    return Results.build(scenario=scenario, routes=routes, legs=legs, failures=failures, flows=flows,
                         corridors=corridors)


def _shared_shipment(case: Case, *, shared: SharedBuilds, gateways: list[Gateway]) -> ShipmentSolution:
    """:func:`solve_shipment` on the graph ``shared`` holds for the case's network, lot and origin."""
    ship = case.require_shipment()
    return solve_shipment(case, shared.graph(case.network, ship.tonnes, [ship.origin]), gateways=gateways)


def _in_case(scenario: Scenario, case: Case, solve):
    """``solve(case)``, its input errors naming the scenario and the case."""
    try:
        return solve(case)
    except InputError as err:
        raise InputError([f"{scenario.source}: case {shown(case.name)}: {p}" for p in err.problems]) from None


def shipment_restriction(graph: RoutingGraph, case: Case) -> Restriction | None:
    """The via, avoid or fixed path of a case's shipment as a restriction of ``graph`` (None without any)."""
    ship = case.require_shipment()
    if ship.path:
        if ship.path_by == "links":
            return path_restriction(graph, links=ship.path)
        return path_restriction(graph, nodes=ship.path)
    if ship.via or ship.avoid:
        return Restriction.build(graph, ship.via, ship.avoid)
    return None


def solve_shipment(case: Case, graph: RoutingGraph | None = None, *,
                   gateways: list[Gateway] | None = None) -> ShipmentSolution:
    """The k cheapest routes of a case's shipment (by generalized cost) and the best route through each gateway.

    The sea legs are priced for the shipment's lot (:mod:`corridor.sea`); a ``graph`` passed in is used as it is.
    The routes respect the shipment's via, avoid or fixed path. ``gateways`` (default: those of the case's network,
    :func:`corridor.corridors.shipment_gateways`) are searched one by one when ``settings.corridors`` is on; a
    gateway's best route outside the k cheapest is added with its rank among all routes.

    Raises
    ------
    NoRouteError
        if no route joins the origin and the destination.
    """
    ship, s = case.require_shipment(), case.settings
    # sea legs priced for the lot; with transit regimes, the layers of the cargo's origin country (corridor.layers)
    graph = build_graph(case.network, lot_t=ship.tonnes, origins=[ship.origin]) if graph is None else graph
    weights = graph.weights(s.value_of_time_usd_per_t_day, s.carbon_price_usd_per_t_co2)
    restriction = shipment_restriction(graph, case)
    k = 1 if ship.path else s.routes
    check_route_work(graph, k, restriction)
    ordered = routes_in_order(graph, ship.origin, ship.destination, weights, restriction)
    top = list(islice(ordered, k))
    if not top:
        raise NoRouteError(no_route_message(graph, ship.origin, ship.destination, restriction))
    if ship.path or not s.corridors:
        routes, legs = describe_routes(case, graph, top)
        return ShipmentSolution(routes, legs, [])
    if gateways is None:
        gateways = shipment_gateways(case.network, ship.origin, ship.destination)
    best = best_per_gateway(graph, ship.origin, ship.destination, gateways, weights, restriction)
    known = {tuple(a): i + 1 for i, a in enumerate(top)}
    extra = list(dict.fromkeys(tuple(b.arcs) for b in best if b.arcs is not None and tuple(b.arcs) not in known))
    ranks = _ranks_after(ordered, len(top), extra, weights, min(RANK_LIMIT, route_budget(graph, restriction)))
    order = sorted(range(len(extra)), key=lambda i: (ranks[i] is None, ranks[i] or 0,
                                                     float(weights[list(extra[i])].sum())))
    next_unknown = RANK_LIMIT + 1
    for i in order:
        rank = ranks[i]
        if rank is None:
            rank, next_unknown = next_unknown, next_unknown + 1
        known[extra[i]] = rank
    arc_lists = top + [list(extra[i]) for i in order]
    routes, legs = describe_routes(case, graph, arc_lists, ranks=[known[tuple(a)] for a in arc_lists])
    by_arcs = {tuple(a): r for a, r in zip(arc_lists, routes)}
    corridors = []
    for b in best:
        row = dict(case=case.name, gateway=b.gateway.label, kind=b.gateway.kind, id=b.gateway.id,
                   name=b.gateway.name, rank=None, status=b.why or "open")
        if b.arcs is not None:
            r = by_arcs[tuple(b.arcs)]
            r["best_for"].append(b.gateway.label)
            row["rank"] = r["rank"]
        corridors.append(row)
    for r in routes[len(top):]:
        r["top"] = False
    return ShipmentSolution(routes, legs, corridors)


def price_path(source: Scenario | Case, path, *, case: str | None = None, legs: bool = False):
    """Price one fixed route in every case of a scenario (or in one case): cost, time, CO2 and generalized cost.

    Parameters
    ----------
    source : Scenario or Case
        The inputs: a scenario (each case's network, lot and settings; change them with ``with_case`` or
        ``with_settings``), or a single case.
    path : list of str, or dict
        Node ids from the shipment's origin to its destination, or link ids in order, or ``{"nodes": [...]}`` /
        ``{"links": [...]}``. Where two nodes are joined by links of two gauges, the cheaper is taken.
    case : str, optional
        One case of ``source`` by name.
    legs : bool
        Also return the route's legs in each case.

    Returns
    -------
    DataFrame
        One row per case where the path is open (columns as ``Results.routes``), indexed by case; with ``legs``,
        also the legs (as ``Results.legs``).

    Raises
    ------
    NoRouteError
        if the path is closed (or broken) in every case asked for.

    Examples
    --------
    >>> s = corridor.load_scenario("scenarios/test_shipment_2025.toml")
    >>> corridor.price_path(s, ["sharyn_gol", "darkhan", "sukhbaatar", "naushki", "ulan_ude", "tarskaya", "khabarovsk",
    ...                         "ussuriysk", "baranovsky", "makhalino", "khasan", "tumangang", "rajin", "pohang"])
    """
    cases = [source] if isinstance(source, Case) else ([source.case(case)] if case else list(source.cases))
    by, ids = _path_spec(path, source.network)
    rows, all_legs, why = [], [], []
    for c in cases:
        ship = c.require_shipment()
        graph = build_graph(c.network, lot_t=ship.tonnes, origins=[ids[0] if by == "nodes" else ship.origin])
        restriction = path_restriction(graph, **{by: ids})
        origin, destination = (ids[0], ids[-1]) if by == "nodes" else (ship.origin, ship.destination)
        s = c.settings
        weights = graph.weights(s.value_of_time_usd_per_t_day, s.carbon_price_usd_per_t_co2)
        found = list(islice(routes_in_order(graph, origin, destination, weights, restriction), 1))
        if not found:
            why.append(f"{c.name}: {no_route_message(graph, origin, destination, restriction)}")
            continue
        r, lg = describe_routes(c, graph, found)
        r[0].update(origin=origin, destination=destination)
        rows += r
        all_legs += lg
    if not rows:
        raise NoRouteError("; ".join(why))
    table = pd.DataFrame(rows).set_index("case").drop(columns=["rank", "top", "best_for"])
    return (table, pd.concat(all_legs, ignore_index=True).drop(columns=["rank"])) if legs else table


def _path_spec(path, net) -> tuple[str, list[str]]:
    if isinstance(path, dict):
        if len(path) != 1 or next(iter(path)) not in ("nodes", "links"):
            raise InputError("a path is {'nodes': [...]} or {'links': [...]}")
        by, ids = next(iter(path.items()))
    else:
        ids = list(path)
        by = "nodes" if all(i in net.nodes.index for i in ids) else "links"
    ids = [str(i) for i in ids]
    problems = path_problems(net, ids, by)
    if problems:
        raise InputError([f"path: {p}" for p in problems])
    return by, ids


def _ranks_after(ordered, start: int, targets: list[tuple], weights, limit: int = RANK_LIMIT) -> list[int | None]:
    """Ranks of ``targets`` (arc tuples) further down ``ordered``, which has yielded ``start`` routes so far; None
    beyond ``limit`` routes (``RANK_LIMIT``, or fewer on a graph too large to search that far) or once the routes cost
    more than every target."""
    want = {t: i for i, t in enumerate(targets)}
    out: list[int | None] = [None] * len(targets)
    if not want:
        return out
    top = max(float(weights[list(t)].sum()) for t in targets)
    tol = 1e-9 * max(1.0, abs(top))
    for rank, arcs in enumerate(ordered, start=start + 1):
        i = want.pop(tuple(arcs), None)
        if i is not None:
            out[i] = rank
        if not want or rank >= limit or float(weights[arcs].sum()) > top + tol:
            break
    return out


def solve_flows(case: Case, graph: RoutingGraph | None = None, *, shared: SharedBuilds | None = None) -> Allocation:
    """The :class:`corridor.flows.Allocation` of a case's ``[flows]`` on its capacitated network (full ships): the
    least-cost LP, or the logit allocation with ``assignment = "logit"``.

    ``shared``: the graphs and LPs of the scenario's other cases (:class:`corridor.shared.SharedBuilds`), where a
    case that changes numbers only takes its own from (least-cost LPs).
    """
    from .flows import FlowModel, allocate  # scipy and highspy are imported only when a scenario has flows

    f = case.require_flows()
    if graph is None and shared is not None and f.assignment != "logit":
        return FlowModel(shared.case_problem(case)).allocation(limits=f.limits)
    # with transit regimes, each origin country's cargo has its own layers (corridor.layers); capacities are shared
    graph = build_graph(case.network, origins=list(f.supply)) if graph is None else graph
    options = dict(unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
                   value_of_time_usd_per_t_day=case.settings.value_of_time_usd_per_t_day,
                   carbon_price_usd_per_t_co2=case.settings.carbon_price_usd_per_t_co2)
    if f.assignment == "logit":
        from .flows.logit import allocate_logit

        return allocate_logit(graph, f.supply, f.demand, dispersion_usd_per_t=float(f.dispersion_usd_per_t or 0.0),
                              paths=f.paths, **options)
    return allocate(graph, f.supply, f.demand, markets=f.markets, limits=f.limits,
                    sales_usd_per_t=f.sales_usd_per_t(case.network), **options)
