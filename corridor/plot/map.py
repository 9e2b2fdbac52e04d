"""Map of the network on a conic projection over coastlines and borders, with the compared routes overlaid.

The base map (frame, land and sea, graticule, scale bar, network links along their drawn course, nodes by kind,
country names, label placement) is shared with the flow map (:mod:`corridor.plot.flows`). Geography and projection
are in :mod:`._geo`; a link's course (a sea leg's maritime path, a railway's intermediate points) comes from the
network's ``link_paths.csv`` (:mod:`corridor.geometry`).
"""

from __future__ import annotations

import numpy as np

from ..geometry import link_coords
from ._checks import check_case, check_ranks
from ._geo import COUNTRY_NAMES, CREDIT, Projection, draw_basemap, graticule, scale_bar
from ._labels import case_subtitle, node_name, route_tick, titles
from ._layout import RIGHT_FIRST, declutter, freeze
from ._style import KIND_STYLES, MODE_STYLES, new_figure, route_colors

ROUTE_WIDTH = 3.4  # points: each route's band
ROUTE_GAP = 0.8    # points between the bands of routes that share a link


class MapFrame:
    """A map's figure, axes and projection, and the network projected once: ``xy[node]`` and ``course[link]``."""

    def __init__(self, fig, ax, proj: Projection, net, anchors: list, extent: tuple[float, float, float, float]):
        self.fig, self.ax, self.proj, self.net = fig, ax, proj, net
        self.anchors, self.extent = anchors, extent
        nodes = net.nodes
        x, y = proj(nodes["lon"].to_numpy(float), nodes["lat"].to_numpy(float))
        self.xy = {n: (float(a), float(b)) for n, a, b in zip(nodes.index, x, y)}
        self.course = {}
        for lid in net.links.index:
            c = np.asarray(link_coords(net, lid), dtype=float)
            self.course[lid] = np.column_stack(proj(c[:, 0], c[:, 1]))

    def points(self, names) -> np.ndarray:
        return np.array([self.xy[n] for n in names], dtype=float).reshape(-1, 2)


SUBTITLE_WRAP = 85  # characters per line of a map's subtitle (the map is narrower than the figure)


def map_axes(net, *, legend_rows: float = 0, width: float = 11.0, legend_width: float = 2.9) -> MapFrame:
    """A figure sized to the network's extent (nodes and link courses) on the conic projection, with the basemap,
    graticule and scale bar drawn. ``legend_rows`` adds height for that many lines of legend below the map,
    ``legend_width`` (inches) leaves room for a legend on the right."""
    proj = Projection()
    lon = [float(v) for v in net.nodes["lon"]]
    lat = [float(v) for v in net.nodes["lat"]]
    for lid in net.links.index:
        for a, b in link_coords(net, lid)[1:-1]:
            lon.append(a)
            lat.append(b)
    x, y = proj(np.array(lon), np.array(lat))
    pad_x = max(80.0, 0.05 * (x.max() - x.min()))
    pad_y = max(80.0, 0.07 * (y.max() - y.min()))
    extent = (x.min() - pad_x, x.max() + pad_x, y.min() - pad_y, y.max() + pad_y)
    map_w = width - legend_width - 0.7  # the legend on the right, the tick labels and margins take the rest
    top = 1.25  # title and a two-line subtitle
    height = min(13.0, max(5.0, map_w * (extent[3] - extent[2]) / (extent[1] - extent[0]) + top + 0.5
                           + 0.19 * legend_rows))
    fig, ax = new_figure(width, height)
    ax.set_aspect("equal")
    anchors = draw_basemap(ax, proj, extent)
    graticule(ax, proj, extent)
    scale_bar(ax, extent)
    ax.annotate(CREDIT, (1, 0), xycoords="axes fraction", xytext=(-3, 3), textcoords="offset points", ha="right",
                va="bottom", fontsize=6, color="#555555", zorder=30, gid="credit",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7))
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_color("#999999")
    return MapFrame(fig, ax, proj, net, anchors, extent)


def draw_network(frame: MapFrame, open_net, *, link_zorder: float = 10, light: bool = False) -> None:
    """Links by mode and gauge along their course (``gid`` ``"link:<mode>"``), nodes by kind (``"nodes:<kind>"``);
    what ``open_net`` lacks (closed in the case) is drawn faint (``"link:closed"``, ``"nodes:closed"``).

    ``light`` draws the links thinner and paler (under flows that carry the information).
    """
    ax, full = frame.ax, frame.net
    nodes, links = full.nodes, full.links
    closed = ~links.index.isin(open_net.links.index)
    for mode, style in MODE_STYLES.items():
        sub = links[(links["mode"] == mode) & ~closed]
        if light:
            style = {**style, "linewidth": 0.9, "alpha": 0.7}
        for j, lid in enumerate(sub.index):
            c = frame.course[lid]
            ax.plot(c[:, 0], c[:, 1], **{**style, "label": style["label"] if j == 0 else "_nolegend_"},
                    zorder=link_zorder, gid=f"link:{mode}")
    for j, lid in enumerate(links.index[closed]):
        c = frame.course[lid]
        ax.plot(c[:, 0], c[:, 1], color="#b0b0b0", linewidth=1.0, linestyle=(0, (1, 2)), zorder=link_zorder - 1,
                label="closed in this case (link)" if j == 0 else "_nolegend_", gid="link:closed")
    shut = ~nodes.index.isin(open_net.nodes.index)
    for kind, style in KIND_STYLES.items():
        sub = nodes.index[(nodes["kind"] == kind) & ~shut]
        if len(sub):
            p = frame.points(sub)
            ax.scatter(p[:, 0], p[:, 1], marker=style["marker"], s=style["s"], color=style["color"],
                       edgecolor="white", linewidth=0.6, zorder=12, label=kind, gid=f"nodes:{kind}")
    if shut.any():
        p = frame.points(nodes.index[shut])
        ax.scatter(p[:, 0], p[:, 1], marker="o", s=22, facecolor="white", edgecolor="#aaaaaa", linewidth=1.0,
                   zorder=12, label="closed in this case (node)", gid="nodes:closed")


