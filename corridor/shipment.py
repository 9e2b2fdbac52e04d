"""The routes of a case's shipment: the k cheapest, each described by its totals and its legs."""

from __future__ import annotations

import pandas as pd

from .graph import RoutingGraph, build_graph
from .routes import cheapest_routes, key_nodes, route_label, route_legs, route_nodes, short_name
from .scenario import Case


def solve_case(case: Case, graph: RoutingGraph | None = None) -> tuple[list[dict], list[pd.DataFrame]]:
    """Routes (dicts of totals) and their legs for one case, cheapest first by generalized cost."""
    ship, vot = case.shipment, case.settings.value_of_time_usd_per_t_day
    # sea legs priced for this lot (corridor.sea); a graph passed in is used as it is
    graph = build_graph(case.network, lot_t=ship.tonnes) if graph is None else graph
    arc_lists = cheapest_routes(graph, ship.origin, ship.destination, case.settings.routes, vot)
    return describe_routes(case, graph, arc_lists)


def describe_routes(case: Case, graph, arc_lists: list[list[int]],
                    ranks: list[int] | None = None) -> tuple[list[dict], list[pd.DataFrame]]:
    """Route dicts and legs of given arc lists (ranked 1, 2, ... unless ``ranks`` are given)."""
    ship, vot = case.shipment, case.settings.value_of_time_usd_per_t_day
    nodes = case.network.nodes
    price = case.network.price(ship.destination, ship.coal)
    routes, legs_list = [], []
    for rank, arcs in zip(ranks or range(1, len(arc_lists) + 1), arc_lists):
        legs = route_legs(graph, arcs, ship.destination)
        cost = float(legs["usd_per_t"].sum())
        days = float(legs["days"].sum())
        keys = key_nodes(legs, nodes)
        routes.append(dict(
            case=case.name, rank=rank, route=route_label(keys, nodes),
            origin=ship.origin, destination=ship.destination, tonnes=ship.tonnes,
            cost_usd_per_t=cost, time_value_usd_per_t=vot * days, generalized_usd_per_t=cost + vot * days,
            cost_usd=cost * ship.tonnes, distance_km=float(legs["distance_km"].sum()), transit_days=days,
            co2_kg_per_t=float(legs["co2_kg_per_t"].sum()),
            vessel_class=";".join(dict.fromkeys(v for v in legs["vessel_class"] if v)),
            price_usd_per_t=price, netback_usd_per_t=price - cost, key_nodes=keys, nodes=route_nodes(legs),
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
