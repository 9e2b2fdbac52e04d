"""Expansion of a Network into the routing graph.

Each physical node becomes one *state* per mode it serves (``rail1520``, ``rail1435``, ``road``, ``sea``).
Links join states of one mode; a transfer row is an arc between two states of one node, so a route pays
for a break of gauge, a port or a truck-to-rail terminal exactly where it changes mode. Loading at an
origin and unloading at a destination (pseudo-mode ``stock``) are arcs from a *load* state and into an
*unload* state, which no route can pass through.

The arcs are kept as numpy arrays (money, time, CO2, distance, capacity) so that solvers can price
them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .errors import InputError
from .network import Network

LOAD = "stock>"  # state a route starts from at an origin with loading rows
UNLOAD = ">stock"  # state a route ends in at a destination with unloading rows


@dataclass(frozen=True)
class RoutingGraph:
    """States and arcs of the routing graph.

    Attributes
    ----------
    states : list of (node, mode)
        ``mode`` is a network mode, or ``LOAD``/``UNLOAD`` for the stock pseudo-mode.
    arcs : pandas.DataFrame
        One row per arc: ``tail``, ``head`` (state numbers), ``kind`` (link or transfer), ``ref`` (link or
        transfer id), ``node`` (the node entered, or where the transfer is), ``from_node``, ``mode``,
        ``country`` (who charges it), ``component`` (rail, road, sea or transfer), ``usd_per_t`` (the link or
        transfer charge), ``pass_usd_per_t`` and ``pass_hours`` (charges of the node entered by a link),
        ``hours``, ``distance_km``, ``co2_kg_per_t``, ``vessel_class`` (the ship class of a sea link priced
        by vessel class, else empty).
    lot_t : float or None
        The lot the sea links priced by vessel class were priced for (see :func:`build_graph`).
    """

    network: Network
    states: list[tuple[str, str]]
    arcs: pd.DataFrame
    lot_t: float | None = None

    @property
    def state_index(self) -> dict[tuple[str, str], int]:
        return {s: i for i, s in enumerate(self.states)}

    def money(self) -> np.ndarray:
        """Money cost per tonne of each arc, pass charge of the node entered included."""
        return self.arcs["usd_per_t"].to_numpy() + self.arcs["pass_usd_per_t"].to_numpy()

    def days(self) -> np.ndarray:
        """Time of each arc in days, pass time of the node entered included."""
        return (self.arcs["hours"].to_numpy() + self.arcs["pass_hours"].to_numpy()) / 24.0

    def origin_states(self, node: str) -> list[int]:
        """States a route from ``node`` may start in: its load state if it has loading rows, else all."""
        return self._end_states(node, LOAD)

    def destination_states(self, node: str) -> list[int]:
        """States a route to ``node`` may end in: its unload state if it has unloading rows, else all."""
        return self._end_states(node, UNLOAD)

    def _end_states(self, node: str, stock_state: str) -> list[int]:
        idx = self.state_index
        if (node, stock_state) in idx:
            return [idx[(node, stock_state)]]
        return [i for i, (n, m) in enumerate(self.states) if n == node and m in schema.MODES]


def _link_prices(net: Network, lot_t: float | None):
    """Each link's money (USD/t), hours, CO2 rate (g/t-km, NaN = default by mode) and vessel class."""
    lk = net.links.reset_index()
    usd = lk["distance_km"] * lk["tariff_usd_per_tkm"] + lk["fixed_usd_per_t"]
    hours = lk["distance_km"] / lk["speed_km_per_day"] * 24.0
    co2_rate = lk["co2_g_per_tkm"].copy()
    vessel = pd.Series("", index=lk.index, dtype=object)
    if len(net.vessels) and (lk["mode"].eq("sea") & lk["tariff_usd_per_tkm"].isna()).any():
        from .sea import price_sea_links

        sea = price_sea_links(net, lot_t)
        on = lk["id"].isin(sea.index).to_numpy() if len(sea) else np.zeros(len(lk), dtype=bool)
        ids = lk.loc[on, "id"]
        usd[on] = sea.loc[ids, "usd_per_t"].to_numpy()
        hours[on] = sea.loc[ids, "hours"].to_numpy()
        co2_rate[on] = co2_rate[on].fillna(pd.Series(sea.loc[ids, "co2_g_per_tkm"].to_numpy(), index=ids.index))
        vessel[on] = sea.loc[ids, "vessel_class"].to_numpy()
    return lk, usd, hours, co2_rate, vessel


def price_problems(net: Network, *, lot_t: float | None = None) -> list[str]:
    """Links that cannot be priced (after a case's changes): a sea link no vessel class can sail, a link with a
    tariff but no speed, a cost or time that is not a finite number. Empty when all is well."""
    lk, usd, hours, _, _ = _link_prices(net, lot_t)
    return _unpriced(net, lk, usd, hours)


