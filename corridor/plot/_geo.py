"""The geography under the maps: a projection that suits North-East Asia, the shipped basemap (land, coastlines,
borders, country names), a graticule labelled in degrees and a scale bar.

The projection is an equidistant conic with standard parallels 35°N and 50°N (true scale along every meridian and
along both standard parallels; within about 2% along the other parallels of the network's region), so kilometres
read right in every direction and a scale bar can be drawn. Data coordinates on a map are kilometres from the
projection's origin; :class:`Projection` turns lon/lat into them.

The basemap is Natural Earth 4.1.0 (public domain), clipped to the region and shipped in
``corridor/data/geo/basemap_region.geojson`` (see ``PROVENANCE.md`` there): nothing is downloaded at run time.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..geometry import simplify

BASEMAP = Path(__file__).resolve().parent.parent / "data" / "geo" / "basemap_region.geojson"
EARTH_RADIUS_KM = 6371.0088
CREDIT = ("Coastlines and borders: Natural Earth (public domain). Sea legs: searoute (Eurostat MARNET). "
          "Equidistant conic, standard parallels 35°N and 50°N.")

LAND_COLOR = "#f3f1ec"
SEA_COLOR = "#e6eef5"
COAST_COLOR = "#8aa6bf"
BORDER_COLOR = "#9a8f80"
GRATICULE_COLOR = "#c9d3dc"
COUNTRY_NAMES = {"MN": "MONGOLIA", "CN": "CHINA", "RU": "RUSSIA", "KP": "DPRK", "KR": "KOREA", "JP": "JAPAN"}


class Projection:
    """Equidistant conic: ``proj(lon, lat) -> (x, y)`` in km (arrays or scalars), and back with :meth:`inverse`."""

    def __init__(self, lon0: float = 120.0, lat1: float = 35.0, lat2: float = 50.0, lat0: float = 40.0):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        self.lon0 = lon0
        self.n = (math.cos(p1) - math.cos(p2)) / (p2 - p1)
        self.g = math.cos(p1) / self.n + p1
        self.rho0 = EARTH_RADIUS_KM * (self.g - math.radians(lat0))

    def __call__(self, lon, lat):
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        rho = EARTH_RADIUS_KM * (self.g - np.radians(lat))
        theta = self.n * np.radians(lon - self.lon0)
        return rho * np.sin(theta), self.rho0 - rho * np.cos(theta)

    def inverse(self, x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        dy = self.rho0 - y
        rho = np.hypot(x, dy)
        theta = np.arctan2(x, dy)
        return self.lon0 + np.degrees(theta / self.n), np.degrees(self.g - rho / EARTH_RADIUS_KM)

    def scale_along_parallel(self, lat: float) -> float:
        """Map km per true km along the parallel ``lat`` (1 on the standard parallels)."""
        phi = math.radians(lat)
        return self.n * (self.g - phi) / math.cos(phi)


@lru_cache(maxsize=1)
def basemap() -> dict:
    """The shipped regional basemap (a GeoJSON FeatureCollection), read once."""
    with BASEMAP.open(encoding="utf-8") as fh:
        return json.load(fh)


def _ring_path(rings: list[np.ndarray]):
    from matplotlib.path import Path as MplPath

    codes = []
    for r in rings:
        c = np.full(len(r), MplPath.LINETO, dtype=MplPath.code_type)
        c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
        codes.append(c)
    return MplPath(np.vstack(rings), np.concatenate(codes))


def draw_basemap(ax, proj: Projection, extent: tuple[float, float, float, float] | None = None) -> list:
    """Sea (the axes background), land, coastlines and borders; returns the country-name anchors as
    ``[(code, x, y), ...]`` in map km. With ``extent`` (x0, x1, y0, y1 in map km) only what lies on the map is
    kept, simplified to about a pixel (smaller files, quicker drawing)."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch

    ax.set_facecolor(SEA_COLOR)
    key = None if extent is None else tuple(round(v, 3) for v in extent)
    land_path, coast, borders, anchors = _projected(proj.lon0, proj.n, proj.g, proj.rho0, key)
    land = PathPatch(land_path, facecolor=LAND_COLOR, edgecolor="none", zorder=0.1, gid="basemap:land")
    land.set_clip_path(ax.patch)
    ax.add_artist(land)  # not add_patch: the land must not widen the data limits (and that is slow)
    ax.add_collection(LineCollection(coast, colors=COAST_COLOR, linewidths=0.5, zorder=0.3, gid="basemap:coast"),
                      autolim=False)
    ax.add_collection(LineCollection(borders, colors=BORDER_COLOR, linewidths=0.8, linestyles=(0, (5, 2, 1, 2)),
                                     zorder=0.35, gid="basemap:border"), autolim=False)
    return list(anchors)


