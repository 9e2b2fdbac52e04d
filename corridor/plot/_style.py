"""Shared plot helpers: the lazy matplotlib import, colours, labels and titles.

Nothing here imports matplotlib at module level, so ``import corridor`` stays fast; the plot modules
call :func:`mpl` inside the functions that draw. Later plot modules (capacity, uncertainty) reuse
:func:`new_figure`, :func:`titles`, :func:`route_label` and the colour tables from here.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap

# One colour per cost component (Okabe-Ito based, readable by colour-blind readers) and for time value.
COMPONENT_COLORS = {
    "rail": "#7a5c45",
    "road": "#e69f00",
    "sea": "#56b4e9",
    "transfer": "#009e73",
    "border": "#d55e00",
}
TIME_VALUE_COLOR = "#c8c8c8"
COMPONENT_LABELS = {"rail": "rail", "road": "road", "sea": "sea freight", "transfer": "transfers and ports",
                    "border": "border and pass charges", "time_value": "value of time"}

# Route colours: one per distinct route (its sequence of links), in the order routes first appear.
ROUTE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                "#bcbd22", "#7f7f7f", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd")

# Network links on the map, by mode (gauge): colour, line style, width, legend label.
MODE_STYLES = {
    "rail1520": dict(color="#222222", linestyle="-", linewidth=1.4, label="rail, 1520 mm (broad gauge)"),
    "rail1435": dict(color="#8a8a8a", linestyle="-", linewidth=1.4, label="rail, 1435 mm (standard gauge)"),
    "road": dict(color="#b8860b", linestyle="--", linewidth=1.2, label="road"),
    "sea": dict(color="#3b7dbf", linestyle=":", linewidth=1.4, label="sea"),
}
# Nodes on the map, by kind: marker, size, face colour.
KIND_STYLES = {
    "mine": dict(marker="^", s=60, color="#000000"),
    "station": dict(marker="o", s=14, color="#555555"),
    "junction": dict(marker="o", s=10, color="#999999"),
    "border": dict(marker="D", s=34, color="#d55e00"),
    "port": dict(marker="s", s=40, color="#0072b2"),
    "market": dict(marker="*", s=110, color="#cc79a7"),
}

WRAP = 44  # characters per line of a route label


def mpl():
    """Import matplotlib on first use; pick the Agg backend when there is no display.

    A backend chosen by the user (``MPLBACKEND``, e.g. the Jupyter inline backend) is respected.

    Returns
    -------
    module
        :mod:`matplotlib`.
    """
    import matplotlib

    if ("matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND")
            and sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY")):
        matplotlib.use("Agg")
    if _in_ipython():
        # lets Jupyter show a returned Figure (the inline backend registers its formatter on import)
        import matplotlib.pyplot  # noqa: F401
    return matplotlib


def _in_ipython() -> bool:
    ip = sys.modules.get("IPython")
    return bool(ip is not None and getattr(ip, "get_ipython", lambda: None)() is not None)


def new_figure(width_in: float, height_in: float, **subplots):
    """A :class:`matplotlib.figure.Figure` (not registered with pyplot, so nothing leaks) and its axes.

    Parameters
    ----------
    width_in, height_in : float
        Size in inches.
    **subplots
        Passed to :meth:`Figure.subplots` (``nrows``, ``sharex``, ``gridspec_kw``, ...).
    """
    mpl()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    axes = fig.subplots(**subplots) if subplots else fig.subplots()
    return fig, axes


def short_name(name: str) -> str:
    """A node's display name without its parenthesised detail: ``"Tavan Tolgoi (ETT mine)"`` -> ``"Tavan Tolgoi"``."""
    short = re.sub(r"\s*\([^)]*\)", "", str(name)).strip()
    return short or str(name)


def route_label(results, case: str, rank: int, *, wrap: int | None = WRAP, numbered: bool = True) -> str:
    """``"1. Tavan Tolgoi › Gashuunsukhait › Tianjin"`` from the route's key nodes, wrapped at ``wrap`` characters."""
    nodes = results.scenario.case(case).network.nodes
    keys = results.routes.at[(case, rank), "key_nodes"]
    text = " › ".join(short_name(nodes.at[n, "name"]) if n in nodes.index else n for n in keys)
    if numbered:
        text = f"{rank}. {text}"
    if wrap:
        text = "\n".join(textwrap.wrap(text, wrap, break_on_hyphens=False, subsequent_indent="   "))
    return text


def route_colors(results) -> dict[tuple[str, int], str]:
    """A colour for each ``(case, rank)``; the same route (same links in order) gets the same colour in every case."""
    by_path: dict[tuple, str] = {}
    out = {}
    for (case, rank), links in results.routes["links"].items():
        key = tuple(links)
        if key not in by_path:
            by_path[key] = ROUTE_COLORS[len(by_path) % len(ROUTE_COLORS)]
        out[(case, rank)] = by_path[key]
    return out


def case_subtitle(results, case: str) -> str:
    """``"25,000 t from Tavan Tolgoi to Tianjin; closed: RU"`` for one case."""
    c = results.scenario.case(case)
    nodes = c.network.nodes
    ship = c.shipment
    text = (f"{ship.tonnes:,.0f} t from {short_name(nodes.at[ship.origin, 'name'])} "
            f"to {short_name(nodes.at[ship.destination, 'name'])}")
    vot = c.settings.value_of_time_usd_per_t_day
    if vot:
        text += f"; value of time {vot:g} USD/t-day"
    if c.closed:
        text += f"; closed: {', '.join(c.closed)}"
    return text


def titles(fig, title: str, subtitle: str = "", *, ax=None) -> None:
    """A bold figure title; ``subtitle`` goes in smaller type above ``ax`` (the top axes)."""
    fig.suptitle(title, fontsize=12.5, fontweight="bold")
    if subtitle and ax is not None:
        ax.set_title(subtitle, fontsize=9.5, color="#333333", pad=10)


def fit_texts(fig, ax, texts, *, margin: float = 0.01) -> None:
    """Widen the x-range of ``ax`` until every text in ``texts`` ends inside it (labels at bar ends)."""
    if not texts:
        return
    for _ in range(3):
        fig.draw_without_rendering()  # runs the layout, so positions are final
        right = max(t.get_window_extent().x1 for t in texts)
        inv = ax.transData.inverted()
        x_right = inv.transform((right, 0))[0]
        lo, hi = ax.get_xlim()
        if x_right <= hi:
            return
        ax.set_xlim(lo, x_right + margin * (x_right - lo))


def check_case(results, case: str | None) -> str:
    """The case to draw: ``case`` if it has routes, else the first case with routes; a clear error otherwise."""
    solved = list(dict.fromkeys(results.routes.index.get_level_values("case")))
    if case is None:
        if not solved:
            raise ValueError(f"{results.scenario.name}: no case has a route to plot")
        return solved[0]
    if case not in results.cases:
        raise KeyError(f"no case named {case!r} (cases: {', '.join(results.cases)})")
    if case not in solved:
        raise ValueError(f"case {case!r} has no route to plot: {results.failures.get(case, 'no route')}")
    return case


def check_ranks(results, case: str, ranks) -> list[int]:
    """Ranks of ``case`` to draw: all of them when ``ranks`` is None."""
    have = list(results.routes.loc[case].index)
    if ranks is None:
        return have
    ranks = [ranks] if isinstance(ranks, int) else list(ranks)
    missing = [r for r in ranks if r not in have]
    if missing:
        raise KeyError(f"case {case!r} has no route ranked {missing} (ranks: {have})")
    return ranks
