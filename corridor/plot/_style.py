"""The look of every chart: the lazy matplotlib import, the figure factory, colours and line styles.

Nothing here imports matplotlib at module level, so ``import corridor`` stays fast; the plot modules call
:func:`mpl` (or :func:`new_figure`) inside the functions that draw. Texts are in :mod:`._labels`, label placement in
:mod:`._layout`, argument checks in :mod:`._checks`.
"""

from __future__ import annotations

import os
import sys

# One colour per cost component (Okabe-Ito based, readable by colour-blind readers) and for time value.
COMPONENT_COLORS = {
    "rail": "#7a5c45",
    "road": "#e69f00",
    "sea": "#56b4e9",
    "transfer": "#009e73",
    "border": "#d55e00",
}
TIME_VALUE_COLOR = "#c8c8c8"
ESTIMATED_COLOR = "#222222"  # the line under a cost bar: the money resting on estimated cells
COMPONENT_LABELS = {"rail": "rail", "road": "road", "sea": "sea freight", "transfer": "transfers and ports",
                    "border": "border and pass charges", "time_value": "value of time"}

# Route colours: one per distinct route (its sequence of links), in the order routes first appear. No greys (the
# network is drawn in grey on the map), and none near a component's colour above (no orange, green, sky blue or
# brown), so that a route's label is never read as a cost component in the cost bars.
ROUTE_COLORS = ("#1f4e9c", "#c2185b", "#7b3294", "#00838f", "#8c8c00", "#e377c2", "#3949ab", "#9e2a2b",
                "#5e60ce", "#b5838d", "#2d6a4f", "#ff006e", "#14213d", "#bc6c25", "#6a4c93", "#1982c4")

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

DPI = 150  # of the figures and of the PNG files written


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
    if _in_ipython() and os.environ.get("MPLBACKEND", "").endswith("backend_inline"):
        # lets Jupyter show a returned Figure: the inline backend registers its PNG formatter when imported,
        # which pyplot otherwise leaves until a pyplot figure is made
        import importlib

        importlib.import_module("matplotlib_inline.backend_inline")
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

    # laid out at the dpi it is saved at: the layout is run once and kept (see _layout.freeze), and text drawn at
    # another dpi is not exactly as wide, so a label laid out at 100 dpi could be cut at 150
    fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    axes = fig.subplots(**subplots) if subplots else fig.subplots()
    return fig, axes


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
