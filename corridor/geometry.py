"""The course of links and routes on the globe, for maps and GeoJSON: a link runs from its ``from`` node through
the points of its ``link_paths.csv`` row (if any) to its ``to`` node; a route is its links in travel order.

Geometry is for drawing only: distances, costs and times come from ``links.csv``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ._netchecks import parse_points

Coords = list[tuple[float, float]]  # (lon, lat) in degrees


@lru_cache(maxsize=4096)
def _points(text: str) -> tuple[tuple[float, float], ...]:
    return tuple(parse_points(text))


def link_coords(net, link: str, *, forward: bool = True) -> Coords:
    """(lon, lat) of ``link`` from its ``from`` node to its ``to`` node (reversed if not ``forward``)."""
    lk = net.links.loc[link]
    nodes = net.nodes
    a = (float(nodes.at[lk["from"], "lon"]), float(nodes.at[lk["from"], "lat"]))
    b = (float(nodes.at[lk["to"], "lon"]), float(nodes.at[lk["to"], "lat"]))
    paths = net.link_paths
    middle = list(_points(str(paths.at[link, "points"]))) if link in paths.index else []
    coords = [a, *middle, b]
    return coords if forward else coords[::-1]


def has_path(net, link: str) -> bool:
    """True if ``link`` has a drawn course in ``link_paths.csv`` (not a straight line)."""
    return link in net.link_paths.index


def route_coords(net, nodes: list[str], links: list[str]) -> list[Coords]:
    """Each link of a route as (lon, lat) in travel order: ``nodes`` are the route's nodes, ``links`` its links
    (``links[i]`` joins ``nodes[i]`` and ``nodes[i + 1]``, in either direction)."""
    out = []
    for i, link in enumerate(links):
        out.append(link_coords(net, link, forward=net.links.at[link, "from"] == nodes[i]))
    return out


def midpoint(coords: Coords) -> tuple[float, float]:
    """The point halfway along a polyline (measured on lon/lat, which is close enough to place a marker)."""
    from itertools import pairwise

    if len(coords) == 1:
        return coords[0]
    seg = [math.dist(p, q) for p, q in pairwise(coords)]
    half = sum(seg) / 2
    for (p, q), d in zip(pairwise(coords), seg):
        if half <= d and d > 0:
            t = half / d
            return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
        half -= d
    return coords[-1]


def simplify(xy: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker: the vertices of ``xy`` (n x 2) that keep it within ``tol`` of its course; ends kept."""
    n = len(xy)
    if n <= 2 or tol <= 0:
        return xy
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        a, b = xy[i], xy[j]
        d = b - a
        length = math.hypot(d[0], d[1])
        seg = xy[i + 1:j]
        if length == 0:
            dist = np.hypot(seg[:, 0] - a[0], seg[:, 1] - a[1])
        else:
            dist = np.abs(d[0] * (seg[:, 1] - a[1]) - d[1] * (seg[:, 0] - a[0])) / length
        k = int(np.argmax(dist))
        if dist[k] > tol:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return xy[keep]
