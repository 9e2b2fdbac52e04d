"""Expansion of a Network into the routing graph.

Each physical node becomes *states*, one pair per mode it serves (``rail1520``, ``rail1435``, ``road``, ``sea``):

- ``(node, mode, "in")``: arrived by a link of that mode;
- ``(node, mode, "out")``: ready to leave by a link of that mode.

Arcs (one row each in :attr:`RoutingGraph.arcs`, priced by :mod:`corridor.costs`):

- a **link** joins ``(a, mode, out)`` to ``(b, mode, in)`` (and back, if ``both_ways``);
- a **pass** joins ``(n, mode, in)`` to ``(n, mode, out)`` and carries the node's pass charge and time, so only a
  route that passes *through* a node pays them: a route starts in its origin's ``out`` states and ends in its
  destination's ``in`` states;
- a **transfer** row (a break of gauge, a port, a truck-to-rail terminal) joins ``(n, from, in)`` to ``(n, to, in)``,
  so a route pays for changing mode exactly where it happens, before the pass; loading at an origin (``stock`` ->
  mode) starts from the node's ``load`` state into ``(n, mode, out)``, unloading at a destination (mode -> ``stock``)
  goes from ``(n, mode, in)`` into its ``unload`` state. No arc leaves an ``unload`` state or enters a ``load`` one,
  so no route passes through them.

With transit regimes (``regimes.csv``) every state also carries a ``regime`` (the layer of the country of its node:
``export``, ``import`` or a regime id) and a ``cargo`` (the origin country of the cargo), and **regime** arcs carry
flat transit charges: see :mod:`corridor.layers`. Without them both labels are empty and the graph is as above.

The arcs are kept as a DataFrame of numpy columns (money, time, CO2, distance, capacity) so that solvers can price
them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd

from . import costs, layers, schema
from .errors import InputError
from .network import Network
from .provenance import estimated

IN, OUT, LOAD, UNLOAD, ENTRY = "in", "out", "load", "unload", layers.ENTRY
ARC_KINDS = ("link", "pass", "transfer", "regime")


class State(NamedTuple):
    """A state of the routing graph: a node, a mode (or ``stock``), a side (in, out, load, unload, entry), and with
    transit regimes the layer (``regime``: export, import or a regime id) and the cargo's origin country."""

    node: str
    mode: str
    side: str
    regime: str = ""
    cargo: str = ""


