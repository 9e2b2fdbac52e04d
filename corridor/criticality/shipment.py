"""Criticality for a shipment: close each element in turn; how much the best route's generalized cost rises and which
corridor takes over (the single-link redundancy analysis of infrastructure-resilience tools, on this network).

Only elements the best route uses can change the answer: closing anything else leaves that route open and the
cheapest, so those rows are 0 by construction, without a search. For the others the cheapest route with the element
closed is searched directly (:class:`~corridor.routes.RouteFinder`; closing = the element's arcs avoided).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..case import Case
from ..errors import NoRouteError
from ..graph import RoutingGraph, build_graph
from ..legs import corridor_label, key_nodes, route_label, route_legs
from ..restrict import Restriction
from ..routes import RouteFinder, no_route_message
from .elements import Element

COLUMNS = ["case", "kind", "id", "name", "on_route", "rise_usd_per_t", "generalized_usd_per_t", "route", "corridor",
           "status"]


def shipment_graph(case: Case) -> RoutingGraph:
    """The case's routing graph, sea legs priced for its lot."""
    ship = case.require_shipment()
    return build_graph(case.network, lot_t=ship.tonnes, origins=[ship.origin])


def shipment_criticality(case: Case, graph: RoutingGraph, items: list[Element]) -> pd.DataFrame:
    """One row per element (columns :data:`COLUMNS`), the largest rise first; ``rise_usd_per_t`` is ``inf`` and
    ``status`` ``"no route"`` where closing the element leaves no route at all."""
    from ..solve import shipment_restriction

    ship, s = case.require_shipment(), case.settings
    weights = graph.weights(s.value_of_time_usd_per_t_day, s.carbon_price_usd_per_t_co2)
    base = shipment_restriction(graph, case)
    finder = RouteFinder(graph, ship.origin, ship.destination)
    best = finder(weights, base)
    if best is None:
        raise NoRouteError(no_route_message(graph, ship.origin, ship.destination, base))
    nodes = case.network.nodes
    labels: dict[tuple, tuple[str, str]] = {}

    def describe(arcs: list[int]) -> tuple[str, str]:
        key = tuple(arcs)
        if key not in labels:
            legs = route_legs(graph, arcs)
            labels[key] = (route_label(key_nodes(legs, nodes), nodes), corridor_label(legs, nodes))
        return labels[key]

    cost0 = float(weights[best].sum())
    route0, corridor0 = describe(best)
    on = set(best)
    rows = []
    for e in items:
        hit = bool(on.intersection(e.closed.tolist()))
        row = dict(case=case.name, kind=e.kind, id=e.id, name=e.name, on_route=hit, rise_usd_per_t=0.0,
                   generalized_usd_per_t=cost0, route=route0, corridor=corridor0, status="")
        if hit:
            avoid = Restriction(avoid=e.closed)
            found = finder(weights, avoid if base is None else base.and_(avoid))
            if found is None:
                row.update(rise_usd_per_t=np.inf, generalized_usd_per_t=np.inf, route="", corridor="",
                           status="no route")
            else:
                cost = float(weights[found].sum())
                route, corridor = describe(found)
                row.update(rise_usd_per_t=cost - cost0, generalized_usd_per_t=cost, route=route, corridor=corridor)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
