"""What a route is: its legs in order, the nodes it passes, the key nodes that tell it apart, its label, its
gateways (border crossings and export port) and corridor, and the totals row of a shipment's route."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import costs
from .graph import RoutingGraph

if TYPE_CHECKING:
    from .case import Case

LEG_COLUMNS = ["kind", "id", "from", "to", "node", "mode", "country", "component", "distance_km", "usd_per_t", "days",
               "co2_kg_per_t", "vessel_class", "regime", "estimated_usd_per_t"]


def route_legs(graph: RoutingGraph, arcs: list[int]) -> pd.DataFrame:
    """One row per leg of a route: links, transfers, and the pass charges of the nodes it passes through.

    Columns: ``kind`` (link, transfer, pass, or regime: a flat transit charge), ``id``, ``from``, ``to``, ``node``
    (where a step happens), ``mode``, ``country``, ``component``, ``distance_km``, ``usd_per_t``, ``days``,
    ``co2_kg_per_t``, ``vessel_class`` (sea links priced by vessel class, else empty) and ``regime`` (the layer
    under which the leg is charged: export, import or a transit regime id; empty without regimes and on sea legs)
    and ``estimated_usd_per_t`` (the part of its money resting on estimates, see :mod:`corridor.costs`).
    Money, days and CO2 summed over the rows give the route's totals.
    A pass with neither charge nor time is left out; a node's pass charge is listed on arrival, before the transfers
    made there (the border formalities come before the transloading).
    """
    sel = graph.arcs.iloc[list(arcs)]
    kind = sel["kind"].to_numpy()
    is_link, is_pass = kind == "link", kind == "pass"
    legs = pd.DataFrame({
        "kind": kind, "id": sel["ref"].to_numpy(),
        "from": np.where(is_link, sel["from_node"].to_numpy(), sel["node"].to_numpy()), "to": sel["node"].to_numpy(),
        "node": sel["node"].to_numpy(), "mode": np.where(is_pass, "", sel["mode"].to_numpy()),
        "country": sel["country"].to_numpy(), "component": sel["component"].to_numpy(),
        "distance_km": sel["distance_km"].to_numpy(), "usd_per_t": sel["usd_per_t"].to_numpy(),
        "days": costs.days(sel["hours"].to_numpy()), "co2_kg_per_t": sel["co2_kg_per_t"].to_numpy(),
        "vessel_class": np.where(is_link, sel["vessel_class"].to_numpy(), ""),
        "regime": sel["regime"].to_numpy(),
        "estimated_usd_per_t": sel["estimated_usd_per_t"].to_numpy(),
    })
    keep = ~is_pass | (legs["usd_per_t"].to_numpy() > 0) | (legs["days"].to_numpy() > 0)
    legs = legs[keep].reset_index(drop=True)
    order = np.arange(len(legs), dtype=float)
    k, node = legs["kind"].to_numpy(), legs["node"].to_numpy()
    for i in np.flatnonzero(k == "pass"):
        j = i
        while j > 0 and k[j - 1] == "transfer" and node[j - 1] == node[i]:
            j -= 1
        order[i] = j - 0.5
    return legs.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def route_regimes(graph: RoutingGraph, arcs: list[int]) -> dict[str, str]:
    """The layer a route crosses each country in, in the order it enters them: ``{"MN": "export", "RU":
    "ru_mn_transit", "KP": "import"}`` (empty without transit regimes). A country entered twice in different layers
    lists both, separated by ';'."""
    if not graph.cargos or not arcs:
        return {}
    states, country = graph.states, graph.network.nodes["country"]
    heads, tails = graph.arcs["head"].to_numpy(), graph.arcs["tail"].to_numpy()
    out: dict[str, str] = {}
    for s in [states[int(tails[arcs[0]])], *(states[int(heads[a])] for a in arcs)]:
        c = country[s.node]
        if c not in out:
            out[c] = s.regime
        elif s.regime not in out[c].split(";"):
            out[c] += ";" + s.regime
    return out


def regimes_text(regimes: dict[str, str]) -> str:
    """A route's regimes in one line: ``MN export, RU ru_mn_transit, KP import``."""
    return ", ".join(f"{c} {r}" for c, r in regimes.items())


def route_nodes(legs: pd.DataFrame) -> list[str]:
    """Physical node ids of a route in order, each once."""
    out = [legs["from"].iloc[0]]
    for n in legs["to"]:
        if n != out[-1]:
            out.append(n)
    return out


