"""Capacity chart of an allocation: utilisation bars of the capacity elements, bottlenecks and shadow prices."""

from __future__ import annotations

import textwrap

from ._checks import check_flow_case
from ._labels import element_label, flow_subtitle, plain, titles
from ._layout import fit_texts
from ._style import new_figure

BINDING_COLOR = "#d62728"  # full, and one more t/yr of it is worth something
FULL_COLOR = "#f4a582"     # full, but relieving it alone gains nothing (another element caps the same flow)
FREE_COLOR = "#8fa8c8"     # below capacity
USED_TOL = 1e-9            # Mt/yr
SUBTITLE_WRAP = 80         # characters per line of a panel's subtitle (it starts where the bars do)


def capacity_chart(results, case: str | list[str] | None = None, *, elements: str = "used"):
    """Horizontal bars of utilisation (flow / capacity) of each capacity element, one panel per case.

    Binding elements come first (highest shadow price on top) and are red; a binding element whose shadow
    price is 0 is full but relieving it alone gains nothing (another element caps the same flow), drawn
    light red. Each bar is labelled with its flow and capacity (Mt/yr) and, where positive, its shadow price:
    by how many USD/t the total annual cost falls per extra tonne a year of capacity.

    Parameters
    ----------
    results : Results
        With annual flows (a scenario with ``[flows]``).
    case : str or list of str, optional
        The case(s) to draw, one panel each (default: the first case with flows).
    elements : {"used", "all"}
        Only elements that carry flow or bind (default), or every capacity element of the case.

    Returns
    -------
    matplotlib.figure.Figure
        One ``BarContainer`` per panel (label ``"utilisation"``), bars in the order of
        ``Results.flow_elements`` from the top, width = utilisation (1 = full; the axis reads in %).
        Panel ``i`` has ``gid`` ``"capacity:<case>"``.
    """
    if elements not in ("used", "all"):
        raise ValueError(f"elements must be 'used' or 'all', got {elements!r}")
    cases = [case] if case is None or isinstance(case, str) else list(case)
    cases = [check_flow_case(results, c) for c in cases]
    tables = {c: shown_elements(results, c, elements=elements) for c in cases}
    rows = sum(max(1, len(t)) for t in tables.values())
    fig, axes = new_figure(11.0, 1.6 + 0.9 * len(cases) + 0.3 * rows, nrows=len(cases), sharex=True, squeeze=False,
                           gridspec_kw={"height_ratios": [max(1, len(tables[c])) + 1.5 for c in cases]})
    axes = axes[:, 0]
    from matplotlib.ticker import PercentFormatter

    texts = []
    nodes, links = results.scenario.network.nodes, results.scenario.network.links
    for ax, c in zip(axes, cases):
        el = tables[c]
        ax.set_gid(f"capacity:{c}")
        y = list(range(len(el)))[::-1]
        util = el["utilisation"].clip(upper=10.0).to_numpy(float)
        price = el["shadow_price_usd_per_t"].to_numpy(float)
        colors = [BINDING_COLOR if b and p > 0 else FULL_COLOR if b else FREE_COLOR
                  for b, p in zip(el["binding"], price)]
        ax.barh(y, util, height=0.66, color=colors, label="utilisation", edgecolor="white", linewidth=0.5)
        priced_on = {partner: element_label(nodes, r.kind, r.id, links) for r in el.itertuples()
                     for partner in r.relieve_with.split(";") if partner}
        for yi, u, r in zip(y, util, el.itertuples()):
            text = f"{r.flow_mt_per_year:.2f} / {r.capacity_mt_per_year:.2f} Mt/yr"
            if r.shadow_price_usd_per_t > 0:
                text += f"  ·  {r.shadow_price_usd_per_t:,.1f} USD/t"
            elif r.binding:
                text += f"  ·  full (priced with {priced_on[r.id]})" if r.id in priced_on else "  ·  full"
            texts.append(ax.annotate(text, (u, yi), xytext=(4, 0), textcoords="offset points", va="center",
                                     fontsize=8, gid="value",
                                     fontweight="bold" if r.shadow_price_usd_per_t > 0 else None))
        ax.set_yticks(y, [f"{element_label(nodes, r.kind, r.id, links)} [{r.kind}]" for r in el.itertuples()],
                      fontsize=8.5)
        ax.set_ylim(-0.7, max(1, len(el)) - 0.3)
        ax.axvline(1.0, color="#444444", linewidth=0.9, linestyle="--", zorder=0)
        hidden = len(results.allocations[c].elements) - len(el)
        note = f" ({hidden} unused elements not shown)" if hidden else ""
        sub = textwrap.fill(flow_subtitle(results, c), SUBTITLE_WRAP, break_on_hyphens=False)
        ax.set_title(plain(f"case: {c}{note}") + "\n" + sub, loc="left", fontsize=9)
        ax.grid(axis="x", color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not len(el):
            ax.text(0.5, 0.5, "no capacity element carries flow", transform=ax.transAxes, ha="center", va="center",
                    fontsize=9, color="#666666")
    axes[0].set_xlim(0, 1.0)
    axes[-1].xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    axes[-1].set_xlabel("utilisation: annual flow / capacity available to the modelled cargo")

    from matplotlib.patches import Patch

    fig.legend(handles=[Patch(color=BINDING_COLOR, label="binding: label = shadow price, USD/t of total cost saved "
                              "per extra t/yr of capacity (relieved together with the full elements priced with it)"),
                        Patch(color=FULL_COLOR,
                              label="full, worth 0 alone (it caps the same flow as a priced element)"),
                        Patch(color=FREE_COLOR, label="below capacity")],
               loc="outside lower center", ncols=1, frameon=False, fontsize=8.5)
    titles(fig, f"{results.scenario.name}: capacity use and bottlenecks")
    fit_texts(fig, axes[0], texts)
    return fig


def shown_elements(results, case: str, *, elements: str = "used"):
    """The rows of ``Results.flow_elements`` for ``case`` that the chart draws, in its order (binding first)."""
    el = results.allocations[case].elements
    if elements == "used":
        el = el[(el["flow_mt_per_year"] > USED_TOL) | el["binding"] | (el["shadow_price_usd_per_t"] > 0)]
    return el
