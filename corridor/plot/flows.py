"""Map of an allocation: annual flows as line widths on the links, bottlenecks marked with their shadow prices."""

from __future__ import annotations

import textwrap

import pandas as pd

from ..geometry import midpoint
from ._checks import check_flow_case
from ._labels import element_label, flow_subtitle, node_name, titles
from ._layout import RIGHT_FIRST, declutter
from .map import SUBTITLE_WRAP, country_labels, course_note, draw_network, map_axes, node_labels, place_labels

# label places: the map's, then further out (origins and bottlenecks crowd the mines' corner)
FAR = tuple((dx, dy, ha, va) for dy in (28, -28, 42, -42) for dx, ha in ((5, "left"), (-5, "right"))
            for va in (("bottom",) if dy > 0 else ("top",)))

FLOW_COLOR = "#6a51a3"
BOTTLENECK_COLOR = "#d62728"
MIN_WIDTH, MAX_WIDTH = 1.5, 16.0  # points, for the smallest and the largest flow
FLOW_TOL = 1e-6                   # Mt/yr: less is not drawn
# bottleneck markers by element kind: marker, size (points^2)
BOTTLENECK_MARKERS = {"link": ("D", 70), "node": ("o", 260), "transfer": ("s", 380)}


def link_flows(results, case: str) -> pd.Series:
    """Mt/yr on each link in an allocation (both directions added), from ``Results.flow_routes``; largest first."""
    case = check_flow_case(results, case)
    routes = results.allocations[case].routes
    flow: dict[str, float] = {}
    for links, mt in zip(routes["links"], routes["mt_per_year"]):
        for link in links:
            flow[link] = flow.get(link, 0.0) + float(mt)
    out = pd.Series(flow, name="mt_per_year", dtype=float)
    out.index.name = "link"
    return out[out > FLOW_TOL].sort_values(ascending=False, kind="stable")


def width_of(mt: float, top: float) -> float:
    """Line width (points) of a flow of ``mt`` Mt/yr when the largest is ``top``: linear, so widths order as flows."""
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (mt / top if top > 0 else 0.0)


def _nice_steps(top: float) -> list[float]:
    """Two or three round flows up to ``top`` for the width legend."""
    import math

    if top <= 0:
        return []
    mag = 10 ** math.floor(math.log10(top))
    big = max(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag <= top * 1.0001)
    return sorted({round(v, 6) for v in (big / 4, big / 2, big) if v > 0})


