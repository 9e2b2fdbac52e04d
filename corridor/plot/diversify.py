"""The diversification cost curve: what sending less through one country (or set of gateways) costs a year, and
per tonne diverted."""

from __future__ import annotations

from ._labels import plain, titles
from ._style import new_figure

EXTRA_COLOR, AVERAGE_COLOR, MARGINAL_COLOR, UNSERVED_COLOR = "#b2182b", "#2166ac", "#67a9cf", "#999999"


def diversification_chart(curve):
    """Two panels against the cap (the share of the exported tonnes that may pass through the set, falling to the
    right): the extra annual cost (million USD/yr, and the tonnes left unserved), and the cost per tonne diverted
    (average) and of the last tonne (the cap's dual).

    Returns
    -------
    matplotlib.figure.Figure
        Lines with ``gid`` ``"extra"``, ``"unserved"``, ``"average"`` and ``"marginal"``.
    """
    t = curve.table.sort_values("max_share", ascending=False)
    share = 100 * t["max_share"]
    fig, (top, bottom) = new_figure(10.0, 7.6, nrows=2, sharex=True)
    top.plot(share, t["extra_usd_per_year"] / 1e6, color=EXTRA_COLOR, marker="o", linewidth=2, gid="extra",
             label="extra annual cost (million USD/yr)")
    top.set_ylabel("million USD/yr")
    right = top.twinx()
    right.plot(share, t["unserved_mt_per_year"], color=UNSERVED_COLOR, linestyle="--", marker=".", gid="unserved",
               label="left unserved (Mt/yr, right axis)")
    right.set_ylabel("Mt/yr left unserved")
    bottom.plot(share, t["extra_usd_per_diverted_t"], color=AVERAGE_COLOR, marker="o", linewidth=2, gid="average",
                label="per tonne diverted (average)")
    bottom.plot(share, t["marginal_usd_per_t"], color=MARGINAL_COLOR, marker="s", linestyle=":", gid="marginal",
                label="of the last tonne diverted (the cap's dual)")
    bottom.set_ylabel("USD per tonne diverted")
    bottom.set_xlabel(plain(f"at most this share of the exported tonnes through {curve.through} (%)"))
    bottom.invert_xaxis()
    base = 100 * curve.baseline_through_mt_per_year / curve.demand_mt_per_year if curve.demand_mt_per_year else 0
    for ax in (top, bottom):
        ax.axvline(base, color="#555555", linestyle=":", linewidth=1)
        ax.grid(color="#e5e5e5")
        ax.set_axisbelow(True)
    top.annotate(f"no cap: {base:.0f}%", (base, 0), xytext=(4, 6), textcoords="offset points", fontsize=8.5,
                 color="#333333")
    handles = [*top.get_legend_handles_labels()[0], *right.get_legend_handles_labels()[0],
               *bottom.get_legend_handles_labels()[0]]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, fontsize=8.5)
    titles(fig, f"{curve.scenario}, case {curve.case}: the cost of diversification",
           f"{curve.demand_mt_per_year:.1f} Mt/yr exported; {curve.baseline_through_mt_per_year:.1f} Mt/yr through "
           f"{curve.through} without a cap", ax=top)
    return fig
