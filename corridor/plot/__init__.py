"""Plots of :class:`corridor.Results` (matplotlib, imported only when a plot is drawn).

Use them through the accessor on a result, each returning a :class:`matplotlib.figure.Figure`:
``res.plot.cost_bars()``, ``res.plot.cost_distance(case=...)`` and ``res.plot.map(case=...)`` (shipment routes);
``res.plot.capacity(case=...)`` and ``res.plot.flow_map(case=...)`` (annual flows); ``res.plot.cost_distribution
(case=...)``, ``res.plot.p_cheapest(case=...)`` (a run with draws) and ``res.plot.tornado(case=...)``;
``res.plot.binding_probability(case=...)``, ``res.plot.shadow_prices(case=...)`` and ``res.plot.flow_fan(case=...)``
(a run with draws on a scenario with ``[flows]``). Or write them all with :func:`write_plots` (``corridor run FILE
--plots DIR``).

Modules: ``costs`` (cost comparison bars), ``distance`` (time/cost-distance), ``map`` (network map),
``capacity`` (utilisation bars), ``flows`` (flow map), ``uncertainty`` (draws and tornado), ``flowdraws`` (draws
over flows: binding probability, shadow prices, flow fan), ``validation`` (modelled against observed:
``ValidationReport.plot()``, ``Calibration.plot()``); shared by every chart:
``_style`` (lazy import, figure factory, colours), ``_labels`` (texts), ``_layout`` (label placement), ``_checks``
(which case, which ranks). A new family of charts goes into a module of its own and reuses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import unknown_case
from ._style import DPI, route_colors

FORMATS = ("png",)  # what write_plots writes unless told: PNG opens everywhere; svg and pdf on request


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

    def cost_bars(self, cases=None, *, ranks=None, time_value: bool = True, view: str | None = None):
        """Stacked bars of cost per tonne by component; see :func:`corridor.plot.costs.cost_bars`.
        ``view="corridors"`` draws the best route through each gateway, ``"top"`` the k cheapest."""
        from .costs import cost_bars

        return cost_bars(self._results, cases, ranks=ranks, time_value=time_value, view=view)

    def cost_distance(self, case: str | None = None, *, ranks=None, days: bool = True, view: str | None = None):
        """Time/cost-distance chart of one case; see :func:`corridor.plot.distance.cost_distance`."""
        from .distance import cost_distance

        return cost_distance(self._results, case, ranks=ranks, days=days, view=view)

    def map(self, case: str | None = None, *, ranks=None, label_nodes: str = "routes", view: str | None = None):
        """Network map with one case's routes; see :func:`corridor.plot.map.route_map`."""
        from .map import route_map

        return route_map(self._results, case, ranks=ranks, label_nodes=label_nodes, view=view)

    def capacity(self, case: str | list[str] | None = None, *, elements: str = "used"):
        """Utilisation bars of the capacity elements of an allocation, bottlenecks and shadow prices;
        see :func:`corridor.plot.capacity.capacity_chart`."""
        from .capacity import capacity_chart

        return capacity_chart(self._results, case, elements=elements)

    def flow_map(self, case: str | None = None, *, label_nodes: str = "flows"):
        """Network map with one case's annual flows (width by Mt/yr) and bottlenecks;
        see :func:`corridor.plot.flows.flow_map`."""
        from .flows import flow_map

        return flow_map(self._results, case, label_nodes=label_nodes)

    def cost_distribution(self, case: str | None = None, *, metric: str = "cost"):
        """Each route's cost over the draws (a run with ``draws``);
        see :func:`corridor.plot.uncertainty.cost_distribution`."""
        from .uncertainty import cost_distribution

        return cost_distribution(self._results, case, metric=metric)

    def p_cheapest(self, case: str | None = None):
        """Probability that each route is the cheapest (a run with ``draws``);
        see :func:`corridor.plot.uncertainty.p_cheapest`."""
        from .uncertainty import p_cheapest

        return p_cheapest(self._results, case)

    def binding_probability(self, case: str | None = None):
        """How often each capacity element binds over the draws of flows;
        see :func:`corridor.plot.flowdraws.binding_probability`."""
        from .flowdraws import binding_probability

        return binding_probability(self._results, case)

    def shadow_prices(self, case: str | None = None):
        """The distribution of each element's shadow price over the draws of flows;
        see :func:`corridor.plot.flowdraws.shadow_prices`."""
        from .flowdraws import shadow_prices

        return shadow_prices(self._results, case)

    def flow_fan(self, case: str | None = None):
        """A fan of the flow on each corridor over the draws of flows; see :func:`corridor.plot.flowdraws.flow_fan`."""
        from .flowdraws import flow_fan

        return flow_fan(self._results, case)

    def tornado(self, case: str | None = None, *, table=None, metric: str = "generalized"):
        """The tornado of one case: how far each uncertain input alone moves the best route's cost.

        ``table`` is a :func:`corridor.uncertainty.tornado` result; without it, :meth:`corridor.Results.tornado`
        computes it for this case. See :func:`corridor.plot.uncertainty.tornado_chart`.
        """
        from .uncertainty import tornado_chart

        if table is None:
            table = self._results.tornado(case, metric=metric)
        return tornado_chart(table, case, scenario=self._results.scenario.name)

    def figures(self, cases: list[str] | None = None) -> dict[str, Any]:
        """Every standard chart, by file stem: ``cost_bars``, ``cost_distance_<case>`` and ``map_<case>`` (cases with
        shipment routes); ``cost_distribution_<case>`` and ``p_cheapest_<case>`` (cases with draws);
        ``capacity_<case>`` and ``flow_map_<case>`` (cases with annual flows); ``binding_<case>``,
        ``shadow_prices_<case>`` and ``flow_fan_<case>`` (cases with draws over flows). ``cases`` limits them to
        those cases."""
        return {stem: make() for stem, make in self.makers(cases).items()}

    def makers(self, cases: list[str] | None = None) -> dict[str, Callable[[], Any]]:
        """What :meth:`figures` draws, not drawn yet: file stem -> a function of no argument that draws it."""
        res = self._results
        keep = (lambda names: names) if cases is None else (lambda names: [c for c in names if c in cases])
        if cases is not None:
            unknown = [c for c in cases if c not in res.cases]
            if unknown:
                raise unknown_case(unknown[0], res.cases)
        solved = keep(list(dict.fromkeys(res.routes.index.get_level_values("case"))))
        drawn = keep([c for c in (res.uncertainty or {}) if c in solved])
        flows = keep(list(res.allocations))
        stems = _stems(res.cases)
        out: dict[str, Callable[[], Any]] = {"cost_bars": partial(self.cost_bars, solved)} if solved else {}
        for case in solved:
            out[f"cost_distance_{stems[case]}"] = partial(self.cost_distance, case)
            out[f"map_{stems[case]}"] = partial(self.map, case)
        for case in drawn:
            out[f"cost_distribution_{stems[case]}"] = partial(self.cost_distribution, case)
            out[f"p_cheapest_{stems[case]}"] = partial(self.p_cheapest, case)
        for case in flows:
            out[f"capacity_{stems[case]}"] = partial(self.capacity, case)
            out[f"flow_map_{stems[case]}"] = partial(self.flow_map, case)
        for case in keep([c for c in res.flow_draws if c in flows]):
            out[f"binding_{stems[case]}"] = partial(self.binding_probability, case)
            out[f"shadow_prices_{stems[case]}"] = partial(self.shadow_prices, case)
            out[f"flow_fan_{stems[case]}"] = partial(self.flow_fan, case)
        return out

    def __repr__(self) -> str:
        return ("<plots: cost_bars(), cost_distance(case=...), map(case=...), capacity(case=...), flow_map(case=...), "
                "cost_distribution(case=...), p_cheapest(case=...), tornado(case=...), binding_probability(case=...), "
                "shadow_prices(case=...), flow_fan(case=...), figures()>")


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


