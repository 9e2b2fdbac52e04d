"""Charts of draws over annual flows: how often each capacity element binds, the spread of its shadow price, and a
fan of the flow on each corridor (a run with draws on a scenario with ``[flows]``)."""

from __future__ import annotations

import numpy as np

from ._labels import element_label, plain, titles
from ._layout import fit_texts
from ._style import new_figure

BINDING_COLOR = "#d62728"   # full and priced (as the capacity chart)
FULL_COLOR = "#f4a582"      # full at price 0
FAN_COLOR = "#6a51a3"       # as the flow map
FILE_COLOR = "#222222"      # the value at the file values
FAN_BANDS = ((5, 95, 0.18), (10, 90, 0.30), (25, 75, 0.50))  # percentiles and alpha of the fan's bands
MAX_ROWS = 14               # elements or corridors drawn (the most binding / the largest)
MAX_VIOLIN_DRAWS = 20_000   # kernel density estimates on an evenly spaced subsample of the draws


def _pct(share: float) -> str:
    """A share as a whole percentage, but never 0% or 100% for a share that is not exactly 0 or 1."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{share:.0%}"


def _flow_draws(results, case: str | None):
    if not results.flow_draws:
        raise ValueError("these results have no draws over flows: run a scenario with [flows] with draws=N")
    name = case if case is not None else next(iter(results.flow_draws))
    if name not in results.flow_draws:
        raise KeyError(f"no draws over flows for case {name!r} (cases: {', '.join(results.flow_draws)})")
    return name, results.flow_draws[name]


def _subtitle(d) -> str:
    t = d.totals()
    return (f"{d.draws:,} draws (seed {d.seed}), each allocation re-solved\ndelivered P10–P90 "
            f"{t.at['delivered_mt_per_year', 'p10']:.1f}–{t.at['delivered_mt_per_year', 'p90']:.1f} Mt/yr "
            f"(file values: {t.at['delivered_mt_per_year', 'deterministic']:.1f})\nunserved P10–P90 "
            f"{t.at['unserved_mt_per_year', 'p10']:.1f}–{t.at['unserved_mt_per_year', 'p90']:.1f} Mt/yr "
            f"(file values: {t.at['unserved_mt_per_year', 'deterministic']:.1f})")


def _element_ticks(ax, results, table, pos) -> None:
    net = results.scenario.network
    ax.set_yticks(pos, [plain(f"{element_label(net.nodes, r.kind, r.id, net.links)} [{r.kind}]")
                        for r in table.itertuples()], fontsize=8.5)


def binding_probability(results, case: str | None = None):
    """Bars of the probability that each capacity element is full, the share of it with a positive shadow price
    in darker red; the elements at capacity at the file values are marked.

    Returns
    -------
    matplotlib.figure.Figure
        Two ``BarContainer`` s, labels ``"p_binding"`` (bar width = share of the draws in which the element is
        full) and ``"p_priced"`` (share in which one more t/yr of it is worth something), most often binding on top.
    """
    name, d = _flow_draws(results, case)
    table = d.element_table()
    table = table[table["p_binding"] > 0].head(MAX_ROWS)
    n = max(1, len(table))
    fig, ax = new_figure(10.5, 1.9 + 0.42 * n)
    pos = np.arange(len(table))[::-1]
    ax.barh(pos, table["p_binding"], height=0.62, color=FULL_COLOR, label="p_binding")
    ax.barh(pos, table["p_priced"], height=0.62, color=BINDING_COLOR, label="p_priced")
    texts = [ax.annotate(f"{_pct(b)} full, {_pct(p)} priced" + ("" if det else " · not full at the file values"),
                         (b, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
             for y, b, p, det in zip(pos, table["p_binding"], table["p_priced"], table["deterministic_binding"])]
    _element_ticks(ax, results, table, pos)
    ax.set_xlim(0, 1.0)
    ax.set_xticks(np.linspace(0, 1, 6))  # the labels may widen the axis: no ticks beyond 100%
    ax.set_ylim(-0.7, n - 0.3)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("share of the draws in which the element is full (darker: and its capacity has a price)")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    from matplotlib.patches import Patch

    fig.legend(handles=[Patch(color=BINDING_COLOR, label="full, with a positive shadow price"),
                        Patch(color=FULL_COLOR, label="full at price 0 (it caps the same flow as a priced element)")],
               loc="outside lower center", ncols=2, frameon=False, fontsize=8.5)
    titles(fig, f"{results.scenario.name}, case {name}: how often each capacity binds", plain(_subtitle(d)), ax=ax)
    if not len(table):
        ax.text(0.5, 0.5, "no capacity element is full in any draw", transform=ax.transAxes, ha="center",
                va="center", fontsize=9, color="#666666")
    fit_texts(fig, ax, texts)
    return fig


def shadow_prices(results, case: str | None = None):
    """Violins of the shadow price of each element that has one in some draw, with P10–P90, P50 and the price at
    the file values marked (draws in which it is not binding count as 0).

    Returns
    -------
    matplotlib.figure.Figure
        One violin body per element (highest mean price on top); the P10–P90 bars are a ``LineCollection`` with
        ``gid`` ``"p10_p90"``, the P50 points a line with ``gid`` ``"p50"``, the file values ``gid`` ``"file"``.
    """
    name, d = _flow_draws(results, case)
    table = d.element_table()
    table = table[table["p_priced"] > 0].sort_values("mean_shadow_price_usd_per_t", ascending=False,
                                                     kind="stable").head(MAX_ROWS)
    n = max(1, len(table))
    fig, ax = new_figure(10.5, 1.9 + 0.55 * n)
    pos = np.arange(len(table))[::-1]
    values = [d.prices_of(r.kind, r.id) for r in table.itertuples()]
    step = max(1, d.draws // MAX_VIOLIN_DRAWS)
    if len(table):
        spread = [v[::step] if np.ptp(v) > 0 else v[:2] + np.array([0.0, 1e-9]) for v in values]
        parts = ax.violinplot(spread, positions=pos, orientation="horizontal", widths=0.8, showextrema=False)
        for body in parts["bodies"]:
            body.set_facecolor(BINDING_COLOR)
            body.set_edgecolor(BINDING_COLOR)
            body.set_alpha(0.3)
        q = np.percentile(np.vstack(values), [10, 50, 90], axis=1)
        ax.hlines(pos, q[0], q[2], color="#222222", lw=2.5, label="P10–P90", gid="p10_p90")
        ax.plot(q[1], pos, "o", color="white", mec="#222222", ms=6, label="P50", linestyle="none", gid="p50")
        ax.plot(table["deterministic_shadow_price_usd_per_t"].to_numpy(float), pos, "|", color="#1f77b4", ms=16,
                mew=2, label="at the file values", linestyle="none", gid="file")
        labels = [f"{_pct(p)} of draws priced" for p in table["p_priced"]]
        for y, text in zip(pos, labels):
            ax.annotate(text, (0, y), xytext=(2, 11), textcoords="offset points", fontsize=7.5, color="#555555")
        fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8.5)
    else:
        ax.text(0.5, 0.5, "no capacity has a price in any draw", transform=ax.transAxes, ha="center", va="center",
                fontsize=9, color="#666666")
    _element_ticks(ax, results, table, pos)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(left=0)
    ax.set_xlabel("shadow price: USD/t of total annual cost saved per extra tonne a year of capacity")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    titles(fig, f"{results.scenario.name}, case {name}: what one more tonne of capacity is worth",
           plain(_subtitle(d)), ax=ax)
    return fig


def flow_fan(results, case: str | None = None):
    """A fan of the annual flow on each corridor over the draws: bands from P5–P95 (lightest) to P25–P75
    (darkest), P50 as a white dot, the flow at the file values as a dark tick; largest mean flow on top.

    Returns
    -------
    matplotlib.figure.Figure
        The bands are ``LineCollection`` s with ``gid`` ``"p5_p95"``, ``"p10_p90"``, ``"p25_p75"``; the P50 points
        a line with ``gid`` ``"p50"``, the file values ``gid`` ``"file"``.
    """
    name, d = _flow_draws(results, case)
    table = d.corridor_table()
    table = table[(table["p_used"] > 0) | (table["deterministic_mt_per_year"] > 0)].head(MAX_ROWS)
    n = max(1, len(table))
    fig, ax = new_figure(10.5, 1.9 + 0.5 * n)
    pos = np.arange(len(table))[::-1]
    flows = np.vstack([d.flow_of(c) for c in table["corridor"]]) if len(table) else np.zeros((0, d.draws))
    for lo, hi, alpha in FAN_BANDS:
        q = np.percentile(flows, [lo, hi], axis=1) if len(table) else np.zeros((2, 0))
        ax.hlines(pos, q[0], q[1], color=FAN_COLOR, alpha=alpha, lw=14, label=f"P{lo}–P{hi}", gid=f"p{lo}_p{hi}")
    p50 = np.percentile(flows, 50, axis=1) if len(table) else np.zeros(0)
    ax.plot(p50, pos, "o", color="white", mec=FAN_COLOR, ms=6, label="P50", linestyle="none", gid="p50")
    ax.plot(table["deterministic_mt_per_year"].to_numpy(float), pos, "|", color=FILE_COLOR, ms=18, mew=2,
            label="at the file values", linestyle="none", gid="file")
    texts = [ax.annotate(f"used in {_pct(p)} of draws", (hi, y), xytext=(12, 0), textcoords="offset points",
                         va="center", fontsize=8, color="#555555")
             for y, p, hi in zip(pos, table["p_used"], np.percentile(flows, 95, axis=1) if len(table) else [])]
    ax.set_yticks(pos, [plain(c) for c in table["corridor"]], fontsize=8.5)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(left=0)
    ax.set_xlabel("annual flow on the corridor (Mt/yr)\n"
                  "(a corridor: the border crossings and the export port of a route)")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    fig.legend(loc="outside lower center", ncols=5, frameon=False, fontsize=8.5)
    titles(fig, f"{results.scenario.name}, case {name}: flow by corridor over the draws",
           plain(_subtitle(d)), ax=ax)
    fit_texts(fig, ax, texts)
    return fig
