"""Map of the network on longitude/latitude (plate carrée), with the compared routes overlaid.

The base map (frame, network links by mode, nodes by kind, country names, label placement) is shared with the
flow map (:mod:`corridor.plot.flows`).
"""

from __future__ import annotations

import math

from ._checks import check_case, check_ranks
from ._labels import case_subtitle, node_name, route_tick, titles
from ._layout import RIGHT_FIRST, declutter
from ._style import KIND_STYLES, MODE_STYLES, new_figure, route_colors

COUNTRY_NAMES = {"MN": "MONGOLIA", "CN": "CHINA", "RU": "RUSSIA", "KP": "DPRK", "KR": "KOREA", "JP": "JAPAN"}


def map_axes(nodes, *, legend_rows: int = 0, width: float = 11.0):
    """A figure sized to the nodes' extent, its axes in plate carrée with the limits set.

    ``legend_rows`` adds height for a legend below the map.
    """
    lon, lat = nodes["lon"], nodes["lat"]
    pad_x = max(1.0, 0.06 * (lon.max() - lon.min()))
    pad_y = max(1.0, 0.08 * (lat.max() - lat.min()))
    x0, x1, y0, y1 = lon.min() - pad_x, lon.max() + pad_x, lat.min() - pad_y, lat.max() + pad_y
    aspect = 1.0 / math.cos(math.radians((y0 + y1) / 2))
    map_w = width - 3.2  # the network legend takes the right-hand side
    height = min(12.0, max(5.0, map_w * (y1 - y0) * aspect / (x1 - x0) + 1.6 + 0.3 * legend_rows))
    fig, ax = new_figure(width, height)
    ax.set_aspect(aspect)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.grid(color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def draw_network(ax, full, open_net, *, link_zorder: float = 10, light: bool = False) -> None:
    """Links by mode and gauge (``gid`` ``"link:<mode>"``), nodes by kind (``"nodes:<kind>"``); what ``open_net``
    lacks (closed in the case) is drawn faint (``"link:closed"``, ``"nodes:closed"``).

    ``light`` draws the links thinner and paler (under flows that carry the information).
    """
    nodes, links = full.nodes, full.links
    closed = ~links.index.isin(open_net.links.index)
    for mode, style in MODE_STYLES.items():
        sub = links[(links["mode"] == mode) & ~closed]
        if light:
            style = {**style, "linewidth": 0.9, "alpha": 0.7}
        for j, (_, lk) in enumerate(sub.iterrows()):
            ax.plot([nodes.at[lk["from"], "lon"], nodes.at[lk["to"], "lon"]],
                    [nodes.at[lk["from"], "lat"], nodes.at[lk["to"], "lat"]],
                    **{**style, "label": style["label"] if j == 0 else "_nolegend_"}, zorder=link_zorder,
                    gid=f"link:{mode}")
    for j, (_, lk) in enumerate(links[closed].iterrows()):
        ax.plot([nodes.at[lk["from"], "lon"], nodes.at[lk["to"], "lon"]],
                [nodes.at[lk["from"], "lat"], nodes.at[lk["to"], "lat"]], color="#cccccc", linewidth=1.0,
                linestyle=(0, (1, 2)), zorder=link_zorder - 1,
                label="closed in this case (link)" if j == 0 else "_nolegend_", gid="link:closed")
    shut = ~nodes.index.isin(open_net.nodes.index)
    for kind, style in KIND_STYLES.items():
        sub = nodes[(nodes["kind"] == kind) & ~shut]
        if len(sub):
            ax.scatter(sub["lon"], sub["lat"], marker=style["marker"], s=style["s"], color=style["color"],
                       edgecolor="white", linewidth=0.6, zorder=12, label=kind, gid=f"nodes:{kind}")
    if shut.any():
        ax.scatter(nodes.loc[shut, "lon"], nodes.loc[shut, "lat"], marker="o", s=22, facecolor="white",
                   edgecolor="#aaaaaa", linewidth=1.0, zorder=12, label="closed in this case (node)",
                   gid="nodes:closed")


def country_labels(ax, nodes) -> list:
    """A big faint country name near the middle of each country's nodes (``gid`` ``"country"``)."""
    return [ax.annotate(COUNTRY_NAMES.get(country, country), (grp["lon"].median(), grp["lat"].median()),
                        xytext=(0, 0), textcoords="offset points", fontsize=14, color="#a8a8a8", alpha=0.6,
                        ha="center", va="center", fontweight="bold", zorder=1, gid="country")
            for country, grp in nodes.groupby("country")]


LEADER = dict(arrowstyle="-", color="#888888", linewidth=0.6, shrinkA=0, shrinkB=4)


def node_labels(ax, nodes, named, texts=None, *, gid: str = "node_label", leader: bool = False) -> list:
    """Name each node in ``named`` (or write ``texts[node]`` there) on a white box; ``leader`` draws a thin line
    from a label to its node (for labels that may be placed away from it)."""
    texts = texts or {}
    return [ax.annotate(texts.get(node, node_name(nodes, node)), (nodes.at[node, "lon"], nodes.at[node, "lat"]),
                        xytext=(5, 4), textcoords="offset points", fontsize=8, zorder=15, gid=gid,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7),
                        arrowprops=LEADER if leader else None)
            for node in named]


