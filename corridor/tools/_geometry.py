"""Geometry for the basemap tool: TopoJSON arc decoding, Douglas-Peucker simplification, clipping to a box,
winding and label anchors (pure numpy; see ``make_basemap``)."""
from __future__ import annotations

from itertools import pairwise

import numpy as np

from corridor.geometry import simplify


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
    return simplify(p, tol)


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
