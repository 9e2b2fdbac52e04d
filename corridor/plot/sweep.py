"""Charts of sweeps: the cost of each corridor against one input (break-evens marked), and the plane of two inputs
coloured by the cheapest corridor."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from ._labels import plain, titles
from ._style import ROUTE_COLORS, new_figure

CHEAPEST_COLOR = "#d0d0d0"


def _case(table, case: str | None) -> str:
    cases = list(dict.fromkeys(table["case"]))
    if not cases:
        raise ValueError("the sweep has no case with a route to draw")
    if case is None:
        return cases[0]
    if case not in cases:
        raise KeyError(f"no case named {case!r} in the sweep (cases: {', '.join(cases)})")
    return case


def _axis_label(parameter: str, how: str, column: str = "") -> str:
    unit = "x the file value" if how == "scale" else (column or "value")
    return plain(f"{parameter} ({unit})")


def sweep_chart(sweep, case: str | None = None):
    """Cost per tonne of the best route through each gateway against the swept input, for one case.

    Ports are solid lines, exit crossings dashed, variants avoiding a country dotted; the cheapest route of all is
    the wide grey band underneath, and each value where it changes (the break-evens) is a vertical line labelled
    with the two corridors.

    Returns
    -------
    matplotlib.figure.Figure
        One ``Line2D`` per gateway (``gid`` ``"gateway:<label>"``), the band (``"cheapest"``), the break-even lines
        (``"breakeven"``).
    """
    case = _case(sweep.table, case)
    t = sweep.table[sweep.table["case"] == case]
    col = "cost_usd_per_t" if sweep.metric == "cost" else "generalized_usd_per_t"
    fig, ax = new_figure(11.0, 6.6)
    bes = sweep.breakevens[sweep.breakevens["case"] == case]
    best = t[t["gateway"] == "cheapest"][["value", col]]
    best = pd.concat([best, bes[["value", "usd_per_t"]].set_axis(["value", col], axis=1)]).sort_values("value")
    ax.plot(best["value"], best[col], color=CHEAPEST_COLOR, linewidth=9, solid_capstyle="round", zorder=1,
            label="cheapest route of all", gid="cheapest")
    gateways = [g for g in dict.fromkeys(t["gateway"]) if g != "cheapest"]
    for i, g in enumerate(gateways):
        part = t[t["gateway"] == g].sort_values("value")
        kind = part["kind"].iloc[0]
        style = ":" if ", avoiding " in g else "--" if kind == "exit" else "-." if kind == "path" else "-"
        color = "#000000" if kind == "path" else ROUTE_COLORS[i % len(ROUTE_COLORS)]
        ax.plot(part["value"], part[col], linestyle=style, color=color, linewidth=1.8, marker="o", markersize=3,
                zorder=3, label=plain(g if kind == "path" else f"{g} ({'exit crossing' if kind == 'exit' else kind})"),
                gid=f"gateway:{g}")
    lo, hi = ax.get_ylim()
    notes = []
    for k, b in enumerate(bes.itertuples(), start=1):
        ax.axvline(b.value, color="#555555", linestyle=":", linewidth=1.2, zorder=2, gid="breakeven")
        ax.annotate(str(k), (b.value, hi), xytext=(3, -12), textcoords="offset points", fontsize=9,
                    fontweight="bold", color="#333333")
        notes.append(f"{k}. {b.value:.4g}: {b.below_corridor} → {b.above_corridor}")
    ax.set_ylim(lo, hi)
    ax.set_xlabel(_axis_label(sweep.parameter, sweep.how, sweep.column))
    ax.set_ylabel("generalized cost (USD/t)" if sweep.metric != "cost" else "cost (USD/t)")
    ax.grid(color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", frameon=False, fontsize=8.5,
               title="best route through each gateway", title_fontsize=9, alignment="left")
    sub = "break-even (the cheapest route changes):\n" + "\n".join(
        textwrap.shorten(plain(n), 150, placeholder=" …") for n in notes) if notes else \
        "the cheapest route does not change over this range"
    titles(fig, f"{sweep.scenario}, case {case}: cost per corridor as {sweep.parameter} moves", sub, ax=ax)
    return fig


def sweep_map_chart(smap, case: str | None = None):
    """The plane of two inputs coloured by the corridor of the cheapest route, for one case.

    Returns
    -------
    matplotlib.figure.Figure
        The coloured cells are a ``QuadMesh`` (``gid`` ``"cheapest_corridor"``); the legend names the corridors.
    """
    from matplotlib.patches import Patch

    case = _case(smap.table, case)
    t = smap.table[smap.table["case"] == case]
    corridors = list(dict.fromkeys(t["corridor"]))
    code = {c: i for i, c in enumerate(corridors)}
    grid = t["corridor"].map(code).to_numpy().reshape(len(smap.values_y), len(smap.values_x))
    from matplotlib.colors import BoundaryNorm, ListedColormap

    colors = [ROUTE_COLORS[i % len(ROUTE_COLORS)] for i in range(len(corridors))]
    cmap = ListedColormap(colors)
    norm = BoundaryNorm(np.arange(len(corridors) + 1) - 0.5, len(corridors))
    fig, ax = new_figure(10.0, 6.6)
    ax.pcolormesh(smap.values_x, smap.values_y, grid, cmap=cmap, norm=norm, shading="nearest",
                  gid="cheapest_corridor")
    ax.set_xlabel(_axis_label(smap.parameters[0], smap.hows[0]))
    ax.set_ylabel(_axis_label(smap.parameters[1], smap.hows[1]))
    handles = [Patch(color=colors[i], label="\n".join(textwrap.wrap(plain(c), 40))) for i, c in enumerate(corridors)]
    fig.legend(handles=handles, loc="outside right center", frameon=False, fontsize=8.5,
               title="cheapest corridor", title_fontsize=9, alignment="left")
    titles(fig, f"{smap.scenario}, case {case}: the cheapest corridor",
           f"by {'money cost' if smap.metric == 'cost' else 'generalized cost'}, on a "
           f"{len(smap.values_x)} x {len(smap.values_y)} grid", ax=ax)
    return fig
