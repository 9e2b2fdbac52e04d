"""The network and the results as GeoJSON (RFC 7946, WGS84 lon/lat) for QGIS and other GIS tools.

``nodes.geojson`` (points), ``links.geojson`` (each link along its drawn course), ``routes.geojson`` (each route of
each case, with its totals) and ``flows.geojson`` (each link's annual flow in each case with ``[flows]``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .geometry import link_coords, route_coords

if TYPE_CHECKING:
    from .results import Results

ROUTE_FIELDS = ("route", "origin", "destination", "tonnes", "cost_usd_per_t", "time_value_usd_per_t",
                "generalized_usd_per_t", "cost_usd", "distance_km", "transit_days", "co2_kg_per_t", "vessel_class",
                "price_usd_per_t", "netback_usd_per_t", "p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t",
                "p_cheapest")


def _value(v: Any) -> Any:
    """A JSON value: numpy scalars as Python numbers, NaN as null, lists kept."""
    if isinstance(v, (list, tuple)):
        return [_value(x) for x in v]
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _collection(features: list[dict], name: str) -> dict:
    return {"type": "FeatureCollection", "name": name, "features": features}


def _line(coords, props: dict) -> dict:
    return {"type": "Feature", "properties": {k: _value(v) for k, v in props.items()},
            "geometry": {"type": "LineString", "coordinates": [[round(x, 5), round(y, 5)] for x, y in coords]}}


def nodes_geojson(net) -> dict:
    feats = []
    for nid, row in net.nodes.iterrows():
        props = {"id": nid, **{k: _value(v) for k, v in row.items() if k not in ("lon", "lat")}}
        feats.append({"type": "Feature", "properties": props,
                      "geometry": {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}})
    return _collection(feats, "nodes")


def links_geojson(net) -> dict:
    return _collection([_line(link_coords(net, lid), {"id": lid, **row.to_dict(),
                                                       "drawn_course": lid in net.link_paths.index})
                        for lid, row in net.links.iterrows()], "links")


def routes_geojson(results: Results) -> dict:
    feats = []
    net = results.scenario.network
    for (case, rank), r in results.routes.iterrows():
        coords: list = []
        for part in route_coords(net, list(r["nodes"]), list(r["links"])):
            coords += part if not coords else part[1:]
        props = {"case": case, "rank": int(rank), **{f: r[f] for f in ROUTE_FIELDS if f in r.index},
                 "nodes": " ".join(r["nodes"]), "links": " ".join(r["links"])}
        feats.append(_line(coords, props))
    return _collection(feats, "routes")


def flows_geojson(results: Results) -> dict:
    feats = []
    net = results.scenario.network
    for case, alloc in results.allocations.items():
        el = alloc.elements[alloc.elements["kind"] == "link"].set_index("id")
        flow: dict[str, float] = {}
        for links, mt in zip(alloc.routes["links"], alloc.routes["mt_per_year"]):
            for link in links:
                flow[link] = flow.get(link, 0.0) + float(mt)
        for link, mt in flow.items():
            if mt <= 1e-9:
                continue
            props = {"case": case, "link": link, "mt_per_year": mt, "mode": net.links.at[link, "mode"]}
            if link in el.index:
                e = el.loc[link]
                props |= {"capacity_mt_per_year": e["capacity_mt_per_year"], "utilisation": e["utilisation"],
                          "shadow_price_usd_per_t": e["shadow_price_usd_per_t"], "binding": bool(e["binding"])}
            feats.append(_line(link_coords(net, link), props))
    return _collection(feats, "flows")


def fill_geojson(results: Results, tmp: Path) -> None:
    """Write the GeoJSON files into ``tmp`` (routes and flows only where the run has them)."""
    net = results.scenario.network
    files = {"nodes": nodes_geojson(net), "links": links_geojson(net)}
    if len(results.routes):
        files["routes"] = routes_geojson(results)
    if results.allocations:
        files["flows"] = flows_geojson(results)
    for stem, fc in files.items():
        (tmp / f"{stem}.geojson").write_text(json.dumps(fc, ensure_ascii=False, allow_nan=False), encoding="utf-8")
