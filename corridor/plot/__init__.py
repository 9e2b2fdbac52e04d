"""Plots of :class:`corridor.Results` (matplotlib, imported only when a plot is drawn).

Use them through the accessor on a result, ``res.plot.cost_bars()``, ``res.plot.cost_distance(case=...)``
and ``res.plot.map(case=...)``, each returning a :class:`matplotlib.figure.Figure`; or write them all with
:func:`write_plots` (``corridor run FILE --plots DIR``).

Modules: ``_style`` (lazy import, colours, labels, titles: shared by every chart), ``costs`` (cost
comparison bars), ``distance`` (time/cost-distance), ``map`` (network map). A new family of charts goes
into a module of its own and reuses ``_style``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from ._style import route_colors

FORMATS = ("png", "svg")


class PlotAccessor:
    """The charts of one :class:`corridor.Results` (``res.plot``).

    Colours follow the routes: the same route (same links in order) has the same colour in every chart
    of a result, whatever its case or rank.
    """

    def __init__(self, results):
        self._results = results

    def colors(self) -> dict[tuple[str, int], str]:
        """The colour of each route, by ``(case, rank)``."""
        return route_colors(self._results)

    def cost_bars(self, cases=None, *, ranks=None, time_value: bool = True):
        """Stacked bars of cost per tonne by component; see :func:`corridor.plot.costs.cost_bars`."""
        from .costs import cost_bars

        return cost_bars(self._results, cases, ranks=ranks, time_value=time_value)

    def cost_distance(self, case: str | None = None, *, ranks=None, days: bool = True):
        """Time/cost-distance chart of one case; see :func:`corridor.plot.distance.cost_distance`."""
        from .distance import cost_distance

        return cost_distance(self._results, case, ranks=ranks, days=days)

    def map(self, case: str | None = None, *, ranks=None, label_nodes: str = "routes"):
        """Network map with one case's routes; see :func:`corridor.plot.map.route_map`."""
        from .map import route_map

        return route_map(self._results, case, ranks=ranks, label_nodes=label_nodes)

    def figures(self) -> dict[str, object]:
        """Every standard chart, by file stem: ``cost_bars``, then ``cost_distance_<case>`` and ``map_<case>``."""
        res = self._results
        solved = list(dict.fromkeys(res.routes.index.get_level_values("case")))
        if not solved:
            return {}  # no shipment routes (e.g. a scenario with [flows] only): nothing of this kind to draw
        out = {"cost_bars": self.cost_bars()}
        stems = _stems(solved)
        for case in solved:
            out[f"cost_distance_{stems[case]}"] = self.cost_distance(case)
            out[f"map_{stems[case]}"] = self.map(case)
        return out

    def __repr__(self) -> str:
        return "<plots: cost_bars(), cost_distance(case=...), map(case=...), figures()>"


def _stems(cases: list[str]) -> dict[str, str]:
    """File-name-safe, unique stems for case names."""
    out: dict[str, str] = {}
    for case in cases:
        stem = re.sub(r"[^a-z0-9]+", "_", case.lower()).strip("_") or "case"
        base, i = stem, 2
        while stem in out.values():
            stem, i = f"{base}_{i}", i + 1
        out[case] = stem
    return out


def write_plots(results, folder: str | Path, *, formats: tuple[str, ...] = FORMATS, dpi: int = 150) -> list[Path]:
    """Draw every standard chart of ``results`` and write each in every format into ``folder``, all or nothing.

    Returns
    -------
    list of Path
        The files written; empty (and ``folder`` untouched) when the results have no shipment routes to draw.
    """
    figures = PlotAccessor(results).figures()
    if not figures:
        return []
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".corridor-plots-", dir=folder.parent))
    try:
        import matplotlib

        # no dates, versions or random ids in the files, so re-running gives identical images
        with matplotlib.rc_context({"svg.hashsalt": "corridor"}):
            for stem, fig in figures.items():
                for fmt in formats:
                    meta = {"Date": None} if fmt == "svg" else {"Software": None} if fmt == "png" else {}
                    fig.savefig(tmp / f"{stem}.{fmt}", dpi=dpi, metadata=meta)
        folder.mkdir(exist_ok=True)
        written = []
        for f in sorted(tmp.iterdir()):
            os.replace(f, folder / f.name)
            written.append(folder / f.name)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["FORMATS", "PlotAccessor", "write_plots"]
