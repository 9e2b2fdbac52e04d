"""Charts of criticality: the most critical elements as ranked bars, and the network coloured by criticality."""

from __future__ import annotations

import textwrap

import numpy as np

from ._labels import plain, titles
from ._layout import fit_texts
from ._style import new_figure
from .map import country_labels, course_note, map_axes, node_labels, place_labels

NO_ROUTE_COLOR = "#67000d"
ZERO_COLOR = "#d9d9d9"
KIND_COLORS = {"link": "#4c72b0", "node": "#dd8452", "transfer": "#55a868", "crossing": "#c44e52",
               "country": "#8172b3", "set": "#937860"}


def _case(crit, case: str | None) -> str:
    cases = list(dict.fromkeys(crit.table["case"]))
    if case is None:
        return cases[0]
    if case not in cases:
        raise KeyError(f"no case named {case!r} (cases: {', '.join(cases)})")
    return case


def _what(crit) -> tuple[str, str]:
    if crit.of == "shipment":
        return "rise in the best route's generalized cost (USD/t)", "closed"
    return "extra annual cost (million USD/yr)", "closed" if crit.derate is None else f"derated to {crit.derate:g}"


def criticality_chart(crit, case: str | None = None, *, top: int = 20):
    """The ``top`` most critical elements of one case as horizontal bars, coloured by kind; elements whose loss
    leaves no route (or, for flows, leaves demand unserved) are labelled so.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per element (a ``BarContainer`` with ``gid`` ``"criticality"``).
    """
    case = _case(crit, case)
    rows = crit.ranked(case, top)
    label, verb = _what(crit)
    fig, ax = new_figure(11.0, 1.6 + 0.34 * max(len(rows), 1))
    if not len(rows):
        ax.text(0.5, 0.5, "no element's loss costs anything", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        titles(fig, f"{crit.scenario.name}, case {case}: criticality")
        return fig
    measure = rows[crit.measure].to_numpy(float)
    if crit.of == "flows":
        measure = measure / 1e6
    finite = measure[np.isfinite(measure)]
    cap = (finite.max() if len(finite) else 1.0) * 1.15 or 1.0
    shown = np.where(np.isfinite(measure), measure, cap)
    y = np.arange(len(rows))[::-1]
    colors = [NO_ROUTE_COLOR if not np.isfinite(m) else KIND_COLORS.get(k, "#777777")
              for m, k in zip(measure, rows["kind"])]
    ax.barh(y, shown, color=colors, height=0.7, gid="criticality")
    texts = []
    for yi, m, r in zip(y, measure, rows.itertuples()):
        if not np.isfinite(m):
            note = "no route left"
        elif crit.of == "flows":
            note = f"{m:,.1f}" + (f"; {r.unserved_mt_per_year:.2f} Mt/yr unserved" if r.unserved_mt_per_year > 1e-9
                                  else "")
        else:
            note = f"{m:,.2f} → {textwrap.shorten(r.corridor, 60, placeholder=' …')}"
        texts.append(ax.annotate(plain(note), (shown[len(y) - 1 - yi], yi), xytext=(4, 0),
                                 textcoords="offset points", va="center", fontsize=8))
    ax.set_yticks(y, [plain(textwrap.shorten(f"{r.name} [{r.kind}]", 55, placeholder=" …"))
                      for r in rows.itertuples()], fontsize=8.5)
    ax.set_xlabel(label)
    ax.grid(axis="x", color="#e5e5e5")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    from matplotlib.patches import Patch

    kinds = list(dict.fromkeys(rows["kind"]))
    handles = [Patch(color=KIND_COLORS.get(k, "#777777"), label=k) for k in kinds]
    if not np.isfinite(measure).all():
        handles.append(Patch(color=NO_ROUTE_COLOR, label="no route left"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=8.5)
    titles(fig, f"{crit.scenario.name}, case {case}: the most critical elements",
           f"each element {verb} alone; the {len(rows)} that cost most", ax=ax)
    fit_texts(fig, ax, texts)
    return fig


def criticality_map(crit, case: str | None = None):
    """The network of one case with each link coloured (and widened) by its criticality and each node and border
    crossing marked by its own; elements whose loss costs nothing are grey.

    Returns
    -------
    matplotlib.figure.Figure
        Links are ``Line2D`` objects with ``gid`` ``"critical:<link id>"``; the colour bar is the figure's last axes.
    """
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    case = _case(crit, case)
    t = crit.table[crit.table["case"] == case]
    net = crit.scenario.network
    nodes, links = net.nodes, net.links
    label, verb = _what(crit)
    scale = 1e6 if crit.of == "flows" else 1.0
    value = {(r.kind, r.id): getattr(r, crit.measure) / scale for r in t.itertuples()}
    finite = [v for v in value.values() if np.isfinite(v) and v > 0]
    top = max(finite) if finite else 1.0
    cmap, norm = colormaps["YlOrRd"], Normalize(vmin=0.0, vmax=top)

    def color(v):
        if v is None or (np.isfinite(v) and v <= 0):
            return ZERO_COLOR
        return NO_ROUTE_COLOR if not np.isfinite(v) else cmap(0.15 + 0.85 * norm(v))

    frame = map_axes(net, legend_rows=1)
    fig, ax = frame.fig, frame.ax
    for lid, lk in links.iterrows():
        v = value.get(("link", lid))
        a, b = lk["from"], lk["to"]
        crossing = value.get(("crossing", f"{a}/{b}"), value.get(("crossing", f"{b}/{a}")))
        v = max([x for x in (v, crossing) if x is not None], default=None)
        hot = v is not None and (not np.isfinite(v) or v > 0)
        c = frame.course[lid]
        ax.plot(c[:, 0], c[:, 1], color=color(v), linewidth=4.0 if hot else 1.2,
                linestyle=":" if lk["mode"] == "sea" else "-", zorder=3 if hot else 2, solid_capstyle="round",
                gid=f"critical:{lid}")
    nv = [value.get(("node", n)) for n in nodes.index]
    pts = frame.points(nodes.index)
    ax.scatter(pts[:, 0], pts[:, 1], s=[60 if v is not None and (not np.isfinite(v) or v > 0) else 14 for v in nv],
               c=[color(v) for v in nv], edgecolor="#333333", linewidth=0.5, zorder=5, gid="critical_nodes")
    ranked = crit.ranked(case, 8)
    named = list(dict.fromkeys(r.id for r in ranked.itertuples() if r.kind == "node" and r.id in nodes.index))
    names = node_labels(frame, named)
    countries = country_labels(frame)
    from matplotlib.cm import ScalarMappable

    sm = ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, shrink=0.7, pad=0.02)
    bar.set_label(label + "; dark red: no route left" if crit.of == "shipment" else label, fontsize=8.5)
    titles(fig, f"{crit.scenario.name}, case {case}: criticality on the map",
           f"each element {verb} alone: links and border crossings coloured by what their loss costs, nodes "
           "likewise; grey: costs nothing\n" + course_note(net), ax=ax)
    place_labels(frame, names, countries)
    return fig
