"""The k cheapest routes between two nodes, optionally through and around given parts of the network.

Routes are ranked by generalized cost per tonne (money + value of time x transit days + carbon price x CO2) with
Yen's algorithm (``scipy.sparse.csgraph.yen``) on the routing graph (:mod:`corridor.graph`); :func:`to_networkx`
gives the same graph to networkx, for checks. A route may visit a node twice only to change mode there; it starts
with a loading arc where its origin has one and ends with an unloading arc where its destination has one. With
transit regimes, the same links and transfers crossed under another regime (a dearer one) are not listed as another
route.

A :class:`~corridor.restrict.Restriction` makes the search direct: arcs to ``avoid`` are left out of the graph, and
each ``via`` set (the arcs of a node, link, transfer, crossing or country the route must use) becomes a bit of a
layer number. The search runs on the layered graph (each state once per layer, an arc of a via set lifting the route
into the layers that have that bit), from layer 0 at the origin to the full layer at the destination, so the first
route found is the cheapest route through every via set, in any order, however many cheaper routes miss them.
"""

from __future__ import annotations

from itertools import islice, pairwise
from typing import TYPE_CHECKING

import numpy as np

from .errors import InputError, NoRouteError
from .graph import LOAD, UNLOAD, RoutingGraph
from .limits import MAX_ROUTE_WORK
from .restrict import Restriction

if TYPE_CHECKING:
    import networkx as nx

SOURCE, SINK = "source", "sink"
MAX_INVALID_IN_A_ROW = 100  # paths Yen may yield that are not valid routes, one after the other, before giving up
FIRST_BATCH = 16  # paths asked of Yen at first; each further batch asks for four times as many


def to_networkx(graph: RoutingGraph, weight: np.ndarray, restriction: Restriction | None = None) -> nx.DiGraph:
    """A DiGraph of the states with arc numbers on the edges (``arc``) and ``weight`` as ``w``.

    Parallel arcs (two links joining the same two states) are kept apart by a mid-point node. With a
    ``restriction``, avoided arcs are left out and the nodes are ``(state, layer)`` pairs (see the module docstring).
    """
    import networkx as nx

    g = nx.DiGraph()
    tails, heads = graph.arcs["tail"].to_numpy(), graph.arcs["head"].to_numpy()
    if restriction is None or restriction.empty:
        g.add_nodes_from(range(len(graph.states)))
        for a, (t, h) in enumerate(zip(tails, heads)):
            _add_arc(g, int(t), int(h), a, float(weight[a]))
        return g
    keep = np.ones(len(tails), dtype=bool)
    keep[restriction.avoid] = False
    bits = restriction.bits(len(tails))
    layers = range(restriction.layers)
    for arc in np.flatnonzero(keep & np.isfinite(weight)).tolist():
        t, h, b, w = int(tails[arc]), int(heads[arc]), int(bits[arc]), float(weight[arc])
        for layer in layers:
            _add_arc(g, (t, layer), (h, layer | b), arc, w)
    return g


def _add_arc(g: nx.DiGraph, t, h, a: int, w: float) -> None:
    if g.has_edge(t, h):
        mid = ("mid", a, t)
        g.add_edge(t, mid, w=w, arc=a)
        g.add_edge(mid, h, w=0.0, arc=None)
    else:
        g.add_edge(t, h, w=w, arc=a)


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


def no_route_message(graph: RoutingGraph, origin: str, destination: str,
                     restriction: Restriction | None = None) -> str:
    closed = f" with {', '.join(graph.network.closed)} closed" if graph.network.closed else ""
    how = f" {restriction.describe()}" if restriction is not None and not restriction.empty else ""
    regimes = " that the transit regimes permit" if graph.cargos else ""
    return f"no route from {origin} to {destination}{how}{closed}{regimes}"


def routes_in_order(graph: RoutingGraph, origin: str, destination: str, weights: np.ndarray,
                    restriction: Restriction | None = None):
    """Valid routes (arc lists) from ``origin`` to ``destination``, cheapest first by ``weights``, one at a time.

    The generator behind :func:`cheapest_routes`: take as many as needed (it stops after
    ``MAX_INVALID_IN_A_ROW`` paths in a row that are not valid routes). Yields nothing if no route joins the two
    nodes. Yen's search (``scipy.sparse.csgraph.yen``) runs in batches of paths, 16 and then four times as many each
    time more are wanted, on the states (on ``(state, layer)`` pairs under a restriction) with a super-source and a
    super-sink; a parallel arc goes through a mid-point of its own, so every route stays apart.
    """
    starts, ends = graph.origin_states(origin), graph.destination_states(destination)
    if not starts or not ends or origin == destination:
        return
    search = _Search(graph, weights, starts, ends, restriction)
    misses, want = 0, FIRST_BATCH
    seen: set[tuple[int, ...]] = set()
    physical_seen: set[tuple] = set()  # the same links and transfers under another transit regime: no new route
    kind, ref = graph.column("kind"), graph.column("ref")
    while True:
        paths = search.paths(want)
        for arcs in paths:
            if tuple(arcs) in seen:  # met in an earlier batch (ties may come in another order in a longer search)
                continue
            seen.add(tuple(arcs))
            physical = tuple(ref[a] for a in arcs if kind[a] in ("link", "transfer")) if graph.cargos else ()
            if is_valid(graph, arcs) and (not graph.cargos or physical not in physical_seen):
                physical_seen.add(physical)
                misses = 0
                yield arcs
            else:
                misses += 1
                if misses >= MAX_INVALID_IN_A_ROW:
                    return
        if len(paths) < want:
            return
        want *= 4


