"""Shared plot helpers: the lazy matplotlib import, colours, labels and titles.

Nothing here imports matplotlib at module level, so ``import corridor`` stays fast; the plot modules
call :func:`mpl` inside the functions that draw. Later plot modules (capacity, uncertainty) reuse
:func:`new_figure`, :func:`titles`, :func:`route_label` and the colour tables from here.
"""

from __future__ import annotations

import os
import sys
import textwrap

from ..routes import short_name

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
# (no greys: the network is drawn in grey on the map)
ROUTE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#e377c2", "#8c564b",
                "#9a9b12", "#393b79", "#ad494a", "#637939", "#7b4173", "#3182bd", "#e6550d", "#31a354")

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

    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    axes = fig.subplots(**subplots) if subplots else fig.subplots()
    return fig, axes


def plain(text: str) -> str:
    """``text`` with ``$`` escaped, so that matplotlib does not read "US$25 ... US$15" as mathematics."""
    return str(text).replace("$", r"\$")


def route_label(results, case: str, rank: int, *, wrap: int | None = WRAP, numbered: bool = True) -> str:
    """``"1. Sharyn Gol › Naushki › Rajin port › Pohang"`` (``Results.routes.route``), wrapped at ``wrap`` characters."""
    text = plain(results.routes.at[(case, rank), "route"])
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


def node_name(nodes, node: str) -> str:
    """The short display name of ``node`` (its id if the table does not have it)."""
    return plain(short_name(nodes.at[node, "name"]) if node in nodes.index else node)


def case_subtitle(results, case: str) -> str:
    """``"25,000 t from Tavan Tolgoi to Tianjin; closed: RU"`` for one case."""
    c = results.scenario.case(case)
    nodes = c.network.nodes
    ship = c.shipment
    text = f"{ship.tonnes:,.0f} t from {node_name(nodes, ship.origin)} to {node_name(nodes, ship.destination)}"
    vot = c.settings.value_of_time_usd_per_t_day
    if vot:
        text += f"; value of time {vot:g} USD/t-day"
    if c.closed:
        text += f"; closed: {plain(', '.join(c.closed))}"
    return text


TITLE_WRAP = 95      # characters per line of a figure title
SUBTITLE_WRAP = 110  # and of a subtitle


def titles(fig, title: str, subtitle: str = "", *, ax=None) -> None:
    """A bold figure title; ``subtitle`` goes in smaller type above ``ax`` (the top axes). Long ones are wrapped."""
    fig.suptitle(textwrap.fill(plain(title), TITLE_WRAP, break_on_hyphens=False), fontsize=12.5, fontweight="bold")
    if subtitle and ax is not None:
        lines = [textwrap.fill(line, SUBTITLE_WRAP, break_on_hyphens=False) for line in subtitle.split("\n")]
        ax.set_title("\n".join(lines), fontsize=9.5, color="#333333", pad=10)  # built from plain() parts


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
            raise ValueError(f"{results.scenario.name}: no case has a route to plot" + _no_shipment(results))
        return solved[0]
    if case not in results.cases:
        raise KeyError(f"no case named {case!r} (cases: {', '.join(results.cases)})")
    if case not in solved:
        why = results.failures.get(case) or "it has no [shipment]" + _no_shipment(results)
        raise ValueError(f"case {case!r} has no route to plot: {why}")
    return case


def _no_shipment(results) -> str:
    """A hint for scenarios whose cases have flows but no shipment."""
    return " (its cases have [flows] only: draw them with plot.flow_map or plot.capacity)" if results.allocations else ""


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


# Where a label may go relative to its point, in points: (dx, dy, horizontal alignment, vertical alignment).
LEFT_FIRST = ((-4, 0, "right", "center"), (4, 0, "left", "center"), (-4, 9, "right", "bottom"),
              (-4, -9, "right", "top"), (4, 9, "left", "bottom"), (4, -9, "left", "top"),
              (-4, 20, "right", "bottom"), (-4, -20, "right", "top"), (4, 20, "left", "bottom"),
              (4, -20, "left", "top"), (0, 32, "center", "bottom"), (0, -32, "center", "top"))
RIGHT_FIRST = ((5, 4, "left", "bottom"), (5, -4, "left", "top"), (-5, 4, "right", "bottom"),
               (-5, -4, "right", "top"), (0, 9, "center", "bottom"), (0, -9, "center", "top"),
               (12, 0, "left", "center"), (-12, 0, "right", "center"), (5, 16, "left", "bottom"),
               (-5, -16, "right", "top"), (5, -16, "left", "top"), (-5, 16, "right", "bottom"))


