"""Results: tidy pandas tables of a solved scenario, and their export to JSON and CSV."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .schema import COMPONENTS, LINK_COUNTRIES

ROUTE_COLUMNS = ["case", "rank", "route", "origin", "destination", "tonnes", "cost_usd_per_t",
                 "time_value_usd_per_t", "generalized_usd_per_t", "cost_usd", "distance_km", "transit_days",
                 "co2_kg_per_t", "key_nodes", "nodes", "links"]
# Added to each route by a run with draws (see corridor.uncertainty).
DRAW_COLUMNS = ["p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t", "p10_generalized_usd_per_t",
                "p50_generalized_usd_per_t", "p90_generalized_usd_per_t", "p_cheapest"]


@dataclass(frozen=True)
class Results:
    """The answer to a scenario, as pandas tables.

    Attributes
    ----------
    routes : DataFrame
        One row per case and route (index ``case, rank``): cost, time value and generalized cost per
        tonne, cost of the lot, distance, transit days, CO2, and the nodes and links in order.
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
    """

    scenario: object
    routes: pd.DataFrame
    legs: pd.DataFrame
    components: pd.DataFrame
    countries: pd.DataFrame
    failures: dict = field(default_factory=dict)
    uncertainty: dict | None = None

    @classmethod
    def build(cls, *, scenario, routes: list[dict], legs: list[pd.DataFrame], failures: dict,
              uncertainty: dict | None = None) -> "Results":
        columns = ROUTE_COLUMNS + (DRAW_COLUMNS if uncertainty is not None else [])
        routes_df = pd.DataFrame(routes, columns=columns).set_index(["case", "rank"])
        legs_df = pd.concat(legs, ignore_index=True) if legs else pd.DataFrame(
            columns=["case", "rank", "seq", "kind", "id", "from", "to", "node", "mode", "country", "component",
                     "distance_km", "usd_per_t", "days", "co2_kg_per_t"])
        order = list(routes_df.index.get_level_values("case").unique())

        def pivot(column: str, categories) -> pd.DataFrame:
            wide = legs_df.pivot_table(index=["case", "rank"], columns=column, values="usd_per_t", aggfunc="sum",
                                       fill_value=0.0, sort=False)
            cols = [c for c in categories if c in wide.columns] if column == "country" else list(categories)
            wide = wide.reindex(index=routes_df.index, columns=cols, fill_value=0.0)
            wide.columns.name = None
            return wide.loc[order] if order else wide

        return cls(scenario=scenario, routes=routes_df, legs=legs_df, components=pivot("component", COMPONENTS),
                   countries=pivot("country", LINK_COUNTRIES), failures=dict(failures), uncertainty=uncertainty)

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
            if name in self.failures:
                entry["error"] = self.failures[name]
                entry["routes"] = []
                cases.append(entry)
                continue
            rows = []
            for (case, rank), r in self.routes.loc[[name]].iterrows():
                rows.append({
                    "rank": int(rank), "route": r["route"], "nodes": list(r["nodes"]), "links": list(r["links"]),
                    "cost_usd_per_t": _num(r["cost_usd_per_t"]),
                    "time_value_usd_per_t": _num(r["time_value_usd_per_t"]),
                    "generalized_usd_per_t": _num(r["generalized_usd_per_t"]), "cost_usd": _num(r["cost_usd"]),
                    "distance_km": _num(r["distance_km"]), "transit_days": _num(r["transit_days"]),
                    "co2_kg_per_t": _num(r["co2_kg_per_t"]),
                    "components_usd_per_t": {k: _num(v) for k, v in self.components.loc[(case, rank)].items()},
                    "by_country_usd_per_t": {k: _num(v) for k, v in self.countries.loc[(case, rank)].items()
                                             if abs(v) > 0},
                })
                if self.uncertainty is not None:
                    rows[-1].update({c: _num(r[c]) for c in DRAW_COLUMNS})
            entry["routes"] = rows
            if self.uncertainty is not None:
                draws = self.uncertainty[name]
                entry.update(draws=draws.draws, coverage=_num(draws.coverage), checked_draws=draws.checked)
            cases.append(entry)
        out = {"scenario": self.scenario.name, "cases": cases}
        if self.uncertainty is not None:
            out["seed"] = next(iter(self.uncertainty.values())).seed if self.uncertainty else None
        return out

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **({"indent": 2} | kwargs))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables written by ``--out``, by file stem."""
        routes = self.routes.copy()
        for col in ("key_nodes", "nodes", "links"):
            routes[col] = routes[col].map(" ".join)
        return {"routes": routes.reset_index(), "components": self.components.reset_index(),
                "countries": self.countries.reset_index(), "legs": self.legs}

    def write_csv(self, folder: str | Path) -> list[Path]:
        """Write the tables as CSV files into ``folder``, all or nothing."""
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".corridor-", dir=folder.parent))
        try:
            for stem, df in self.tables().items():
                df.to_csv(tmp / f"{stem}.csv", index=False, float_format="%.6g")
            folder.mkdir(exist_ok=True)
            written = []
            for f in sorted(tmp.iterdir()):
                os.replace(f, folder / f.name)
                written.append(folder / f.name)
            return written
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def __repr__(self) -> str:
        return f"<Results {self.scenario.name!r}: {len(self.cases)} cases, {len(self.routes)} routes>"


def _num(x) -> float:
    return round(float(x), 6)