def country_labels(frame: MapFrame) -> list:
    """Each country's name (``gid`` ``"country"``), faint, at the basemap's label point where it is on the map, else
    at the middle of the country's nodes."""
    x0, x1, y0, y1 = frame.extent
    nodes = frame.net.nodes
    anchors = {code: (x, y) for code, x, y in frame.anchors}
    out = []
    for country, grp in nodes.groupby("country"):
        x, y = anchors.get(country, (np.nan, np.nan))
        inside = x0 + 0.08 * (x1 - x0) < x < x1 - 0.08 * (x1 - x0) and y0 + 0.08 * (y1 - y0) < y < y1 - 0.08 * (
            y1 - y0)
        if not inside:
            p = frame.points(grp.index)
            x, y = float(np.median(p[:, 0])), float(np.median(p[:, 1]))
        out.append(frame.ax.annotate(COUNTRY_NAMES.get(country, country), (x, y), xytext=(0, 0),
                                     textcoords="offset points", fontsize=12, color="#9a9185", alpha=0.75,
                                     ha="center", va="center", fontweight="bold", zorder=1, gid="country"))
    return out


LEADER = dict(arrowstyle="-", color="#888888", linewidth=0.6, shrinkA=0, shrinkB=4)


def node_labels(frame: MapFrame, named, texts=None, *, gid: str = "node_label", leader: bool = False) -> list:
    """Name each node in ``named`` (or write ``texts[node]`` there) on a white box; ``leader`` draws a thin line
    from a label to its node (for labels that may be placed away from it)."""
    texts = texts or {}
    nodes = frame.net.nodes
    return [frame.ax.annotate(texts.get(node, node_name(nodes, node)), frame.xy[node], xytext=(5, 4),
                              textcoords="offset points", fontsize=8, zorder=15, gid=gid,
                              bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75),
                              arrowprops=LEADER if leader else None)
            for node in named]


def place_labels(frame: MapFrame, names, countries, *, candidates=RIGHT_FIRST, fixed=()) -> None:
    """Move node names off each other and off the nodes (trying ``candidates`` in order), then the country
    names off both."""
    spots = frame.points(frame.net.nodes.index)
    declutter(frame.fig, frame.ax, names, candidates=candidates, points=spots, fixed=fixed)
    country_spots = tuple((dx, dy, "center", "center") for r in (0, 25, 50, 75, 100)
                          for dx, dy in ((0, -r), (0, r), (-r, 0), (r, 0), (-r, -r), (r, r), (-r, r), (r, -r)))[7:]
    declutter(frame.fig, frame.ax, countries, candidates=country_spots, fixed=[*fixed, *names], points=spots,
              own_point=False)


def offset_polyline(xy: np.ndarray, d: float) -> np.ndarray:
    """``xy`` moved sideways by ``d`` (to the left of its direction of travel; negative: to the right), corners
    mitred (a sharp corner's mitre is limited to three times ``d``)."""
    if d == 0 or len(xy) < 2:
        return xy
    seg = np.diff(xy, axis=0)
    length = np.hypot(seg[:, 0], seg[:, 1])
    length[length == 0] = 1.0
    normal = np.column_stack([-seg[:, 1], seg[:, 0]]) / length[:, None]
    vert = np.vstack([normal[:1], normal[:-1] + normal[1:], normal[-1:]])
    norm = np.hypot(vert[:, 0], vert[:, 1])
    norm[norm == 0] = 1.0
    vert = vert / norm[:, None]
    seg_n = np.vstack([normal[:1], normal])
    cos = np.clip(np.einsum("ij,ij->i", vert, seg_n), 1 / 3, 1.0)
    return xy + d * vert / cos[:, None]


