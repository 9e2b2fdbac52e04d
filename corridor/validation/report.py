"""The validation report: each observation against the model (observed value and band, modelled value, ratio, log
error, inside or outside the band) and the summary per kind (median absolute log error, share inside the band)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from .observations import UNITS, Observation, inside, log_error, residual

TABLE_COLUMNS = ["id", "kind", "where", "year", "observed", "low", "high", "unit", "modelled", "ratio", "log_error",
                 "inside", "residual", "compared", "why", "shared_sources", "source", "note"]
SUMMARY_COLUMNS = ["kind", "observations", "compared", "inside", "share_inside", "median_abs_log_error"]


def score(observations: Sequence[Observation], modelled: Sequence[float] | np.ndarray, *,
          skipped: dict[str, str] | None = None, shared: dict[str, list[str]] | None = None,
          every: Sequence[Observation] = ()) -> pd.DataFrame:
    """One row per observation: the compared ones (``observations`` with their ``modelled`` values) and the others
    of ``every`` with why they were not compared (``skipped``)."""
    rows = []
    values = dict(zip([o.id for o in observations], modelled))
    for obs in list(every) or list(observations):
        m = values.get(obs.id)
        row = dict(id=obs.id, kind=obs.kind, where=obs.where, year=obs.year, observed=obs.value, low=obs.low,
                   high=obs.high, unit=UNITS[obs.kind], modelled=np.nan, ratio=np.nan, log_error=np.nan, inside=False,
                   residual=np.nan, compared=m is not None, why=(skipped or {}).get(obs.id, ""),
                   shared_sources=";".join((shared or {}).get(obs.id, [])), source=obs.source, note=obs.note)
        if m is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                row.update(modelled=float(m), ratio=float(m) / obs.value if obs.value else np.nan,
                           log_error=float(log_error(obs, m)), inside=bool(inside(obs, m)),
                           residual=float(residual(obs, m)))
        rows.append(row)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per kind (and ``all``): observations, compared, inside the band, the share inside and the median absolute log
    error of the compared ones."""
    rows = []
    for kind in [*schema.OBSERVATION_KINDS, "all"]:
        part = table if kind == "all" else table[table["kind"] == kind]
        if not len(part):
            continue
        done = part[part["compared"]]
        rows.append(dict(kind=kind, observations=len(part), compared=len(done), inside=int(done["inside"].sum()),
                         share_inside=float(done["inside"].mean()) if len(done) else np.nan,
                         median_abs_log_error=float(done["log_error"].abs().median()) if len(done) else np.nan))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