def save(fig, path, fmt: str, *, dpi: int = DPI, text_as_text: bool = False) -> None:
    """Write ``fig`` in ``fmt`` (png, svg or pdf) to ``path`` (a file name or a binary file object) with no date,
    version or random id in the file, so that the same chart gives the same bytes. ``text_as_text`` keeps an SVG's
    texts as text (smaller, selectable, drawn in the reader's sans-serif font) rather than as outlines."""
    import matplotlib

    meta = {"Date": None} if fmt == "svg" else {"Software": None} if fmt == "png" else \
        {"CreationDate": None, "Producer": None} if fmt == "pdf" else {}
    with matplotlib.rc_context({"svg.hashsalt": "corridor", "svg.fonttype": "none" if text_as_text else "path"}):
        fig.savefig(path, format=fmt, dpi=dpi, metadata=meta)


def write_plots(results, folder: str | Path, *, cases: list[str] | None = None, formats: tuple[str, ...] = FORMATS,
                dpi: int = DPI, progress: bool = False, stage=None) -> list[Path]:
    """Draw every standard chart of ``results`` (of ``cases`` only, if given; see :meth:`PlotAccessor.figures`)
    and write each in every format (``"png"``, ``"svg"``, ``"pdf"``) into ``folder``, all or nothing.

    ``progress`` draws a progress bar on stderr when it is a terminal (one step per chart).

    With ``stage`` (a :class:`corridor._files.Staging` shared by every output of a run) the files are only added to
    it, and the charts drawn and written when it is committed.

    Returns
    -------
    list of Path
        The files (to be) written; empty (and ``folder`` untouched) when there is nothing to draw.
    """
    bad = [f for f in formats if f not in ("png", "svg", "pdf")]
    if bad:
        raise ValueError(f"unknown plot format {bad[0]!r} (png, svg or pdf)")
    makers = PlotAccessor(results).makers(cases)
    if not makers:
        return []
    import importlib

    from .._files import Staging
    from ._style import mpl

    mpl()  # matplotlib's compiled parts imported now, not while the files are written (a signal there is fatal)
    for module in ("matplotlib.figure", "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg"):
        importlib.import_module(module)

    own = Staging() if stage is None else stage
    charts = _Charts(makers, len(formats), progress)
    paths = [own.add(Path(folder) / f"{stem}.{fmt}", charts.writer(stem, fmt, dpi))
             for stem in makers for fmt in formats]
    if stage is None:
        own.commit()
    return paths


class _Charts:
    """The charts of :func:`write_plots`, each drawn when its first file is written and let go after its last,
    with a progress bar (one step per chart) while the staging area writes them."""

    def __init__(self, makers: dict, n_formats: int, progress: bool):
        from .._progress import Progress

        self.makers, self.n_formats = makers, n_formats
        self.left = dict.fromkeys(makers, n_formats)
        self.figs: dict = {}
        self.bar = Progress(len(makers), "charts", enabled=None if progress else False)

    def writer(self, stem: str, fmt: str, dpi: int):
        def write(path: Path) -> None:
            if stem not in self.figs:
                self.figs[stem] = self.makers[stem]()
            save(self.figs[stem], path, fmt, dpi=dpi)
            self.left[stem] -= 1
            if self.left[stem] == 0:
                del self.figs[stem]
                self.bar.update(1)
                if not any(self.left.values()):
                    self.bar.close()
        return write


__all__ = ["FORMATS", "PlotAccessor", "save", "write_plots"]
