"""One self-contained HTML file that an analyst can send: ``corridor report FILE -o report.html``.

The page holds the question (the scenario's name and description), which data was read (network folder and scenario
file with their SHA-256), a one-line summary per case, then each case's inputs (shipment, settings, closures,
changes), its tables and its charts (inline SVG: the page loads nothing from elsewhere and runs no script), the
validation against observations where a provider gives one, and the sources of every number used. It reads on a
phone (tables scroll sideways, charts scale to the screen) and prints (a section a page).

Extra sections come from :data:`SECTIONS` (a list of functions ``results -> (title, html) | None``) and the
validation summary from :func:`add_validation` providers: each ``results -> DataFrame | None``; a later module
that compares the model with observed costs or flows registers itself there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ._html import definition_list, esc, page, svg_chart, table

if TYPE_CHECKING:
    from .results import Results

Section = Callable[["Results"], "tuple[str, str] | None"]
SECTIONS: list[Section] = []  # extra sections, drawn after the cases and before the sources
_VALIDATION: list[Callable[[Results], pd.DataFrame | None]] = []


def add_validation(provider: Callable[[Results], pd.DataFrame | None]) -> None:
    """Register a function that returns the validation table of a run (model against observations), or None where
    it has no observation for the run's scenario. The report shows every table returned."""
    if provider not in _VALIDATION:
        _VALIDATION.append(provider)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "case"


def _num(x, digits: int = 2) -> str:
    return "–" if x is None or pd.isna(x) else f"{x:,.{digits}f}"


# ----- parts of the page -----------------------------------------------------------------------------------------
def _header(results: Results) -> str:
    from . import __version__
    from ._provenance import short

    s = results.scenario
    man = results.manifest()
    net = s.network
    desc = "".join(f"<p class=\"question\">{esc(' '.join(p.split()))}</p>" for p in s.description.split("\n\n")
                   if p.strip())
    draws = f"; {man['draws']:,} draws, seed {man['seed']}" if man["draws"] else ""
    return (f'<header class="top"><h1>{esc(s.name)}</h1>{desc}'
            f'<p class="meta">Network <b>{esc(net.name)}</b> read from <code>{esc(net.folder or "memory")}</code> '
            f"(SHA-256 <code>{esc(short(net.digest))}</code>); scenario <code>{esc(man['scenario']['file'])}</code> "
            f"(SHA-256 <code>{esc(short(s.source_sha256))}</code>){esc(draws)}; corridor {esc(__version__)}, "
            f"Python {esc(man['python'])}.</p></header>\n")


def _toc(results: Results) -> str:
    items = [f'<li><a href="#case-{_slug(c)}">{esc(c)}</a></li>' for c in results.cases]
    return (f'<nav class="toc"><b>Contents</b><ol><li><a href="#summary">Summary</a></li>{"".join(items)}'
            f'<li><a href="#sources">Sources</a></li></ol></nav>\n')


def _summary(results: Results) -> str:
    out = ['<h2 id="summary" class="first">Summary</h2>\n']
    solved = set(results.routes.index.get_level_values("case"))
    rows = []
    for c in results.scenario.cases:
        if c.shipment is None:
            continue
        if c.name not in solved:
            rows.append([c.name, "no route: " + results.failures.get(c.name, ""), "–", "–", "–", "–"])
            continue
        r = results.routes.loc[c.name]
        first = r.iloc[0]
        gap = r.iloc[1]["generalized_usd_per_t"] - first["generalized_usd_per_t"] if len(r) > 1 else None
        rows.append([c.name, first["route"], _num(first["cost_usd_per_t"]), _num(first["generalized_usd_per_t"]),
                     _num(first["transit_days"], 1), "–" if gap is None else f"+{gap:.2f}"])
    if rows:
        out.append("<p>The cheapest route of each case by generalized cost (money plus the value of transit time), "
                   "and how much more the next one costs.</p>")
        out.append(table(["case", "cheapest route", "USD/t", "gen. USD/t", "days", "next route +gen. USD/t"], rows,
                         numeric=(2, 3, 4, 5), route=(1,)))
    flows = []
    for name, alloc in results.allocations.items():
        t = alloc.totals
        el = alloc.elements
        priced = el[el["shadow_price_usd_per_t"] > 0]
        first_bind = (f"{priced['name'].iloc[0]} ({priced['shadow_price_usd_per_t'].iloc[0]:,.2f} USD/t)"
                      if len(priced) else "none")
        flows.append([name, f"{t['delivered_mt_per_year']:.2f} of {t['demand_mt_per_year']:.2f}",
                      _num(t["average_cost_usd_per_t"]), first_bind])
    if flows:
        out.append("<p>Annual flows: what each case delivers, at what average cost, and the capacity that binds "
                   "first (its shadow price: USD/t of total cost saved per extra tonne a year).</p>")
        out.append(table(["case", "Mt/yr delivered", "average USD/t", "binding first"], flows, numeric=(1, 2)))
    return "".join(out)


