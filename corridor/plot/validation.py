"""The validation chart: modelled against observed on log axes, each observation with its band, one marker per kind
of observation; after a calibration, the fitted values beside the first ones."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._layout import RIGHT_FIRST, declutter
from ._style import new_figure

FLOW_FLOOR = 0.1  # as corridor.validation.observations: flows are drawn at value + 0.1 Mt/yr (a zero shows)
KIND_STYLE = {
    "cost_usd_per_t": dict(marker="o", color="#0072b2", label="cost (USD/t)"),
    "transit_days": dict(marker="s", color="#009e73", label="transit (days)"),
    "border_hours": dict(marker="D", color="#d55e00", label="border (hours)"),
    "flow_mt_per_year": dict(marker="^", color="#cc79a7", label="flow (Mt/yr, +0.1)"),
}


def _shifted(table: pd.DataFrame, col: str) -> np.ndarray:
    v = table[col].to_numpy(dtype=float)
    return np.where(table["kind"].eq("flow_mt_per_year").to_numpy(), v + FLOW_FLOOR, v)


def validation_chart(report, *, after=None, title: str | None = None, label_outside: bool = True):
    """Modelled against observed (log axes) with the 1:1 line and factor-of-2 guides.

    Parameters
    ----------
    report : ValidationReport
        From :func:`corridor.validation.check` (only the compared observations are drawn).
    after : ValidationReport, optional
        The same observations after a calibration: drawn as hollow markers joined to the first ones.
    title : str, optional
        Default: the report's name and case.
    label_outside : bool
        Write the id of every observation outside its band beside its marker.

    Returns
    -------
    matplotlib.figure.Figure
        One marker series per kind (``gid`` ``"kind:<kind>"``), horizontal bars for the bands (``gid``
        ``"band:<kind>"``), hollow markers ``"after:<kind>"`` after a calibration.
    """
    table = report.table[report.table["compared"]].reset_index(drop=True)
    fig, ax = new_figure(7.2, 6.4)
    if not len(table):
        ax.text(0.5, 0.5, "no observation compared", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    obs, model = _shifted(table, "observed"), _shifted(table, "modelled")
    low, high = _shifted(table, "low"), _shifted(table, "high")
    later = None
    if after is not None:
        a = after.table.set_index("id").reindex(table["id"])
        later = _shifted(a.reset_index(), "modelled")
    positive = np.concatenate([obs, model, low, high, later if later is not None else []])
    positive = positive[np.isfinite(positive) & (positive > 0)]
    lo, hi = positive.min() / 2.0, positive.max() * 2.0
    guide = np.array([lo, hi])
    ax.plot(guide, guide, color="#333333", linewidth=1.0, zorder=1, label="model = observed")
    for f, style in ((2.0, "--"), (0.5, "--")):
        ax.plot(guide, guide * f, color="#999999", linewidth=0.8, linestyle=style, zorder=1,
                label="x2 and ÷2" if f == 2.0 else None)
    for kind, st in KIND_STYLE.items():
        sel = (table["kind"] == kind).to_numpy()
        if not sel.any():
            continue
        m = np.where(model[sel] > 0, model[sel], lo)
        ax.hlines(m, low[sel], high[sel], color=st["color"], linewidth=2.2, alpha=0.35, gid=f"band:{kind}", zorder=2)
        inside = table.loc[sel, "inside"].to_numpy(dtype=bool)
        ax.scatter(obs[sel], m, marker=st["marker"], s=46, color=st["color"], edgecolor="black", linewidth=0.6,
                   zorder=3, gid=f"kind:{kind}", label=f"{st['label']}: {int(inside.sum())}/{len(inside)} in band")
        if later is not None:
            m2 = np.where(later[sel] > 0, later[sel], lo)
            ax.scatter(obs[sel], m2, marker=st["marker"], s=46, facecolor="white", edgecolor=st["color"],
                       linewidth=1.4, zorder=4, gid=f"after:{kind}")
            for x, y0, y1 in zip(obs[sel], m, m2):
                if abs(np.log(y1 / y0)) > 0.02:
                    ax.annotate("", xy=(x, y1), xytext=(x, y0), zorder=3,
                                arrowprops=dict(arrowstyle="->", color=st["color"], linewidth=0.9))
    if after is not None:
        ax.scatter([], [], marker="o", facecolor="white", edgecolor="#555555", label="after calibration")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xlabel("observed (bar: the band of the observation)")
    ax.set_ylabel("modelled")
    ax.grid(True, which="major", color="#e5e5e5", linewidth=0.6)
    ax.legend(loc="upper left", fontsize=8, frameon=True, framealpha=0.9)
    s = report.overall
    sub = (f"{s['inside']}/{s['compared']} inside their band, median |ln(model/observed)| "
           f"{s['median_abs_log_error']:.2f}")
    if after is not None:
        s2 = after.overall
        sub += f"; calibrated: {s2['inside']}/{s2['compared']}, {s2['median_abs_log_error']:.2f}"
    ax.set_title(sub, fontsize=9)
    fig.suptitle(title or f"Modelled against observed — {report.name}" + (f", {report.case}" if report.case else ""),
                 fontsize=11)
    if label_outside:
        texts, points = [], np.column_stack([obs, np.where(model > 0, model, lo)])
        for i, r in table.iterrows():
            if not r["inside"]:
                texts.append(ax.annotate(str(r["id"]), tuple(points[i]), xytext=(5, 4), textcoords="offset points",
                                         fontsize=7, color="#333333", ha="left", va="bottom"))
        declutter(fig, ax, texts, candidates=RIGHT_FIRST, points=points)
    return fig
