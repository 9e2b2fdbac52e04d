"""The k cheapest routes between two nodes.

Routes are ranked by generalized cost per tonne (money + value of time x transit days) with Yen's algorithm
(``networkx.shortest_simple_paths``) on the routing graph (:mod:`corridor.graph`). A route may visit a node twice
only to change mode there; it starts with a loading arc where its origin has one and ends with an unloading arc
where its destination has one. With transit regimes, the same links and transfers crossed under another regime
(a dearer one) are not listed as another route.
"""

from __future__ import annotations

from itertools import islice, pairwise

import networkx as nx
import numpy as np

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
    arcs = (g.edges[u, v]["arc"] for u, v in pairwise(path))
    return [a for a in arcs if a is not None]


def is_valid(graph: RoutingGraph, arcs: list[int]) -> bool:
    """True if the route visits no node twice (except to change mode there) and has no idle end transfers.

    A route may start with a transfer only if it is a loading arc and end with one only if it is an unloading arc.
    """
    if not arcs:
        return False
    kind = graph.arcs["kind"].to_numpy()
    tails, heads = graph.arcs["tail"].to_numpy(), graph.arcs["head"].to_numpy()
    states = graph.states
    first, last = states[int(tails[arcs[0]])], states[int(heads[arcs[-1]])]
    if kind[arcs[0]] == "transfer" and first.side != LOAD:
        return False
    if kind[arcs[-1]] == "transfer" and last.side != UNLOAD:
        return False
    entered = graph.arcs["node"].to_numpy()
    nodes = [first.node] + [entered[a] for a in arcs if kind[a] == "link"]
    return len(nodes) == len(set(nodes))


def no_route_message(graph: RoutingGraph, origin: str, destination: str) -> str:
    closed = f" with {', '.join(graph.network.closed)} closed" if graph.network.closed else ""
    regimes = " that the transit regimes permit" if graph.cargos else ""
    return f"no route from {origin} to {destination}{closed}{regimes}"


def cheapest_routes(graph: RoutingGraph, origin: str, destination: str, k: int,
                    value_of_time_usd_per_t_day: float) -> list[list[int]]:
    """Arc lists of up to ``k`` cheapest routes by generalized cost, cheapest first.

    Raises
    ------
    NoRouteError
        if no route joins ``origin`` and ``destination``.
    """
    g = to_networkx(graph, graph.weights(value_of_time_usd_per_t_day))
    starts, ends = graph.origin_states(origin), graph.destination_states(destination)
    if not starts or not ends or origin == destination:
        raise NoRouteError(no_route_message(graph, origin, destination))
    g.add_edges_from(((SOURCE, s) for s in starts), w=0.0, arc=None)
    g.add_edges_from(((e, SINK) for e in ends), w=0.0, arc=None)
    routes: list[list[int]] = []
    seen: set[tuple] = set()  # the same links and transfers under another transit regime: the dearer is no new route
    kind, ref = graph.arcs["kind"].to_numpy(), graph.arcs["ref"].to_numpy()
    try:
        for path in islice(nx.shortest_simple_paths(g, SOURCE, SINK, weight="w"), k * MAX_CANDIDATES_PER_ROUTE):
            arcs = _path_arcs(g, path)
            if is_valid(graph, arcs):
                physical = tuple(ref[a] for a in arcs if kind[a] in ("link", "transfer"))
                if physical in seen:
                    continue
                seen.add(physical)
                routes.append(arcs)
                if len(routes) == k:
                    break
    except nx.NetworkXNoPath:
        pass
    if not routes:
        raise NoRouteError(no_route_message(graph, origin, destination))
    return routes
