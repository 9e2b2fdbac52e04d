"""The draws over flows of one case and their summaries: percentiles of the totals, binding probability and
shadow-price percentiles of each capacity element, and the spread of the flow on each corridor.

Per element and per corridor the draws are kept as sparse matrices (rows x draws): in a large network most elements
never bind and most corridors carry nothing in most draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..flows import Allocation
from ..graph import RoutingGraph
from ..legs import corridor_label, route_legs

PERCENTILES = (10, 50, 90)
TOTALS = ("total_cost_usd_per_year", "delivered_mt_per_year", "unserved_mt_per_year")


@dataclass(frozen=True)
class FlowDraws:
    """The allocation of one case over the draws.

    Attributes
    ----------
    total_cost_usd_per_year, delivered_mt_per_year, unserved_mt_per_year : ndarray
        One value per draw (total cost: the minimised objective, generalized transport cost plus unserved penalty).
    elements : DataFrame
        The capacity elements (``kind``, ``id``, ``name``, ``capacity_mt_per_year`` at the file values), in the
        order of the rows of the matrices below.
    binding_matrix : scipy.sparse matrix of bool (elements x draws)
        Whether the element is full in the draw (flow at its drawn capacity); ``binding`` as a dense array.
    price_matrix : scipy.sparse matrix (elements x draws)
        USD per tonne of extra annual capacity in the draw (>= 0); ``shadow_price`` as a dense array.
    corridors : list of str
        Corridors that carried flow in some draw (key nodes between origin and destination).
    corridor_matrix : scipy.sparse matrix (corridors x draws)
        Mt/yr on each corridor; ``corridor_flow`` as a dense array, :meth:`flow_of` for one corridor.
    deterministic : Allocation
        The allocation at the file values.
    deterministic_corridors : Series
        Mt/yr on each corridor at the file values.
    draws, seed : int
    backend : str
        Where the draws were solved (in-process, processes, dask); the numbers do not depend on it.
    """

    case: str
    total_cost_usd_per_year: np.ndarray
    delivered_mt_per_year: np.ndarray
    unserved_mt_per_year: np.ndarray
    elements: pd.DataFrame
    binding_matrix: Any
    price_matrix: Any
    corridors: list[str]
    corridor_matrix: Any
    deterministic: Allocation
    deterministic_corridors: pd.Series
    draws: int
    seed: int
    backend: str = field(default="in-process", compare=False)

    @classmethod
    def from_arrays(cls, case: str, arrays: dict, elements: pd.DataFrame, deterministic: Allocation,
                    graph: RoutingGraph, *, draws: int, seed: int, backend: str = "in-process") -> FlowDraws:
        """From the gathered block results (:func:`corridor.uncertainty.flowdraws.gather`); ``graph``: the case's
        routing graph (for the corridors of the deterministic routes)."""
        return cls(case=case, total_cost_usd_per_year=arrays["total_cost"], delivered_mt_per_year=arrays["delivered"],
                   unserved_mt_per_year=arrays["unserved"],
                   elements=elements[["kind", "id", "name", "capacity_mt_per_year"]].reset_index(drop=True),
                   binding_matrix=arrays["binding"], price_matrix=arrays["shadow_price"],
                   corridors=list(arrays["corridor_labels"]), corridor_matrix=arrays["corridor_flow"],
                   deterministic=deterministic, deterministic_corridors=deterministic_corridors(deterministic, graph),
                   draws=draws, seed=seed, backend=backend)

    # ----- dense views (small cases) -------------------------------------------------------------------------
    @property
    def binding(self) -> np.ndarray:
        """Whether each element is full in each draw (elements x draws)."""
        return self.binding_matrix.toarray()

    @property
    def shadow_price(self) -> np.ndarray:
        """USD/t of each element's capacity in each draw (elements x draws)."""
        return self.price_matrix.toarray()

    @property
    def corridor_flow(self) -> np.ndarray:
        """Mt/yr on each corridor of :attr:`corridors` in each draw."""
        return self.corridor_matrix.toarray()

    def flow_of(self, corridor: str) -> np.ndarray:
        """Mt/yr on ``corridor`` in each draw (zeros for a corridor never used)."""
        if corridor in self.corridors:
            return self.corridor_matrix.getrow(self.corridors.index(corridor)).toarray().ravel()
        return np.zeros(self.draws)

    def prices_of(self, kind: str, element: str) -> np.ndarray:
        """The shadow price of one element (``kind``: link, node or transfer) in each draw."""
        hit = np.flatnonzero((self.elements["kind"] == kind).to_numpy() & (self.elements["id"] == element).to_numpy())
        if not len(hit):
            raise KeyError(f"no capacity element {kind} {element!r} in case {self.case!r}")
        return self.price_matrix.getrow(int(hit[0])).toarray().ravel()

    # ----- summaries -----------------------------------------------------------------------------------------
    def totals(self) -> pd.DataFrame:
        """One row per total: the deterministic value, the mean and P10/P50/P90 over the draws."""
        det = self.deterministic.totals
        rows = []
        for name in TOTALS:
            v = getattr(self, name)
            q = np.percentile(v, PERCENTILES)
            rows.append(dict(total=name, deterministic=det[name], mean=float(v.mean()), p10=q[0], p50=q[1], p90=q[2]))
        return pd.DataFrame(rows).set_index("total")

    def element_table(self) -> pd.DataFrame:
        """One row per capacity element, most often binding first: ``p_binding`` (share of draws in which it is
        full), ``p_priced`` (share with a positive shadow price), mean and P10/P50/P90 of the shadow price (USD/t),
        and its deterministic shadow price and whether it binds at the file values."""
        el = self.elements.copy()
        n = max(self.draws, 1)
        el["p_binding"] = np.asarray(self.binding_matrix.sum(axis=1)).ravel() / n
        el["p_priced"] = np.asarray((self.price_matrix > 0).sum(axis=1)).ravel() / n
        el["mean_shadow_price_usd_per_t"] = np.asarray(self.price_matrix.sum(axis=1)).ravel() / n
        q = _row_percentiles(self.price_matrix, self.draws)
        for k, pct in enumerate(PERCENTILES):
            el[f"p{pct}_shadow_price_usd_per_t"] = q[:, k]
        det = self.deterministic.elements.set_index(["kind", "id"])
        index = pd.MultiIndex.from_frame(el[["kind", "id"]])
        el["deterministic_shadow_price_usd_per_t"] = det["shadow_price_usd_per_t"].reindex(index).to_numpy()
        el["deterministic_binding"] = det["binding"].reindex(index).to_numpy(dtype=bool)
        return el.sort_values(["p_binding", "mean_shadow_price_usd_per_t", "kind", "id"],
                              ascending=[False, False, True, True], kind="stable").reset_index(drop=True)

    def corridor_table(self) -> pd.DataFrame:
        """One row per corridor, largest mean flow first: ``p_used`` (share of draws with flow), mean and
        P10/P50/P90 of its Mt/yr, and its Mt/yr at the file values."""
        det = self.deterministic_corridors
        extra = [c for c in det.index if c not in self.corridors]
        labels = [*self.corridors, *extra]
        n = max(self.draws, 1)
        m = self.corridor_matrix
        used = np.r_[np.asarray((m > 1e-9).sum(axis=1)).ravel(), np.zeros(len(extra))] / n
        mean = np.r_[np.asarray(m.sum(axis=1)).ravel(), np.zeros(len(extra))] / n
        q = np.r_[_row_percentiles(m, self.draws), np.zeros((len(extra), len(PERCENTILES)))]
        df = pd.DataFrame({"corridor": labels, "p_used": used, "mean_mt_per_year": mean,
                           **{f"p{pct}_mt_per_year": q[:, k] for k, pct in enumerate(PERCENTILES)},
                           "deterministic_mt_per_year": det.reindex(labels, fill_value=0.0).to_numpy()})
        return df.sort_values(["mean_mt_per_year", "corridor"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)


def _row_percentiles(matrix, draws: int) -> np.ndarray:
    """P10/P50/P90 of each row of a sparse matrix (rows x draws; an empty row's are 0), as ``np.percentile``."""
    out = np.zeros((matrix.shape[0], len(PERCENTILES)))
    csr = matrix.tocsr()
    for i in np.flatnonzero(np.diff(csr.indptr)):
        out[i] = np.percentile(csr.getrow(i).toarray().ravel(), PERCENTILES)
    return out


def deterministic_corridors(alloc: Allocation, graph: RoutingGraph) -> pd.Series:
    """Mt/yr on each corridor in an allocation (its routes' gateways, :func:`corridor.legs.corridor_label`);
    ``graph``: the routing graph it was solved on."""
    if not len(alloc.routes):
        return pd.Series(dtype=float)
    nodes = graph.network.nodes
    labels = [corridor_label(route_legs(graph, list(a)), nodes) if len(a) else "domestic"
              for a in alloc.routes["arcs"]]
    return alloc.routes["mt_per_year"].groupby(pd.Index(labels), sort=False).sum()
