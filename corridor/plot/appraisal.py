"""Charts of an appraisal (:func:`corridor.appraisal.appraise`): NPV by project, and cash flows by year.

Each builds a plain :class:`matplotlib.figure.Figure` (no pyplot state).
"""

from __future__ import annotations

import textwrap

import numpy as np

from ._style import new_figure

ALONE_COLOR, ADDED_COLOR = "#0072b2", "#e69f00"
FLOW_COLORS = {"benefit_existing_musd": ("#009e73", "benefit, existing traffic"),
               "benefit_generated_musd": ("#56b4e9", "benefit, generated traffic (rule of a half)"),
               "residual_musd": ("#cc79a7", "residual value"),
               "capex_musd": ("#d55e00", "capital cost"),
               "opex_musd": ("#e69f00", "operating cost")}


def npv_by_project(appraisal, *, title: str | None = None):
    """Horizontal bars: each project's NPV alone (opening at its earliest) and, if the portfolio was solved, added
    to (or taken out of) the chosen portfolio; chosen projects are marked with a star."""
    t = appraisal.projects.dropna(subset=["npv_musd"]).sort_values("npv_musd")
    st = appraisal.settings
    fig, ax = new_figure(8.0, 1.4 + 0.5 * max(len(t), 2))
    pos = np.arange(len(t))
    has_port = "npv_with_others_musd" in t
    h = 0.38 if has_port else 0.6
    ax.barh(pos + (h / 2 if has_port else 0), t["npv_musd"], height=h, color=ALONE_COLOR, label="alone")
    if has_port:
        ax.barh(pos - h / 2, t["npv_with_others_musd"], height=h, color=ADDED_COLOR,
                label="with the portfolio's other projects")
    names = ["\n".join(textwrap.wrap(("★ " if has_port and chosen else "") + str(name), 34))
             for name, chosen in zip(t["name"], t.get("in_portfolio", [False] * len(t)))]
    ax.set_yticks(pos, names, fontsize=8.5)
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_xlabel(f"net present value, million USD of {st.price_year}\n(discounted at {st.discount_rate:.0%} "
                  f"to {st.first_year})", fontsize=9)
    port = appraisal.portfolio
    sub = f"; portfolio (★) NPV {port['npv_musd']:,.0f}" if port else ""
    ax.set_title(title or f"NPV by project, {st.first_year}–{st.last_year}{sub}", fontsize=10)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


def cash_flows(appraisal, what: str = "portfolio", *, title: str | None = None):
    """Stacked bars by year of one cash flow (``what``: a project id, or ``"portfolio"``): benefits and residual
    value up, capital and operating cost down; the line is the cumulative discounted net (its crossing of zero is
    the year it first pays)."""
    cf = appraisal.cashflows
    if what not in set(cf["what"]):
        known = ", ".join(dict.fromkeys(cf["what"]))
        raise KeyError(f"no cash flow {what!r} (cash flows: {known})")
    d = cf[cf["what"] == what]
    years = d["year"].to_numpy()
    fig, ax = new_figure(9.0, 4.8)
    up, down = np.zeros(len(d)), np.zeros(len(d))
    for col, (color, label) in FLOW_COLORS.items():
        v = d[col].to_numpy(float)
        if not np.any(v):
            continue
        if col in ("capex_musd", "opex_musd"):
            ax.bar(years, -v, bottom=down, color=color, label=label, width=0.8)
            down -= v
        else:
            ax.bar(years, v, bottom=up, color=color, label=label, width=0.8)
            up += v
    ax2 = ax.twinx()
    ax2.plot(years, np.cumsum(d["discounted_musd"].to_numpy()), color="#222222", marker="o", markersize=3,
             label="cumulative discounted net (right)")
    _align_zero(ax, ax2)
    ax2.set_ylabel("cumulative discounted, million USD", fontsize=9)
    ax.axhline(0, color="#444444", linewidth=0.8)
    st = appraisal.settings
    ax.set_ylabel(f"million USD of {st.price_year} a year", fontsize=9)
    ax.set_xlabel("year")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    name = "the portfolio" if what == "portfolio" else str(
        appraisal.projects.set_index("id").loc[what, "name"])
    ax.set_title(title or f"Cash flows of {name}", fontsize=10)
    handles = ax.get_legend_handles_labels()
    h2 = ax2.get_legend_handles_labels()
    ax.legend(handles[0] + h2[0], handles[1] + h2[1], loc="upper left", fontsize=7.5, frameon=False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


def _align_zero(ax, ax2) -> None:
    """Both y axes with zero at the same height (so the bars' zero is the cumulative line's)."""
    lo1, hi1 = ax.get_ylim()
    lo2, hi2 = ax2.get_ylim()
    lo1, hi1, lo2, hi2 = min(lo1, 0.0), max(hi1, 0.0), min(lo2, 0.0), max(hi2, 0.0)
    f = max(-lo1 / (hi1 - lo1) if hi1 > lo1 else 0.5, -lo2 / (hi2 - lo2) if hi2 > lo2 else 0.5)  # zero's height
    f = min(max(f, 0.05), 0.95)
    lo1, hi1, lo2, hi2 = (1.05 * v for v in (lo1, hi1, lo2, hi2))  # a margin
    ax.set_ylim(min(lo1, -hi1 * f / (1 - f)), max(hi1, -lo1 * (1 - f) / f))
    ax2.set_ylim(min(lo2, -hi2 * f / (1 - f)), max(hi2, -lo2 * (1 - f) / f))
