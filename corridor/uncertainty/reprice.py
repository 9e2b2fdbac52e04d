"""Re-pricing the routes of a case for many draws at once.

A route's money and time are sums over its arcs, and an arc's money and time follow from a few table cells by the
rules of :mod:`corridor.costs`: a link arc reads its link's ``distance_km``, ``tariff_usd_per_tkm``,
``fixed_usd_per_t`` and ``speed_km_per_day`` (and, where a transit regime prices it, the regime's ``coefficient``
or ``tariff_usd_per_tkm``); a pass arc its node's ``pass_usd_per_t`` and ``pass_hours``; a transfer arc its row's
``cost_usd_per_t`` and ``dwell_hours``; a regime arc its regime's ``flat_usd_per_t``. So for a block of draws
(columns) we

1. build the drawn values of the uncertain cells (cells x draws) from the entry values (entries x draws),
2. recompute only the arcs that read an uncertain cell, as differences from their file values (arcs x draws),
3. add each route's arc differences to its file-value totals (routes x draws).

A sea link priced by vessel class (blank tariff, :mod:`corridor.sea`) is re-priced per draw in step 2 with the one
formula of :func:`corridor.sea.cost_per_t`, as an arcs x classes x draws array from the drawn vessel cells and the
drawn distance: classes that do not fit both ports are left out, the cheapest class per tonne is taken (ties: the
smaller ship), and the arc takes that class's passage time. Its change is taken from the same computation at the file
values, so no change gives exactly 0.

Step 3 is the route-arc incidence product ``R @ C``. It is done as a fixed sequence of vector additions per route
(not a BLAS product), so each draw's numbers do not depend on how many draws share a block: chunking cannot change a
result, and with no change at all (zero spread) every route's numbers equal the deterministic ones bit for bit.

A value of NaN in the entry values means "this entry is not applied in this column" (used by the tornado and the
break-even search, which move one entry at a time).

With a carbon price (a case setting, and perhaps an entry on the ``settings``) a route's generalized cost also counts
its CO2: an arc's CO2 changes with its drawn distance, and a vessel-priced sea arc's with the class chosen per draw
(:meth:`ArcPricer.co2_deltas`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .. import costs
from ..graph import RoutingGraph
from ..schema import DEFAULT_CO2_G_PER_TKM
from ..sea import COST_COLUMNS, by_size, cost_per_t, fitting_classes, passage_hours
from .entries import SETTINGS, Entry

# The table cells an arc's money and time read: (table, column) -> (arc kind, the arcs' column that names the row).
ARC_INPUTS = {
    ("links", "distance_km"): ("link", "ref"), ("links", "tariff_usd_per_tkm"): ("link", "ref"),
    ("links", "fixed_usd_per_t"): ("link", "ref"), ("links", "speed_km_per_day"): ("link", "ref"),
    ("nodes", "pass_usd_per_t"): ("pass", "ref"), ("nodes", "pass_hours"): ("pass", "ref"),
    ("transfers", "cost_usd_per_t"): ("transfer", "ref"), ("transfers", "dwell_hours"): ("transfer", "ref"),
    # a link priced by a transit regime reads the regime's basis; a regime arc its flat charge
    ("regimes", "coefficient"): ("link", "priced_by"), ("regimes", "tariff_usd_per_tkm"): ("link", "priced_by"),
    ("regimes", "flat_usd_per_t"): ("regime", "ref"),
}

DISTANCE, FIXED = ("links", "distance_km"), ("links", "fixed_usd_per_t")

Cells = dict[tuple[str, str], np.ndarray]


class ArcPricer:
    """Drawn money and time of the arcs of one case's routing graph.

    Parameters
    ----------
    graph : RoutingGraph
        The case's graph (built from the case's network, changes applied).
    entries : sequence of Entry
        All the scenario's uncertain entries; those that select no row of this case's network, and those that do
        not price an arc (capacity, supply and demand entries), are ignored.
    """

    def __init__(self, graph: RoutingGraph, entries: Sequence[Entry]):
        net = graph.network
        self.graph = graph
        # uncertain cells: (table, column) -> row ids, and the entries that act on them (entry number, positions)
        rows: dict[tuple[str, str], list[str]] = {}
        self.actions: list[tuple[int, tuple[str, str], np.ndarray, str]] = []
        self.carbon_actions: list[tuple[int, str]] = []  # entries on the carbon price: (entry number, how)
        for i, e in enumerate(entries):
            if e.table == SETTINGS:
                self.carbon_actions.append((i, e.how))
                continue
            if e.kind != "price":  # capacities, supply, demand and a logit's dispersion: not an arc's money or time
                continue
            ids = list(net.select(e.table, e.where))
            if not ids:
                continue
            key = (e.table, e.column)
            known = rows.setdefault(key, [])
            for rid in ids:
                if rid not in known:
                    known.append(rid)
            pos = {rid: j for j, rid in enumerate(known)}
            self.actions.append((i, key, np.array([pos[r] for r in ids], dtype=np.int64), e.how))
        self.cell_rows = rows
        self.cell_base = {key: net.table(key[0]).loc[ids, key[1]].to_numpy(dtype=float) for key, ids in rows.items()}
        self.active_entries = sorted({a[0] for a in self.actions} | {i for i, _ in self.carbon_actions})

        arcs = graph.arcs
        kind = arcs["kind"].to_numpy()
        self.is_link = kind == "link"
        by_vessel = net.links.index[(net.links["mode"] == "sea") & net.links["tariff_usd_per_tkm"].isna()]
        self.is_vessel = self.is_link & arcs["ref"].isin(by_vessel).to_numpy()
        self.is_pass = kind == "pass"
        self.is_transfer = kind == "transfer"
        self.is_regime = kind == "regime"
        # file values of every input of every arc, and where an uncertain cell feeds it (-1: it does not)
        self.base: dict[tuple[str, str], np.ndarray] = {}
        self.cell_index: dict[tuple[str, str], np.ndarray] = {}
        varies = np.zeros(len(arcs), dtype=bool)
        for key, (arc_kind, row_col) in ARC_INPUTS.items():
            rowids = arcs[row_col].to_numpy()
            owner = (kind == arc_kind) & (rowids != "")
            base = np.zeros(len(arcs))
            if owner.any():
                base[owner] = net.table(key[0]).loc[rowids[owner], key[1]].to_numpy(dtype=float)
            idx = np.full(len(arcs), -1, dtype=np.int64)
            cell_ids = rows.get(key)
            if cell_ids:
                pos = {rid: j for j, rid in enumerate(cell_ids)}
                idx[owner] = [pos.get(k, -1) for k in rowids[owner]]
            self.base[key] = base
            self.cell_index[key] = idx
            varies |= idx >= 0
        if any(table == "vessels" for table, _ in rows):
            varies |= self.is_vessel
        self.var_arcs = np.flatnonzero(varies)
        # the basis of the regime that prices each link arc ("" where none does)
        priced_by = arcs["priced_by"].to_numpy()
        self.basis = np.full(len(arcs), "", dtype=object)
        on = priced_by != ""
        if on.any():
            self.basis[on] = net.regimes.loc[priced_by[on], "basis"].to_numpy()
        self.base_usd = arcs["usd_per_t"].to_numpy(dtype=float)
        self.base_hours = arcs["hours"].to_numpy(dtype=float)
        self.base_co2 = arcs["co2_kg_per_t"].to_numpy(dtype=float)
        self._init_sea(net, arcs, rows)

    def _init_sea(self, net, arcs, rows: dict) -> None:
        """Vessel classes (smallest first), their file values and uncertain cells, and which fit each sea arc."""
        self.lot_t = self.graph.lot_t
        v = by_size(net.vessels)
        self.vessel_classes = v.index.to_numpy().astype(str)
        self.cargo_t = v["cargo_t"].to_numpy(float) if len(v) else np.zeros(0)
        self.vessel_base: dict[str, np.ndarray] = {}
        self.vessel_index: dict[str, np.ndarray] = {}
        for col in COST_COLUMNS:
            self.vessel_base[col] = v[col].to_numpy(float) if len(v) else np.zeros(0)
            ids = rows.get(("vessels", col), [])
            pos = {rid: j for j, rid in enumerate(ids)}
            self.vessel_index[col] = np.array([pos.get(c, -1) for c in v.index], dtype=np.int64)
        # CO2 intensity of a vessel-priced sea arc: the link's own, else the class's, else the default for sea
        self.class_co2 = (v["co2_g_per_tkm"].astype(float).fillna(DEFAULT_CO2_G_PER_TKM["sea"]).to_numpy()
                          if len(v) else np.zeros(0))
        own = net.links["co2_g_per_tkm"].astype(float)
        refs = arcs["ref"].to_numpy()
        self.own_co2 = np.where(self.is_link, own.reindex(refs).to_numpy(), np.nan)
        self.sea_fits = np.zeros((len(arcs), len(v)), dtype=bool)
        self.sea_usd0 = np.full(len(arcs), np.nan)
        self.sea_hours0 = np.full(len(arcs), np.nan)
        a = np.flatnonzero(self.is_vessel)
        if len(a) and len(v):
            self.sea_fits[a] = fitting_classes(v, net.nodes, arcs["from_node"].to_numpy()[a],
                                               arcs["node"].to_numpy()[a])[0]
            # the file values through the same computation as the draws: no change gives a change of exactly 0
            usd, hours, _ = self._sea(a, self.base[DISTANCE][a, None], self.base[FIXED][a, None],
                                      {key: base[:, None] for key, base in self.cell_base.items()}, 1)
            self.sea_usd0[a], self.sea_hours0[a] = usd[:, 0], hours[:, 0]

    # ----- step 1: cells ------------------------------------------------------------------------------
    def cells(self, x: np.ndarray) -> Cells:
        """Drawn values of the uncertain cells (rows x draws) from entry values ``x`` (entries x draws)."""
        n = x.shape[1]
        out = {key: np.repeat(base[:, None], n, axis=1) for key, base in self.cell_base.items()}
        for i, key, pos, how in self.actions:
            xi = x[i]
            m = out[key]
            if np.isnan(xi).any():
                if how == "scale":
                    m[pos] *= np.where(np.isnan(xi), 1.0, xi)
                else:
                    m[pos] = np.where(np.isnan(xi), m[pos], xi)
            elif how == "scale":
                m[pos] *= xi
            else:
                m[pos] = xi
        return out

    # ----- step 2: arcs -------------------------------------------------------------------------------
    def deltas(self, arc_ids: np.ndarray, cells: Cells, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Change of money (USD/t) and of time (days) of arcs ``arc_ids`` from their file values (arcs x draws)."""
        arc_ids = np.asarray(arc_ids, dtype=np.int64)
        dm = np.empty((len(arc_ids), n))  # every row is set below (an arc is a link, a pass or a transfer); empty, not
        dd = np.empty((len(arc_ids), n))  # zeros: large zeroed arrays come fresh from the system, page by page
        vessel = self.is_vessel[arc_ids]
        plain = self.is_link[arc_ids] & ~vessel
        if plain.any():
            a = arc_ids[plain]
            get = self._inputs(a, cells, n)
            tariff = get(("links", "tariff_usd_per_tkm"))
            basis = self.basis[a]
            if (basis != "").any():  # links priced by a transit regime: the tariff of its basis
                priced = (basis != "")[:, None]
                tariff = np.where(priced, costs.regime_tariff(basis[:, None], tariff, get(("regimes", "coefficient")),
                                                              get(("regimes", "tariff_usd_per_tkm"))), tariff)
            usd = costs.link_usd_per_t(get(DISTANCE), tariff, get(FIXED))
            hours = costs.link_hours(get(DISTANCE), get(("links", "speed_km_per_day")))
            dm[plain] = usd - self.base_usd[a, None]
            dd[plain] = costs.days(hours - self.base_hours[a, None])
        if vessel.any():
            a = arc_ids[vessel]
            get = self._inputs(a, cells, n)
            usd, hours, _ = self._sea(a, get(DISTANCE), get(FIXED), cells, n)
            dm[vessel] = usd - self.sea_usd0[a, None]
            dd[vessel] = costs.days(hours - self.sea_hours0[a, None])
        for kind_mask, money, hours_key in ((self.is_pass, ("nodes", "pass_usd_per_t"), ("nodes", "pass_hours")),
                                            (self.is_transfer, ("transfers", "cost_usd_per_t"),
                                             ("transfers", "dwell_hours")),
                                            (self.is_regime, ("regimes", "flat_usd_per_t"), None)):
            sel = kind_mask[arc_ids]
            if sel.any():
                a = arc_ids[sel]
                get = self._inputs(a, cells, n)
                dm[sel] = get(money) - self.base_usd[a, None]
                if hours_key is not None:
                    dd[sel] = costs.days(get(hours_key) - self.base_hours[a, None])
        return dm, dd

    def _sea(self, a: np.ndarray, distance_km: np.ndarray, fixed_usd_per_t: np.ndarray, cells: Cells,
             n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Money (USD/t, freight + fixed charge), hours and chosen class (index into ``vessel_classes``) of the
        vessel-priced sea arcs ``a`` (arcs x draws; a single column where nothing varies), as corridor.sea prices them.
        """
        vals = {c: self._vessel_values(c, cells, n)[None, :, :] for c in COST_COLUMNS}  # 1 x classes x draws
        per_t = cost_per_t(distance_km[:, None, :], **vals, cargo_t=self.cargo_t[None, :, None], lot_t=self.lot_t)
        per_t = np.where(self.sea_fits[a][:, :, None], per_t, np.inf)
        best = per_t.argmin(axis=1)  # the first of equal costs: the smaller ship
        pick = best[:, None, :]
        usd = np.take_along_axis(per_t, pick, axis=1)[:, 0, :] + np.nan_to_num(fixed_usd_per_t)
        speed = np.take_along_axis(np.broadcast_to(vals["speed_knots"], per_t.shape), pick, axis=1)[:, 0, :]
        return usd, passage_hours(distance_km, speed), best

    def _vessel_values(self, col: str, cells: Cells, n: int) -> np.ndarray:
        """Drawn values of one vessels.csv column for every class (classes x draws, or classes x 1 if fixed)."""
        base = self.vessel_base[col]
        idx = self.vessel_index[col]
        fed = idx >= 0
        if not fed.any():
            return base[:, None]
        out = np.repeat(base[:, None], n, axis=1)
        out[fed] = cells[("vessels", col)][idx[fed]]
        return out

    def vessel_prices(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Sea arcs priced by vessel class for entry values ``x`` (entries x draws).

        Returns
        -------
        arcs : ndarray of int
            Their arc numbers.
        usd_per_t, hours : ndarray (arcs x draws)
            Money (freight + the link's fixed charge) and passage time.
        vessel_class : ndarray of str (arcs x draws)
            The class used.
        """
        n = x.shape[1]
        a = np.flatnonzero(self.is_vessel)
        cells = self.cells(x)
        get = self._inputs(a, cells, n)
        usd, hours, best = self._sea(a, get(DISTANCE), get(FIXED), cells, n)
        shape = (len(a), n)
        return (a, np.broadcast_to(usd, shape).copy(), np.broadcast_to(hours, shape).copy(),
                self.vessel_classes[np.broadcast_to(best, shape)])

    def _inputs(self, a: np.ndarray, cells: Cells, n: int) -> Callable[[tuple[str, str]], np.ndarray]:
        def get(key: tuple[str, str]) -> np.ndarray:
            base = self.base[key][a]
            idx = self.cell_index[key][a]
            fed = idx >= 0
            if not fed.any():
                return base[:, None]
            out = np.repeat(base[:, None], n, axis=1)
            out[fed] = cells[key][idx[fed]]
            return out
        return get

    def co2_deltas(self, arc_ids: np.ndarray, cells: Cells, n: int) -> np.ndarray:
        """Change of CO2 (kg/t) of arcs ``arc_ids`` from their file values (arcs x draws): a link's CO2 follows its
        drawn distance; a vessel-priced sea arc's also the intensity of the class chosen in the draw."""
        arc_ids = np.asarray(arc_ids, dtype=np.int64)
        out = np.zeros((len(arc_ids), n))
        vessel = self.is_vessel[arc_ids]
        plain = self.is_link[arc_ids] & ~vessel
        if plain.any():
            a = arc_ids[plain]
            d0 = self.base[DISTANCE][a, None]
            d = self._inputs(a, cells, n)(DISTANCE)
            out[plain] = self.base_co2[a, None] * (d / np.where(d0 > 0, d0, 1.0)) - self.base_co2[a, None]
        if vessel.any():
            a = arc_ids[vessel]
            get = self._inputs(a, cells, n)
            d = get(DISTANCE)
            _, _, best = self._sea(a, d, get(FIXED), cells, n)
            own = self.own_co2[a, None]
            intensity = np.where(np.isfinite(own), own, self.class_co2[best])
            out[vessel] = costs.co2_kg_per_t(d, intensity) - self.base_co2[a, None]
        return out

    def carbon_prices(self, x: np.ndarray, base: float) -> np.ndarray:
        """The carbon price in each column of ``x`` (the case's ``base``, set or scaled by entries on the settings;
        NaN leaves it)."""
        out = np.full(x.shape[1], float(base))
        for i, how in self.carbon_actions:
            xi = x[i]
            out = np.where(np.isnan(xi), out, xi if how == "value" else out * xi)
        return out

    # ----- whole graph ---------------------------------------------------------------------------------
    def base_weights(self, vot: float, carbon: float = 0.0) -> np.ndarray:
        """Generalized cost of every arc at the file values."""
        return self.graph.weights(vot, carbon)

    def weights(self, x: np.ndarray, vot: float, carbon: float = 0.0) -> np.ndarray:
        """Generalized cost of every arc (arcs x draws) for entry values ``x``, with the case's own carbon price
        ``carbon`` (moved by entries on the settings)."""
        n = x.shape[1]
        prices = self.carbon_prices(x, carbon)
        w = np.repeat(self.base_weights(vot)[:, None], n, axis=1)
        if prices.any():
            w += costs.carbon_usd_per_t(self.base_co2[:, None], prices[None, :])
        if len(self.var_arcs):
            cells = self.cells(x)
            dm, dd = self.deltas(self.var_arcs, cells, n)
            w[self.var_arcs] += costs.generalized(dm, dd, vot)
            if prices.any():
                w[self.var_arcs] += costs.carbon_usd_per_t(self.co2_deltas(self.var_arcs, cells, n), prices[None, :])
        return w

    def graph_with_weights(self, w: np.ndarray) -> RoutingGraph:
        """A copy of the graph whose arcs cost ``w`` (one draw) and take no time, for the k-shortest search."""
        return replace(self.graph, arcs=self.graph.arcs.assign(usd_per_t=w, hours=0.0))


@dataclass
class RouteSet:
    """Candidate routes of one case, priced for blocks of draws.

    ``money`` and ``days`` are the routes' totals at the file values (as the deterministic run computes them).
    """

    pricer: ArcPricer
    arc_lists: list[list[int]]
    money: np.ndarray
    days: np.ndarray
    vot: float
    co2: np.ndarray | None = None  # kg/t at the file values (needed with a carbon price)
    carbon: float = 0.0  # the case's carbon price, USD/t CO2

    def __post_init__(self) -> None:
        var = set(self.pricer.var_arcs.tolist())
        used = sorted({a for arcs in self.arc_lists for a in arcs if a in var})
        self.used = np.array(used, dtype=np.int64)
        row = {a: j for j, a in enumerate(used)}
        self.route_rows = [[row[a] for a in arcs if a in row] for arcs in self.arc_lists]

    def price(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Money (USD/t) and days of every route (routes x draws) for entry values ``x`` (entries x draws)."""
        n = x.shape[1]
        money = np.empty((len(self.arc_lists), n))
        days = np.empty_like(money)
        if len(self.used):
            dm, dd = self.pricer.deltas(self.used, self.pricer.cells(x), n)
        for r, rows in enumerate(self.route_rows):
            if not rows:
                money[r] = self.money[r]
                days[r] = self.days[r]
                continue
            sm, sd = dm[rows[0]].copy(), dd[rows[0]].copy()
            for j in rows[1:]:
                sm += dm[j]
                sd += dd[j]
            money[r] = self.money[r] + sm
            days[r] = self.days[r] + sd
        return money, days

    def route_co2(self, x: np.ndarray) -> np.ndarray:
        """CO2 (kg/t) of every route (routes x draws) for entry values ``x``."""
        n = x.shape[1]
        base = self.co2 if self.co2 is not None else np.array([self.pricer.base_co2[a].sum() for a in self.arc_lists])
        out = np.repeat(base[:, None], n, axis=1)
        if len(self.used):
            dc = self.pricer.co2_deltas(self.used, self.pricer.cells(x), n)
            for r, rows in enumerate(self.route_rows):
                for j in rows:
                    out[r] += dc[j]
        return out

    def generalized(self, money: np.ndarray, days: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Generalized cost (routes x draws) from the routes' money and days (:meth:`price`) for entry values ``x``,
        which also set the carbon price and the CO2 where a carbon price applies."""
        out = costs.generalized(money, days, self.vot)
        prices = self.pricer.carbon_prices(x, self.carbon)
        if prices.any():
            out = out + costs.carbon_usd_per_t(self.route_co2(x), prices[None, :])
        return out