@dataclass(frozen=True)
class RoutingGraph:
    """States and arcs of the routing graph (see the module docstring).

    Attributes
    ----------
    network : Network
        The network it was built from.
    states : list of State
    arcs : pandas.DataFrame
        One row per arc: ``tail``, ``head`` (state numbers), ``kind`` (link, pass, transfer or regime), ``ref``
        (link id, node id, transfer id or regime id), ``node`` (the node entered, passed or where the transfer is),
        ``from_node``, ``mode`` (a transfer's ``from>to``), ``country`` (who charges it), ``component`` (rail, road,
        sea, border or transfer), ``usd_per_t``, ``hours``, ``distance_km``, ``co2_kg_per_t``,
        ``capacity_mt_per_year`` (links and transfers), ``vessel_class`` (the ship class of a sea link priced by
        vessel class, else empty), ``regime`` (the layer under which the arc is charged; empty without regimes and
        on sea legs), ``priced_by`` (the regime whose basis sets its money, else empty) and
        ``estimated_usd_per_t`` (the part of its money resting on estimates, see :mod:`corridor.costs`).
    lot_t : float or None
        The lot the sea links priced by vessel class were priced for (see :func:`build_graph`).
    rows : ndarray or None
        For each arc, the position of the row it comes from in its network table (links, transfers or nodes), so
        that a network with other numbers can re-price the same arcs (:func:`build_graph` with ``like``); None with
        transit regimes (layers), -1 for a regime arc.
    cargos : tuple of str
        The origin countries whose layers the graph holds (empty without regimes).
    """

    network: Network
    states: list[State]
    arcs: pd.DataFrame
    lot_t: float | None = None
    cargos: tuple[str, ...] = ()
    rows: np.ndarray | None = None

    @cached_property
    def state_index(self) -> dict[State, int]:
        return {s: i for i, s in enumerate(self.states)}

    @cached_property
    def arc_ends(self) -> tuple[list[int], list[int]]:
        """Tail and head state of every arc, as plain lists (for loops that walk the graph arc by arc)."""
        return self.arcs["tail"].tolist(), self.arcs["head"].tolist()

    @cached_property
    def _columns(self) -> dict[str, np.ndarray]:
        return {}

    def column(self, name: str) -> np.ndarray:
        """One column of :attr:`arcs` as a numpy array, read once (code that looks at a few arcs many times)."""
        cols = self._columns
        if name not in cols:
            cols[name] = self.arcs[name].to_numpy()
        return cols[name]

    def money(self) -> np.ndarray:
        """Money cost per tonne of each arc."""
        return self.arcs["usd_per_t"].to_numpy()

    def days(self) -> np.ndarray:
        """Time of each arc in days."""
        return costs.days(self.arcs["hours"].to_numpy())

    def co2(self) -> np.ndarray:
        """CO2 of each arc in kg per tonne of cargo."""
        return self.arcs["co2_kg_per_t"].to_numpy()

    def weights(self, value_of_time_usd_per_t_day: float, carbon_price_usd_per_t_co2: float = 0.0) -> np.ndarray:
        """Generalized cost per tonne of each arc (money + value of time x days + carbon price x CO2)."""
        return costs.generalized(self.money(), self.days(), value_of_time_usd_per_t_day, self.co2(),
                                 carbon_price_usd_per_t_co2)

    def origin_states(self, node: str) -> list[int]:
        """States a route from ``node`` may start in: its load state if it has loading rows, else its out states
        (with regimes: in the export layer of the cargo from the node's country).

        Raises
        ------
        ValueError
            if the graph holds no layers for cargo from the node's country (see :func:`build_graph`'s ``origins``).
        """
        if not self.cargos:
            return self._end_states(node, LOAD, OUT, "", "")
        cargo = self.network.nodes.at[node, "country"]
        if cargo not in self.cargos:
            raise ValueError(f"the routing graph was built for cargo from {', '.join(self.cargos)}, not from {cargo} "
                             f"({node}): build it with origins=[{node!r}]")
        return self._end_states(node, LOAD, OUT, layers.EXPORT, cargo)

    def destination_states(self, node: str) -> list[int]:
        """States a route to ``node`` may end in: its unload state if it has unloading rows, else its in states
        (with regimes: in the import layer of the node's country, or the export layer for cargo from that country,
        and in the layer of each transit regime that lists the node as an exit; for each origin country the graph
        holds)."""
        if not self.cargos:
            return self._end_states(node, UNLOAD, IN, "", "")
        country = self.network.nodes.at[node, "country"]
        out = []
        for cargo in self.cargos:
            ends = [layers.EXPORT] if cargo == country else [layers.IMPORT, *layers.exit_regimes(self.network, cargo,
                                                                                                   node)]
            for regime in ends:
                out += self._end_states(node, UNLOAD, IN, regime, cargo)
        return out

    def _end_states(self, node: str, stock_side: str, side: str, regime: str, cargo: str) -> list[int]:
        idx = self.state_index
        stock = State(node, schema.STOCK, stock_side, regime, cargo)
        if stock in idx:
            return [idx[stock]]
        return [i for i, s in enumerate(self.states)
                if s.node == node and s.side == side and s.regime == regime and s.cargo == cargo]


