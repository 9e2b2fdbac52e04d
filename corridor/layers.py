"""Transit regimes as layers of the routing graph.

Without ``regimes.csv`` the graph has one layer and a route may cross any country at the links' own tariffs. With
it, every state of a node also carries a **layer** for the country of that node, and the **cargo's origin country**
(``cargo``):

- the origin country has one layer, ``export``: the cargo may leave it anywhere;
- any other country C has an ``import`` layer, which the cargo cannot leave (a route in it ends in C, its links at
  their own tariffs), and one **transit layer per regime** of C that admits the cargo's origin country, which the
  cargo may leave only at that regime's exits (its links priced by the regime's basis).

Arcs inside a country stay in their layer. A link that leaves a country (its two nodes in different countries, or
any sea link) starts from the ``export`` layer of the origin country or from a transit layer whose exits list its
tail node, and enters any layer of the country it reaches. So a route that enters a country either ends there or
transits it to a permitted exit, and one link can carry two prices: the graph tells transit from import by itself.

A link is charged by its ``country``; its price follows that country's layer at the link (the tail's layer if the
tail node is in that country, else the head's). A transit layer whose basis is ``flat`` is entered through a
**regime** arc at the entry node that carries the charge per tonne, once (and the links of its modes then cost no
tariff). Loading happens only in the ``export`` layer, so a route starts in its origin country. A route ends where
it is imported (the ``import`` layer; ``export`` for a destination in the origin country) or at an exit of a transit
layer: a port of a transit country taken as the destination (delivered free on board there) may be reached in either,
and the cheaper is taken. Unloading happens only in those layers.

One graph may hold the layers of several origin countries (a ``[flows]`` with supply in more than one country): each
origin country has its own copy of the layered states, and capacities count all copies together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import costs, schema
from .provenance import estimated

EXPORT, IMPORT = schema.EXPORT, schema.IMPORT
ENTRY = "entry"  # the side of a state where a route arrives before paying a flat transit charge
LAND_MODES = tuple(m for m in schema.MODES if m != "sea")


def cargo_countries(net, origins) -> list[str]:
    """The origin countries whose layers a graph needs: those of the ``origins`` nodes (every country of the network
    if None), in order of first appearance."""
    country = net.nodes["country"]
    if origins is None:
        return list(dict.fromkeys(country))
    if isinstance(origins, str):
        origins = [origins]
    return list(dict.fromkeys(country[o] for o in origins if o in country.index))


def admitted(net, cargo: str) -> pd.DataFrame:
    """The regimes that admit cargo of ``cargo`` (origin country), with their sets of exits and modes."""
    reg = net.regimes
    ok = [cargo in schema.split_list(o) for o in reg["origin_country"]]
    out = reg[ok].copy()
    out["exit_set"] = [frozenset(schema.split_list(e)) for e in out["exits"]]
    out["mode_set"] = [frozenset(schema.split_list(m) or LAND_MODES) for m in out["modes"]]
    return out


def exit_regimes(net, cargo: str, node: str) -> list[str]:
    """The regimes that admit cargo of ``cargo`` and list ``node`` as an exit."""
    reg = admitted(net, cargo)
    return [rid for rid, exits in reg["exit_set"].items() if node in exits]


def _country_layers(countries, cargo: str, regimes: pd.DataFrame) -> pd.DataFrame:
    """(country, layer) pairs: export for the origin country, import and the admitting regimes for the others."""
    rows = []
    for c in countries:
        if c == cargo:
            rows.append((c, EXPORT))
        else:
            rows.append((c, IMPORT))
            rows += [(c, rid) for rid in regimes.index[regimes["country"] == c]]
    return pd.DataFrame(rows, columns=["country", "layer"])


def _exit_layers(net, cargo: str, regimes: pd.DataFrame) -> pd.DataFrame:
    """(node, layer) pairs from which a route may leave the node's country: every node of the origin country in the
    export layer, and each exit of each admitting regime in that regime's layer."""
    nodes = net.nodes.index[net.nodes["country"] == cargo]
    rows = [(n, EXPORT) for n in nodes]
    rows += [(n, rid) for rid, exits in regimes["exit_set"].items() for n in sorted(exits)]
    return pd.DataFrame(rows, columns=["from_node", "tail_layer"])


