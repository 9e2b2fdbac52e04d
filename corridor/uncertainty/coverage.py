"""The coverage check: on a sample of draws, is the cheapest candidate route the cheapest route of all?"""

from __future__ import annotations

import numpy as np

from ..routes import cheapest_routes, is_valid
from .candidates import CaseModel


class CoverageCheck:
    """Is the cheapest candidate the cheapest route of all? Exact, per draw, on the drawn arc costs.

    A shortest path over all paths (scipy's Dijkstra, many start states at once) bounds the cheapest route from
    below; when it is not below the cheapest candidate the draw is covered. Otherwise the path is taken if it is a
    valid route, else the k-cheapest search (Yen's, validity filter) finds the cheapest valid route.
    """

    def __init__(self, model: CaseModel):
        from scipy.sparse import csr_matrix

        self.model = model
        graph = model.graph
        ship = model.case.require_shipment()
        tails = graph.arcs["tail"].to_numpy()
        heads = graph.arcs["head"].to_numpy()
        n = len(graph.states)
        order = np.lexsort((heads, tails))
        pair_t, pair_h = tails[order], heads[order]
        starts = np.flatnonzero(np.r_[True, (pair_t[1:] != pair_t[:-1]) | (pair_h[1:] != pair_h[:-1])])
        self.order, self.starts = order, starts
        ut, uh = pair_t[starts], pair_h[starts]
        probe = csr_matrix((np.arange(1, len(starts) + 1, dtype=float), (ut, uh)), shape=(n, n))
        self.perm = probe.data.astype(np.int64) - 1  # csr data position -> pair number
        self.csr = probe
        self.pair_of = {(int(t), int(h)): j for j, (t, h) in enumerate(zip(ut, uh))}
        self.origin_states = graph.origin_states(ship.origin)
        self.dest_states = np.asarray(graph.destination_states(ship.destination), dtype=np.int64)

    def misses(self, x: np.ndarray, best: np.ndarray) -> int:
        """Number of draws (columns of ``x``) in which a route outside the candidates is cheaper than ``best``."""
        from scipy.sparse.csgraph import dijkstra

        if x.shape[1] == 0:
            return 0
        model = self.model
        w = model.weights(x)
        missed = 0
        for j in range(x.shape[1]):
            wj = w[:, j]
            pair_w = np.minimum.reduceat(wj[self.order], self.starts)
            self.csr.data = pair_w[self.perm]
            dist, pred, _ = dijkstra(self.csr, indices=self.origin_states, min_only=True, return_predecessors=True)
            end = self.dest_states[np.argmin(dist[self.dest_states])]
            tol = 1e-9 * max(1.0, abs(best[j]))
            if dist[end] >= best[j] - tol:
                continue
            arcs, s = [], int(end)
            while pred[s] >= 0:
                t = int(pred[s])
                parallel = self._pair_arcs(self.pair_of[(t, s)])
                arcs.append(int(parallel[np.argmin(wj[parallel])]))
                s = t
            arcs.reverse()
            if not is_valid(model.graph, arcs):
                ship = model.case.require_shipment()
                arcs = cheapest_routes(model.graph, ship.origin, ship.destination, 1, 0.0, weights=wj)[0]
                if wj[arcs].sum() >= best[j] - tol:
                    continue
            missed += 1
        return missed

    def _pair_arcs(self, p: int) -> np.ndarray:
        """The arcs joining the p-th (tail, head) pair of states."""
        stop = self.starts[p + 1] if p + 1 < len(self.starts) else len(self.order)
        return self.order[self.starts[p]:stop]


