"""The k cheapest routes between two nodes.

Routes are ranked by generalized cost per tonne (money + value of time x transit days) with Yen's algorithm
(``scipy.sparse.csgraph.yen``) on the routing graph (:mod:`corridor.graph`); :func:`to_networkx` gives the same
graph to networkx, for checks. A route may visit a node twice only to change mode there; it starts with a loading
arc where its origin has one and ends with an unloading arc where its destination has one.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from .errors import NoRouteError
from .graph import LOAD, UNLOAD, RoutingGraph

if TYPE_CHECKING:
    import networkx as nx

SOURCE, SINK = "source", "sink"
MAX_CANDIDATES_PER_ROUTE = 50  # how many simple paths Yen may find per route kept, before giving up


def to_networkx(graph: RoutingGraph, weight: np.ndarray) -> nx.DiGraph:
    """A DiGraph of the states with arc numbers on the edges (``arc``) and ``weight`` as ``w``.

    Parallel arcs (two links joining the same two states) are kept apart by a mid-point node.
    """
    import networkx as nx

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


def is_valid(graph: RoutingGraph, arcs: list[int]) -> bool:
    """True if the route visits no node twice (except to change mode there) and has no idle end transfers.

    A route may start with a transfer only if it is a loading arc and end with one only if it is an unloading arc.
    """
    if not arcs:
        return False
    kind = graph.column("kind")
    tails, heads = graph.arc_ends
    states = graph.states
    first, last = states[tails[arcs[0]]], states[heads[arcs[-1]]]
    if kind[arcs[0]] == "transfer" and first.side != LOAD:
        return False
    if kind[arcs[-1]] == "transfer" and last.side != UNLOAD:
        return False
    a = np.asarray(arcs, dtype=np.int64)
    entered = graph.column("node")[a[kind[a] == "link"]]
    return len(entered) + 1 == len({first.node, *entered})


def no_route_message(graph: RoutingGraph, origin: str, destination: str) -> str:
    closed = f" with {', '.join(graph.network.closed)} closed" if graph.network.closed else ""
    return f"no route from {origin} to {destination}{closed}"


def cheapest_routes(graph: RoutingGraph, origin: str, destination: str, k: int,
                    value_of_time_usd_per_t_day: float, *, weights: np.ndarray | None = None) -> list[list[int]]:
    """Arc lists of up to ``k`` cheapest routes by generalized cost, cheapest first.

    Yen's k-shortest simple paths (``scipy.sparse.csgraph.yen``) on the states, from a super-source joined to the
    origin's start states to a super-sink joined from the destination's end states; a parallel arc (a second link
    joining the same two states) goes through a mid-point state of its own, so every route stays apart. The
    node-visit rule (:func:`is_valid`) is applied to the paths found; if fewer than ``k`` are valid, the search is
    repeated for more paths (up to ``k x MAX_CANDIDATES_PER_ROUTE``).

    Parameters
    ----------
    weights : ndarray, optional
        Cost of each arc to rank by (default: the graph's generalized cost at ``value_of_time_usd_per_t_day``).

    Raises
    ------
    NoRouteError
        if no route joins ``origin`` and ``destination``.
    """
    starts, ends = graph.origin_states(origin), graph.destination_states(destination)
    if not starts or not ends or origin == destination:
        raise NoRouteError(no_route_message(graph, origin, destination))
    w = graph.weights(value_of_time_usd_per_t_day) if weights is None else np.asarray(weights, dtype=float)
    search = _Search(graph, w, starts, ends)
    routes: list[list[int]] = []
    want = 2 * k
    while True:
        paths = search.paths(want)
        routes = [arcs for arcs in paths if is_valid(graph, arcs)][:k]
        if len(routes) == k or len(paths) < want or want >= k * MAX_CANDIDATES_PER_ROUTE:
            break
        want = min(4 * want, k * MAX_CANDIDATES_PER_ROUTE)
    if not routes:
        raise NoRouteError(no_route_message(graph, origin, destination))
    return routes


class _Search:
    """The routing graph as a scipy sparse matrix for Yen's search: states, mid-points of parallel arcs, a
    super-source (joined to ``starts``) and a super-sink (joined from ``ends``)."""

    def __init__(self, graph: RoutingGraph, w: np.ndarray, starts: list[int], ends: list[int]):
        from scipy.sparse import csr_matrix

        tails, heads = graph.arcs["tail"].to_numpy(), graph.arcs["head"].to_numpy()
        n, n_arcs = len(graph.states), len(tails)
        order = np.lexsort((np.arange(n_arcs), heads, tails))
        first = np.ones(n_arcs, dtype=bool)
        first[order[1:]] = (tails[order[1:]] != tails[order[:-1]]) | (heads[order[1:]] != heads[order[:-1]])
        direct = np.flatnonzero(first)
        parallel = np.flatnonzero(~first)
        mids = n + np.arange(len(parallel))
        self.source, self.sink = n + len(parallel), n + len(parallel) + 1
        size = self.sink + 1
        rows = np.concatenate([tails[direct], tails[parallel], mids, np.full(len(starts), self.source),
                               np.asarray(ends)])
        cols = np.concatenate([heads[direct], mids, heads[parallel], np.asarray(starts),
                               np.full(len(ends), self.sink)])
        data = np.concatenate([w[direct], w[parallel], np.zeros(len(parallel) + len(starts) + len(ends))])
        self.matrix = csr_matrix((data, (rows, cols)), shape=(size, size))  # explicit zeros stay edges
        self.n = n
        self.direct = {(int(t), int(h)): int(a) for t, h, a in zip(tails[direct], heads[direct], direct)}
        self.mid_arc = parallel  # mid-point n + i carries parallel arc parallel[i]

    def paths(self, k: int) -> list[list[int]]:
        """The arcs of the ``k`` shortest simple source-sink paths (fewer if there are fewer), shortest first."""
        from scipy.sparse.csgraph import yen

        _, pred = yen(self.matrix, self.source, self.sink, k, return_predecessors=True)
        out = []
        for row in pred:
            nodes = [self.sink]
            while nodes[-1] != self.source:
                nodes.append(int(row[nodes[-1]]))
            nodes.reverse()
            arcs = []
            for u, v in pairwise(nodes[1:-1]):
                if v >= self.n:
                    arcs.append(int(self.mid_arc[v - self.n]))
                elif u < self.n:
                    arcs.append(self.direct[(u, v)])
            out.append(arcs)
        return out
