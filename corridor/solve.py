"""Solve a scenario: for each case, expand its network, find the cheapest routes of its shipment and
allocate its annual flows (if it has them)."""

from __future__ import annotations

import pandas as pd

from .errors import NoRouteError
from .graph import RoutingGraph, build_graph
from .results import Results
from .routes import cheapest_routes, key_nodes, route_legs, route_nodes, short_name
from .scenario import Case, Scenario


def solve_case(case: Case, graph: RoutingGraph | None = None) -> tuple[list[dict], list[pd.DataFrame]]:
    """Routes (dicts of totals) and their legs for one case, cheapest first by generalized cost."""
    graph = build_graph(case.network) if graph is None else graph
    ship, vot = case.shipment, case.settings.value_of_time_usd_per_t_day
    arc_lists = cheapest_routes(graph, ship.origin, ship.destination, case.settings.routes, vot)
    return describe_routes(case, graph, arc_lists)


def describe_routes(case: Case, graph, arc_lists: list[list[int]],
                    ranks: list[int] | None = None) -> tuple[list[dict], list[pd.DataFrame]]:
    """Route dicts and legs of given arc lists (ranked 1, 2, ... unless ``ranks`` are given)."""
    ship, vot = case.shipment, case.settings.value_of_time_usd_per_t_day
    nodes = case.network.nodes
    routes, legs_list = [], []
    for rank, arcs in zip(ranks or range(1, len(arc_lists) + 1), arc_lists):
        legs = route_legs(graph, arcs, ship.destination)
        cost = float(legs["usd_per_t"].sum())
        days = float(legs["days"].sum())
        keys = key_nodes(legs, nodes)
        routes.append(dict(
            case=case.name, rank=rank, route=" › ".join(short_name(nodes.at[n, "name"]) for n in keys),
            origin=ship.origin, destination=ship.destination, tonnes=ship.tonnes,
            cost_usd_per_t=cost, time_value_usd_per_t=vot * days, generalized_usd_per_t=cost + vot * days,
            cost_usd=cost * ship.tonnes, distance_km=float(legs["distance_km"].sum()), transit_days=days,
            co2_kg_per_t=float(legs["co2_kg_per_t"].sum()), key_nodes=keys, nodes=route_nodes(legs),
            links=legs.loc[legs["kind"] == "link", "id"].tolist(),
        ))
        legs.insert(0, "seq", range(1, len(legs) + 1))
        legs.insert(0, "rank", rank)
        legs.insert(0, "case", case.name)
        legs_list.append(legs)
    _disambiguate(routes, nodes)
    return routes, legs_list


def _disambiguate(routes: list[dict], nodes: pd.DataFrame) -> None:
    """Where two routes of a case read the same, name the first node that sets the later one apart."""
    seen: dict[str, list[str]] = {}
    for r in routes:
        label = r["route"]
        if label in seen:
            other = set(seen[label])
            extra = next((n for n in r["nodes"] if n not in other), None)
            if extra is not None:
                r["route"] = f"{label} (via {short_name(nodes.at[extra, 'name'])})"
        else:
            seen[label] = r["nodes"]


def run(scenario: Scenario, *, draws: int = 0, seed: int = 0, **options) -> Results:
    """Solve every case of ``scenario``.

    A case whose origin cannot reach its destination is reported in ``Results.failures`` and the other
    cases still run.

    With ``draws`` > 0 the scenario's ``[[uncertainty]]`` entries are sampled ``draws`` times (seeded by ``seed``)
    and every route gains P10/P50/P90 of its cost and generalized cost and the probability of being the cheapest;
    see :func:`corridor.uncertainty.run_draws` for ``options``.

    Examples
    --------
    >>> import corridor
    >>> res = corridor.run(corridor.load_scenario("scenarios/test_shipment_2015.toml"))
    >>> res.routes[["route", "cost_usd_per_t", "transit_days"]]
    """
    if draws:
        from .uncertainty import run_draws

        flows = {case.name: allocate_case(case) for case in scenario.cases if case.flows is not None}
        return run_draws(scenario, draws=draws, seed=seed, flows=flows, **options)
    routes, legs, failures, flows = [], [], {}, {}
    for case in scenario.cases:
        graph = build_graph(case.network)
        if case.flows is not None:
            flows[case.name] = allocate_case(case, graph)
        if case.shipment is None:
            continue
        try:
            r, lg = solve_case(case, graph)
        except NoRouteError as err:
            failures[case.name] = str(err)
            continue
        routes += r
        legs += lg
    return Results.build(scenario=scenario, routes=routes, legs=legs, failures=failures, flows=flows)


def allocate_case(case: Case, graph: RoutingGraph | None = None):
    """The :class:`corridor.allocate.Allocation` of a case's ``[flows]`` on its capacitated network."""
    from .allocate import allocate  # scipy is imported only when a scenario has flows

    f = case.flows
    return allocate(build_graph(case.network) if graph is None else graph, f.supply, f.demand,
                    unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
                    value_of_time_usd_per_t_day=case.settings.value_of_time_usd_per_t_day)
