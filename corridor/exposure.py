"""Exposure by country: how much of a route, or of an allocation's annual flow, each country carries.

For each country a route (or a flow) **passes through** (one of its nodes is there, or one of its legs is charged
there; ``INT`` is the sea):

- ``tonnes`` (``mt_per_year`` for flows): the cargo that passes through it, counted once however often it enters;
- ``km`` and ``tonne_km``: the distance run on links the country charges (its railways, roads; ``INT``: the sea);
- ``usd_per_t`` (``usd_per_year``): the money charged there: rail, road, pass charges, transfers, ports;
- ``days`` (``days_per_t`` for flows): the transit time spent there (on its links, at its borders and terminals);
- ``co2_kg_per_t`` (``co2_kt_per_year``): the CO2 emitted on its links.

So "dependence on China" is a number: the tonnes that pass through CN, the share of the route's cost paid there, the
days spent there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ROUTE_COLUMNS = ["tonnes", "km", "tonne_km", "usd_per_t", "usd", "days", "co2_kg_per_t"]
FLOW_COLUMNS = ["mt_per_year", "share_of_delivered", "mtkm_per_year", "usd_per_year", "days_per_t",
                "co2_kt_per_year"]
USD_PER_MUSD = 1e6


def route_exposure(legs: pd.DataFrame, routes: pd.DataFrame, node_country: pd.Series) -> pd.DataFrame:
    """Exposure of each route by country (index ``case, rank, country``; columns :data:`ROUTE_COLUMNS`).

    Parameters
    ----------
    legs : DataFrame
        ``Results.legs`` (``case``, ``rank``, ``kind``, ``from``, ``to``, ``country``, ``distance_km``,
        ``usd_per_t``, ``days``, ``co2_kg_per_t``).
    routes : DataFrame
        ``Results.routes`` (index ``case, rank``; ``tonnes``).
    node_country : Series
        The country of each node id.
    """
    if legs.empty:
        return pd.DataFrame(columns=ROUTE_COLUMNS,
                            index=pd.MultiIndex.from_tuples([], names=["case", "rank", "country"]))
    lg = legs.copy()
    lg["km"] = np.where(lg["kind"] == "link", lg["distance_km"].astype(float), 0.0)
    by = lg.groupby(["case", "rank", "country"], sort=False)[["km", "usd_per_t", "days", "co2_kg_per_t"]].sum()
    # countries passed through: those charging a leg, and those of the nodes visited
    touched = pd.concat([lg[["case", "rank", "country"]],
                         lg[["case", "rank"]].assign(country=node_country.reindex(lg["from"]).to_numpy()),
                         lg[["case", "rank"]].assign(country=node_country.reindex(lg["to"]).to_numpy())])
    touched = touched.dropna().drop_duplicates().set_index(["case", "rank", "country"]).index
    out = by.reindex(by.index.union(touched, sort=False), fill_value=0.0)
    tonnes = routes["tonnes"].reindex(out.index.droplevel("country")).to_numpy(float)
    out["tonnes"] = tonnes
    out["tonne_km"] = out["km"] * tonnes
    out["usd"] = out["usd_per_t"] * tonnes
    return out[ROUTE_COLUMNS]


def flow_exposure(graph, routes: pd.DataFrame, delivered_mt_per_year: float) -> pd.DataFrame:
    """Exposure of an allocation's flow by country (index ``country``; columns :data:`FLOW_COLUMNS`).

    ``routes`` is the allocation's path decomposition (``mt_per_year`` and ``arcs`` of ``graph``);
    ``share_of_delivered`` is the tonnes through the country over ``delivered_mt_per_year``.
    """
    arcs = graph.arcs
    charged = arcs["country"].to_numpy()
    node_country = graph.network.nodes["country"]
    entered = node_country.reindex(arcs["node"]).to_numpy()
    left = node_country.reindex(arcs["from_node"]).to_numpy()
    km = np.where(arcs["kind"].to_numpy() == "link", arcs["distance_km"].to_numpy(float), 0.0)
    money, days, co2 = graph.money(), graph.days(), graph.co2()
    acc: dict[str, np.ndarray] = {}
    for mt, path in zip(routes["mt_per_year"].to_numpy(float), routes["arcs"]):
        p = np.asarray(path, dtype=np.int64)
        if not len(p):
            continue
        for country in dict.fromkeys([*charged[p], *entered[p], *left[p]]):
            if not isinstance(country, str):
                continue
            on = p[charged[p] == country]
            row = acc.setdefault(country, np.zeros(5))
            row += mt * np.array([1.0, km[on].sum(), money[on].sum(), days[on].sum(), co2[on].sum()])
    out = pd.DataFrame.from_dict(acc, orient="index", columns=["mt_per_year", "mtkm_per_year", "usd_per_year",
                                                               "days_mt", "co2_kt_per_year"])
    out.index.name = "country"
    out["usd_per_year"] *= USD_PER_MUSD
    with np.errstate(divide="ignore", invalid="ignore"):
        out["days_per_t"] = np.where(out["mt_per_year"] > 0, out["days_mt"] / out["mt_per_year"], 0.0)
        out["share_of_delivered"] = (out["mt_per_year"] / delivered_mt_per_year if delivered_mt_per_year > 0
                                     else 0.0)
    return out.sort_values("mt_per_year", ascending=False, kind="stable")[FLOW_COLUMNS]
