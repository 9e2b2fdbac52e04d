"""Charts of a run with draws (cost distributions per route, probability of being cheapest) and the tornado.

Each builds a plain :class:`matplotlib.figure.Figure` (no pyplot state); routes keep their run-wide colours
and labels (:mod:`corridor.plot._style`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UnknownCaseError, unknown_case
from ._labels import plain, route_tick, titles
from ._layout import fit_texts
from ._style import new_figure, route_colors

MAX_VIOLIN_DRAWS = 20_000  # kernel density estimates on an evenly spaced subsample of the draws
LOW_COLOR, HIGH_COLOR = "#4C72B0", "#DD8452"


def _case_draws(results, case: str | None):
    if not results.uncertainty:
        raise ValueError("these results have no draws: run with draws=N")
    name = case if case is not None else next(iter(results.uncertainty))
    if name not in results.cases:
        raise unknown_case(name, results.cases)
    if name not in results.uncertainty:
        raise KeyError(f"no draws for case {name!r} (cases with draws: {', '.join(results.uncertainty)})")
    return name, results.uncertainty[name]


def _route_ticks(ax, results, case: str, ranks, pos, extra=None) -> None:
    """Route labels on the y axis, each in its route's colour (as in the other charts of the run)."""
    colors = route_colors(results)
    labels = [route_tick(results, case, r) + (extra[i] if extra else "") for i, r in enumerate(ranks)]
    ax.set_yticks(pos, labels, fontsize=8.5)
    for tick, r in zip(ax.get_yticklabels(), ranks):
        tick.set_color(colors[(case, r)])
        tick.set_fontweight("bold")


def cost_distribution(results, case: str | None = None, *, metric: str = "cost"):
    """Violins of each route's cost per tonne over the draws, with P10-P90, P50 and the file value marked.

    Parameters
    ----------
    results : Results
        From ``corridor.run(scenario, draws=N)``.
    case : str, optional
        Case name (default: the first case with draws).
    metric : {"cost", "generalized"}
        Money per tonne, or generalized cost (money + value of time).

    Returns
    -------
    matplotlib.figure.Figure
        One violin body per route (rank 1 on top), in the route's colour; the P10-P90 bars are a
        ``LineCollection`` with ``gid`` ``"p10_p90"``, the P50 points a line with ``gid`` ``"p50"``.
    """
    if metric not in ("cost", "generalized"):
        raise ValueError(f"metric must be 'cost' or 'generalized', got {metric!r}")
    name, d = _case_draws(results, case)
    values = d.cost if metric == "cost" else d.generalized
    step = max(1, values.shape[1] // MAX_VIOLIN_DRAWS)
    n = len(d.ranks)
    colors = route_colors(results)
    fig, ax = new_figure(11.0, 1.8 + 0.8 * n)
    pos = np.arange(n)[::-1]  # rank 1 on top
    parts = ax.violinplot([v[::step] for v in values], positions=pos, orientation="horizontal", widths=0.8,
                          showextrema=False)
    for body, r in zip(parts["bodies"], d.ranks):
        body.set_facecolor(colors[(name, r)])
        body.set_edgecolor(colors[(name, r)])
        body.set_alpha(0.4)
    q = np.percentile(values, [10, 50, 90], axis=1)
    ax.hlines(pos, q[0], q[2], color="#222222", lw=2.5, label="P10–P90", gid="p10_p90")
    ax.plot(q[1], pos, "o", color="white", mec="#222222", ms=6, label="P50", linestyle="none", gid="p50")
    routes = results.routes.loc[name]
    det = routes.loc[d.ranks, "cost_usd_per_t" if metric == "cost" else "generalized_usd_per_t"].to_numpy()
    ax.plot(det, pos, "|", color="#C44E52", ms=16, mew=2, label="at the file values", linestyle="none", gid="file")
    _route_ticks(ax, results, name, d.ranks, pos, [f"\n{p:.1%} of draws cheapest" for p in d.p_cheapest])
    what = "cost" if metric == "cost" else "generalized cost"
    ax.set_xlabel(f"{what} per tonne (USD/t)")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8.5)
    covered = f"coverage {d.coverage:.1%} of {d.checked:,} checked draws" if d.checked else "coverage not checked"
    titles(fig, f"{results.scenario.name}, case {name}: {what} per route over {d.draws:,} draws",
           plain(f"seed {d.seed}; candidates {d.candidates}; {covered}"), ax=ax)
    return fig