@dataclass(frozen=True)
class ValidationReport:
    """Observations held against one case of a scenario (or a network on its own).

    Attributes
    ----------
    name, case : str
        The scenario (or network) and the case.
    table : DataFrame
        One row per observation (columns :data:`TABLE_COLUMNS`): ``observed``, ``low``, ``high``, ``modelled``,
        ``ratio`` (modelled / observed), ``log_error``, ``inside`` (the band), ``residual`` (the log error over the
        band's width, see :mod:`corridor.validation.observations`), ``compared`` and ``why`` not,
        ``shared_sources`` (source ids the observation shares with the rows its model value reads: not an
        independent check).
    summary : DataFrame
        Per kind and ``all``: ``observations``, ``compared``, ``inside``, ``share_inside``, ``median_abs_log_error``.
    """

    name: str
    case: str
    table: pd.DataFrame
    summary: pd.DataFrame

    @property
    def overall(self) -> dict:
        """The ``all`` row of the summary as a dict."""
        row = self.summary[self.summary["kind"] == "all"]
        return row.iloc[0].to_dict() if len(row) else {}

    def line(self) -> str:
        """One line: share inside the band and median absolute log error over the compared observations."""
        s = self.overall
        if not s or not s["compared"]:
            return f"{self.name}: no observation compared"
        return (f"{self.name}: {s['inside']}/{s['compared']} observations inside their band "
                f"({s['share_inside']:.0%}), median |log error| {s['median_abs_log_error']:.2f} "
                f"(x{np.exp(s['median_abs_log_error']):.2f})")

    def to_dict(self) -> dict:
        def clean(df: pd.DataFrame) -> list[dict]:
            return json.loads(df.to_json(orient="records", force_ascii=False))

        return {"name": self.name, "case": self.case, "summary": clean(self.summary),
                "observations": clean(self.table)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def write_csv(self, path: str | Path) -> Path:
        """The table as one CSV file (the summary is in :meth:`text` and the JSON)."""
        from .._files import replace_together

        path = Path(path)
        replace_together({path: self.table.to_csv(index=False).encode("utf-8")})
        return path

    def plot(self, *, after: ValidationReport | None = None, title: str | None = None):
        """Modelled against observed on log axes (:func:`corridor.plot.validation.validation_chart`)."""
        from ..plot.validation import validation_chart

        return validation_chart(self, after=after, title=title)

    def text(self, width: int = 80) -> str:
        """The report for a terminal: one line per observation, then the summary per kind."""
        return report_text(self.name, self.case, self.table, self.summary, width=width)

    def __str__(self) -> str:
        return self.text()


KIND_SHORT = {"cost_usd_per_t": "USD/t", "transit_days": "days", "border_hours": "h", "flow_mt_per_year": "Mt/yr"}


def fmt_number(v: float) -> str:
    if not np.isfinite(v):
        return "–"
    a = abs(v)
    return f"{v:.3g}" if a < 1000 else f"{v:,.0f}"


def report_text(name: str, case: str, table: pd.DataFrame, summary: pd.DataFrame, *, width: int = 80) -> str:
    """Observation lines (id, unit, observed [band], modelled, log error, in band) and the summary."""
    head = f"Validation: {name}" + (f" — case {case}" if case else "")
    lines = [head, ""]
    idw = max([len("observation"), *(len(str(i)) for i in table["id"])])
    idw = min(idw, max(12, width - 56))
    lines.append(f"{'observation':<{idw}}  {'unit':<5}  {'observed [band]':>21}  {'model':>7}  {'log err':>7}  in")
    for _, r in table.iterrows():
        band = f"{fmt_number(r['observed'])} [{fmt_number(r['low'])}–{fmt_number(r['high'])}]"
        oid = str(r["id"])[:idw]
        if r["compared"]:
            mark = "yes" if r["inside"] else "no"
            lines.append(f"{oid:<{idw}}  {KIND_SHORT[r['kind']]:<5}  {band:>21}  {fmt_number(r['modelled']):>7}  "
                         f"{r['log_error']:>+7.2f}  {mark}")
        else:
            why = f"skip: {r['why']}"
            room = max(10, width - idw - 2 - 5 - 2 - 21 - 2)
            lines.append(f"{oid:<{idw}}  {KIND_SHORT[r['kind']]:<5}  {band:>21}  {why[:room]}")
    lines += ["", f"{'kind':<18} {'compared':>8} {'inside':>7} {'share':>6} {'median |log err|':>17}"]
    for _, s in summary.iterrows():
        share = f"{s['share_inside']:.0%}" if np.isfinite(s["share_inside"]) else "–"
        med = f"{s['median_abs_log_error']:.2f}" if np.isfinite(s["median_abs_log_error"]) else "–"
        lines.append(f"{s['kind']:<18} {s['compared']:>4}/{s['observations']:<3} {s['inside']:>7} {share:>6} "
                     f"{med:>17}")
    lines.append("")
    lines.append("log err = ln(model / observed); flows: ln((model + 0.1) / (observed + 0.1))")
    lines.append("in = the model value lies inside the band of the observation")
    return "\n".join(lines)


def resolve(source, case: str | None = None):
    """The case to validate and its scenario's name and entries: ``source`` is a Scenario, a Network, a scenario
    file (``.toml``), a network folder or a shipped network's name. A network on its own is a case without flows."""
    from ..case import Case, Settings
    from ..network import Network, load_network
    from ..scenario import Scenario, load_scenario

    if isinstance(source, (str, Path)):
        text = str(source)
        source = load_scenario(text) if text.endswith(".toml") else load_network(text)
    if isinstance(source, Network):
        return source.name, Case(name="", description="", shipment=None, settings=Settings(), network=source), ()
    if not isinstance(source, Scenario):
        raise TypeError(f"expected a Scenario, a Network or a path, got {type(source).__name__}")
    chosen = source.case(case) if case else source.cases[0]
    return source.name, chosen, source.uncertainty


def check(source, *, case: str | None = None, entries=None) -> ValidationReport:
    """Hold the observations of a network (``observations.csv``) against the model: a scenario's case (the first by
    default; its ``[flows]`` with their ``year`` give the flows compared) or a network on its own (costs and times).

    Examples
    --------
    >>> import corridor
    >>> rep = corridor.validation.check("scenarios/observed_flows_2015.toml")
    >>> rep.summary          # median |log error| and share inside the band, per kind
    """
    from .observations import read_observations
    from .predict import Predictor

    name, chosen, scenario_entries = resolve(source, case)
    observations = read_observations(chosen.network)
    predictor = Predictor.build(chosen, observations, scenario_entries if entries is None else entries)
    modelled = predictor.predict(None)
    shared = {}
    for i, obs in enumerate(predictor.compared):
        rows = predictor.used_rows(i)
        cited = set()
        for table, rid in rows:
            cited |= set(schema.split_list(getattr(chosen.network, table).at[rid, "source"]))
        common = sorted(set(obs.sources) & cited)
        if common:
            shared[obs.id] = common
    table = score(predictor.compared, modelled, skipped=predictor.skipped, shared=shared, every=observations)
    return ValidationReport(name=name, case=chosen.name, table=table, summary=summarise(table))


def results_summary(results) -> pd.DataFrame | None:
    """The validation summary of a run, for the HTML report (:func:`corridor.html_report.add_validation`): for its
    scenario's first case and every case whose ``[flows]`` give a year, each kind's compared observations, how many
    lie inside their band and the median absolute log error; None where the network holds no observation."""
    from .observations import read_observations

    scenario = results.scenario
    if not read_observations(scenario.network):
        return None
    cases = [c for i, c in enumerate(scenario.cases) if i == 0 or (c.flows is not None and c.flows.year)]
    rows = []
    for c in cases:
        rep = check(scenario, case=c.name)
        for r in rep.summary.itertuples():
            if r.compared:
                rows.append({"case": c.name, "kind": r.kind, "compared": f"{r.compared}/{r.observations}",
                             "inside band": f"{r.inside} ({r.share_inside:.0%})",
                             "median |log error|": f"{r.median_abs_log_error:.2f}"})
    return pd.DataFrame(rows) if rows else None