class _Search:
    """The routing graph as a scipy sparse matrix for Yen's search: states (one copy per layer under a restriction),
    mid-points of parallel arcs, a super-source joined to ``starts`` and a super-sink joined from ``ends``."""

    def __init__(self, graph: RoutingGraph, weights: np.ndarray, starts: list[int], ends: list[int],
                 restriction: Restriction | None):
        from scipy.sparse import csr_matrix

        w = np.asarray(weights, dtype=float)
        n = len(graph.states)
        tails, heads = graph.column("tail"), graph.column("head")
        keep = np.isfinite(w)
        if restriction is not None and not restriction.empty:
            keep[restriction.avoid] = False
            bits, layers = restriction.bits(len(w)), restriction.layers
        else:
            bits, layers = np.zeros(len(w), dtype=np.int64), 1
        arcs = np.flatnonzero(keep)
        arc = np.tile(arcs, layers)
        layer = np.repeat(np.arange(layers), len(arcs))
        t = tails[arc] + layer * n
        h = heads[arc] + (layer | bits[arc]) * n
        order = np.lexsort((np.arange(len(arc)), h, t))
        first = np.ones(len(arc), dtype=bool)
        first[order[1:]] = (t[order[1:]] != t[order[:-1]]) | (h[order[1:]] != h[order[:-1]])
        direct, parallel = np.flatnonzero(first), np.flatnonzero(~first)
        self.n = n * layers  # state s in layer l is s + l * n
        mids = self.n + np.arange(len(parallel))
        self.source, self.sink = self.n + len(parallel), self.n + len(parallel) + 1
        full = (layers - 1) * n
        rows = np.concatenate([t[direct], t[parallel], mids, np.full(len(starts), self.source),
                               np.asarray(ends, dtype=np.int64) + full])
        cols = np.concatenate([h[direct], mids, h[parallel], np.asarray(starts, dtype=np.int64),
                               np.full(len(ends), self.sink)])
        data = np.concatenate([w[arc[direct]], w[arc[parallel]], np.zeros(len(parallel) + len(starts) + len(ends))])
        size = self.sink + 1
        self.matrix = csr_matrix((data, (rows, cols)), shape=(size, size))  # explicit zeros stay edges
        self.direct = dict(zip(zip(t[direct].tolist(), h[direct].tolist()), arc[direct].tolist()))
        self.mid_arc = arc[parallel]  # mid-point self.n + i carries arc mid_arc[i]

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


