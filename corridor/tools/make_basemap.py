#!/usr/bin/env python3
"""Build a small regional basemap (GeoJSON) for the corridor maps from Natural Earth.

A maintenance tool, never used at run time: it made ``corridor/data/geo/basemap_region.geojson`` (see
``corridor/data/geo/PROVENANCE.md``). It needs the npm package ``world-atlas`` installed by hand (below) and numpy;
run it as ``python -m corridor.tools.make_basemap --out corridor/data/geo/basemap_region.geojson``.

Source: the npm package ``world-atlas`` v2 (Natural Earth 4.1.0 as TopoJSON,
quantized to a 1e5 grid; Natural Earth data is public domain).

Install the source into a throw-away folder first (npm registry only):

    npm install --prefix /tmp/wa world-atlas@2.0.2

Then regenerate:

    python -m corridor.tools.make_basemap --src /tmp/wa/node_modules/world-atlas/countries-10m.json \
        --tol 0.02 --decimals 2 --min-area 0.002 --out basemap_region.geojson

(these are the defaults; countries-50m.json also works: ~53 KB at the same settings).

Pure Python + numpy.  No geopandas/shapely/topojson libraries: the TopoJSON
arcs are decoded here (delta encoding + quantization transform), then

  * every arc is simplified once (Douglas-Peucker, endpoints fixed), so land
    fill, coastline and borders stay coincident (topology preserved per arc);
  * land polygons   = the ``land`` object (countries merged by world-atlas),
                      clipped to the box (Sutherland-Hodgman), RFC 7946 winding;
  * coastline lines = the arcs of the ``land`` object, clipped to the box;
  * border lines    = arcs of the ``countries`` object used by two different
                      countries (international land boundaries), clipped;
  * label anchors   = for each listed country, the point of its (clipped)
                      territory farthest from its outline (approximate pole of
                      inaccessibility on a 0.1 deg grid, cos(lat)-scaled), unless
                      a fixed anchor is given in LABEL_OVERRIDES.

Coordinates are [lon, lat] in degrees (WGS84), rounded to --decimals.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from corridor.tools._geometry import (
    clip_line,
    clip_polygon,
    decode_arcs,
    douglas_peucker,
    label_anchor,
    polygons_of,
    ring_from,
    round_dedupe,
    signed_area,
)

# Clip box (lon_min, lat_min, lon_max, lat_max) and margin, degrees.
BOX = (85.0, 30.0, 150.0, 60.0)
MARGIN = 1.0

# ISO 3166-1 numeric (world-atlas feature id) -> ISO alpha-2, for the countries
# that touch the box.  Labels are written for LABEL_ISO only.
NUM_TO_A2 = {
    "496": "MN", "156": "CN", "643": "RU", "408": "KP", "410": "KR",
    "392": "JP", "398": "KZ", "356": "IN", "524": "NP", "064": "BT",
    "158": "TW", "417": "KG",
}
LABEL_ISO = ["MN", "CN", "RU", "KP", "KR", "JP"]
# Optional fixed anchors [lon, lat]; empty = all computed.
LABEL_OVERRIDES: dict[str, list[float]] = {}





# --------------------------------------------------------------------------- #
def pkg_version(src: str) -> str:
    """Version from the package.json next to the TopoJSON file (npm layout)."""
    try:
        with open(os.path.join(os.path.dirname(src), "package.json")) as fh:
            return json.load(fh)["version"]
    except (OSError, KeyError, ValueError):
        return "?"


def build(src: str, tol: float, decimals: int, min_area: float) -> dict:
    with open(src) as fh:
        topo = json.load(fh)
    base = os.path.basename(src)
    scale = "10m" if "10m" in base else "50m" if "50m" in base else "110m" if "110m" in base else "?"
    arcs = decode_arcs(topo)
    clip = (BOX[0] - MARGIN, BOX[1] - MARGIN, BOX[2] + MARGIN, BOX[3] + MARGIN)
    cx0, cy0, cx1, cy1 = clip

    # Simplify only the arcs whose bbox meets the clip box (others are never used).
    def near(a):
        return a[:, 0].max() >= cx0 and a[:, 0].min() <= cx1 and a[:, 1].max() >= cy0 and a[:, 1].min() <= cy1

    simp = [douglas_peucker(a, tol) if near(a) else a for a in arcs]

    feats = []

    # ---- land polygons (from the merged 'land' object) ----
    land_polys = []
    land_arcs: set[int] = set()
    for g in topo["objects"]["land"]["geometries"]:
        for poly in polygons_of(g):
            rings = []
            for k, idx in enumerate(poly):
                land_arcs.update(i if i >= 0 else ~i for i in idx)
                r = ring_from(simp, idx)
                if not near(r):
                    if k == 0:
                        break
                    continue
                r = clip_polygon(r, clip)
                r = round_dedupe(r, decimals) if len(r) else r
                if len(r) < 4 or abs(signed_area(r)) < min_area:
                    if k == 0:
                        break  # exterior gone -> drop polygon
                    continue
                a = signed_area(r)
                # RFC 7946: exterior counter-clockwise, holes clockwise.
                if (k == 0 and a < 0) or (k > 0 and a > 0):
                    r = r[::-1]
                rings.append(r)
            if rings and rings[0] is not None:
                land_polys.append(rings)
    feats.append({
        "type": "Feature",
        "properties": {"layer": "land"},
        "geometry": {"type": "MultiPolygon",
                     "coordinates": [[r.tolist() for r in p] for p in land_polys]},
    })

    # ---- coastline = arcs of the land object ----
    coast = []
    for i in sorted(land_arcs):
        if not near(arcs[i]):
            continue
        arc = simp[i]
        if np.allclose(arc[0], arc[-1]) and abs(signed_area(np.vstack([arc, arc[:1]]))) < min_area:
            continue  # islet dropped from land too
        for piece in clip_line(arc, clip):
            piece = round_dedupe(piece, decimals)
            if len(piece) >= 2:
                coast.append(piece.tolist())
    feats.append({"type": "Feature", "properties": {"layer": "coast"},
                  "geometry": {"type": "MultiLineString", "coordinates": coast}})

    # ---- borders = arcs used by two different countries ----
    countries = topo["objects"]["countries"]["geometries"]
    users: dict[int, set] = {}
    for ci, g in enumerate(countries):
        for poly in polygons_of(g):
            for idx in poly:
                for i in idx:
                    users.setdefault(i if i >= 0 else ~i, set()).add(ci)
    pair_lines: dict[tuple, list] = {}
    for i, us in users.items():
        if len(us) < 2 or not near(arcs[i]):
            continue
        codes = tuple(sorted(NUM_TO_A2.get(str(countries[c].get("id")), str(countries[c].get("id"))) for c in us))
        for piece in clip_line(simp[i], clip):
            piece = round_dedupe(piece, decimals)
            if len(piece) >= 2:
                pair_lines.setdefault(codes, []).append(piece.tolist())
    for codes in sorted(pair_lines):
        feats.append({"type": "Feature",
                      "properties": {"layer": "border", "between": "-".join(codes)},
                      "geometry": {"type": "MultiLineString", "coordinates": pair_lines[codes]}})

    # ---- label anchors ----
    by_a2 = {NUM_TO_A2.get(str(g.get("id"))): g for g in countries}
    for a2 in LABEL_ISO:
        g = by_a2[a2]
        if a2 in LABEL_OVERRIDES:
            pt = LABEL_OVERRIDES[a2]
        else:
            rings = []
            for poly in polygons_of(g):
                for idx in poly:
                    r = clip_polygon(ring_from(simp, idx), BOX)  # strict box for labels
                    if len(r) >= 4:
                        rings.append(r)
            pt = label_anchor(rings)
        feats.append({"type": "Feature",
                      "properties": {"layer": "label", "iso_a2": a2, "name": g["properties"]["name"]},
                      "geometry": {"type": "Point", "coordinates": [round(pt[0], 2), round(pt[1], 2)]}})

    return {
        "type": "FeatureCollection",
        "bbox": list(clip),
        "source": (f"Natural Earth 4.1.0 (public domain) Admin-0 countries 1:{scale}, via npm "
                   f"world-atlas@{pkg_version(src)} {os.path.basename(src)}; clipped to lon {BOX[0]:g}..{BOX[2]:g}, "
                   f"lat {BOX[1]:g}..{BOX[3]:g} (+{MARGIN:g} deg margin), Douglas-Peucker tol {tol:g} deg, "
                   f"islands < {min_area:g} deg^2 dropped, rounded to {decimals:d} decimals"),
        "features": feats,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default="/tmp/wa/node_modules/world-atlas/countries-10m.json",
                    help="world-atlas countries-*.json (must contain 'countries' and 'land')")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                  "data", "geo", "basemap_region.geojson"))
    ap.add_argument("--tol", type=float, default=0.02, help="Douglas-Peucker tolerance, degrees")
    ap.add_argument("--decimals", type=int, default=2, help="coordinate rounding")
    ap.add_argument("--min-area", type=float, default=0.002,
                    help="drop land rings / island coast rings smaller than this (deg^2)")
    a = ap.parse_args(argv)
    if not os.path.exists(a.src):
        print(f"missing {a.src}; run: npm install --prefix /tmp/wa world-atlas@2.0.2", file=sys.stderr)
        return 2
    fc = build(a.src, a.tol, a.decimals, a.min_area)
    with open(a.out, "w") as f:
        json.dump(fc, f, separators=(",", ":"))
        f.write("\n")
    n: dict[str, int] = {}
    for ft in fc["features"]:
        n[ft["properties"]["layer"]] = n.get(ft["properties"]["layer"], 0) + 1
    print(f"wrote {a.out} ({os.path.getsize(a.out)} bytes) features {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
