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


def leg_order(graph: RoutingGraph, arcs: list[int]) -> np.ndarray:
    """The arcs of a route in the order of its legs (:func:`route_legs`): passes with neither charge nor time left
    out, a node's pass listed on arrival, before the transfers made there."""
    a = np.asarray(arcs, dtype=np.int64)
    kind = graph.column("kind")[a]
    keep = (kind != "pass") | (graph.column("usd_per_t")[a] > 0) | (graph.column("hours")[a] > 0)
    a, kind = a[keep], kind[keep]
    node = graph.column("node")[a]
    order = np.arange(len(a), dtype=float)
    for i in np.flatnonzero(kind == "pass"):
        j = i
        while j > 0 and kind[j - 1] == "transfer" and node[j - 1] == node[i]:
            j -= 1
        order[i] = j - 0.5
    return a[np.argsort(order, kind="stable")]


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
    a = leg_order(graph, arcs)
    col = graph.column
    kind = col("kind")[a]
    is_link, is_pass = kind == "link", kind == "pass"
    node = col("node")[a]
    return pd.DataFrame({
        "kind": kind, "id": col("ref")[a], "from": np.where(is_link, col("from_node")[a], node), "to": node,
        "node": node, "mode": np.where(is_pass, "", col("mode")[a]), "country": col("country")[a],
        "component": col("component")[a], "distance_km": col("distance_km")[a], "usd_per_t": col("usd_per_t")[a],
        "days": costs.days(col("hours")[a]), "co2_kg_per_t": col("co2_kg_per_t")[a],
        "vessel_class": np.where(is_link, col("vessel_class")[a], ""),
        "regime": col("regime")[a], "estimated_usd_per_t": col("estimated_usd_per_t")[a],
    })


def route_sums(graph: RoutingGraph, arcs: list[int]) -> tuple[float, float, float]:
    """Money (USD/t), days and CO2 (kg/t) of a route, summed over its legs in order as :func:`describe_routes`
    sums them (the same numbers bit for bit), without building the legs."""
    a = leg_order(graph, arcs)
    col = graph.column
    return (float(col("usd_per_t")[a].sum()), float(costs.days(col("hours")[a]).sum()),
            float(col("co2_kg_per_t")[a].sum()))


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
    frm, to = legs["from"].tolist(), legs["to"].tolist()
    out = [frm[0]]
    for n in to:
        if n != out[-1]:
            out.append(n)
    return out


def key_nodes(legs: pd.DataFrame, nodes: pd.DataFrame) -> list[str]:
    """The nodes that tell a route apart: origin, where the country or mode changes, ports, destination."""
    return keys_of(route_nodes(legs), set(legs.loc[legs["kind"] == "transfer", "node"]), nodes)


def keys_of(seq: list[str], transfers: set, nodes: pd.DataFrame) -> list[str]:
    """:func:`key_nodes` of a route given as its nodes in order and the nodes where it transfers."""
    kind, country = node_lookup(nodes)
    keep = [seq[0]]
    for prev, node in itertools.pairwise(seq):
        if node in transfers or kind[node] == "port" or country[node] != country[prev]:
            keep.append(node)
    if keep[-1] != seq[-1]:
        keep.append(seq[-1])
    return keep


_LOOKUPS: dict[int, tuple] = {}  # id of a nodes table -> (weak reference to it, kind by id, country by id)


def node_lookup(nodes: pd.DataFrame) -> tuple[dict, dict]:
    """Kind and country of every node as dicts, made once per nodes table (looking one up in pandas is slow)."""
    import weakref

    hit = _LOOKUPS.get(id(nodes))
    if hit is not None and hit[0]() is nodes:
        return hit[1], hit[2]
    if len(_LOOKUPS) > 256:
        _LOOKUPS.clear()
    kind, country = nodes["kind"].to_dict(), nodes["country"].to_dict()
    _LOOKUPS[id(nodes)] = (weakref.ref(nodes), kind, country)
    return kind, country


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
    """Give every route of a list its own label (see :func:`unique_labels`)."""
    labels = unique_labels([r["route"] for r in routes], [r["nodes"] for r in routes], [r["links"] for r in routes],
                           nodes)
    for r, label in zip(routes, labels):
        r["route"] = label


def unique_labels(labels: list[str], node_lists: list[list[str]], link_lists: list[list[str]],
                  nodes: pd.DataFrame) -> list[str]:
    """The labels, each made unique: where a route reads like an earlier one, it names the first node it passes
    that the earlier ones do not (``(via X)``), else the first such link, else a number (``(2)``)."""
    out: list[str] = []
    earlier: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        new = label
        if label in earlier or label in out:
            prev = earlier.get(label, [])
            other_nodes = {n for j in prev for n in node_lists[j]}
            other_links = {lk for j in prev for lk in link_lists[j]}
            extra = next((n for n in node_lists[i] if n not in other_nodes), None)
            link = next((lk for lk in link_lists[i] if lk not in other_links), None)
            if extra is not None:
                new = f"{label} (via {short_name(str(nodes.at[extra, 'name']))})"
            elif link is not None:
                new = f"{label} (via {link})"
            k = 2
            while new in out:
                new, k = f"{label} ({k})", k + 1
        earlier.setdefault(label, []).append(i)
        out.append(new)
    return out