def build_graph(net: Network, *, lot_t: float | None = None, origins=None,
                like: RoutingGraph | None = None) -> RoutingGraph:
    """Expand ``net`` into its routing graph (see the module docstring).

    Parameters
    ----------
    lot_t : float, optional
        The shipment's size in tonnes. Sea links priced by vessel class (blank tariff, see
        :mod:`corridor.sea`) cost what a lot of this size pays; without it, what full ships pay.
    origins : str or list of str, optional
        With transit regimes: the nodes the cargo starts from; the graph holds the layers of their countries
        (:mod:`corridor.layers`). Default: every country of the network (any node may then be an origin).
    like : RoutingGraph, optional
        The graph of a network with the same rows (a case that changes numbers only, not what is open): its states
        and arcs are reused and only the arcs' numbers are taken from ``net`` (the same graph as a full build, bit
        for bit, in a fraction of the time). Ignored when the rows differ (a case that closes something) or the
        cargos (``origins``' countries, with transit regimes) differ.

    Raises
    ------
    InputError
        if a link cannot be priced (see :func:`corridor.costs.price_problems`).
    """
    nodes, links, transfers = net.nodes, net.links, net.transfers
    prices = costs.price_links(net, lot_t)  # priced once, checked here
    problems = costs.price_problems(net, prices=prices)
    if problems:
        raise InputError(problems)
    cargos = tuple(layers.cargo_countries(net, origins)) if net.has_regimes else ()
    if like is not None and like.rows is not None and like.cargos == cargos and same_rows(like.network, net):
        return _repriced(like, net, prices, lot_t)
    lk = links.reset_index()
    pr = prices.reset_index(drop=True)
    base = pd.DataFrame({
        "kind": "link", "ref": lk["id"], "mode": lk["mode"], "country": lk["country"],
        "component": lk["mode"].map(schema.MODE_COMPONENT), "usd_per_t": pr["usd_per_t"], "hours": pr["hours"],
        "distance_km": lk["distance_km"], "co2_kg_per_t": costs.co2_kg_per_t(lk["distance_km"], pr["co2_g_per_tkm"]),
        "capacity_mt_per_year": lk["capacity_mt_per_year"], "vessel_class": pr["vessel_class"],
        "estimated_usd_per_t": pr["estimated_usd_per_t"],
    })
    both = lk["both_ways"].to_numpy(dtype=bool)
    forward = base.assign(from_node=lk["from"].to_numpy(), node=lk["to"].to_numpy())
    backward = base[both].assign(from_node=lk.loc[both, "to"].to_numpy(), node=lk.loc[both, "from"].to_numpy())
    link_arcs = pd.concat([forward, backward], ignore_index=True)
    link_arcs["tail_side"], link_arcs["head_side"] = OUT, IN
    link_arcs["tail_mode"] = link_arcs["head_mode"] = link_arcs["mode"]

    tr = transfers.reset_index()
    tr_est = estimated(net, "transfers")["cost_usd_per_t"].to_numpy()
    from_stock, to_stock = tr["from_mode"].eq(schema.STOCK), tr["to_mode"].eq(schema.STOCK)
    transfer_arcs = pd.DataFrame({
        "kind": "transfer", "ref": tr["id"], "mode": tr["from_mode"] + ">" + tr["to_mode"],
        "country": nodes.loc[tr["node"], "country"].to_numpy(), "component": "transfer",
        "usd_per_t": tr["cost_usd_per_t"], "hours": tr["dwell_hours"], "distance_km": 0.0, "co2_kg_per_t": 0.0,
        "capacity_mt_per_year": tr["capacity_mt_per_year"], "vessel_class": "", "from_node": tr["node"],
        "node": tr["node"], "tail_mode": tr["from_mode"], "head_mode": tr["to_mode"],
        "tail_side": np.where(from_stock, LOAD, IN),
        "head_side": np.where(from_stock, OUT, np.where(to_stock, UNLOAD, IN)),
        "estimated_usd_per_t": costs.estimated_part(tr["cost_usd_per_t"].to_numpy(float), tr_est),
    })

    # one pass arc for every (node, mode) a link or transfer touches
    touched = pd.concat([link_arcs[["from_node", "mode"]].set_axis(["node", "mode"], axis=1),
                         link_arcs[["node", "mode"]],
                         transfer_arcs[["node", "tail_mode"]].set_axis(["node", "mode"], axis=1),
                         transfer_arcs[["node", "head_mode"]].set_axis(["node", "mode"], axis=1)])
    touched = touched[touched["mode"] != schema.STOCK].drop_duplicates()
    here = nodes.loc[touched["node"]]
    pass_arcs = pd.DataFrame({
        "kind": "pass", "ref": touched["node"].to_numpy(), "mode": touched["mode"].to_numpy(),
        "country": here["country"].to_numpy(), "component": "border",
        "usd_per_t": here["pass_usd_per_t"].to_numpy(float), "hours": here["pass_hours"].to_numpy(float),
        "distance_km": 0.0, "co2_kg_per_t": 0.0, "capacity_mt_per_year": np.nan, "vessel_class": "",
        "from_node": touched["node"].to_numpy(), "node": touched["node"].to_numpy(),
        "tail_mode": touched["mode"].to_numpy(), "head_mode": touched["mode"].to_numpy(), "tail_side": IN,
        "head_side": OUT,
        "estimated_usd_per_t": costs.estimated_part(
            here["pass_usd_per_t"].to_numpy(float),
            estimated(net, "nodes")["pass_usd_per_t"].reindex(touched["node"]).to_numpy(bool)),
    })

    rows = np.concatenate([np.arange(len(lk)), np.flatnonzero(both), np.arange(len(tr)),
                           nodes.index.get_indexer(touched["node"])]).astype(np.int64)
    arcs = pd.concat([a for a in (link_arcs, transfer_arcs, pass_arcs) if len(a)], ignore_index=True)
    if net.has_regimes:
        arcs["row_"] = rows  # carried into the layers (regime arcs have none: -1)
        arcs = layers.expand(net, arcs, list(cargos))
        rows = arcs.pop("row_").fillna(-1).to_numpy().astype(np.int64)
    else:
        arcs["tail_layer"] = arcs["head_layer"] = arcs["cargo"] = arcs["regime"] = arcs["priced_by"] = ""
    tails = [State(*t) for t in zip(arcs["from_node"], arcs["tail_mode"], arcs["tail_side"], arcs["tail_layer"],
                                    arcs["cargo"])]
    heads = [State(*h) for h in zip(arcs["node"], arcs["head_mode"], arcs["head_side"], arcs["head_layer"],
                                    arcs["cargo"])]
    states = list(dict.fromkeys(tails + heads))
    index = {s: i for i, s in enumerate(states)}
    arcs.insert(0, "head", np.fromiter((index[h] for h in heads), dtype=np.int64, count=len(heads)))
    arcs.insert(0, "tail", np.fromiter((index[t] for t in tails), dtype=np.int64, count=len(tails)))
    arcs = arcs.drop(columns=["tail_mode", "head_mode", "tail_side", "head_side", "tail_layer", "head_layer",
                              "cargo"])
    for col in ("usd_per_t", "hours", "distance_km", "co2_kg_per_t", "capacity_mt_per_year", "estimated_usd_per_t"):
        arcs[col] = arcs[col].astype(float)
    arcs["vessel_class"] = arcs["vessel_class"].fillna("").astype(object)
    arcs["regime"] = arcs["regime"].fillna("").astype(object)
    arcs["priced_by"] = arcs["priced_by"].fillna("").astype(object)
    return RoutingGraph(network=net, states=states, arcs=arcs, lot_t=lot_t, cargos=cargos,
                        rows=rows)