def route_bands(frame: MapFrame, routes: list[tuple[int, list[str], list[str], str, str]]) -> None:
    """Each route (``rank, nodes, links, colour, label``) as a band along its links' courses; routes that share a
    link run side by side on it, in rank order from left to right of the link's direction (``gid``
    ``"route:<rank>"``). Call after the layout is frozen: the sideways spacing is in points."""
    ax, fig = frame.ax, frame.fig
    box = ax.get_window_extent()
    x0, x1 = ax.get_xlim()
    km_per_pt = (x1 - x0) / box.width * fig.dpi / 72.0
    users: dict[str, list[int]] = {}
    for rank, _, links, _, _ in routes:
        for lid in links:
            users.setdefault(lid, []).append(rank)
    step = (ROUTE_WIDTH + ROUTE_GAP) * km_per_pt
    for i, (rank, seq, links, color, label) in enumerate(routes):
        parts: list[np.ndarray] = []
        for k, lid in enumerate(links):
            slots = users[lid]
            course = offset_polyline(frame.course[lid], (slots.index(rank) - (len(slots) - 1) / 2) * step)
            forward = frame.net.links.at[lid, "from"] == seq[k]
            course = course if forward else course[::-1]
            if parts and np.allclose(course[0], parts[-1][-1]):
                course = course[1:]  # the same node, not moved sideways on either link: one vertex
            parts.append(course)
        line = np.vstack(parts)
        ax.plot(line[:, 0], line[:, 1], color=color, alpha=0.85, linewidth=ROUTE_WIDTH, solid_capstyle="round",
                solid_joinstyle="round", zorder=11 - 0.01 * i, label=label, gid=f"route:{rank}")


def route_map(results, case: str | None = None, *, ranks=None, label_nodes: str = "routes", view: str | None = None):
    """The network on a longitude/latitude grid with the routes of one case drawn over it.

    Nodes are drawn by kind (mine, station, junction, border, port, market), links by mode and gauge; what
    the case closed is drawn faint. Each route is a wide translucent band in its run-wide colour, the
    cheapest widest at the bottom so that routes sharing a stretch all stay visible.

    Parameters
    ----------
    results : Results
    case : str, optional
        The case to draw (default: the first case with a route).
    ranks : int or list of int, optional
        Which of the case's routes to overlay (default: all).
    label_nodes : {"routes", "all", "none"}
        Name the key nodes of the drawn routes, every node, or none.
    view : {"top", "corridors"}, optional
        Instead of ``ranks``: the k cheapest routes, or the best route through each gateway.

    Returns
    -------
    matplotlib.figure.Figure
        Route bands are ``Line2D`` objects with ``gid`` ``"route:<rank>"``; network links have ``gid``
        ``"link:<mode>"``.
    """
    case = check_case(results, case)
    ranks = check_ranks(results, case, ranks, view)
    if label_nodes not in ("routes", "all", "none"):
        raise ValueError(f"label_nodes must be 'routes', 'all' or 'none', got {label_nodes!r}")
    from matplotlib.lines import Line2D

    colors = route_colors(results)
    full = results.scenario.network
    nodes = full.nodes
    labels = [route_tick(results, case, r, wrap=58) for r in ranks]
    frame = map_axes(full, legend_rows=1.5 + sum(lab.count("\n") + 1.15 for lab in labels))
    fig, ax = frame.fig, frame.ax
    draw_network(frame, results.scenario.case(case).network)
    countries = country_labels(frame)
    names = []
    if label_nodes != "none":
        if label_nodes == "all":
            named = list(nodes.index)
        else:
            named = list(dict.fromkeys(n for r in ranks for n in results.routes.at[(case, r), "key_nodes"]))
        names = node_labels(frame, named)

    routes = [(r, list(results.routes.at[(case, r), "nodes"]), list(results.routes.at[(case, r), "links"]),
               colors[(case, r)], lab) for r, lab in zip(ranks, labels)]
    proxies = [Line2D([], [], color=c, alpha=0.85, linewidth=ROUTE_WIDTH, label=lab) for _, _, _, c, lab in routes]
    fig.legend(handles=proxies, loc="outside lower left", frameon=False, fontsize=8.5,
               title="routes (cheapest first; side by side where they share a line)", title_fontsize=9,
               alignment="left")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", frameon=False, fontsize=8.5,
               title="network", title_fontsize=9, alignment="left")
    titles(fig, f"{results.scenario.name}, case {case}: routes on the map", case_subtitle(results, case)
           + "\n" + course_note(full), ax=ax, subtitle_wrap=SUBTITLE_WRAP)
    freeze(fig)
    route_bands(frame, routes)
    place_labels(frame, names, countries)
    return fig


def course_note(net) -> str:
    """What the drawn courses are: sea legs on their maritime path (or straight where there is none), railways
    through intermediate points where a straight line would mislead."""
    from ..geometry import has_path

    links = net.links
    sea = links.index[links["mode"] == "sea"]
    drawn = sum(has_path(net, lid) for lid in sea)
    rail = sum(has_path(net, lid) for lid in links.index[links["mode"] != "sea"])
    if not len(sea) or drawn == len(sea):
        text = "sea legs along their maritime path"
    elif drawn:
        text = f"sea legs along their maritime path ({len(sea) - drawn} of {len(sea)} straight: no path stored)"
    else:
        text = "sea legs drawn as straight lines (no maritime path stored)"
    if rail:
        text += f"; {rail} land link{'s' if rail > 1 else ''} through intermediate points, drawn approximately"
    return text