def expand(net, arcs: pd.DataFrame, cargos: list[str]) -> pd.DataFrame:
    """The arcs of the one-layer graph (``arcs``, with tail/head node, mode and side) copied into the layers of each
    origin country in ``cargos``, priced by layer, with the regime arcs of flat transit layers.

    Adds the columns ``tail_layer``, ``head_layer``, ``cargo``, ``regime`` (the layer under which the arc is charged:
    ``export``, ``import``, a regime id, or empty for sea legs) and ``priced_by`` (the regime whose basis sets the arc's
    money, else empty).
    """
    country = net.nodes["country"]
    out = []
    for cargo in cargos:
        regimes = admitted(net, cargo)
        layers = _country_layers(list(dict.fromkeys(country)), cargo, regimes)
        kind = arcs["kind"]
        # passes and transfers: one copy per layer of their node's country
        # (their ``country`` is their node's: it stays, for the by-country tables)
        at_node = arcs[kind.isin(["pass", "transfer"])].assign(country=lambda d: country.reindex(d["node"]).to_numpy())
        at_node = at_node.merge(layers, on="country", how="inner")
        at_node["tail_layer"] = at_node["head_layer"] = at_node["layer"]
        at_node = at_node.drop(columns="layer")
        loading = at_node["tail_side"].eq("load")
        unloading = at_node["head_side"].eq("unload")
        exit_pairs = set(zip(*(_exit_layers(net, cargo, regimes)[c] for c in ("from_node", "tail_layer"))))
        may_end = np.array([lay in (EXPORT, IMPORT) or (n, lay) in exit_pairs
                            for n, lay in zip(at_node["node"], at_node["tail_layer"])], dtype=bool)
        at_node = at_node[(~loading | at_node["tail_layer"].eq(EXPORT)) & (~unloading | may_end)]
        # links inside one country stay in its layers; links that leave a country start only where that is allowed
        links = arcs[kind.eq("link")].assign(tail_country=lambda d: country.reindex(d["from_node"]).to_numpy(),
                                             head_country=lambda d: country.reindex(d["node"]).to_numpy())
        leaves = links["tail_country"].ne(links["head_country"]) | links["mode"].eq("sea")
        inside = links[~leaves].merge(layers.rename(columns={"country": "tail_country"}), on="tail_country")
        inside["tail_layer"] = inside["head_layer"] = inside["layer"]
        crossing = links[leaves].merge(_exit_layers(net, cargo, regimes), on="from_node")
        crossing = crossing.merge(layers.rename(columns={"country": "head_country", "layer": "head_layer"}),
                                  on="head_country")
        inside["crossing"], crossing["crossing"] = False, True
        link_arcs = pd.concat([inside.drop(columns="layer"), crossing], ignore_index=True)
        link_arcs = _price_links(net, link_arcs, regimes)
        # a flat transit layer is entered through its regime arc, which carries the charge per tonne
        flat = (link_arcs["crossing"] & link_arcs["head_layer"].map(regimes["basis"]).eq("flat")).to_numpy(bool)
        link_arcs.loc[flat, "head_side"] = ENTRY
        entries = link_arcs.loc[flat, ["node", "head_mode", "head_layer"]].drop_duplicates()
        regime_arcs = _regime_arcs(net, entries, regimes)
        part = pd.concat([link_arcs.drop(columns=["tail_country", "head_country", "crossing"]), at_node, regime_arcs],
                         ignore_index=True)
        part["cargo"] = cargo
        out.append(part)
    return pd.concat(out, ignore_index=True)


def _price_links(net, arcs: pd.DataFrame, regimes: pd.DataFrame) -> pd.DataFrame:
    """Each link arc's charging layer (``regime``) and, where that layer's regime prices the link's mode, its money by
    the regime's basis (:func:`corridor.costs.regime_link_usd_per_t`)."""
    k = arcs["country"].to_numpy()
    charge = np.where(k == arcs["tail_country"].to_numpy(), arcs["tail_layer"].to_numpy(),
                      np.where(k == arcs["head_country"].to_numpy(), arcs["head_layer"].to_numpy(), ""))
    arcs["regime"] = charge
    modes = regimes["mode_set"].reindex(charge)
    by = np.array([isinstance(ms, frozenset) and m in ms for ms, m in zip(modes, arcs["mode"])], dtype=bool)
    arcs["priced_by"] = np.where(by, charge, "")
    if by.any():
        rows = net.links.index.get_indexer(arcs.loc[by, "ref"])
        usd, est = regime_link_prices(net, rows, arcs.loc[by, "priced_by"].to_numpy())
        arcs.loc[by, "usd_per_t"] = usd
        arcs.loc[by, "estimated_usd_per_t"] = est
    return arcs