def _unpriced(net: Network, lk: pd.DataFrame, usd: pd.Series, hours: pd.Series) -> list[str]:
    """The problems :func:`price_problems` reports, from prices already computed."""
    by_reason: dict[str, list[str]] = {}
    for lid, mode, tariff, speed, u, h in zip(lk["id"], lk["mode"], lk["tariff_usd_per_tkm"], lk["speed_km_per_day"],
                                             usd, hours):
        if np.isfinite(u) and np.isfinite(h):
            continue
        if np.isnan(tariff) and mode == "sea":
            why = ("no vessel class in vessels.csv fits both ports" if len(net.vessels)
                   else "no tariff, and the network has no vessels.csv")
        elif np.isnan(tariff):
            why = "tariff_usd_per_tkm is blank"
        elif np.isnan(speed):
            why = "a tariff but no speed_km_per_day"
        else:
            why = "cost or time is not a finite number"
        by_reason.setdefault(why, []).append(lid)
    return [f"{len(ids)} link{'s' if len(ids) > 1 else ''} cannot be priced ({why}): {', '.join(ids)}"
            for why, ids in by_reason.items()]


def build_graph(net: Network, *, lot_t: float | None = None) -> RoutingGraph:
    """Expand ``net`` into its routing graph (see the module docstring).

    Parameters
    ----------
    lot_t : float, optional
        The shipment's size in tonnes. Sea links priced by vessel class (blank tariff, see
        :mod:`corridor.sea`) cost what a lot of this size pays; without it, what full ships pay.
    """
    nodes, links, transfers = net.nodes, net.links, net.transfers
    lk, usd, hours, co2_rate, vessel = _link_prices(net, lot_t)  # priced once, checked here
    problems = _unpriced(net, lk, usd, hours)
    if problems:
        raise InputError(problems)
    co2 = co2_rate.fillna(lk["mode"].map(schema.DEFAULT_CO2_G_PER_TKM))
    base = pd.DataFrame({
        "kind": "link", "ref": lk["id"], "mode": lk["mode"], "country": lk["country"],
        "component": lk["mode"].map(schema.MODE_COMPONENT), "usd_per_t": usd, "hours": hours,
        "distance_km": lk["distance_km"], "co2_kg_per_t": lk["distance_km"] * co2 / 1000.0,
        "capacity_mt_per_year": lk["capacity_mt_per_year"], "vessel_class": vessel,
    })
    forward = base.assign(from_node=lk["from"], node=lk["to"])
    backward = base[lk["both_ways"].to_numpy()].assign(from_node=lk["from"], node=lk["to"])
    backward = backward.assign(from_node=backward["node"], node=lk.loc[lk["both_ways"], "from"])
    link_arcs = pd.concat([forward, backward], ignore_index=True)
    link_arcs["tail_mode"] = link_arcs["mode"]
    link_arcs["head_mode"] = link_arcs["mode"]
    link_arcs["pass_usd_per_t"] = nodes.loc[link_arcs["node"], "pass_usd_per_t"].to_numpy()
    link_arcs["pass_hours"] = nodes.loc[link_arcs["node"], "pass_hours"].to_numpy()

    tr = transfers.reset_index()
    transfer_arcs = pd.DataFrame({
        "kind": "transfer", "ref": tr["id"], "mode": tr["from_mode"] + ">" + tr["to_mode"],
        "country": nodes.loc[tr["node"], "country"].to_numpy(), "component": "transfer",
        "usd_per_t": tr["cost_usd_per_t"], "hours": tr["dwell_hours"], "distance_km": 0.0, "co2_kg_per_t": 0.0,
        "capacity_mt_per_year": tr["capacity_mt_per_year"], "from_node": tr["node"], "node": tr["node"],
        "tail_mode": tr["from_mode"].replace(schema.STOCK, LOAD), "head_mode": tr["to_mode"].replace(schema.STOCK, UNLOAD),
        "pass_usd_per_t": 0.0, "pass_hours": 0.0, "vessel_class": "",
    })
    arcs = pd.concat([link_arcs, transfer_arcs], ignore_index=True) if len(transfer_arcs) else link_arcs
    tails = list(zip(arcs["from_node"], arcs["tail_mode"]))
    heads = list(zip(arcs["node"], arcs["head_mode"]))
    states = list(dict.fromkeys(tails + heads))
    index = {s: i for i, s in enumerate(states)}
    arcs.insert(0, "head", np.fromiter((index[h] for h in heads), dtype=np.int64, count=len(heads)))
    arcs.insert(0, "tail", np.fromiter((index[t] for t in tails), dtype=np.int64, count=len(tails)))
    arcs = arcs.drop(columns=["tail_mode", "head_mode"])
    for col in ("usd_per_t", "hours", "distance_km", "co2_kg_per_t", "pass_usd_per_t", "pass_hours",
                "capacity_mt_per_year"):
        arcs[col] = arcs[col].astype(float)
    return RoutingGraph(network=net, states=states, arcs=arcs, lot_t=lot_t)