def route_budget(graph: RoutingGraph, restriction: Restriction | None = None) -> int:
    """How many routes a k-cheapest search may look for on ``graph`` (at least 1): :data:`corridor.limits.
    MAX_ROUTE_WORK` over arcs x states of the graph searched."""
    layers = restriction.layers if restriction is not None and not restriction.empty else 1
    return max(1, MAX_ROUTE_WORK // max(1, len(graph.arcs) * len(graph.states) * layers * layers))


def check_route_work(graph: RoutingGraph, k: int, restriction: Restriction | None = None) -> None:
    """Refuse a k-cheapest search that would take too long: ``k`` x arcs x states of the graph searched (a
    restriction's layers multiply both) beyond :data:`corridor.limits.MAX_ROUTE_WORK`. Yen's algorithm runs a
    shortest-path search from every state of every route it finds (measured ~1e-7 s a unit).

    Raises
    ------
    InputError
        naming the limit and how many routes the graph allows.
    """
    layers = restriction.layers if restriction is not None and not restriction.empty else 1
    size = len(graph.arcs) * len(graph.states) * layers * layers
    if k > 1 and k > route_budget(graph, restriction):
        most = route_budget(graph, restriction)
        raise InputError(f"{k} routes on a routing graph of {len(graph.states) * layers:,} states and "
                         f"{len(graph.arcs) * layers:,} arcs would take too long (routes x arcs x states = "
                         f"{k * size:.2g}, more than corridor.limits.MAX_ROUTE_WORK = {MAX_ROUTE_WORK:.2g}); ask for "
                         f"at most {most} route{'s' if most > 1 else ''}")


def cheapest_routes(graph: RoutingGraph, origin: str, destination: str, k: int,
                    value_of_time_usd_per_t_day: float, *, carbon_price_usd_per_t_co2: float = 0.0,
                    weights: np.ndarray | None = None, restriction: Restriction | None = None) -> list[list[int]]:
    """Arc lists of up to ``k`` cheapest routes by generalized cost, cheapest first.

    ``weights`` (one per arc) replace the graph's generalized costs; a ``restriction`` keeps the routes through its
    via sets and off its avoided arcs (:mod:`corridor.restrict`).

    Raises
    ------
    NoRouteError
        if no route joins ``origin`` and ``destination`` (under the restriction).
    InputError
        if the search would take too long (:func:`check_route_work`).
    """
    check_route_work(graph, k, restriction)
    if weights is None:
        weights = graph.weights(value_of_time_usd_per_t_day, carbon_price_usd_per_t_co2)
    routes = list(islice(routes_in_order(graph, origin, destination, weights, restriction), k))
    if not routes:
        raise NoRouteError(no_route_message(graph, origin, destination, restriction))
    return routes


class BestRoute:
    """The cheapest valid route from ``origin`` to ``destination`` for many weight vectors, fast.

    The graph (layered for the ``via`` sets, as in the module docstring) is built once as a sparse matrix; each call
    re-weights it and runs scipy's Dijkstra from every start state at once. When the shortest path is not a valid
    route (it visits a node twice), the k-cheapest search (:func:`cheapest_routes`) finds the cheapest valid one,
    so the answer is always exact.
    """

    def __init__(self, graph: RoutingGraph, origin: str, destination: str, via: tuple[np.ndarray, ...] = ()):
        from scipy.sparse import csr_matrix

        self.graph, self.origin, self.destination, self.via = graph, origin, destination, via
        n = len(graph.states)
        tails, heads = graph.arcs["tail"].to_numpy(), graph.arcs["head"].to_numpy()
        layers = 2 ** len(via)
        bits = Restriction(via=via).bits(len(tails))
        lay = np.arange(layers)[:, None]
        t = (tails[None, :] + lay * n).ravel()
        h = (heads[None, :] + (lay | bits[None, :]) * n).ravel()
        self.arc_of = np.tile(np.arange(len(tails)), layers)
        order = np.lexsort((h, t))
        starts = np.flatnonzero(np.r_[True, (t[order][1:] != t[order][:-1]) | (h[order][1:] != h[order][:-1])])
        self.order, self.starts = order, starts
        ut, uh = t[order][starts], h[order][starts]
        probe = csr_matrix((np.arange(1, len(starts) + 1, dtype=float), (ut, uh)), shape=(n * layers, n * layers))
        self.perm = probe.data.astype(np.int64) - 1
        self.csr = probe
        self.pair_of = {(int(a), int(b)): j for j, (a, b) in enumerate(zip(ut, uh))}
        self.sources = np.asarray(graph.origin_states(origin), dtype=np.int64)
        self.targets = np.asarray(graph.destination_states(destination), dtype=np.int64) + (layers - 1) * n

    def __call__(self, weights: np.ndarray, avoid: np.ndarray | None = None) -> list[int] | None:
        """Arcs of the cheapest valid route by ``weights`` (one per arc) off the ``avoid`` arcs; None if there is
        none."""
        from scipy.sparse.csgraph import dijkstra

        if not len(self.sources) or not len(self.targets) or self.origin == self.destination:
            return None
        w = np.asarray(weights, dtype=float).copy()
        if avoid is not None and len(avoid):
            w[avoid] = np.inf
        wl = w[self.arc_of]
        pair_w = np.minimum.reduceat(wl[self.order], self.starts)
        self.csr.data = pair_w[self.perm]
        dist, pred = dijkstra(self.csr, indices=self.sources, min_only=True, return_predecessors=True)[:2]
        end = int(self.targets[np.argmin(dist[self.targets])])
        if not np.isfinite(dist[end]):
            return None
        arcs, s = [], end
        while pred[s] >= 0:
            p = int(pred[s])
            j = self.pair_of[(p, s)]
            stop = self.starts[j + 1] if j + 1 < len(self.starts) else len(self.order)
            parallel = self.order[self.starts[j]:stop]
            arcs.append(int(self.arc_of[parallel[np.argmin(wl[parallel])]]))
            s = p
        arcs.reverse()
        if is_valid(self.graph, arcs):
            return arcs
        restriction = Restriction(via=self.via, avoid=np.flatnonzero(~np.isfinite(w)).astype(np.int64))
        found = list(islice(routes_in_order(self.graph, self.origin, self.destination, w, restriction), 1))
        return found[0] if found else None


class RouteFinder:
    """The cheapest valid route under any restriction and weights: a :class:`BestRoute` per set of via elements,
    built on first use and kept (an avoid set only re-weights the graph)."""

    def __init__(self, graph: RoutingGraph, origin: str, destination: str):
        self.graph, self.origin, self.destination = graph, origin, destination
        self._built: dict[tuple, BestRoute] = {}

    def __call__(self, weights: np.ndarray, restriction: Restriction | None = None) -> list[int] | None:
        via = restriction.via if restriction is not None else ()
        key = tuple(v.tobytes() for v in via)
        best = self._built.get(key)
        if best is None:
            best = self._built[key] = BestRoute(self.graph, self.origin, self.destination, via)
        return best(weights, restriction.avoid if restriction is not None else None)