def place_labels(fig, ax, nodes, names, countries, *, candidates=RIGHT_FIRST, fixed=()) -> None:
    """Move node names off each other and off the nodes (trying ``candidates`` in order), then the country
    names off both."""
    spots = nodes[["lon", "lat"]].to_numpy(dtype=float)
    declutter(fig, ax, names, candidates=candidates, points=spots, fixed=fixed)
    country_spots = tuple((dx, dy, "center", "center") for r in (0, 25, 50, 75, 100)
                          for dx, dy in ((0, -r), (0, r), (-r, 0), (r, 0), (-r, -r), (r, r), (-r, r), (r, -r)))[7:]
    declutter(fig, ax, countries, candidates=country_spots, fixed=[*fixed, *names], points=spots, own_point=False)


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
    colors = route_colors(results)
    full = results.scenario.network
    nodes = full.nodes
    fig, ax = map_axes(nodes, legend_rows=len(ranks))

    # routes first (underneath), widest first
    n = len(ranks)
    for i, rank in enumerate(ranks):
        seq = results.routes.at[(case, rank), "nodes"]
        ax.plot(nodes.loc[seq, "lon"], nodes.loc[seq, "lat"], color=colors[(case, rank)], alpha=0.55,
                linewidth=3.5 + 2.5 * (n - 1 - i), solid_capstyle="round", solid_joinstyle="round", zorder=2 + i,
                label=route_tick(results, case, rank, wrap=58), gid=f"route:{rank}")
    draw_network(ax, full, results.scenario.case(case).network)
    countries = country_labels(ax, nodes)
    names = []
    if label_nodes != "none":
        if label_nodes == "all":
            named = list(nodes.index)
        else:
            named = list(dict.fromkeys(n for r in ranks for n in results.routes.at[(case, r), "key_nodes"]))
        names = node_labels(ax, nodes, named)

    handles, labels = ax.get_legend_handles_labels()
    route_items = [(h, lab) for h, lab in zip(handles, labels) if h.get_gid() and h.get_gid().startswith("route:")]
    other = [(h, lab) for h, lab in zip(handles, labels) if (h, lab) not in route_items]
    fig.legend(*zip(*route_items), loc="outside lower left", frameon=False, fontsize=8.5,
               title="routes (cheapest first)", title_fontsize=9, alignment="left")
    fig.legend(*zip(*other), loc="outside right center", frameon=False, fontsize=8.5, title="network",
               title_fontsize=9, alignment="left")
    titles(fig, f"{results.scenario.name}, case {case}: routes on the map",
           case_subtitle(results, case) + "\nsea legs drawn as straight lines (schematic)", ax=ax)
    place_labels(fig, ax, nodes, names, countries)
    return fig
