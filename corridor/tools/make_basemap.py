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

    python make_basemap.py --src /tmp/wa/node_modules/world-atlas/countries-10m.json \
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
from itertools import pairwise

import numpy as np

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
# TopoJSON decoding
# --------------------------------------------------------------------------- #
def decode_arcs(topo: dict) -> list[np.ndarray]:
    """Absolute lon/lat arrays for every arc (delta-decoded, transform applied)."""
    tf = topo.get("transform")
    out = []
    for a in topo["arcs"]:
        q = np.asarray(a, dtype=float)[:, :2]
        if tf is not None:
            q = np.cumsum(q, axis=0) * np.asarray(tf["scale"]) + np.asarray(tf["translate"])
        out.append(q)
    return out


def arc_ref(arcs: list[np.ndarray], i: int) -> np.ndarray:
    """Arc i, reversed when i is negative (TopoJSON ~i convention)."""
    return arcs[i] if i >= 0 else arcs[~i][::-1]


def ring_from(arcs: list[np.ndarray], idx: list[int]) -> np.ndarray:
    parts: list[np.ndarray] = []
    for i in idx:
        a = arc_ref(arcs, i)
        parts.append(a if not parts else a[1:])
    return np.vstack(parts)


def polygons_of(geom: dict) -> list[list[list[int]]]:
    if geom["type"] == "Polygon":
        return [geom["arcs"]]
    if geom["type"] == "MultiPolygon":
        return geom["arcs"]
    return []


# --------------------------------------------------------------------------- #
# Geometry helpers (numpy)
# --------------------------------------------------------------------------- #
def douglas_peucker(p: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker on an open polyline; endpoints kept.  Closed arcs (first
    point == last point) are split at the vertex farthest from the start."""
    n = len(p)
    if n <= 2 or tol <= 0:
        return p
    if np.allclose(p[0], p[-1]):
        k = int(np.argmax(np.hypot(*(p - p[0]).T)))
        if k == 0:
            return p[:1].repeat(2, axis=0)
        a = douglas_peucker(p[: k + 1], tol)
        b = douglas_peucker(p[k:], tol)
        return np.vstack([a, b[1:]])
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        seg = p[i + 1 : j]
        a, b = p[i], p[j]
        d = b - a
        L = np.hypot(*d)
        if L == 0:
            dist = np.hypot(*(seg - a).T)
        else:
            dist = np.abs(d[0] * (seg[:, 1] - a[1]) - d[1] * (seg[:, 0] - a[0])) / L
        k = int(np.argmax(dist))
        if dist[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack.append((i, m))
            stack.append((m, j))
    return p[keep]


def clip_polygon(ring: np.ndarray, box: tuple) -> np.ndarray:
    """Sutherland-Hodgman clip of a closed ring against an axis-aligned box.
    Output may contain zero-width slivers along the box edge (harmless for fill)."""
    x0, y0, x1, y1 = box
    pts = ring[:-1] if np.allclose(ring[0], ring[-1]) else ring
    for axis, val, keep_ge in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if len(pts) == 0:
            break
        cur = pts
        prev = np.roll(cur, 1, axis=0)
        ins_c = cur[:, axis] >= val if keep_ge else cur[:, axis] <= val
        ins_p = prev[:, axis] >= val if keep_ge else prev[:, axis] <= val
        out = []
        for c, p, ic, ip in zip(cur, prev, ins_c, ins_p):
            if ic != ip:
                t = (val - p[axis]) / (c[axis] - p[axis])
                out.append(p + t * (c - p))
            if ic:
                out.append(c)
        pts = np.array(out) if out else np.zeros((0, 2))
    if len(pts) < 3:
        return np.zeros((0, 2))
    return np.vstack([pts, pts[:1]])


def clip_line(line: np.ndarray, box: tuple) -> list[np.ndarray]:
    """Clip a polyline to the box; returns the inside pieces (Liang-Barsky per segment)."""
    x0, y0, x1, y1 = box
    pieces: list[list[np.ndarray]] = []
    cur: list[np.ndarray] = []
    for a, b in pairwise(line):
        d = b - a
        t0, t1 = 0.0, 1.0
        ok = True
        for pk, qk in ((-d[0], a[0] - x0), (d[0], x1 - a[0]), (-d[1], a[1] - y0), (d[1], y1 - a[1])):
            if pk == 0:
                if qk < 0:
                    ok = False
                    break
            else:
                r = qk / pk
                if pk < 0:
                    t0 = max(t0, r)
                else:
                    t1 = min(t1, r)
                if t0 > t1:
                    ok = False
                    break
        if not ok:
            if cur:
                pieces.append(cur)
                cur = []
            continue
        pa, pb = a + t0 * d, a + t1 * d
        if not cur:
            cur = [pa]
        elif not np.allclose(cur[-1], pa):
            pieces.append(cur)
            cur = [pa]
        cur.append(pb)
        if t1 < 1.0:
            pieces.append(cur)
            cur = []
    if cur:
        pieces.append(cur)
    return [np.array(p) for p in pieces if len(p) >= 2]


def signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def round_dedupe(p: np.ndarray, decimals: int) -> np.ndarray:
    q = np.round(p, decimals)
    if len(q) < 2:
        return q
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    return q[keep]


def points_in_rings(px: np.ndarray, py: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Even-odd point-in-polygon for many points against a set of closed rings."""
    inside = np.zeros(px.shape, dtype=bool)
    for r in rings:
        xa, ya = r[:-1, 0], r[:-1, 1]
        xb, yb = r[1:, 0], r[1:, 1]
        for i in range(len(xa)):
            cond = (ya[i] > py) != (yb[i] > py)
            if not cond.any():
                continue
            xint = xa[i] + (py - ya[i]) * (xb[i] - xa[i]) / ((yb[i] - ya[i]) or 1e-300)
            inside ^= cond & (px < xint)
    return inside


def label_anchor(rings: list[np.ndarray], step: float = 0.1) -> list[float]:
    """Grid point inside the rings farthest from any ring edge (km-ish metric)."""
    allp = np.vstack(rings)
    xs = np.arange(allp[:, 0].min(), allp[:, 0].max() + step, step)
    ys = np.arange(allp[:, 1].min(), allp[:, 1].max() + step, step)
    mx, my = np.meshgrid(xs, ys)
    gx, gy = mx.ravel(), my.ravel()
    ins = points_in_rings(gx, gy, rings)
    gx, gy = gx[ins], gy[ins]
    if len(gx) == 0:
        return [float(allp[:, 0].mean()), float(allp[:, 1].mean())]
    lat0 = np.deg2rad(gy.mean())
    c = np.cos(lat0)
    best = np.full(gx.shape, np.inf)
    for r in rings:
        a, b = r[:-1], r[1:]
        ax, ay = a[:, 0] * c, a[:, 1]
        dx, dy = (b[:, 0] - a[:, 0]) * c, b[:, 1] - a[:, 1]
        L2 = dx * dx + dy * dy
        L2[L2 == 0] = 1e-12
        for s in range(0, len(gx), 2000):
            qx, qy = gx[s : s + 2000, None] * c, gy[s : s + 2000, None]
            t = np.clip(((qx - ax) * dx + (qy - ay) * dy) / L2, 0, 1)
            d = np.hypot(qx - ax - t * dx, qy - ay - t * dy).min(axis=1)
            best[s : s + 2000] = np.minimum(best[s : s + 2000], d)
    k = int(np.argmax(best))
    return [float(gx[k]), float(gy[k])]


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