def flow_map(results, case: str | None = None, *, label_nodes: str = "flows"):
    """The network with one case's annual flows: line width by Mt/yr, bottlenecks marked.

    Every link that carries flow is a purple band whose width grows linearly with its Mt/yr (both directions
    added; a legend gives the scale). Each binding capacity element is marked in red, one marker per
    element: a diamond at the middle of a link, a circle round a node, a square round a node for a transfer
    there. Those with a positive shadow price are numbered, highest first, and listed with it on the right
    (USD/t of total annual cost saved per extra tonne a year of capacity). Origins and destinations are named
    with their Mt/yr.

    Parameters
    ----------
    results : Results
        With annual flows (a scenario with ``[flows]``).
    case : str, optional
        The case to draw (default: the first case with flows).
    label_nodes : {"flows", "all", "none"}
        Name the origins and destinations (default), every node as well, or none.

    Returns
    -------
    matplotlib.figure.Figure
        Flow bands are ``Line2D`` objects with ``gid`` ``"flow:<link id>"``; bottleneck markers are
        collections with ``gid`` ``"bottleneck:<kind>:<id>"``; the numbers of the priced ones are texts with
        ``gid`` ``"bottleneck_number"``.
    """
    case = check_flow_case(results, case)
    if label_nodes not in ("flows", "all", "none"):
        raise ValueError(f"label_nodes must be 'flows', 'all' or 'none', got {label_nodes!r}")
    full = results.scenario.network
    nodes, links = full.nodes, full.links
    alloc = results.allocations[case]
    frame = map_axes(full, legend_rows=2.5, legend_width=3.4)
    fig, ax = frame.fig, frame.ax

    flows = link_flows(results, case)
    top = float(flows.max()) if len(flows) else 0.0
    for link, mt in flows.items():
        c = frame.course[link]
        ax.plot(c[:, 0], c[:, 1], color=FLOW_COLOR, alpha=0.5, linewidth=width_of(mt, top), solid_capstyle="round",
                solid_joinstyle="round", zorder=3, gid=f"flow:{link}")
    draw_network(frame, results.scenario.case(case).network, light=True)

    # bottlenecks: one marker per binding element; those with a positive shadow price numbered, highest first
    binding = alloc.elements[alloc.elements["binding"]]
    priced = []
    kinds = dict(zip(alloc.elements["id"], alloc.elements["kind"]))
    for r in binding.itertuples():
        if r.kind == "link":
            x, y = midpoint([tuple(p) for p in frame.course[r.id]])
        else:
            x, y = frame.xy[r.id.partition(":")[0] if r.kind == "transfer" else r.id]
        marker, size = BOTTLENECK_MARKERS[r.kind]
        filled = r.kind == "link"
        worth = r.shadow_price_usd_per_t > 0  # full at price 0: drawn faint (it caps the same flow as a priced one)
        ax.scatter([x], [y], marker=marker, s=size, facecolor=BOTTLENECK_COLOR if filled else "none",
                   edgecolor=BOTTLENECK_COLOR, linewidth=1.8 if worth else 1.0, alpha=1.0 if worth else 0.45,
                   zorder=14, gid=f"bottleneck:{r.kind}:{r.id}")
        if worth:
            p = r.shadow_price_usd_per_t
            with_ = "".join(f" with {element_label(nodes, kinds[x_], x_, links)}"
                            for x_ in r.relieve_with.split(";") if x_)
            priced.append((x, y, f"{element_label(nodes, r.kind, r.id, links)} [{r.kind}]: "
                                 f"{p:,.{0 if p >= 9.95 else 1}f} USD/t{with_}"))
    numbers = [ax.annotate(str(k), (x, y), xytext=(5, 4), textcoords="offset points", fontsize=9,
                           color=BOTTLENECK_COLOR, fontweight="bold", zorder=16, gid="bottleneck_number",
                           bbox=dict(boxstyle="round,pad=0.12", fc="white", ec=BOTTLENECK_COLOR, lw=0.6, alpha=0.9))
               for k, (x, y, _) in enumerate(priced, start=1)]

    names = []
    if label_nodes != "none":
        shipped = alloc.origins["shipped_mt_per_year"]
        dest = alloc.destinations
        texts = {o: f"{node_name(nodes, o)}: {shipped[o]:.1f} Mt/yr out" for o in alloc.origins.index}
        for d, r in dest.iterrows():
            texts[d] = (f"{node_name(nodes, d)}: {r['delivered_mt_per_year']:.1f}"
                        + (f" of {r['demand_mt_per_year']:.1f}" if r["unserved_mt_per_year"] > 1e-9 else "")
                        + " Mt/yr in")
        named = list(texts) + ([n for n in nodes.index if n not in texts] if label_nodes == "all" else [])
        names = node_labels(frame, [n for n in named if n in nodes.index], texts, leader=True)
    countries = country_labels(frame)

    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=FLOW_COLOR, alpha=0.5, linewidth=width_of(v, top), solid_capstyle="butt",
                      label=f"{v:g} Mt/yr") for v in _nice_steps(top)]
    handles += [Line2D([], [], linestyle="none", marker=BOTTLENECK_MARKERS[k][0],
                       markersize=BOTTLENECK_MARKERS[k][1] ** 0.5,
                       markerfacecolor=BOTTLENECK_COLOR if k == "link" else "none", markeredgecolor=BOTTLENECK_COLOR,
                       markeredgewidth=1.8, label=f"binding {k}") for k in ("link", "node", "transfer")
                if (binding["kind"] == k).any()]
    labels = [h.get_label() for h in handles]
    n_plain = len(handles)
    if priced:  # the numbered bottlenecks, listed under the markers in the same legend
        blank = Line2D([], [], linestyle="none")
        handles.append(blank)
        labels.append("shadow prices: USD/t of annual\ncost saved per extra t/yr of\ncapacity, with the elements\n"
                      "named (faint, unnumbered:\nfull, but worth 0 alone)")
        for k, (_, _, text) in enumerate(priced, start=1):
            handles.append(blank)
            labels.append(textwrap.fill(f"{k}. {text}", 34, subsequent_indent="    "))
    leg = fig.legend(handles, labels, loc="outside right center", frameon=False, fontsize=8.5, alignment="left",
                     title="annual flow (line width,\nboth directions added);\nbottlenecks (used in full)",
                     title_fontsize=9, handlelength=3.0)
    for i, text in enumerate(leg.get_texts()):
        if i == n_plain:
            text.set_fontweight("bold")
        elif i > n_plain:
            text.set_color(BOTTLENECK_COLOR)
    net_handles, net_labels = ax.get_legend_handles_labels()
    fig.legend(net_handles, net_labels, loc="outside lower center", frameon=False, fontsize=8.5,
               ncols=min(6, len(net_labels)), columnspacing=1.2)
    titles(fig, f"{results.scenario.name}, case {case}: annual flows and bottlenecks",
           flow_subtitle(results, case) + "\n" + course_note(full), ax=ax, subtitle_wrap=SUBTITLE_WRAP)
    declutter(fig, ax, numbers, candidates=RIGHT_FIRST, points=frame.points(nodes.index))
    place_labels(frame, names, countries, candidates=RIGHT_FIRST + FAR, fixed=numbers)
    return fig