def declutter(fig, ax, annotations, *, candidates=LEFT_FIRST, fixed=(), points=None, own_point: bool = True,
              same_text_px: float = 0.0, pad_px: float = 2.0) -> None:
    """Move each annotation (in order: earlier ones win) to the first candidate place where it overlaps no label
    placed before it and stays inside ``ax``; if there is none it keeps its first place.

    Parameters
    ----------
    annotations : list of matplotlib.text.Annotation
        Made with ``textcoords="offset points"``.
    candidates : sequence of (dx, dy, ha, va)
        Offsets in points and alignments to try, best first.
    fixed : list of Text
        Labels already in place, to keep clear of.
    points : array of shape (n, 2), optional
        Data points (e.g. node markers) a label must not cover, except its own if ``own_point``.
    same_text_px : float
        Hide a label whose text is already shown by a label within this many pixels (the same node named twice).
    """
    if not annotations:
        return
    fig.draw_without_rendering()
    frame = ax.get_window_extent()
    placed = [(t.get_text(), t.get_window_extent()) for t in fixed if t.get_visible()]
    marks = ax.transData.transform(points) if points is not None and len(points) else None

    def clear(bb, own) -> bool:
        if bb.x0 < frame.x0 or bb.x1 > frame.x1 or bb.y0 < frame.y0 or bb.y1 > frame.y1:
            return False
        if marks is not None:
            inside = ((marks[:, 0] > bb.x0 - pad_px) & (marks[:, 0] < bb.x1 + pad_px)
                      & (marks[:, 1] > bb.y0 - pad_px) & (marks[:, 1] < bb.y1 + pad_px)
                      & ~((abs(marks[:, 0] - own[0]) < 0.5) & (abs(marks[:, 1] - own[1]) < 0.5)))
            if inside.any():
                return False
        return not any(bb.x0 < p.x1 + pad_px and bb.x1 > p.x0 - pad_px and bb.y0 < p.y1 + pad_px
                       and bb.y1 > p.y0 - pad_px for _, p in placed)

    def overlap(bb) -> float:
        """Area (px^2) of ``bb`` over labels placed before, plus a large penalty for leaving the axes."""
        outside = max(0.0, frame.x0 - bb.x0) + max(0.0, bb.x1 - frame.x1) + max(0.0, frame.y0 - bb.y0) \
            + max(0.0, bb.y1 - frame.y1)
        area = sum(max(0.0, min(bb.x1, p.x1) - max(bb.x0, p.x0)) * max(0.0, min(bb.y1, p.y1) - max(bb.y0, p.y0))
                   for _, p in placed)
        return area + 1e4 * outside

    for ann in annotations:
        if same_text_px:
            xy = ax.transData.transform(ann.xy)
            if any(text == ann.get_text() and abs(p.x0 + p.width / 2 - xy[0]) < same_text_px
                   and abs((p.y0 + p.y1) / 2 - xy[1]) < same_text_px for text, p in placed):
                ann.set_visible(False)
                continue
        best = None
        own = ax.transData.transform(ann.xy) if own_point else (float("nan"), float("nan"))
        for dx, dy, ha, va in candidates:
            ann.xyann = (dx, dy)
            ann.set_horizontalalignment(ha)
            ann.set_verticalalignment(va)
            bb = ann.get_window_extent()
            if clear(bb, own):
                break
            score = overlap(bb)
            if best is None or score < best[0]:
                best = (score, dx, dy, ha, va, bb)
        else:  # no clear place: the one that covers least of the labels placed before (and stays inside)
            _, dx, dy, ha, va, bb = best
            ann.xyann = (dx, dy)
            ann.set_horizontalalignment(ha)
            ann.set_verticalalignment(va)
        placed.append((ann.get_text(), bb))


def check_flow_case(results, case: str | None) -> str:
    """The case to draw flows of: ``case`` if it has an allocation, else the first that has; a clear error otherwise."""
    have = list(results.allocations)
    if case is None:
        if not have:
            raise ValueError(f"{results.scenario.name}: no case has annual flows to plot (the scenario has no [flows])")
        return have[0]
    if case not in results.cases:
        raise KeyError(f"no case named {case!r} (cases: {', '.join(results.cases)})")
    if case not in have:
        raise ValueError(f"case {case!r} has no annual flows to plot (the scenario has no [flows])")
    return case


def element_label(nodes, kind: str, element_id: str, links=None) -> str:
    """A short name of a capacity element: ``"Khasan – Tumangang (rail 1520)"``, ``"Rajin port: rail1520 → sea"``,
    ``"Tianjin port"``."""
    if kind == "link" and links is not None and element_id in links.index:
        lk = links.loc[element_id]
        mode = {"rail1520": "rail 1520", "rail1435": "rail 1435"}.get(lk["mode"], lk["mode"])
        return f"{node_name(nodes, lk['from'])} – {node_name(nodes, lk['to'])} ({mode})"
    if kind == "transfer":
        node, _, modes = element_id.partition(":")
        src, _, dst = modes.partition(">")
        return f"{node_name(nodes, node)}: {src} → {dst}"
    if kind == "node":
        return node_name(nodes, element_id)
    return plain(element_id)


def flow_subtitle(results, case: str) -> str:
    """``"20.0 Mt/yr wanted, 11.5 delivered, 8.5 unserved; average 93.1 USD/t; closed: KP"`` for one case."""
    t = results.allocations[case].totals
    text = (f"{t['demand_mt_per_year']:.1f} Mt/yr wanted, {t['delivered_mt_per_year']:.1f} delivered"
            + (f", {t['unserved_mt_per_year']:.1f} unserved" if t["unserved_mt_per_year"] > 1e-9 else "")
            + f"; average {t['average_cost_usd_per_t']:.1f} USD/t delivered"
            + f"; total {t['total_cost_usd_per_year'] / 1e6:,.0f} M USD/yr"
            + (" with the unserved penalty" if t["unserved_mt_per_year"] > 1e-9 else ""))
    closed = results.scenario.case(case).closed
    if closed:
        text += f"; closed: {plain(', '.join(closed))}"
    return text
