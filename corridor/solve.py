"""Solve a scenario: for each case, expand its network into the routing graph, find the cheapest routes of its
shipment (:func:`solve_shipment`) and allocate its annual flows (:func:`solve_flows`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .case import Case
from .errors import NoRouteError
from .graph import RoutingGraph, build_graph
from .legs import describe_routes
from .results import Results
from .routes import cheapest_routes
from .scenario import Scenario

if TYPE_CHECKING:
    from .flows import Allocation


def run(scenario: Scenario, *, draws: int = 0, seed: int = 0, **options: Any) -> Results:
    """Solve every case of ``scenario``.

    A case whose origin cannot reach its destination is reported in ``Results.failures`` and the other
    cases still run.

    With ``draws`` > 0 the scenario's ``[[uncertainty]]`` entries are sampled ``draws`` times (seeded by ``seed``)
    and every route gains P10/P50/P90 of its cost and generalized cost and the probability of being the cheapest;
    every case with ``[flows]`` re-solves its allocation per draw (``Results.flow_draws``), in-process or, with
    ``workers=N`` or ``scheduler=ADDRESS``, on local processes or a Dask cluster (the same numbers); see
    :func:`corridor.uncertainty.run_draws` for ``options``.

    Examples
    --------
    >>> import corridor
    >>> res = corridor.run(corridor.load_scenario("scenarios/test_shipment_2015.toml"))
    >>> res.routes[["route", "cost_usd_per_t", "transit_days"]]
    """
    # annual flows: sea legs in full ships (no lot); the same with or without draws
    flows = {case.name: solve_flows(case) for case in scenario.cases if case.flows is not None}
    if draws:
        from .uncertainty import run_draws

        return run_draws(scenario, draws=draws, seed=seed, flows=flows, **options)
    routes: list[dict] = []
    legs: list[pd.DataFrame] = []
    failures: dict[str, str] = {}
    for case in scenario.cases:
        if case.shipment is None:
            continue
        try:
            r, lg = solve_shipment(case)
        except NoRouteError as err:
            failures[case.name] = str(err)
            continue
        routes += r
        legs += lg
    return Results.build(scenario=scenario, routes=routes, legs=legs, failures=failures, flows=flows)


def solve_shipment(case: Case, graph: RoutingGraph | None = None) -> tuple[list[dict], list[pd.DataFrame]]:
    """The k cheapest routes of a case's shipment (by generalized cost): their totals rows and legs.

    The sea legs are priced for the shipment's lot (:mod:`corridor.sea`); a ``graph`` passed in is used as it is.
    """
    ship = case.require_shipment()
    graph = build_graph(case.network, lot_t=ship.tonnes) if graph is None else graph
    arc_lists = cheapest_routes(graph, ship.origin, ship.destination, case.settings.routes,
                                case.settings.value_of_time_usd_per_t_day)
    return describe_routes(case, graph, arc_lists)


def solve_flows(case: Case, graph: RoutingGraph | None = None) -> Allocation:
    """The :class:`corridor.flows.Allocation` of a case's ``[flows]`` on its capacitated network (full ships)."""
    from .flows import allocate  # scipy is imported only when a scenario has flows

    f = case.require_flows()
    return allocate(build_graph(case.network) if graph is None else graph, f.supply, f.demand,
                    unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
                    value_of_time_usd_per_t_day=case.settings.value_of_time_usd_per_t_day)
