"""The k cheapest routes between two nodes, and the legs of each route.

Routes are ranked by generalized cost per tonne (money + value of time x transit days) with Yen's
algorithm (``networkx.shortest_simple_paths``) on the routing graph. A route may visit a node twice only
to change mode there; it starts with a loading arc where its origin has one and ends with an unloading arc
where its destination has one.
"""

from __future__ import annotations

from itertools import islice

import networkx as nx
import numpy as np
import pandas as pd

from .errors import NoRouteError
from .graph import LOAD, UNLOAD, RoutingGraph

SOURCE, SINK = "source", "sink"
MAX_CANDIDATES_PER_ROUTE = 50  # how many simple paths Yen may yield per route kept, before giving up


def to_networkx(graph: RoutingGraph, weight: np.ndarray) -> nx.DiGraph:
    """A DiGraph of the states with arc numbers on the edges (``arc``) and ``weight`` as ``w``.

    Parallel arcs (two links joining the same two states) are kept apart by a mid-point node.
    """
    g = nx.DiGraph()
    g.add_nodes_from(range(len(graph.states)))
    for a, (t, h) in enumerate(zip(graph.arcs["tail"].to_numpy(), graph.arcs["head"].to_numpy())):
        t, h = int(t), int(h)
        if g.has_edge(t, h):
            mid = ("mid", a)
            g.add_edge(t, mid, w=float(weight[a]), arc=a)
            g.add_edge(mid, h, w=0.0, arc=None)
        else:
            g.add_edge(t, h, w=float(weight[a]), arc=a)
    return g


def _path_arcs(g: nx.DiGraph, path: list) -> list[int]:
    arcs = (g.edges[u, v]["arc"] for u, v in zip(path[:-1], path[1:]))
    return [a for a in arcs if a is not None]


def is_valid(graph: RoutingGraph, arcs: list[int]) -> bool:
    """True if the route visits no node twice (except to change mode) and has no idle end transfers."""
    kinds = graph.arcs["kind"].to_numpy()
    if not arcs:
        return False
    states = graph.states
    first_tail = states[int(graph.arcs.at[arcs[0], "tail"])]
    last_head = states[int(graph.arcs.at[arcs[-1], "head"])]
    if kinds[arcs[0]] == "transfer" and first_tail[1] != LOAD:
        return False
    if kinds[arcs[-1]] == "transfer" and last_head[1] != UNLOAD:
        return False
    nodes = [first_tail[0]] + [graph.arcs.at[a, "node"] for a in arcs if kinds[a] == "link"]
    return len(nodes) == len(set(nodes))


def cheapest_routes(graph: RoutingGraph, origin: str, destination: str, k: int,
                    value_of_time_usd_per_t_day: float) -> list[list[int]]:
    """Arc lists of up to ``k`` cheapest routes by generalized cost, cheapest first.

    Raises
    ------
    NoRouteError
        if no route joins ``origin`` and ``destination``.
    """
    weight = graph.money() + value_of_time_usd_per_t_day * graph.days()
    g = to_networkx(graph, weight)
    starts, ends = graph.origin_states(origin), graph.destination_states(destination)
    closed = f" with {', '.join(graph.network.closed)} closed" if graph.network.closed else ""
    if not starts or not ends or origin == destination:
        raise NoRouteError(f"no route from {origin} to {destination}{closed}")
    g.add_edges_from(((SOURCE, s) for s in starts), w=0.0, arc=None)
    g.add_edges_from(((e, SINK) for e in ends), w=0.0, arc=None)
    routes: list[list[int]] = []
    try:
        for path in islice(nx.shortest_simple_paths(g, SOURCE, SINK, weight="w"), k * MAX_CANDIDATES_PER_ROUTE):
            arcs = _path_arcs(g, path)
            if is_valid(graph, arcs):
                routes.append(arcs)
                if len(routes) == k:
                    break
    except nx.NetworkXNoPath:
        pass
    if not routes:
        raise NoRouteError(f"no route from {origin} to {destination}{closed}")
    return routes


def route_legs(graph: RoutingGraph, arcs: list[int], destination: str) -> pd.DataFrame:
    """One row per leg of a route: links, transfers, and the pass charges of nodes passed through.

    Columns: ``kind`` (link, transfer, pass), ``id``, ``from``, ``to``, ``node`` (where a step happens),
    ``mode``, ``country``, ``component``, ``distance_km``, ``usd_per_t``, ``days``, ``co2_kg_per_t``,
    ``vessel_class`` (sea links priced by vessel class, else empty). Money, days and CO2 summed over the rows
    give the route's totals.
    """
    a = graph.arcs
    nodes = graph.network.nodes
    rows = []
    for i in arcs:
        arc = a.iloc[i]
        if arc["kind"] == "link":
            rows.append(dict(kind="link", id=arc["ref"], **{"from": arc["from_node"], "to": arc["node"]},
                             node=arc["node"], mode=arc["mode"], country=arc["country"], component=arc["component"],
                             distance_km=arc["distance_km"], usd_per_t=arc["usd_per_t"], days=arc["hours"] / 24.0,
                             co2_kg_per_t=arc["co2_kg_per_t"], vessel_class=arc.get("vessel_class", "")))
            node = arc["node"]
            if node != destination and (arc["pass_usd_per_t"] > 0 or arc["pass_hours"] > 0):
                rows.append(dict(kind="pass", id=node, **{"from": node, "to": node}, node=node, mode="",
                                 country=nodes.at[node, "country"], component="border", distance_km=0.0,
                                 usd_per_t=arc["pass_usd_per_t"], days=arc["pass_hours"] / 24.0, co2_kg_per_t=0.0))
        else:
            rows.append(dict(kind="transfer", id=arc["ref"], **{"from": arc["node"], "to": arc["node"]},
                             node=arc["node"], mode=arc["mode"], country=arc["country"], component="transfer",
                             distance_km=0.0, usd_per_t=arc["usd_per_t"], days=arc["hours"] / 24.0, co2_kg_per_t=0.0))
    legs = pd.DataFrame(rows)
    legs["vessel_class"] = legs["vessel_class"].fillna("") if "vessel_class" in legs else ""
    return legs


def route_nodes(legs: pd.DataFrame) -> list[str]:
    """Physical node ids of a route in order, each once."""
    out = [legs["from"].iloc[0]]
    for n in legs["to"]:
        if n != out[-1]:
            out.append(n)
    return out


def key_nodes(legs: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:
    """The nodes that tell a route apart: origin, where the country or mode changes, ports, destination."""
    seq = route_nodes(legs)
    transfers = set(legs.loc[legs["kind"] == "transfer", "node"])
    keep = [seq[0]]
    for prev, node in zip(seq[:-1], seq[1:]):
        if (node in transfers or nodes.at[node, "kind"] == "port"
                or nodes.at[node, "country"] != nodes.at[prev, "country"]):
            keep.append(node)
    if keep[-1] != seq[-1]:
        keep.append(seq[-1])
    return keep


def short_name(name: str) -> str:
    """A node's name without its parenthesised detail: 'Rajin port (pier 3)' -> 'Rajin port'."""
    return name.split(" (", 1)[0].strip()


def route_label(keys: list[str], nodes: pd.DataFrame) -> str:
    """A route as a chain of its key nodes' short names: 'Sharyn Gol mine › Erenhot › Tianjin port › Pohang'."""
    return " › ".join(short_name(nodes.at[n, "name"]) for n in keys)