def regime_link_prices(net, rows: np.ndarray, priced_by: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Money per tonne of the links at positions ``rows`` of ``net.links`` priced by the regimes ``priced_by`` (one
    each), by the regime's basis (:func:`corridor.costs.regime_link_usd_per_t`), and the part resting on estimates:
    distance x the basis's tariff if any of its factors is one; the fixed charge if it is one."""
    lk = net.links.iloc[rows]
    reg = net.regimes.loc[priced_by]
    dist, fixed = lk["distance_km"].to_numpy(float), lk["fixed_usd_per_t"].to_numpy(float)
    basis = reg["basis"].to_numpy()
    tariff = costs.regime_tariff(basis, lk["tariff_usd_per_tkm"].to_numpy(float),
                                 reg["coefficient"].to_numpy(float), reg["tariff_usd_per_tkm"].to_numpy(float))
    usd = costs.regime_link_usd_per_t(dist, lk["tariff_usd_per_tkm"].to_numpy(float), fixed, basis,
                                      reg["coefficient"].to_numpy(float), reg["tariff_usd_per_tkm"].to_numpy(float))
    l_est = estimated(net, "links").iloc[rows]
    r_est = estimated(net, "regimes").loc[reg.index]
    tariff_est = np.where(basis == "coefficient",
                          l_est["tariff_usd_per_tkm"].to_numpy() | r_est["coefficient"].to_numpy(),
                          r_est["tariff_usd_per_tkm"].to_numpy())
    est = (costs.estimated_part(dist * tariff, l_est["distance_km"].to_numpy(), tariff_est)
           + costs.estimated_part(fixed, l_est["fixed_usd_per_t"].to_numpy()))
    return np.asarray(usd, dtype=float), np.asarray(est, dtype=float)


def flat_prices(net, regime_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The flat charge per tonne of each regime in ``regime_ids`` (its regime arc's money) and the part of it resting
    on estimates."""
    flat = net.regimes.loc[regime_ids, "flat_usd_per_t"].to_numpy(float)
    return flat, costs.estimated_part(flat, estimated(net, "regimes").loc[regime_ids, "flat_usd_per_t"].to_numpy())


def _regime_arcs(net, entries: pd.DataFrame, regimes: pd.DataFrame) -> pd.DataFrame:
    """One arc per (node, mode, flat regime) entered: from the entry state into the regime's layer, with its charge."""
    reg = regimes.loc[entries["head_layer"]]
    n = len(entries)
    return pd.DataFrame({
        "kind": "regime", "ref": entries["head_layer"].to_numpy(), "mode": entries["head_mode"].to_numpy(),
        "country": reg["country"].to_numpy(), "component": entries["head_mode"].map(schema.MODE_COMPONENT).to_numpy(),
        "usd_per_t": reg["flat_usd_per_t"].to_numpy(float), "hours": np.zeros(n), "distance_km": np.zeros(n),
        "estimated_usd_per_t": costs.estimated_part(reg["flat_usd_per_t"].to_numpy(float),
                                                    estimated(net, "regimes").loc[reg.index, "flat_usd_per_t"]),
        "co2_kg_per_t": np.zeros(n), "capacity_mt_per_year": np.full(n, np.nan), "vessel_class": "",
        "from_node": entries["node"].to_numpy(), "node": entries["node"].to_numpy(),
        "tail_mode": entries["head_mode"].to_numpy(), "head_mode": entries["head_mode"].to_numpy(),
        "tail_side": ENTRY, "head_side": "in", "tail_layer": entries["head_layer"].to_numpy(),
        "head_layer": entries["head_layer"].to_numpy(), "regime": entries["head_layer"].to_numpy(),
        "priced_by": entries["head_layer"].to_numpy(),
    })
