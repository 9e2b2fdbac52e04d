"""Plots of a run with draws: cost distributions per route, probability of being cheapest, and the tornado.

Each function draws on ``ax`` (a new figure if None) and returns the Axes. matplotlib is imported here only.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

MAX_VIOLIN_DRAWS = 20_000  # kernel density estimates on an evenly spaced subsample of the draws


def _axes(ax, size):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _case_draws(results, case: str | None):
    if not results.uncertainty:
        raise ValueError("these results have no draws: run with draws=N")
    name = case if case is not None else next(iter(results.uncertainty))
    if name not in results.uncertainty:
        raise KeyError(f"no draws for case {name!r} (cases with draws: {', '.join(results.uncertainty)})")
    return name, results.uncertainty[name]


def _wrap(label: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(label, width))


def cost_distribution(results, case: str | None = None, *, metric: str = "cost", ax=None):
    """Violins of each route's cost per tonne over the draws, with P10, P50 and P90 marked.

    Parameters
    ----------
    results : Results
        From ``corridor.run(scenario, draws=N)``.
    case : str, optional
        Case name (default: the first case).
    metric : {"cost", "generalized"}
        Money per tonne, or generalized cost (money + value of time).
    """
    name, d = _case_draws(results, case)
    values = d.cost if metric == "cost" else d.generalized
    step = max(1, values.shape[1] // MAX_VIOLIN_DRAWS)
    n = len(d.ranks)
    ax = _axes(ax, (9, 1.0 + 0.8 * n))
    pos = np.arange(n)[::-1]  # rank 1 on top
    parts = ax.violinplot([v[::step] for v in values], positions=pos, orientation="horizontal", widths=0.8,
                          showextrema=False)
    for body in parts["bodies"]:
        body.set_facecolor("#4C72B0")
        body.set_alpha(0.45)
    q = np.percentile(values, [10, 50, 90], axis=1)
    ax.hlines(pos, q[0], q[2], color="#1f3b63", lw=2.5, label="P10–P90")
    ax.plot(q[1], pos, "o", color="white", mec="#1f3b63", ms=6, label="P50")
    routes = results.routes.loc[name]
    det = routes.loc[d.ranks, "cost_usd_per_t" if metric == "cost" else "generalized_usd_per_t"].to_numpy()
    ax.plot(det, pos, "|", color="#C44E52", ms=16, mew=2, label="file values")
    ax.set_yticks(pos, [_wrap(f"{r}. {lab}") + f"\n{p:.1%} cheapest" for r, lab, p in
                        zip(d.ranks, d.labels, d.p_cheapest)], fontsize=8)
    what = "Cost" if metric == "cost" else "Generalized cost"
    ax.set_xlabel(f"{what}, USD per tonne")
    ax.set_title(f"{name}: {what.lower()} per route over {d.draws:,} draws", fontsize=10, loc="left")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def p_cheapest_bars(results, case: str | None = None, *, ax=None):
    """Bars of the probability that each route is the cheapest (by generalized cost)."""
    name, d = _case_draws(results, case)
    n = len(d.ranks)
    ax = _axes(ax, (8, 1.0 + 0.55 * n))
    pos = np.arange(n)[::-1]
    ax.barh(pos, d.p_cheapest, color="#55A868", height=0.6)
    for y, p in zip(pos, d.p_cheapest):
        ax.text(p + 0.01, y, f"{p:.1%}", va="center", fontsize=8)
    ax.set_yticks(pos, [_wrap(f"{r}. {lab}") for r, lab in zip(d.ranks, d.labels)], fontsize=8)
    ax.set_xlim(0, 1.1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("probability of being the cheapest route")
    ax.set_title(f"{name}: which route is cheapest ({d.draws:,} draws, coverage {d.coverage:.0%})",
                 fontsize=10, loc="left")
    ax.grid(axis="x", alpha=0.3)
    return ax


def tornado_chart(table: pd.DataFrame, case: str | None = None, *, ax=None):
    """The tornado: change in the best route's cost with each input at its low and high value, biggest on top.

    ``table`` comes from :func:`corridor.uncertainty.tornado`. A bar end marked with ``⇄`` is where another route
    becomes the cheapest.
    """
    name = case if case is not None else table["case"].iloc[0]
    part = table[table["case"] == name].sort_values("swing", ascending=True)  # barh draws from the bottom
    n = len(part)
    ax = _axes(ax, (8.5, 1.2 + 0.55 * n))
    pos = np.arange(n)
    base_rank = 1
    pad = 0.02 * max(1e-9, float(np.nanmax(np.abs(part[["change_low", "change_high"]].to_numpy()))) if n else 1.0)
    colours = {"low": "#4C72B0", "high": "#DD8452"}
    for y, (_, r) in zip(pos, part.iterrows()):
        # the longer bar first, so a shorter one on the same side stays visible
        for side in sorted(("low", "high"), key=lambda sd: -abs(r[f"change_{sd}"])):
            ax.barh(y, r[f"change_{side}"], height=0.6, color=colours[side],
                    label=f"input at its {side} value" if y == pos[-1] else None)
        for side in ("low", "high"):
            change = r[f"change_{side}"]
            right = change > 0 or (change == 0 and (side == "high" or r["change_high"] < 0))
            text = f"{r[side]:.3g}" + (" ⇄" if r[f"cheapest_{side}"] != base_rank else "")
            ax.text(change + (pad if right else -pad), y, text, va="center", ha="left" if right else "right",
                    fontsize=7)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(pos, [_wrap(f"{p} ({h})", 30) for p, h in zip(part["parameter"], part["how"])], fontsize=8)
    span = max(1e-9, float(np.nanmax(np.abs(part[["change_low", "change_high"]].to_numpy()))))
    ax.set_xlim(-1.3 * span, 1.3 * span)
    metric = table.attrs.get("metric", "generalized")
    base = part["best_usd_per_t"].iloc[0] if n else float("nan")
    ax.set_xlabel(f"change in the cheapest route's {'generalized ' if metric == 'generalized' else ''}cost, USD/t "
                  f"(file values: {base:.2f})")
    ax.set_title(f"{name}: tornado (⇄ = another route becomes cheapest)", fontsize=10, loc="left")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax
