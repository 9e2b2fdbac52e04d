"""Time/cost-distance chart (the UN ESCAP method): cumulative cost and days against cumulative distance.

Along each route a link is a slope (its charge and time spread over its length); a border crossing, a
transfer or a port is a vertical step where the route stops moving but pays or waits. Consecutive charges
at one node (a border's pass charge, then a break of gauge there) make a single step, labelled with the node.
"""

from __future__ import annotations

import pandas as pd

from ._checks import check_case, check_ranks
from ._labels import case_subtitle, node_name, route_tick, titles
from ._layout import declutter
from ._style import new_figure, route_colors


def route_profile(legs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The polyline of one route and its steps.

    Parameters
    ----------
    legs : DataFrame
        The route's rows of ``Results.legs`` in order (``kind``, ``node``, ``distance_km``, ``usd_per_t``, ``days``).

    Returns
    -------
    points : DataFrame
        ``km``, ``usd_per_t``, ``days``: cumulative values at each vertex, starting at zero.
    steps : DataFrame
        One row per step (consecutive non-link legs at one node): ``node``, ``km``, ``usd_from``, ``usd_to``,
        ``days_from``, ``days_to``, ``kinds`` (e.g. ``"pass+transfer"``).
    """
    km = usd = days = 0.0
    points = [(0.0, 0.0, 0.0)]
    steps: list[dict] = []
    prev_step_node = None
    for leg in legs.itertuples(index=False):
        if leg.kind == "link":
            km += float(leg.distance_km)
            usd += float(leg.usd_per_t)
            days += float(leg.days)
            points.append((km, usd, days))
            prev_step_node = None
            continue
        if prev_step_node == leg.node and steps:
            step = steps[-1]
            step["usd_to"] += float(leg.usd_per_t)
            step["days_to"] += float(leg.days)
            if leg.kind not in step["kinds"].split("+"):
                step["kinds"] += f"+{leg.kind}"
        else:
            steps.append(dict(node=leg.node, km=km, usd_from=usd, usd_to=usd + float(leg.usd_per_t),
                              days_from=days, days_to=days + float(leg.days), kinds=leg.kind))
        usd += float(leg.usd_per_t)
        days += float(leg.days)
        points.append((km, usd, days))
        prev_step_node = leg.node
    return (pd.DataFrame(points, columns=["km", "usd_per_t", "days"]),
            pd.DataFrame(steps, columns=["node", "km", "usd_from", "usd_to", "days_from", "days_to", "kinds"]))


def cost_distance(results, case: str | None = None, *, ranks=None, days: bool = True, view: str | None = None):
    """Cumulative cost per tonne (and, below, cumulative days) against cumulative distance, one line per route.

    Parameters
    ----------
    results : Results
    case : str, optional
        The case to draw (default: the first case with a route).
    ranks : int or list of int, optional
        Which of the case's routes (default: all), overlaid in their run-wide colours.
    days : bool
        Add the second panel of cumulative transit days.
    view : {"top", "corridors"}, optional
        Instead of ``ranks``: the k cheapest routes, or the best route through each gateway.

    Returns
    -------
    matplotlib.figure.Figure
        On each panel one ``Line2D`` per route, labelled like the route (``gid`` ``"route:<rank>"``); step
        labels are texts with ``gid`` ``"step"``.
    """
    case = check_case(results, case)
    ranks = check_ranks(results, case, ranks, view)
    colors = route_colors(results)
    nodes = results.scenario.case(case).network.nodes
    legs = results.legs[results.legs["case"] == case]
    if days:
        fig, (ax_usd, ax_days) = new_figure(11.0, 8.6, nrows=2, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
        panels = [(ax_usd, "usd"), (ax_days, "days")]
    else:
        fig, ax_usd = new_figure(11.0, 6.0)
        panels = [(ax_usd, "usd")]

    labelled: list[tuple[float, float, float]] = []  # (km, usd_mid) of labels already placed, per node
    notes = []
    xmax = ymax = 0.0
    for i, rank in enumerate(ranks):
        route = legs[legs["rank"] == rank].sort_values("seq")
        points, steps = route_profile(route)
        color = colors[(case, rank)]
        r = results.routes.loc[(case, rank)]
        label = (route_tick(results, case, rank, wrap=60)
                 + f"\n   {r['cost_usd_per_t']:,.1f} USD/t, {r['transit_days']:.1f} days, {r['distance_km']:,.0f} km")
        width = 2.6 - 0.35 * min(i, 4)  # the cheapest on top, a little wider, so shared stretches stay visible
        for ax, what in panels:
            col = "usd_per_t" if what == "usd" else "days"
            ax.plot(points["km"], points[col], color=color, linewidth=width, label=label, gid=f"route:{rank}",
                    solid_joinstyle="miter", zorder=10 - i, alpha=0.9)
            ax.scatter(steps["km"], steps[f"{what}_to"], s=14, color=color, zorder=11 - i, gid=f"steps:{rank}")
        xmax = max(xmax, float(points["km"].iloc[-1]))
        ymax = max(ymax, float(points["usd_per_t"].iloc[-1]))
        for s in steps.itertuples(index=False):
            mid = (s.usd_from + s.usd_to) / 2
            if any(abs(k - s.km) < 1e-6 and abs(m - mid) < 1e-6 for k, m, _ in labelled):
                continue  # another route already labelled this very step
            labelled.append((s.km, mid, s.usd_to - s.usd_from))
            name = node_name(nodes, s.node)
            notes.append(ax_usd.annotate(name, (s.km, mid), xytext=(-4, 0), textcoords="offset points", ha="right",
                            va="center", fontsize=7.5, color=color, gid="step",
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75), zorder=20))
    ax_usd.set_xlim(-0.06 * xmax, xmax * 1.03)
    ax_usd.set_ylim(0, ymax * 1.06)
    ax_usd.set_ylabel("cumulative cost (USD/t)")
    if days:
        ax_days.set_ylabel("cumulative transit time (days)")
        ax_days.set_ylim(bottom=0)
    panels[-1][0].set_xlabel("cumulative distance (km)")
    for ax, _ in panels:
        ax.grid(color="#e5e5e5", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.legend(*ax_usd.get_legend_handles_labels(), loc="outside lower center", ncols=min(len(ranks), 2),
               frameon=False, fontsize=8.5)
    titles(fig, f"{results.scenario.name}, case {case}: time/cost-distance",
           case_subtitle(results, case) + "\nslopes: transport along links; steps: borders, transfers and ports",
           ax=ax_usd)
    declutter(fig, ax_usd, notes, same_text_px=60)
    return fig