def _inputs(results: Results, case) -> str:
    from .manifest import case_inputs

    inp = case_inputs(results.scenario, case)
    items = []
    if "shipment" in inp:
        s = inp["shipment"]
        items.append(("shipment", f"{s['tonnes']:,.0f} t of {s['coal']} coal from {s['origin']} to "
                                  f"{s['destination']}"))
    if "flows" in inp:
        f = inp["flows"]
        items.append(("supply (Mt/yr)", ", ".join(f"{k} {v:g}" for k, v in f["supply"].items())))
        items.append(("demand (Mt/yr)", ", ".join(f"{k} {v:g}" for k, v in f["demand"].items())))
        items.append(("unserved penalty", f"{f['unserved_penalty_usd_per_t']:,.0f} USD/t"))
    items.append(("routes listed", str(inp["settings"]["routes"])))
    items.append(("value of time", f"{inp['settings']['value_of_time_usd_per_t_day']:g} USD per tonne-day"))
    if "close" in inp:
        items.append(("closed", "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}"
                                          for k, v in inp["close"].items())))
    for i, ch in enumerate(inp.get("change", []), start=1):
        ops = "; ".join(f"{op} {', '.join(f'{k} {_value(v)}' for k, v in vals.items())}"
                        for op, vals in ch.items() if op in ("scale", "set", "add"))
        where = ", ".join(f"{k} in {', '.join(map(str, v))}" if isinstance(v, list) else f"{k} = {v}"
                          for k, v in ch.get("where", {}).items()) or "every row"
        items.append((f"change {i}", f"{ch.get('table')} where {where}: {ops}"))
    return "<h3>Inputs</h3>\n" + definition_list(items)


def _value(v: object) -> str:
    """A changed value as the scenario gave it: numbers in their shortest form, text as written."""
    return f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def _routes_table(results: Results, case: str) -> str:
    r = results.routes.loc[case]
    comps = results.components.loc[case]
    draws = "p_cheapest" in r.columns
    header = ["rank", "route", "USD/t", "gen. USD/t", "lot USD", "km", "days", "CO2 kg/t", "ship", "netback USD/t",
              *[f"{c} USD/t" for c in comps.columns]]
    if draws:
        header += ["P10", "P50", "P90", "P(cheapest)"]
    rows = []
    for rank, row in r.iterrows():
        cells = [rank, row["route"], _num(row["cost_usd_per_t"]), _num(row["generalized_usd_per_t"]),
                 _num(row["cost_usd"], 0), _num(row["distance_km"], 0), _num(row["transit_days"], 1),
                 _num(row["co2_kg_per_t"], 1), row["vessel_class"] or "–", _num(row["netback_usd_per_t"]),
                 *[_num(v) for v in comps.loc[rank]]]
        if draws:
            cells += [_num(row["p10_usd_per_t"]), _num(row["p50_usd_per_t"]), _num(row["p90_usd_per_t"]),
                      f"{row['p_cheapest']:.1%}"]
        rows.append(cells)
    numeric = [i for i, h in enumerate(header) if h not in ("route", "ship")]
    return "<h3>Routes</h3>\n" + table(header, rows, numeric=numeric, route=(1,))