def p_cheapest(results, case: str | None = None):
    """Bars of the probability that each route is the cheapest (by generalized cost), in the routes' colours.

    Returns
    -------
    matplotlib.figure.Figure
        One ``BarContainer`` (label ``"p_cheapest"``), rank 1 on top, bar width = the share of the draws.
    """
    name, d = _case_draws(results, case)
    n = len(d.ranks)
    colors = route_colors(results)
    fig, ax = new_figure(10.0, 1.6 + 0.6 * n)
    pos = np.arange(n)[::-1]
    ax.barh(pos, d.p_cheapest, color=[colors[(name, r)] for r in d.ranks], height=0.6, label="p_cheapest")
    texts = [ax.annotate(f"{p:.1%}", (p, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8.5)
             for y, p in zip(pos, d.p_cheapest)]
    _route_ticks(ax, results, name, d.ranks, pos)
    ax.set_xlim(0, 1.0)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("probability of being the cheapest route (share of the draws, by generalized cost)")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    titles(fig, f"{results.scenario.name}, case {name}: which route is cheapest",
           f"{d.draws:,} draws, seed {d.seed}" + (f"; coverage {d.coverage:.1%}" if d.checked else ""), ax=ax)
    fit_texts(fig, ax, texts)
    return fig


def tornado_chart(table: pd.DataFrame, case: str | None = None, *, scenario: str = ""):
    """The tornado: change in the best route's cost with each input at its low and high value, biggest on top.

    Parameters
    ----------
    table : DataFrame
        From :func:`corridor.uncertainty.tornado`.
    case : str, optional
        The case to draw (default: the table's first).
    scenario : str, optional
        The scenario's name, for the title.

    Returns
    -------
    matplotlib.figure.Figure
        Bars in two ``BarContainer`` s labelled ``"low"`` and ``"high"``, widths = ``change_low`` and
        ``change_high`` (biggest swing on top). A bar end marked with ``⇄`` is where another route becomes the
        cheapest.
    """
    name = case if case is not None else table["case"].iloc[0]
    if name not in set(table["case"]):
        cases = ", ".join(dict.fromkeys(table["case"]))
        raise UnknownCaseError(f"no case {name!r} in the tornado table (cases: {cases})")
    # barh draws from the bottom
    part = table[table["case"] == name].sort_values("swing", ascending=True, kind="stable")
    n = len(part)
    fig, ax = new_figure(10.0, 1.9 + 0.55 * n)
    pos = np.arange(n)
    low, high = part["change_low"].to_numpy(float), part["change_high"].to_numpy(float)
    # the longer bar of a row underneath, so a shorter one on the same side stays visible
    low_under = np.abs(low) >= np.abs(high)
    for side, values in (("low", low), ("high", high)):
        bars = ax.barh(pos, values, height=0.6, color=LOW_COLOR if side == "low" else HIGH_COLOR, label=side)
        for patch, under in zip(bars, low_under if side == "low" else ~low_under):
            patch.set_zorder(2 if under else 3)
    span = max(1e-9, float(np.nanmax(np.abs(np.r_[low, high]))) if n else 1.0)
    pad = 0.02 * span
    base_rank = 1
    for y, (_, r) in zip(pos, part.iterrows()):
        for side in ("low", "high"):
            change = r[f"change_{side}"]
            right = change > 0 or (change == 0 and (side == "high" or r["change_high"] < 0))
            text = f"{r[side]:.3g}" + (" ⇄" if r[f"cheapest_{side}"] != base_rank else "")
            ax.text(change + (pad if right else -pad), y, text, va="center", ha="left" if right else "right",
                    fontsize=8, zorder=4)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(pos, [plain(f"{p} ({h})") for p, h in zip(part["parameter"], part["how"])], fontsize=8.5)
    ax.set_xlim(-1.3 * span, 1.3 * span)
    metric = table.attrs.get("metric", "generalized")
    base = part["best_usd_per_t"].iloc[0] if n else float("nan")
    ax.set_xlabel(f"change in the cheapest route's {'generalized ' if metric == 'generalized' else ''}cost, USD/t "
                  f"(at the file values: {base:.2f} USD/t)")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    from matplotlib.patches import Patch

    fig.legend(handles=[Patch(color=LOW_COLOR, label="input at its low value"),
                        Patch(color=HIGH_COLOR, label="input at its high value")],
               loc="outside lower center", ncols=2, frameon=False, fontsize=8.5)
    titles(fig, (f"{scenario}, " if scenario else "") + f"case {name}: tornado of the cheapest route's cost",
           "each input alone at its low and high value; ⇄ = another route becomes the cheapest", ax=ax)
    return fig
