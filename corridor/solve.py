"""Solve a scenario: for each case, expand its network, find the cheapest routes of its shipment and
allocate its annual flows (if it has them)."""

from __future__ import annotations

from .errors import NoRouteError
from .graph import RoutingGraph, build_graph
from .results import Results
from .scenario import Case, Scenario
from .shipment import solve_case


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
    # annual flows: sea legs in full ships (no lot); the same with or without draws
    flows = {case.name: allocate_case(case) for case in scenario.cases if case.flows is not None}
    if draws:
        from .uncertainty import run_draws

        return run_draws(scenario, draws=draws, seed=seed, flows=flows, **options)
    routes, legs, failures = [], [], {}
    for case in scenario.cases:
        if case.shipment is None:
            continue
        try:
            r, lg = solve_case(case)  # the shipment: sea legs priced for its lot
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
