"""Route cost comparison: stacked horizontal bars of cost per tonne by component, one panel per case."""

from __future__ import annotations

import textwrap

import numpy as np

from ._checks import check_case, check_ranks
from ._labels import plain, route_tick, titles
from ._layout import fit_texts
from ._style import COMPONENT_COLORS, COMPONENT_LABELS, ESTIMATED_COLOR, TIME_VALUE_COLOR, new_figure, route_colors

DESC_WRAP = 100  # characters per line of a case description
ROW_IN, ROW_MIN_IN = 0.36, 0.25  # height of a route's bar and label (inches), and the least it is squeezed to
MAX_HEIGHT_IN = 14.0             # a taller chart squeezes its rows (down to ROW_MIN_IN)
LABEL_WRAP = 56                  # characters per line of a route label


def cost_bars(results, cases: list[str] | str | None = None, *, ranks=None, time_value: bool = True,
              view: str | None = None):
    """Stacked horizontal bars of each route's cost per tonne by component, one panel per case.

    Each bar is split into rail, road, sea, transfer and border charges (the columns of
    ``Results.components``) and, when the case puts a value on time, the time value of the transit days;
    the total is written at the bar's end. A dark line under each bar marks the share of its money that rests on
    estimated cells (``estimated_share``, also written at the bar's end). Route labels are coloured like the route
    in the other charts.

    Parameters
    ----------
    results : Results
    cases : str or list of str, optional
        Cases to draw (default: every case with a route), one panel each, in this order.
    ranks : int or list of int, optional
        Which routes of each case (default: all).
    view : {"top", "corridors"}, optional
        Instead of ``ranks``: the k cheapest routes, or the best route through each gateway.
    time_value : bool
        Add the value of time as a last, grey segment when the case has one.

    Returns
    -------
    matplotlib.figure.Figure
        Bars are in one ``BarContainer`` per component per panel, labelled with the component name
        (``"rail"``, ..., ``"time_value"``); bar widths are the USD/t of that component. The estimated share is a
        ``BarContainer`` labelled ``"estimated"`` whose widths are the USD/t resting on estimates.
    """
    if cases is None:
        cases = list(dict.fromkeys(results.routes.index.get_level_values("case"))) or [check_case(results, None)]
    elif isinstance(cases, str):
        cases = [cases]
    cases = [check_case(results, c) for c in cases]
    picked = {c: check_ranks(results, c, ranks, view) for c in cases}
    colors = route_colors(results)
    comps = [c for c in COMPONENT_COLORS if c in results.components.columns]
    used = [c for c in comps if any((results.components.loc[c_][comps].loc[picked[c_]][c] != 0).any() for c_ in cases)]
    show_time = time_value and any(
        (results.routes.loc[c].loc[picked[c], "time_value_usd_per_t"] > 0).any() for c in cases)

    n_rows = sum(len(r) for r in picked.values())
    # rows of about a third of an inch, each case's title on top; many cases and routes squeeze the rows down to
    # a quarter inch rather than make a chart taller than a printed page (it was 4,000 px for the 2025 scenario)
    row = max(ROW_MIN_IN, min(ROW_IN, (MAX_HEIGHT_IN - 1.4 - 0.62 * len(cases)) / max(n_rows, 1)))
    height = 1.4 + 0.62 * len(cases) + row * n_rows
    fig, axes = new_figure(11.0, height, nrows=len(cases), sharex=True, squeeze=False,
                           gridspec_kw={"height_ratios": [len(picked[c]) + 0.8 for c in cases]})
    axes = axes[:, 0]
    xmax = 0.0
    totals_text = []
    for ax, case in zip(axes, cases):
        ranks_ = picked[case]
        routes = results.routes.loc[case].loc[ranks_]
        comp = results.components.loc[case].loc[ranks_]
        y = list(range(len(ranks_)))[::-1]  # rank 1 at the top
        left = [0.0] * len(ranks_)
        for name in comps:
            widths = comp[name].to_numpy(dtype=float)
            ax.barh(y, widths, left=left, height=0.62, color=COMPONENT_COLORS[name], label=name,
                    edgecolor="white", linewidth=0.6)
            left = [a + b for a, b in zip(left, widths)]
        totals = routes["cost_usd_per_t"].to_numpy(dtype=float)
        if show_time:
            tv = routes["time_value_usd_per_t"].to_numpy(dtype=float)
            ax.barh(y, tv, left=left, height=0.62, color=TIME_VALUE_COLOR, label="time_value", hatch="///",
                    edgecolor="white", linewidth=0.6)
            left = [a + b for a, b in zip(left, tv)]
        share = routes["estimated_share"].to_numpy(dtype=float) if "estimated_share" in routes else None
        if share is not None and np.isfinite(share).any():  # a line under each bar: the money on estimates
            ax.hlines([yi - 0.37 for yi in y], 0.0, np.nan_to_num(share) * totals, colors=ESTIMATED_COLOR,
                      linewidth=2.2, label="estimated")
        for i, (yi, end, cost, (_, r)) in enumerate(zip(y, left, totals, routes.iterrows())):
            text = f"{cost:,.1f} USD/t"
            if show_time and r["time_value_usd_per_t"] > 0:
                text = f"{r['generalized_usd_per_t']:,.1f} USD/t ({cost:,.1f} + {r['time_value_usd_per_t']:,.1f} time)"
            text += f" · {r['transit_days']:.1f} d"
            if share is not None and np.isfinite(share[i]):
                text += f" · {100 * share[i]:.0f}% est."
            totals_text.append(ax.annotate(text, (end, yi), xytext=(4, 0), textcoords="offset points",
                                           va="center", fontsize=8.5, gid="total"))
            xmax = max(xmax, end)
        ax.set_yticks(y, [route_tick(results, case, r, wrap=LABEL_WRAP) for r in ranks_],
                      fontsize=8.5 if row >= ROW_IN - 1e-9 else 7.5)
        for tick, r in zip(ax.get_yticklabels(), ranks_):
            tick.set_color(colors[(case, r)])
            tick.set_fontweight("bold")
        ax.set_ylim(-0.65, len(ranks_) - 0.4)
        desc = " ".join(results.scenario.case(case).description.split())
        desc = textwrap.shorten(desc, 2 * DESC_WRAP, placeholder=" …") if desc else ""
        ax.set_title(plain("\n".join([f"case: {case}", *textwrap.wrap(desc, DESC_WRAP)])), loc="left", fontsize=9)
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_xlim(0, xmax * 1.02 if xmax > 0 else 1)
    axes[-1].set_xlabel("cost per tonne (USD/t)" if not show_time else
                        "generalized cost per tonne (USD/t): money cost + value of transit time")
    for ax in axes[:-1]:
        ax.tick_params(axis="x", labelbottom=False)

    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list = [Patch(color=COMPONENT_COLORS[c], label=COMPONENT_LABELS[c]) for c in used]
    if show_time:
        handles.append(Patch(facecolor=TIME_VALUE_COLOR, hatch="///", edgecolor="white",
                             label=COMPONENT_LABELS["time_value"]))
    if "estimated_share" in results.routes and results.routes["estimated_share"].notna().any():
        handles.append(Line2D([], [], color=ESTIMATED_COLOR, linewidth=2.2, label="money on estimates"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6), frameon=False, fontsize=9)
    titles(fig, f"{results.scenario.name}: cost per tonne by route")
    fit_texts(fig, axes[0], totals_text)  # room for the totals at the bars' ends
    return fig