@lru_cache(maxsize=8)
def _projected(lon0: float, n: float, g: float, rho0: float, extent: tuple[float, float, float, float] | None):
    """The basemap projected (the projection given by its constants), clipped to ``extent`` and simplified: the
    land as one path, coast and border lines, label anchors. Cached: the maps of one network share an extent."""
    from matplotlib.transforms import Bbox

    proj = Projection.__new__(Projection)
    proj.lon0, proj.n, proj.g, proj.rho0 = lon0, n, g, rho0
    tol = 0.0
    box = None
    if extent is not None:
        x0, x1, y0, y1 = extent
        m = 0.05 * max(x1 - x0, y1 - y0)
        box = Bbox([[x0 - m, y0 - m], [x1 + m, y1 + m]])
        tol = (x1 - x0) / 1200  # about a pixel of a map 11 inches wide at 150 dpi

    def on_map(a: np.ndarray) -> bool:
        return box is None or bool(a[:, 0].max() >= box.x0 and a[:, 0].min() <= box.x1
                                   and a[:, 1].max() >= box.y0 and a[:, 1].min() <= box.y1)

    land_path = None
    coast: list[np.ndarray] = []
    borders: list[np.ndarray] = []
    anchors = []
    for f in basemap()["features"]:
        layer, geom = f["properties"]["layer"], f["geometry"]
        if layer == "land":
            rings = []
            for poly in geom["coordinates"]:
                for ring in poly:
                    a = np.asarray(ring, dtype=float)
                    xy = np.column_stack(proj(a[:, 0], a[:, 1]))
                    if on_map(xy):
                        xy = simplify(xy, tol)
                        if len(xy) >= 4:
                            rings.append(xy)
            land_path = _ring_path(rings)
            if box is not None:
                land_path = land_path.clip_to_bbox(box, inside=True)
        elif layer in ("coast", "border"):
            for line in geom["coordinates"]:
                a = np.asarray(line, dtype=float)
                xy = np.column_stack(proj(a[:, 0], a[:, 1]))
                if on_map(xy):
                    (coast if layer == "coast" else borders).append(simplify(xy, tol))
        elif layer == "label":
            x, y = proj(*geom["coordinates"])
            anchors.append((f["properties"]["iso_a2"], float(x), float(y)))
    return land_path, tuple(coast), tuple(borders), tuple(anchors)


def graticule(ax, proj: Projection, extent: tuple[float, float, float, float], step: float = 5.0) -> None:
    """Meridians and parallels every ``step`` degrees, labelled where they meet the bottom and left frame."""
    x0, x1, y0, y1 = extent
    lons, lats = proj.inverse(np.array([x0, x1, x0, x1, (x0 + x1) / 2]), np.array([y0, y0, y1, y1, y1]))
    lo_lon, hi_lon = math.floor(min(lons) / step) * step, math.ceil(max(lons) / step) * step
    lo_lat, hi_lat = math.floor(min(lats) / step) * step, math.ceil(max(lats) / step) * step
    dense = np.linspace(0, 1, 60)
    xticks, xlabels, yticks, ylabels = [], [], [], []
    for lon in np.arange(lo_lon, hi_lon + step / 2, step):
        x, y = proj(np.full_like(dense, lon), lo_lat - step + (hi_lat - lo_lat + 2 * step) * dense)
        ax.plot(x, y, color=GRATICULE_COLOR, linewidth=0.5, zorder=0.2, gid="graticule")
        if y.min() < y0 < y.max():
            xticks.append(float(np.interp(y0, y, x)))
            xlabels.append(f"{lon:g}°E")
    for lat in np.arange(lo_lat, hi_lat + step / 2, step):
        x, y = proj(lo_lon - step + (hi_lon - lo_lon + 2 * step) * dense, np.full_like(dense, lat))
        ax.plot(x, y, color=GRATICULE_COLOR, linewidth=0.5, zorder=0.2, gid="graticule")
        if x.min() < x0 < x.max():
            order = np.argsort(x)
            yticks.append(float(np.interp(x0, x[order], y[order])))
            ylabels.append(f"{lat:g}°N")
    ax.set_xticks(xticks, xlabels, fontsize=7.5, color="#666666")
    ax.set_yticks(yticks, ylabels, fontsize=7.5, color="#666666")
    ax.tick_params(length=0, pad=2)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def nice_length(km: float) -> float:
    """The largest of 1, 2, 2.5, 5 x 10^k not above ``km``."""
    mag = 10 ** math.floor(math.log10(km))
    return max(s * mag for s in (1, 2, 2.5, 5) if s * mag <= km)


def scale_bar(ax, extent: tuple[float, float, float, float]) -> None:
    """A black-and-white bar of a round length (about a fifth of the map's width) in the lower left corner."""
    from matplotlib.patches import Rectangle

    x0, x1, y0, y1 = extent
    length = nice_length((x1 - x0) / 5)
    left, base = x0 + 0.03 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    h = 0.008 * (y1 - y0)
    for i in range(4):
        ax.add_patch(Rectangle((left + i * length / 4, base), length / 4, h, facecolor="black" if i % 2 == 0 else
                               "white", edgecolor="black", linewidth=0.6, zorder=30, gid="scale_bar"))
    for frac in (0, 0.5, 1):
        ax.text(left + frac * length, base + 1.8 * h, f"{frac * length:g}" + (" km" if frac == 1 else ""),
                ha="center", va="bottom", fontsize=7, zorder=30, gid="scale_bar_label",
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6))
