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
        """Number of draws (columns of ``x``) in which a route outside the candidates is cheaper than ``best``.

        All the draws are searched in one call of Dijkstra's algorithm, on a graph that holds one copy of the states
        per draw (copy ``j`` priced as draw ``j``; no arc joins two copies).
        """
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        b = x.shape[1]
        if b == 0:
            return 0
        model = self.model
        w = model.weights(x)
        n, nnz = self.csr.shape[0], self.csr.nnz
        pair_w = np.minimum.reduceat(w[self.order], self.starts, axis=0)  # pairs x draws
        copies = np.arange(b)
        block = csr_matrix((pair_w[self.perm].T.ravel(),
                            (self.csr.indices[None, :] + n * copies[:, None]).ravel(),
                            np.r_[(self.csr.indptr[:-1][None, :] + nnz * copies[:, None]).ravel(), b * nnz]),
                           shape=(n * b, n * b))
        sources = (np.asarray(self.origin_states)[None, :] + n * copies[:, None]).ravel()
        dist, pred, _ = dijkstra(block, indices=sources, min_only=True, return_predecessors=True)
        missed = 0
        for j in range(b):
            ends = self.dest_states + n * j
            end = int(ends[np.argmin(dist[ends])])
            tol = 1e-9 * max(1.0, abs(best[j]))
            if dist[end] >= best[j] - tol:
                continue
            wj = w[:, j]
            arcs, s = [], end
            while pred[s] >= 0:
                t = int(pred[s])
                parallel = self._pair_arcs(self.pair_of[(t - n * j, s - n * j)])
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


