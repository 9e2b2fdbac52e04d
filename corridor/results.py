"""Results: tidy pandas tables of a solved scenario, and their export to JSON and CSV."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._result_tables import flow_draw_tables, flow_draws_dict, flow_tables, flows_dict, num, opt
from .errors import InputError, shown
from .exposure import route_exposure
from .schema import COMPONENTS, LINK_COUNTRIES

if TYPE_CHECKING:
    from ._files import Staging
    from .scenario import Scenario

ROUTE_COLUMNS = ["case", "rank", "route", "corridor", "origin", "destination", "tonnes", "cost_usd_per_t",
                 "time_value_usd_per_t", "carbon_usd_per_t", "generalized_usd_per_t", "cost_usd", "distance_km",
                 "transit_days", "co2_kg_per_t", "vessel_class", "price_usd_per_t", "netback_usd_per_t",
                 "estimated_share", "key_nodes", "nodes", "links", "regimes", "top", "best_for"]
CORRIDOR_COLUMNS = ["gateway", "kind", "id", "name", "rank", "status"]
# Numbers that may be blank (NaN): no price for the coal at the destination; no route through a gateway.
OPTIONAL_NUMBERS = ("price_usd_per_t", "netback_usd_per_t", "rank")
# Added to each route by a run with draws (see corridor.uncertainty).
DRAW_COLUMNS = ["p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t", "p10_generalized_usd_per_t",
                "p50_generalized_usd_per_t", "p90_generalized_usd_per_t", "p_cheapest"]


@dataclass(frozen=True)
class Results:
    """The answer to a scenario, as pandas tables.

    Attributes
    ----------
    routes : DataFrame
        One row per case and route (index ``case, rank``): cost (delivered to the destination), time value
        and generalized cost per tonne, cost of the lot, distance, transit days, CO2, the vessel class of its
        sea legs (empty without one), the market price at the destination and the netback (price - cost:
        what a tonne is worth at the mine on this route; NaN without a price), ``estimated_share`` (the share of
        its money resting on estimated cells, see :mod:`corridor.provenance`), the nodes and links in order, and
        ``regimes``: the layer it crosses each country in (``{"MN": "export", "RU": "ru_mn_transit", "KP":
        "import"}``; empty without transit regimes, see :mod:`corridor.layers`).
    legs : DataFrame
        One row per leg of each route (links, transfers, pass charges), in order (``seq``), with money,
        days, distance and CO2: the routes' totals are their sums.
    components : DataFrame
        Cost per tonne by component (rail, road, sea, transfer, border); rows sum to ``cost_usd_per_t``.
    countries : DataFrame
        Cost per tonne by the country that charges it (``INT`` for sea freight).
    failures : dict
        Cases without a route, and why.
    uncertainty : dict or None
        After a run with draws: case name -> :class:`corridor.uncertainty.CaseDraws` (the drawn costs of each
        route, the number of draws, the seed and the coverage check). ``routes`` then also holds P10/P50/P90 of
        cost and generalized cost and ``p_cheapest``, and lists every route that was cheapest in some draw.
    allocations : dict
        The :class:`corridor.flows.Allocation` of each case with ``[flows]``, by case name; the ``flow_*``
        tables below gather them, indexed by case first.
    flow_routes : DataFrame
        Annual flow decomposed into routes (index ``case, n``): origin, destination, route, Mt/yr, money and
        generalized cost per tonne, money per year, nodes and links.
    flow_elements : DataFrame
        Every capacity element (link, transfer, node) of each case: flow, capacity, utilisation and shadow
        price in USD per tonne of extra annual capacity, binding ones first. A ``both_ways`` link's capacity
        is shared by its two directions.
    flow_destinations : DataFrame
        Demand, delivered and unserved Mt/yr by case and destination, and the marginal cost of demand there.
    flow_totals : DataFrame
        One row per case: total annual cost (the minimised objective: generalized transport cost plus the
        unserved penalty), money cost, delivered and unserved Mt/yr, average cost per delivered tonne.
    exposure : DataFrame
        Each route by country it passes through (index ``case, rank, country``): tonnes, km and tonne-km on the
        country's links, USD/t and USD charged there, days spent there, CO2 (:mod:`corridor.exposure`).
    flow_exposure : DataFrame
        Each allocation's flow by country (index ``case, country``): Mt/yr passing through, share of the delivered
        tonnes, million tonne-km, USD/yr, days per tonne, kt CO2/yr.
    corridors : DataFrame
        The best route through each gateway of each case's shipment (index ``case, gateway``): ``kind`` (``exit``: a
        crossing out of the origin's country; ``port``: where routes go to sea), ``id``, ``name``, ``rank`` of its
        best route in ``routes`` (NaN if none) and ``status`` (``open``, ``closed`` by the case, ``no route``).
        ``routes`` holds the k cheapest routes (``top``) and, after them, each gateway's best route that is not
        among them, with its rank among all routes; ``best_for`` lists the gateways a route is the best through.
    flow_draws : dict
        After a run with draws: case name -> :class:`corridor.uncertainty.flowstats.FlowDraws` for each case with
        ``[flows]`` (its allocation re-solved for every draw). The ``flow_draw_*`` tables below gather them.
    flow_draw_totals : DataFrame
        Total cost, delivered and unserved Mt/yr by case (index ``case, total``): deterministic, mean, P10/P50/P90.
    flow_draw_elements : DataFrame
        Each capacity element by case: probability that it binds (is full) and that it has a price, mean and
        P10/P50/P90 of its shadow price (USD/t), and its deterministic price.
    flow_draw_corridors : DataFrame
        Mt/yr on each corridor by case: probability of use, mean, P10/P50/P90 and the deterministic value.
    """

    scenario: Scenario
    routes: pd.DataFrame
    legs: pd.DataFrame
    components: pd.DataFrame
    countries: pd.DataFrame
    failures: dict = field(default_factory=dict)
    uncertainty: dict | None = None
    allocations: dict = field(default_factory=dict)
    flow_routes: pd.DataFrame = field(default_factory=pd.DataFrame)
    flow_elements: pd.DataFrame = field(default_factory=pd.DataFrame)
    flow_destinations: pd.DataFrame = field(default_factory=pd.DataFrame)
    flow_totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    corridors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CORRIDOR_COLUMNS))
    exposure: pd.DataFrame = field(default_factory=pd.DataFrame)
    flow_exposure: pd.DataFrame = field(default_factory=pd.DataFrame)
    flow_draws: dict = field(default_factory=dict)
    flow_draw_totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    flow_draw_elements: pd.DataFrame = field(default_factory=pd.DataFrame)
    flow_draw_corridors: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def build(cls, *, scenario, routes: list[dict], legs: list[pd.DataFrame], failures: dict,
              uncertainty: dict | None = None, flows: dict | None = None, corridors: list[dict] | None = None,
              flow_draws: dict | None = None) -> Results:
        columns = ROUTE_COLUMNS + (DRAW_COLUMNS if uncertainty is not None else [])
        routes_df = pd.DataFrame(routes, columns=columns).set_index(["case", "rank"])
        legs_df = pd.concat(legs, ignore_index=True) if legs else pd.DataFrame(
            columns=["case", "rank", "seq", "kind", "id", "from", "to", "node", "mode", "country", "component",
                     "distance_km", "usd_per_t", "days", "co2_kg_per_t", "vessel_class", "regime",
                     "estimated_usd_per_t"])
        order = list(routes_df.index.get_level_values("case").unique())

        def pivot(column: str, categories) -> pd.DataFrame:
            wide = legs_df.pivot_table(index=["case", "rank"], columns=column, values="usd_per_t", aggfunc="sum",
                                       fill_value=0.0, sort=False)
            cols = [c for c in categories if c in wide.columns] if column == "country" else list(categories)
            wide = wide.reindex(index=routes_df.index, columns=cols, fill_value=0.0)
            wide.columns.name = None
            return wide.loc[order] if order else wide

        corridors_df = pd.DataFrame(corridors or [], columns=["case", *CORRIDOR_COLUMNS]).set_index(["case",
                                                                                                     "gateway"])
        corridors_df["rank"] = corridors_df["rank"].astype("Int64")
        exposure = route_exposure(legs_df, routes_df, scenario.network.nodes["country"])
        out = cls(scenario=scenario, routes=routes_df, legs=legs_df, components=pivot("component", COMPONENTS),
                  countries=pivot("country", LINK_COUNTRIES), failures=dict(failures), uncertainty=uncertainty,
                  corridors=corridors_df, exposure=exposure, **flow_tables(flows or {}),
                  **flow_draw_tables(flow_draws or {}))
        out.check_finite()
        return out

    def check_finite(self) -> None:
        """Raise an InputError if a result is not a finite number (``price_usd_per_t`` and ``netback_usd_per_t``
        may be blank: no price; a gateway's ``rank``: no route through it): nothing infinite or NaN is ever printed
        or written as a result."""
        problems = []
        for name, df in self.tables().items():
            num = df.select_dtypes("number").drop(columns=list(OPTIONAL_NUMBERS), errors="ignore")
            values = num.to_numpy(dtype=float, na_value=np.nan)
            if values.size and not np.isfinite(values).all():
                bad = ~np.isfinite(values)
                row, col = np.argwhere(bad)[0]
                case = df["case"].iloc[row] if "case" in df else ""
                problems.append(f"{self.scenario.source}: case {shown(case)}: {num.columns[col]} is not a finite "
                                f"number ({bad.sum()} such values in the {name} table); check the inputs' sizes")
        if problems:
            raise InputError(problems)

    @property
    def cases(self) -> list[str]:
        """Case names in the scenario's order (those without a route too)."""
        return [c.name for c in self.scenario.cases]

    @property
    def plot(self):
        """Charts of these results: ``res.plot.cost_bars()``, ``res.plot.cost_distance(case=...)``,
        ``res.plot.map(case=...)``, each a matplotlib Figure (see :mod:`corridor.plot`)."""
        from .plot import PlotAccessor

        return PlotAccessor(self)

    def tornado(self, case: str | None = None, *, metric: str = "generalized") -> pd.DataFrame:
        """How far each uncertain input alone moves the best route's cost, for one case (or all): the table of
        :func:`corridor.uncertainty.tornado` on these results' scenario."""
        from .uncertainty.sensitivity import tornado

        return tornado(self.scenario, case=case, metric=metric)

    def best(self) -> pd.DataFrame:
        """The cheapest route of each case (by generalized cost)."""
        return self.routes.xs(1, level="rank")

    def compare(self, baseline: str | None = None) -> pd.DataFrame:
        """Each case's best route against the baseline case's (the first case unless named)."""
        best = self.best()
        base = baseline or best.index[0]
        cols = ["cost_usd_per_t", "generalized_usd_per_t", "transit_days", "co2_kg_per_t"]
        out = best[["route", *cols]].copy()
        for c in cols:
            out[f"{c}_vs_{base}"] = best[c] - best.at[base, c]
        return out

    # ----- export ---------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The JSON structure printed by ``corridor run --json``."""
        cases = []
        for name in self.cases:
            entry: dict = {"name": name}
            if name in self.allocations:  # placed after "routes" below
                entry["flows"] = flows_dict(self.allocations[name])
                if name in self.flow_draws:
                    entry["flows"]["draws"] = flow_draws_dict(self.flow_draws[name])
            if name in self.failures or name not in self.routes.index.get_level_values("case"):
                if name in self.failures:
                    entry["error"] = self.failures[name]
                entry["routes"] = []
                if "flows" in entry:
                    entry["flows"] = entry.pop("flows")
                cases.append(entry)
                continue
            rows = []
            for (case, rank), r in self.routes.loc[[name]].iterrows():
                rows.append({
                    "rank": int(rank), "route": r["route"], "corridor": r["corridor"], "top": bool(r["top"]),
                    "best_for": list(r["best_for"]), "nodes": list(r["nodes"]), "links": list(r["links"]),
                    "cost_usd_per_t": num(r["cost_usd_per_t"]),
                    "time_value_usd_per_t": num(r["time_value_usd_per_t"]),
                    "carbon_usd_per_t": num(r["carbon_usd_per_t"]),
                    "generalized_usd_per_t": num(r["generalized_usd_per_t"]), "cost_usd": num(r["cost_usd"]),
                    "distance_km": num(r["distance_km"]), "transit_days": num(r["transit_days"]),
                    "co2_kg_per_t": num(r["co2_kg_per_t"]),
                    **({"vessel_class": r["vessel_class"]} if r["vessel_class"] else {}),
                    "price_usd_per_t": opt(r["price_usd_per_t"]), "netback_usd_per_t": opt(r["netback_usd_per_t"]),
                    "estimated_share": opt(r["estimated_share"]),
                    "components_usd_per_t": {k: num(v) for k, v in self.components.loc[(case, rank)].items()},
                    "by_country_usd_per_t": {k: num(v) for k, v in self.countries.loc[(case, rank)].items()
                                             if abs(v) > 0},
                    "regimes": dict(r["regimes"]),
                    "exposure": {c: {k: num(v) for k, v in e.items()}
                                 for c, e in self.exposure.loc[(case, rank)].iterrows()},
                })
                if self.uncertainty is not None:
                    rows[-1].update({c: num(r[c]) for c in DRAW_COLUMNS})
            entry["routes"] = rows
            if name in self.corridors.index.get_level_values("case"):
                entry["corridors"] = [{"gateway": g, "kind": c["kind"], "id": c["id"], "name": c["name"],
                                       "rank": None if pd.isna(c["rank"]) else int(c["rank"]), "status": c["status"]}
                                      for g, c in self.corridors.loc[name].iterrows()]
            if self.uncertainty is not None:
                draws = self.uncertainty[name]
                entry.update(draws=draws.draws, coverage=opt(draws.coverage), checked_draws=draws.checked)
            if "flows" in entry:
                entry["flows"] = entry.pop("flows")
            cases.append(entry)
        out: dict[str, Any] = {"scenario": self.scenario.name, "manifest": self.manifest(), "cases": cases}
        if self.uncertainty is not None:
            drawn = [*self.uncertainty.values(), *self.flow_draws.values()]
            out["seed"] = drawn[0].seed if drawn else None
        return out

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False, **({"indent": 2} | kwargs))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables written by ``--out``, by file stem."""
        routes = self.routes.copy()
        for col in ("key_nodes", "nodes", "links"):
            routes[col] = routes[col].map(" ".join)
        routes["regimes"] = routes["regimes"].map(_regimes_cell)
        routes["best_for"] = routes["best_for"].map(lambda x: "; ".join(x) if isinstance(x, list) else "")
        shipped = any(c.shipment is not None for c in self.scenario.cases)
        out = {"routes": routes.reset_index(), "components": self.components.reset_index(),
               "countries": self.countries.reset_index(), "legs": self.legs} if shipped else {}
        if len(self.corridors):
            out["corridors"] = self.corridors.reset_index()
        if len(self.exposure):
            out["exposure"] = self.exposure.reset_index()
        if self.allocations:
            flow_routes = self.flow_routes.drop(columns=["arcs"])
            for col in ("key_nodes", "nodes", "links"):
                flow_routes[col] = flow_routes[col].map(" ".join)
            flow_routes["regimes"] = flow_routes["regimes"].map(_regimes_cell)
            out |= {"flow_routes": flow_routes.reset_index(), "flow_elements": self.flow_elements.reset_index(),
                    "flow_destinations": self.flow_destinations.reset_index(),
                    "flow_totals": self.flow_totals.reset_index(), "flow_exposure": self.flow_exposure.reset_index()}
        if self.flow_draws:
            out |= {"flow_draw_totals": self.flow_draw_totals.reset_index(),
                    "flow_draw_elements": self.flow_draw_elements.reset_index(),
                    "flow_draw_corridors": self.flow_draw_corridors.reset_index()}
        return out

    def manifest(self) -> dict:
        """What this run read and with what software (see :mod:`corridor.manifest`): versions, the scenario file
        and the network folder with their SHA-256, each case's inputs, draws and seed."""
        from .manifest import build_manifest

        return build_manifest(self)

    def write_csv(self, folder: str | Path, *, bom: bool = True, stage: Staging | None = None) -> list[Path]:
        """Write the tables as CSV files into ``folder`` with the run's ``manifest.json``, all or nothing.

        Numbers are plain decimals with every digit (``1672855.0586754``); ``bom`` starts each file with a UTF-8
        byte-order mark, so that Excel reads the route names' '›' right (``bom=False`` for tools that do not
        expect one; pandas and Excel read both). With ``stage`` (the :class:`corridor._files.Staging` of a run)
        the files are only added to it, and written when it is committed. Returns their paths.

        Raises
        ------
        OutputError
            naming the file that cannot be written (nothing is written then).
        """
        from ._export import stage_csv

        return _staged(stage, lambda s: stage_csv(self, Path(folder), s, bom=bom))

    def write_xlsx(self, path: str | Path, *, stage: Staging | None = None) -> Path:
        """Write one Excel workbook: a sheet per table, and the inputs, sources and estimates (needs openpyxl);
        into ``stage`` if given."""
        from ._export import write_xlsx

        return write_xlsx(self, path, stage=stage)

    def write_geojson(self, folder: str | Path, *, stage: Staging | None = None) -> list[Path]:
        """Write ``nodes``, ``links``, ``routes`` and ``flows`` ``.geojson`` files into ``folder`` (for QGIS), all
        or nothing; into ``stage`` if given."""
        from ._geojson import stage_geojson

        return _staged(stage, lambda s: stage_geojson(self, Path(folder), s))

    def __repr__(self) -> str:
        flows = f", {len(self.allocations)} allocations" if self.allocations else ""
        return f"<Results {self.scenario.name!r}: {len(self.cases)} cases, {len(self.routes)} routes{flows}>"


def _staged(stage: Staging | None, add):
    """``add(stage)`` into the given staging area, or into one of its own that is committed at once."""
    from ._files import Staging

    own = Staging() if stage is None else stage
    out = add(own)
    if stage is None:
        own.commit()
    return out


def _regimes_cell(regimes: dict) -> str:
    """A route's regimes in one CSV cell: ``MN:export RU:ru_mn_transit KP:import``."""
    return " ".join(f"{c}:{r}" for c, r in regimes.items())