def key_nodes(legs: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:
    """The nodes that tell a route apart: origin, where the country or mode changes, ports, destination."""
    seq = route_nodes(legs)
    transfers = set(legs.loc[legs["kind"] == "transfer", "node"])
    kind, country = nodes["kind"], nodes["country"]
    keep = [seq[0]]
    for prev, node in itertools.pairwise(seq):
        if node in transfers or kind[node] == "port" or country[node] != country[prev]:
            keep.append(node)
    if keep[-1] != seq[-1]:
        keep.append(seq[-1])
    return keep


def short_name(name: str) -> str:
    """A node's name without its parenthesised detail: 'Rajin port (pier 3)' -> 'Rajin port'."""
    return name.split(" (", 1)[0].strip()


def route_label(keys: list[str], nodes: pd.DataFrame) -> str:
    """A route as a chain of its key nodes' short names: 'Sharyn Gol mine › Erenhot › Tianjin port › Pohang'."""
    names = nodes["name"]
    return " › ".join(short_name(names[n]) for n in keys)


def route_port(legs: pd.DataFrame) -> str | None:
    """The node where a route is loaded onto a ship (its first transfer to sea), None without one."""
    modes = legs["mode"].astype(str)
    hit = legs[(legs["kind"] == "transfer") & modes.str.endswith(">sea")]
    return str(hit["node"].iloc[0]) if len(hit) else None


def crossing_name(nodes: pd.DataFrame, a: str, b: str) -> str:
    """``"Zamyn-Uud – Erenhot"``."""
    return f"{short_name(nodes.at[a, 'name'])} – {short_name(nodes.at[b, 'name'])}"


def route_gateways(legs: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:
    """The gateways a route uses in order, in words: its crossings (``"Sukhbaatar – Naushki"``) and its export port
    (``"Rajin port"``)."""
    out = [crossing_name(nodes, a, b) for a, b in route_crossings(legs, nodes)]
    port = route_port(legs)
    if port is not None:
        out.append(short_name(nodes.at[port, "name"]))
    return out


def route_crossings(legs: pd.DataFrame, nodes: pd.DataFrame) -> list[tuple[str, str]]:
    """The border crossings of a route, in order: its land links whose two ends are in different countries."""
    land = legs[(legs["kind"] == "link") & (legs["mode"] != "sea")]
    country = nodes["country"]
    return [(a, b) for a, b in zip(land["from"], land["to"]) if country[a] != country[b]]


def corridor_label(legs: pd.DataFrame, nodes: pd.DataFrame) -> str:
    """A route's corridor: its gateways joined by ' › ' (``"Zamyn-Uud – Erenhot › Tianjin port"``); "domestic"
    for a route with neither."""
    return " › ".join(route_gateways(legs, nodes)) or "domestic"


def describe_routes(case: Case, graph: RoutingGraph, arc_lists: list[list[int]],
                    ranks: list[int] | None = None) -> tuple[list[dict], list[pd.DataFrame]]:
    """The totals row (a dict) and the legs of each route of a case's shipment, ranked 1, 2, ... unless ``ranks``
    are given: corridor, cost, time value, carbon cost and generalized cost per tonne, cost of the lot, distance, days,
    CO2, ship class, netback."""
    ship, vot = case.require_shipment(), case.settings.value_of_time_usd_per_t_day
    carbon = case.settings.carbon_price_usd_per_t_co2
    nodes = case.network.nodes
    price = case.network.price(ship.destination, ship.coal)
    routes, legs_list = [], []
    for rank, arcs in zip(ranks or range(1, len(arc_lists) + 1), arc_lists):
        legs = route_legs(graph, arcs)
        cost, days = costs.route_totals(legs)
        co2 = float(legs["co2_kg_per_t"].sum())
        keys = key_nodes(legs, nodes)
        routes.append(dict(
            case=case.name, rank=rank, route=route_label(keys, nodes), corridor=corridor_label(legs, nodes),
            origin=ship.origin, destination=ship.destination, tonnes=ship.tonnes,
            cost_usd_per_t=cost, time_value_usd_per_t=vot * days,
            carbon_usd_per_t=costs.carbon_usd_per_t(co2, carbon),
            generalized_usd_per_t=costs.generalized(cost, days, vot, co2, carbon),
            cost_usd=cost * ship.tonnes, distance_km=float(legs["distance_km"].sum()), transit_days=days,
            co2_kg_per_t=co2,
            vessel_class=";".join(dict.fromkeys(v for v in legs["vessel_class"] if v)),
            price_usd_per_t=price, netback_usd_per_t=price - cost, key_nodes=keys, nodes=route_nodes(legs),
            links=legs.loc[legs["kind"] == "link", "id"].tolist(), regimes=route_regimes(graph, arcs),
            estimated_share=costs.estimated_share(cost, float(legs["estimated_usd_per_t"].sum())),
            top=True, best_for=[],
        ))
        legs.insert(0, "seq", range(1, len(legs) + 1))
        legs.insert(0, "rank", rank)
        legs.insert(0, "case", case.name)
        legs_list.append(legs)
    _disambiguate(routes, nodes)
    return routes, legs_list


def _disambiguate(routes: list[dict], nodes: pd.DataFrame) -> None:
    """Where two routes of a case read the same, name the first node that sets the later one apart."""
    seen: dict[str, list[str]] = {}
    for r in routes:
        label = r["route"]
        if label in seen:
            other = set(seen[label])
            extra = next((n for n in r["nodes"] if n not in other), None)
            if extra is not None:
                r["route"] = f"{label} (via {short_name(nodes.at[extra, 'name'])})"
        else:
            seen[label] = r["nodes"]