_STRUCTURE = {"nodes": ["country"], "links": ["from", "to", "mode", "both_ways"],
              "transfers": ["node", "from_mode", "to_mode"],
              "regimes": ["country", "origin_country", "exits", "modes", "basis"]}


def same_rows(a: Network, b: Network) -> bool:
    """Whether two networks have the same nodes, links, transfers and transit regimes in the same order, joined the
    same way (only numbers may differ): then their routing graphs have the same states and arcs."""
    if a is b:
        return True
    for table, cols in _STRUCTURE.items():
        x, y = getattr(a, table), getattr(b, table)
        if not x.index.equals(y.index) or not x[cols].equals(y[cols]):
            return False
    return True


def _repriced(like: RoutingGraph, net: Network, prices: pd.DataFrame, lot_t: float | None) -> RoutingGraph:
    """``like``'s states and arcs with the numbers of ``net`` (same rows): as :func:`build_graph` computes them."""
    arcs = like.arcs
    kind, rows = arcs["kind"].to_numpy(), like.rows
    assert rows is not None
    n = len(arcs)
    usd, hours, dist, co2, est = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    cap = np.full(n, np.nan)
    vessel = np.full(n, "", dtype=object)
    link, tr, ps = kind == "link", kind == "transfer", kind == "pass"
    lk, r = net.links, rows[link]
    usd[link] = prices["usd_per_t"].to_numpy(float)[r]
    hours[link] = prices["hours"].to_numpy(float)[r]
    dist[link] = lk["distance_km"].to_numpy(float)[r]
    co2[link] = costs.co2_kg_per_t(lk["distance_km"], prices["co2_g_per_tkm"]).to_numpy(float)[r]
    cap[link] = lk["capacity_mt_per_year"].to_numpy(float)[r]
    vessel[link] = prices["vessel_class"].fillna("").to_numpy(object)[r]
    est[link] = prices["estimated_usd_per_t"].to_numpy(float)[r]
    t, r = net.transfers, rows[tr]
    usd[tr] = t["cost_usd_per_t"].to_numpy(float)[r]
    hours[tr] = t["dwell_hours"].to_numpy(float)[r]
    cap[tr] = t["capacity_mt_per_year"].to_numpy(float)[r]
    est[tr] = costs.estimated_part(t["cost_usd_per_t"].to_numpy(float),
                                   estimated(net, "transfers")["cost_usd_per_t"].to_numpy(bool))[r]
    nd, r = net.nodes, rows[ps]
    usd[ps] = nd["pass_usd_per_t"].to_numpy(float)[r]
    hours[ps] = nd["pass_hours"].to_numpy(float)[r]
    est[ps] = costs.estimated_part(nd["pass_usd_per_t"].to_numpy(float),
                                   estimated(net, "nodes")["pass_usd_per_t"].to_numpy(bool))[r]
    if like.cargos:  # layers: links priced by a regime's basis, regime arcs by its flat charge
        by = link & (arcs["priced_by"].to_numpy() != "")
        usd[by], est[by] = layers.regime_link_prices(net, rows[by], arcs["priced_by"].to_numpy()[by])
        flat = kind == "regime"
        usd[flat], est[flat] = layers.flat_prices(net, arcs["ref"].to_numpy()[flat])
    arcs = arcs.assign(usd_per_t=usd, hours=hours, distance_km=dist, co2_kg_per_t=co2, capacity_mt_per_year=cap,
                       estimated_usd_per_t=est)
    arcs["vessel_class"] = pd.Series(vessel, index=arcs.index, dtype=object)
    return RoutingGraph(network=net, states=like.states, arcs=arcs, lot_t=lot_t, cargos=like.cargos, rows=rows)