def _flows_tables(results: Results, case: str) -> str:
    alloc = results.allocations[case]
    out = ["<h3>Annual flows</h3>\n"]
    rows = [[_num(r.mt_per_year), r.route, _num(r.cost_usd_per_t), _num(r.generalized_usd_per_t)]
            for r in alloc.routes.itertuples()]
    out.append(table(["Mt/yr", "route", "USD/t", "gen. USD/t"], rows, numeric=(0, 2, 3), route=(1,)))
    el = alloc.elements
    shown = el[(el["flow_mt_per_year"] > 1e-9) | (el["shadow_price_usd_per_t"] > 0)]
    rows = [[e.kind, e.name, _num(e.flow_mt_per_year), _num(e.capacity_mt_per_year), f"{100 * e.utilisation:.0f}%",
             _num(e.shadow_price_usd_per_t), ("binding" if e.shadow_price_usd_per_t > 0 else "full" if e.binding
                                              else "") + (f" (with {e.relieve_with.replace(';', ', ')})"
                                                          if e.relieve_with and e.shadow_price_usd_per_t > 0 else "")]
            for e in shown.itertuples()]
    out.append("<p class=\"note\">Capacity elements that carry flow, binding first. Shadow price: USD/t by which the "
               "total annual cost falls per extra tonne a year of capacity.</p>")
    out.append(table(["kind", "element", "Mt/yr", "capacity", "use", "shadow USD/t", ""], rows,
                     numeric=(2, 3, 4, 5)))
    t = alloc.totals
    out.append(f"<p>{t['delivered_mt_per_year']:.2f} of {t['demand_mt_per_year']:.2f} Mt/yr delivered at an average "
               f"{t['average_cost_usd_per_t']:.2f} USD/t; total generalized cost "
               f"{t['total_cost_usd_per_year'] / 1e6:,.1f} million USD a year (with the unserved penalty).</p>")
    return "".join(out)


def _chart(fig, key: str, caption: str) -> str:
    import matplotlib.figure

    svg = svg_chart(fig, key, caption)
    if isinstance(fig, matplotlib.figure.Figure):
        fig.clear()  # the SVG text is all the page needs
    return f"<figure>{svg}<figcaption>{esc(caption)}</figcaption></figure>\n"


def _case(results: Results, case, stems: dict[str, str], charts: bool) -> str:
    name = case.name
    out = [f'<h2 id="case-{_slug(name)}">Case: {esc(name)}</h2>\n']
    if case.description:
        out.append(f"<p>{esc(' '.join(case.description.split()))}</p>\n")
    out.append(_inputs(results, case))
    plot = results.plot
    if name in results.failures:
        out.append(f'<p class="failure">{esc(results.failures[name])}</p>\n')
    elif name in set(results.routes.index.get_level_values("case")):
        if results.uncertainty and name in results.uncertainty:
            d = results.uncertainty[name]
            out.append(f'<p class="note">{d.draws:,} draws (seed {d.seed}) over {d.candidates} candidate routes; '
                       f"coverage {d.coverage:.1%} of {d.checked:,} draws checked by exact search.</p>\n")
        out.append(_routes_table(results, name))
        if charts:
            stem = stems[name]
            out.append(_chart(plot.map(name), f"map-{stem}", f"{name}: the routes on the map"))
            out.append(_chart(plot.cost_distance(name), f"cd-{stem}",
                              f"{name}: cumulative cost and days against distance (links are slopes; borders, "
                              f"transfers and ports are steps)"))
            if results.uncertainty and name in results.uncertainty:
                out.append(_chart(plot.cost_distribution(name), f"dist-{stem}",
                                  f"{name}: each route's cost over the draws"))
                out.append(_chart(plot.p_cheapest(name), f"pc-{stem}",
                                  f"{name}: probability that each route is the cheapest"))
    if name in results.allocations:
        out.append(_flows_tables(results, name))
        if charts:
            stem = stems[name]
            out.append(_chart(plot.flow_map(name), f"flow-{stem}", f"{name}: annual flows and bottlenecks"))
            out.append(_chart(plot.capacity(name), f"cap-{stem}", f"{name}: capacity use and shadow prices"))
    return "".join(out)


