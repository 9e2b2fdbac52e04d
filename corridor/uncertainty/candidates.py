"""The candidate routes of a case: the k cheapest at the file values and at the ends of every uncertain range,
ready to be priced for any entry values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import costs
from ..case import Case
from ..errors import InputError
from ..graph import RoutingGraph, build_graph
from ..legs import key_nodes, route_label, route_legs, route_sums
from ..routes import cheapest_routes
from .entries import Entry, groups
from .reprice import ArcPricer, RouteSet

CANDIDATES = 20  # k of the k-cheapest search at the file values
EXTREME_CANDIDATES = 5  # k at each end of each entry's range and at the two corners


@dataclass
class CaseModel:
    """The candidate routes of one case, ready to be priced for any entry values."""

    case: Case
    entries: Sequence[Entry]
    graph: RoutingGraph
    pricer: ArcPricer
    routes: RouteSet
    n_deterministic: int = 0
    _legs: dict[int, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, case: Case, entries: Sequence[Entry], *, candidates: int = CANDIDATES,
              extreme_candidates: int = EXTREME_CANDIDATES, graph: RoutingGraph | None = None) -> CaseModel:
        """Candidate routes of ``case`` (raises NoRouteError if there is none); ``graph``: its routing graph for
        the shipment's lot, if already built."""
        ship, vot = case.require_shipment(), case.settings.value_of_time_usd_per_t_day
        carbon = case.settings.carbon_price_usd_per_t_co2
        if graph is None:
            # sea links priced for the lot (corridor.sea); transit layers of the cargo's origin (corridor.layers)
            graph = build_graph(case.network, lot_t=ship.tonnes, origins=[ship.origin])
        pricer = ArcPricer(graph, entries)  # prices sea links for the graph's lot too
        k = max(candidates, case.settings.routes)
        found = cheapest_routes(graph, ship.origin, ship.destination, k, vot, carbon_price_usd_per_t_co2=carbon)
        n_det = len(found)
        seen = {tuple(r) for r in found}
        extra = []
        points = _extreme_points(entries, pricer.active_entries) if extreme_candidates > 0 else []
        if points:
            corners = pricer.weights(np.concatenate(points, axis=1), vot, carbon)  # arcs x points, priced at once
            for j in range(corners.shape[1]):
                for r in cheapest_routes(graph, ship.origin, ship.destination, extreme_candidates, 0.0,
                                         weights=corners[:, j]):
                    if tuple(r) not in seen:
                        seen.add(tuple(r))
                        extra.append(r)
        sums = [route_sums(graph, r) for r in found + extra]  # as the legs sum them, bit for bit
        totals = [(m, d) for m, d, _ in sums]
        co2s = [c for _, _, c in sums]
        gen = [costs.generalized(m, d, vot, c, carbon) for (m, d), c in zip(totals, co2s)]
        order = list(range(n_det)) + sorted(range(n_det, len(sums)), key=lambda i: gen[i])
        arc_lists = [(found + extra)[i] for i in order]
        money = np.array([totals[i][0] for i in order])
        days = np.array([totals[i][1] for i in order])
        co2 = np.array([co2s[i] for i in order])
        return cls(case=case, entries=entries, graph=graph, pricer=pricer,
                   routes=RouteSet(pricer, arc_lists, money, days, vot, co2=co2, carbon=carbon),
                   n_deterministic=n_det)

    @property
    def vot(self) -> float:
        return self.case.settings.value_of_time_usd_per_t_day

    def legs(self, i: int) -> pd.DataFrame:
        """The legs of candidate ``i`` (:func:`corridor.legs.route_legs`), built on first use."""
        if i not in self._legs:
            self._legs[i] = route_legs(self.graph, self.routes.arc_lists[i])
        return self._legs[i]
    @property
    def carbon(self) -> float:
        """The case's carbon price (USD/t CO2) at the file values."""
        return self.case.settings.carbon_price_usd_per_t_co2

    def price(self, x: np.ndarray, metric: str = "generalized") -> np.ndarray:
        """Cost of every candidate (routes x columns of ``x``): ``generalized`` or ``cost`` (money) per tonne."""
        with np.errstate(all="ignore"):  # what is not finite is refused below
            money, days = self.routes.price(x)
            out = money if metric == "cost" else self.routes.generalized(money, days, x)
        if not np.isfinite(out).all():
            raise InputError(f"case '{self.case.name}': some values of the uncertain inputs give a cost that is not "
                             "a finite number (check their ranges)")
        return out

    def weights(self, x: np.ndarray) -> np.ndarray:
        """Generalized cost of every arc of the case's graph (arcs x columns of ``x``)."""
        return self.pricer.weights(x, self.vot, self.carbon)

    def label(self, i: int) -> str:
        nodes = self.case.network.nodes
        return route_label(key_nodes(self.legs(i), nodes), nodes)


def _extreme_points(entries: Sequence[Entry], active: list[int]) -> list[np.ndarray]:
    """Entry values (entries x 1) at each end of each group's range, others unchanged, and the two corners."""
    points = []
    names = groups(entries)
    for g in names:
        members = [i for i in active if entries[i].group_key == g]
        if not members:
            continue
        for side in (0, 1):
            x = np.full((len(entries), 1), np.nan)
            for i in members:
                x[i, 0] = entries[i].bounds()[side]
            points.append(x)
    if active:
        for side in (0, 1):
            x = np.full((len(entries), 1), np.nan)
            for i in active:
                x[i, 0] = entries[i].bounds()[side]
            points.append(x)
    return points