def _validation(results: Results) -> str:
    import_module("corridor.validation")  # registers the observations' summary (corridor.validation.report)
    tables = [t for t in (p(results) for p in _VALIDATION) if t is not None and len(t)]
    if not tables:
        return ""
    out = ['<h2 id="validation">Validation against observations</h2>\n']
    for t in tables:
        df = t.reset_index() if t.index.name or isinstance(t.index, pd.MultiIndex) else t
        out.append(table([str(c) for c in df.columns], df.astype(str).values.tolist()))
    return "".join(out)


def _sources(results: Results) -> str:
    from ._sources import used_sources
    from .plot._geo import CREDIT

    src, est = used_sources(results)
    out = ['<h2 id="sources">Sources</h2>\n<p>Every number the routes and flows above use comes from a row of the '
           "network's tables; these are the sources those rows cite, and which rows cite them.</p>\n"]
    rows = []
    for r in src.itertuples():
        title = esc(r.title) + (f' (<a href="{esc(r.url)}">{esc(r.url)}</a>)' if r.url else "")
        rows.append([esc(r.id), title, esc(r.publisher), esc(r.year), esc(r.used_for)])
    out.append(table(["id", "title", "publisher", "year", "used for"], rows, raw=(0, 1, 2, 3, 4)))
    if len(est):
        out.append("<h3>Estimates</h3>\n<p>Rows marked <i>estimate</i>, and how each was made:</p>\n")
        out.append(table(["table", "row", "how it was estimated"], est[["table", "row", "note"]].values.tolist()))
    out.append(f'<p class="note">Maps: {esc(CREDIT)} Railways drawn through intermediate points are marked as '
               f"drawn approximately in the network's link_paths.csv.</p>\n")
    return "".join(out)


# ----- the page ------------------------------------------------------------------------------------------------------
def html_report(results: Results, *, charts: bool = True) -> str:
    """The report of ``results`` as one HTML page (a str); ``charts=False`` leaves the charts out (faster)."""
    from .plot import _stems

    stems = _stems(results.cases)
    parts = [_header(results), _toc(results), _summary(results)]
    solved = list(dict.fromkeys(results.routes.index.get_level_values("case")))
    if charts and solved:
        parts.append(_chart(results.plot.cost_bars(solved), "cost-bars",
                            "Cost per tonne of each route by component, every case"))
    for case in results.scenario.cases:
        parts.append(_case(results, case, stems, charts))
    parts.append(_validation(results))
    for section in SECTIONS:
        got = section(results)
        if got is not None:
            title, body = got
            parts.append(f'<h2 id="{_slug(title)}">{esc(title)}</h2>\n{body}')
    parts.append(_sources(results))
    man = results.manifest()
    libs = ", ".join(f"{k} {v}" for k, v in man["libraries"].items())
    parts.append(f"<footer>Made by corridor {esc(man['corridor_version'])} with Python {esc(man['python'])} "
                 f"({esc(libs)}). Network SHA-256 <code>{esc(man['network']['sha256'] or '')}</code>.</footer>\n")
    return page(results.scenario.name, "".join(parts))


def write_html(results: Results, path: str | Path, *, charts: bool = True) -> Path:
    """Write :func:`html_report` into ``path`` (through :mod:`corridor._files`: all or nothing)."""
    from ._files import write_all

    path = Path(path)
    text = html_report(results, charts=charts)

    def fill(tmp: Path) -> None:
        (tmp / path.name).write_text(text, encoding="utf-8")

    return write_all(path.parent, fill)[0]
