"""Calibration within the evidence: the scenario's uncertain inputs (its ``[[uncertainty]]`` entries) fitted to the
observations by least squares, each kept inside its range.

The fit
-------
One free parameter per group of entries (entries that share a ``group`` move together, as in the draws): its
quantile ``u`` in the entries' distributions, so that every entry of the group takes ``ppf(u)`` and stays inside its
range by construction (``low..high``; an unbounded side of a normal or lognormal at its 0.1 or 99.9 percentile). The
objective is the sum of squared weighted residuals (:mod:`corridor.validation.observations`): log errors over the
widths of the bands, so an observation with a narrow band pulls harder than a vague one. It is minimised by
``scipy.optimize.least_squares`` (trust-region reflective, with bounds) from the file values. No prior pulls the inputs
back: the ranges are the only constraint, and leave-one-out shows what that costs.

Leave-one-out: each compared observation is predicted by a fit to all the others (started from the full fit); its
log error then is an honest estimate of how well the calibrated model predicts a figure it has not seen.

The fit is refused when there are more free parameters than compared observations (the fit would be undetermined);
leave-one-out, likewise, needs more observations than parameters.

The calibrated copy
-------------------
:meth:`Calibration.write_network` writes the scenario's network with the fitted values into a new folder (never the
shipped data, never the folder the scenario reads). Each changed cell is named in its row's ``calibrated`` column
(:mod:`corridor.provenance`) and the note says from what to what, within which range, against which observations.
Fitted values of a case's settings (carbon price) or flows (logit dispersion) are not network cells: they are in
the parameters table and in ``calibration.json`` beside the network.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..errors import InputError
from ..uncertainty.entries import FLOWS, PSEUDO_TABLES, SETTINGS, Entry, groups
from .observations import Observation, inside, log_error, residual
from .predict import Predictor
from .report import ValidationReport, fmt_number, resolve, score, summarise

TAIL = 0.001  # an unbounded side of a distribution is taken at this quantile
DIFF_STEP = 1e-3  # finite-difference step of the Jacobian, in quantile units
MAX_EVALUATIONS = 200  # model evaluations per fit


@dataclass(frozen=True)
class _Group:
    label: str
    members: list[int]
    u_low: float
    u_high: float
    u_start: float


def _pair(summary: pd.DataFrame, kind: str) -> str:
    """``0.21  60%``: median absolute log error and share inside the band."""
    med, share = summary.at[kind, "median_abs_log_error"], summary.at[kind, "share_inside"]
    return f"{med:.2f} {share:>4.0%}" if np.isfinite(med) else "–"


def _cdf(entry: Entry, value: float) -> float:
    """The quantile of ``value`` in the entry's distribution (bisection on its inverse distribution function)."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if float(entry.distribution.ppf(np.array([mid]))[0]) < value:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def _file_value(entry: Entry, predictor: Predictor) -> float:
    """The entry's value at the file values: 1 for a scale; the cells' mean (or the case's setting) for a value."""
    if entry.how == "scale":
        return 1.0
    case = predictor.case
    if entry.table == SETTINGS:
        return case.settings.carbon_price_usd_per_t_co2
    if entry.table == FLOWS:
        return float(case.flows.dispersion_usd_per_t or 0.0) if case.flows is not None else 0.0
    net = case.network
    return float(net.table(entry.table).loc[net.select(entry.table, entry.where), entry.column].astype(float).mean())


def _groups(entries: Sequence[Entry], predictor: Predictor) -> tuple[list[_Group], list[str]]:
    """The free parameters (groups with an entry acting in this case) and the labels of those acting on nothing."""
    active = set(predictor.pricer.active_entries)
    logit = predictor.case.flows is not None and predictor.case.flows.assignment == "logit"
    out, idle = [], []
    for key in groups(entries):
        members = [i for i, e in enumerate(entries) if e.group_key == key]
        acting = [i for i in members if i in active or (entries[i].table == FLOWS and logit)]
        label = entries[members[0]].group_label
        if not acting:
            idle.append(label)
            continue
        first = entries[acting[0]].distribution
        u_low = TAIL if first.kind in ("normal", "lognormal") and first.low is None else 0.0
        u_high = 1.0 - TAIL if first.kind in ("normal", "lognormal") and first.high is None else 1.0
        u0 = float(np.clip(_cdf(entries[acting[0]], _file_value(entries[acting[0]], predictor)), u_low, u_high))
        out.append(_Group(label, acting, u_low, u_high, u0))
    return out, idle


def _values(entries: Sequence[Entry], params: list[_Group], u: np.ndarray) -> np.ndarray:
    """Entry values (NaN: at the file value) for parameter quantiles ``u``."""
    x = np.full(len(entries), np.nan)
    for g, ug in zip(params, u):
        for i in g.members:
            x[i] = float(entries[i].distribution.ppf(np.array([ug]))[0])
    return x


def _fit(predictor: Predictor, params: list[_Group], keep: np.ndarray, u0: np.ndarray):
    from scipy.optimize import least_squares

    entries, compared = predictor.entries, predictor.compared
    used = [o for o, k in zip(compared, keep) if k]

    def fun(u: np.ndarray) -> np.ndarray:
        m = predictor.predict(_values(entries, params, u))[keep]
        return np.array([float(residual(o, v)) for o, v in zip(used, m)])

    lo = np.array([g.u_low for g in params])
    hi = np.array([g.u_high for g in params])
    start = np.clip(u0, lo + 1e-9, hi - 1e-9)
    return least_squares(fun, start, bounds=(lo, hi), method="trf", diff_step=DIFF_STEP, max_nfev=MAX_EVALUATIONS)


@dataclass(frozen=True)
class Calibration:
    """A fitted calibration of one case (see the module docstring).

    Attributes
    ----------
    parameters : DataFrame
        One row per group of entries: ``parameter``, ``entries``, ``table``, ``column``, ``as`` (scale or value),
        ``low``, ``high`` (its range), ``before`` (the file value), ``fitted``, ``change`` (fitted / before),
        ``at_bound`` and ``moved``; groups that act on nothing in the case are listed with ``moved`` False.
    before, after : ValidationReport
        The observations against the model at the file values and at the fitted values.
    leave_one_out : DataFrame
        Per compared observation: ``observed``, ``low``, ``high``, ``fitted`` (the full fit's value) and ``loo`` (the
        value predicted by a fit without it), with ``loo_log_error`` and ``loo_inside``; empty if it could not be done.
    loo_summary : DataFrame
        Per kind and ``all``: ``compared``, ``share_inside`` and ``median_abs_log_error`` of the leave-one-out values.
    """

    name: str
    case: str
    parameters: pd.DataFrame
    before: ValidationReport
    after: ValidationReport
    leave_one_out: pd.DataFrame
    loo_summary: pd.DataFrame
    cost_before: float
    cost_after: float
    evaluations: int
    message: str
    network: Any = field(repr=False)
    entries: tuple[Entry, ...] = field(default=(), repr=False)
    fitted_values: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    predictor: Any = field(default=None, repr=False)
    groups: tuple = field(default=(), repr=False)
    fitted_quantiles: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    loo_requested: bool = True

    def why(self, top: int = 3) -> pd.DataFrame:
        """What moved each parameter: for each one the fit moved, the observations whose squared residual falls (or
        rises) most when it alone goes from its file value to its fitted value, the others left at theirs.

        Returns
        -------
        DataFrame with ``parameter``, ``before``, ``fitted``, ``pulled_by`` (observations whose residual falls, with
        the fall), ``against`` (those whose residual rises) and ``net`` (the change of the sum of squares).
        """
        if self.predictor is None:
            return pd.DataFrame()
        compared = self.predictor.compared
        base = self.predictor.predict(None)
        r0 = np.array([float(residual(o, v)) for o, v in zip(compared, base)]) ** 2
        rows = []
        table = self.parameters.set_index("parameter")
        for g, u in zip(self.groups, self.fitted_quantiles):
            p = table.loc[g.label]
            if not p["moved"]:
                continue
            alone = _values(self.entries, [g], np.array([u]))
            values = self.predictor.predict(alone)
            change = np.array([float(residual(o, v)) for o, v in zip(compared, values)]) ** 2 - r0
            order = np.argsort(change)
            pulled = [f"{compared[i].id} ({change[i]:+.2f})" for i in order[:top] if change[i] < -1e-6]
            against = [f"{compared[i].id} ({change[i]:+.2f})" for i in order[::-1][:top] if change[i] > 1e-6]
            rows.append(dict(parameter=g.label, before=p["before"], fitted=p["fitted"], pulled_by=", ".join(pulled),
                             against=", ".join(against), net=float(change.sum())))
        return pd.DataFrame(rows, columns=["parameter", "before", "fitted", "pulled_by", "against", "net"])

    def write_network(self, folder: str | Path) -> Path:
        """Write the calibrated copy of the network (and ``calibration.json``) into ``folder``, a new folder or the
        folder of an earlier calibration; never a shipped network or the scenario's own network folder."""
        from ..network import DATA_DIR, write_network

        folder = Path(folder)
        target = folder.resolve()
        if DATA_DIR.resolve() in (target, *target.parents):
            raise InputError(f"{folder}: will not write into the shipped data ({DATA_DIR}); give a new folder")
        if target.exists() and any(target.iterdir()) and not (target / "calibration.json").exists():
            raise InputError(f"{folder}: the folder exists and holds no earlier calibration; give a new folder")
        write_network(self.network, folder)
        (folder / "calibration.json").write_text(self.to_json(), encoding="utf-8")
        return folder

    def to_dict(self) -> dict:
        def records(df: pd.DataFrame) -> list[dict]:
            return json.loads(df.to_json(orient="records", force_ascii=False))

        return {"name": self.name, "case": self.case, "message": self.message, "evaluations": self.evaluations,
                "cost_before": self.cost_before, "cost_after": self.cost_after,
                "parameters": records(self.parameters), "before": records(self.before.summary),
                "after": records(self.after.summary), "leave_one_out_summary": records(self.loo_summary),
                "observations": records(self.comparison())}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def comparison(self) -> pd.DataFrame:
        """Per observation: observed and band, modelled before and after, their log errors, and leave-one-out."""
        b = self.before.table.set_index("id")
        a = self.after.table.set_index("id")
        out = b[["kind", "observed", "low", "high", "compared"]].copy()
        out["before"], out["log_error_before"], out["inside_before"] = b["modelled"], b["log_error"], b["inside"]
        out["after"], out["log_error_after"], out["inside_after"] = a["modelled"], a["log_error"], a["inside"]
        loo = self.leave_one_out.set_index("id") if len(self.leave_one_out) else pd.DataFrame()
        for col in ("loo", "loo_log_error", "loo_inside"):
            out[col] = loo[col].reindex(out.index) if col in loo else np.nan
        return out.reset_index()

    def plot(self, title: str | None = None):
        """Modelled against observed, before (filled) and after (hollow) the calibration."""
        return self.before.plot(after=self.after, title=title)

    def text(self, width: int = 80) -> str:
        lines = [f"Calibration: {self.name}" + (f" — case {self.case}" if self.case else ""), ""]
        lines.append(f"{'parameter':<28} {'range':>13} {'before':>8} {'fitted':>8}  note")
        for _, p in self.parameters.iterrows():
            rng = f"{p['low']:.3g}–{p['high']:.3g}"
            note = ("at a bound" if p["at_bound"] else "") if p["moved"] else p["why"]
            fitted = f"{p['fitted']:.4g}" if np.isfinite(p["fitted"]) else "–"
            lines.append(f"{str(p['parameter'])[:28]:<28} {rng:>13} {p['before']:>8.4g} {fitted:>8}  {note}")
        lines += ["", f"sum of squared weighted residuals {self.cost_before:.3g} -> {self.cost_after:.3g} "
                      f"({self.evaluations} model runs)", ""]
        comp = self.comparison()
        comp = comp[comp["compared"]]
        idw = min(max([len("observation"), *(len(str(i)) for i in comp["id"])]), max(12, width - 55))
        lines.append(f"{'observation':<{idw}}  {'observed [band]':>21}  {'before':>7}  {'after':>7}  {'loo':>7}  in")
        for _, r in comp.iterrows():
            band = f"{fmt_number(r['observed'])} [{fmt_number(r['low'])}–{fmt_number(r['high'])}]"
            marks = "".join("+" if v is True else "-" if v is False else "." for v in
                            (r["inside_before"], r["inside_after"], r["loo_inside"] if r["loo_inside"] in (True, False)
                             else None))
            values = "  ".join(f"{fmt_number(r[c]):>7}" for c in ("before", "after", "loo"))
            lines.append(f"{str(r['id'])[:idw]:<{idw}}  {band:>21}  {values}  {marks}")
        lines.append("(in: inside the band before, after, leave-one-out: + yes, - no)")
        lines.append("")
        lines.append(f"{'median |log err|, share in band':<32} {'before':>13} {'after':>13} {'leave-one-out':>15}")
        loo = self.loo_summary.set_index("kind") if len(self.loo_summary) else pd.DataFrame()
        b, a = self.before.summary.set_index("kind"), self.after.summary.set_index("kind")
        for kind in b.index:
            if not b.at[kind, "compared"]:
                continue
            cells = [_pair(b, kind), _pair(a, kind), _pair(loo, kind) if kind in loo.index else "–"]
            lines.append(f"{kind:<32} {cells[0]:>13} {cells[1]:>13} {cells[2]:>15}")
        if not len(self.leave_one_out):
            lines.append("leave-one-out: not asked for" if not self.loo_requested else
                         "leave-one-out: not done (it needs more observations than free parameters)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def calibrate(source, *, case: str | None = None, leave_one_out: bool = True) -> Calibration:
    """Fit the scenario's ``[[uncertainty]]`` entries to the observations of its network (see the module docstring).

    Parameters
    ----------
    source : Scenario or str
        The scenario (or its file); its case ``case`` (default: the first) is fitted.
    leave_one_out : bool
        Also predict each observation by a fit without it.

    Raises
    ------
    InputError
        if the scenario has no uncertain entry acting on the case, no observation can be compared, or there are more
        free parameters than compared observations.
    """
    name, chosen, entries = resolve(source, case)
    entries = tuple(entries)
    from .observations import read_observations

    observations = read_observations(chosen.network)
    predictor = Predictor.build(chosen, observations, entries)
    params, idle = _groups(entries, predictor)
    n_obs = len(predictor.compared)
    if not params:
        raise InputError(f"{name}: calibrate needs [[uncertainty]] entries acting on case '{chosen.name}' (the inputs "
                         "it may move, each within its range)")
    if n_obs == 0:
        raise InputError(f"{name}: no observation of network '{chosen.network.name}' can be compared in case "
                         f"'{chosen.name}' (observations.csv; flows need [flows] with their year)")
    if len(params) > n_obs:
        raise InputError(f"{name}: {len(params)} free parameters but only {n_obs} observations compared: the fit would "
                         "be undetermined (group entries that move together, or add observations)")
    before_values = predictor.predict(None)
    u0 = np.array([g.u_start for g in params])
    keep = np.ones(n_obs, dtype=bool)
    res = _fit(predictor, params, keep, u0)
    fitted_x = _values(entries, params, res.x)
    after_values = predictor.predict(fitted_x)
    report = lambda values: _report(name, chosen, observations, predictor, values)  # noqa: E731
    before, after = report(before_values), report(after_values)
    loo = _leave_one_out(predictor, params, res.x) if leave_one_out and n_obs > len(params) else pd.DataFrame()
    table = _parameters(entries, params, idle, predictor, res.x)
    cost_before = float(sum(float(residual(o, v)) ** 2 for o, v in zip(predictor.compared, before_values)))
    cost_after = float(sum(float(residual(o, v)) ** 2 for o, v in zip(predictor.compared, after_values)))
    network = calibrated_network(source_network(source, chosen), entries, fitted_x, table, predictor.compared, name)
    return Calibration(name=name, case=chosen.name, parameters=table, before=before, after=after,
                       leave_one_out=loo, loo_summary=_loo_summary(loo), cost_before=cost_before,
                       cost_after=cost_after, evaluations=int(res.nfev), message=str(res.message),
                       network=network, entries=entries, fitted_values=fitted_x, predictor=predictor,
                       groups=tuple(params), fitted_quantiles=np.asarray(res.x), loo_requested=leave_one_out)


def source_network(source, case):
    """The network a calibrated copy starts from: the scenario's own (without the case's changes)."""
    from ..scenario import Scenario, load_scenario

    if isinstance(source, (str, Path)) and str(source).endswith(".toml"):
        source = load_scenario(source)
    return source.network if isinstance(source, Scenario) else case.network


def _report(name, case, observations, predictor: Predictor, values) -> ValidationReport:
    table = score(predictor.compared, values, skipped=predictor.skipped, every=observations)
    return ValidationReport(name=name, case=case.name, table=table, summary=summarise(table))


def _leave_one_out(predictor: Predictor, params: list[_Group], u_full: np.ndarray) -> pd.DataFrame:
    rows = []
    full = predictor.predict(_values(predictor.entries, params, u_full))
    for i, obs in enumerate(predictor.compared):
        keep = np.ones(len(predictor.compared), dtype=bool)
        keep[i] = False
        res = _fit(predictor, params, keep, u_full)
        value = float(predictor.predict(_values(predictor.entries, params, res.x))[i])
        rows.append(dict(id=obs.id, kind=obs.kind, observed=obs.value, low=obs.low, high=obs.high,
                         fitted=float(full[i]), loo=value, loo_log_error=float(log_error(obs, value)),
                         loo_inside=bool(inside(obs, value))))
    return pd.DataFrame(rows)


def _loo_summary(loo: pd.DataFrame) -> pd.DataFrame:
    cols = ["kind", "compared", "inside", "share_inside", "median_abs_log_error"]
    if not len(loo):
        return pd.DataFrame(columns=cols)
    rows = []
    for kind in [*schema.OBSERVATION_KINDS, "all"]:
        part = loo if kind == "all" else loo[loo["kind"] == kind]
        if len(part):
            rows.append(dict(kind=kind, compared=len(part), inside=int(part["loo_inside"].sum()),
                             share_inside=float(part["loo_inside"].mean()),
                             median_abs_log_error=float(part["loo_log_error"].abs().median())))
    return pd.DataFrame(rows, columns=cols)


def _parameters(entries, params: list[_Group], idle: list[str], predictor: Predictor, u: np.ndarray) -> pd.DataFrame:
    rows = []
    for g, ug in zip(params, u):
        e = entries[g.members[0]]
        lo = float(e.distribution.ppf(np.array([g.u_low]))[0])
        hi = float(e.distribution.ppf(np.array([g.u_high]))[0])
        before = _file_value(e, predictor)
        fitted = float(e.distribution.ppf(np.array([ug]))[0])
        rows.append(dict(parameter=g.label, entries=";".join(entries[i].name for i in g.members), table=e.table,
                         column=e.column, **{"as": e.how}, low=lo, high=hi, before=before, fitted=fitted,
                         change=fitted / before if before else np.nan,
                         at_bound=bool(ug <= g.u_low + 1e-6 or ug >= g.u_high - 1e-6),
                         moved=bool(abs(fitted - before) > 1e-9 * max(1.0, abs(before))), why=""))
    for label in idle:
        e = next(x for x in entries if x.group_label == label)
        lo, hi = e.bounds()
        rows.append(dict(parameter=label, entries=";".join(x.name for x in entries if x.group_label == label),
                         table=e.table, column=e.column, **{"as": e.how}, low=lo, high=hi, before=np.nan,
                         fitted=np.nan, change=np.nan, at_bound=False, moved=False,
                         why="acts on nothing in this case"))
    return pd.DataFrame(rows)


def calibrated_network(net, entries: Sequence[Entry], x: np.ndarray, params: pd.DataFrame,
                       compared: Sequence[Observation], scenario: str):
    """``net`` with the fitted entry values ``x`` applied: each changed cell named in its row's ``calibrated``
    column and explained in its note (its other provenance kept in the note)."""
    from dataclasses import replace

    before = {t: getattr(net, t).copy() for t in schema.CHANGEABLE}
    ids = ", ".join(o.id for o in compared)
    for e, v in zip(entries, x):
        if e.table in PSEUDO_TABLES or np.isnan(v) or len(net.select(e.table, e.where)) == 0:
            continue
        op = {"scale": {e.column: float(v)}} if e.how == "scale" else {"set": {e.column: float(v)}}
        net = net.change(e.table, e.where, **op)
    for table, old in before.items():
        df = getattr(net, table).copy()
        if not len(df):
            continue
        changed: dict[str, list[str]] = {}
        for col in schema.NUMERIC[table]:
            a, b = old[col].astype(float), df[col].astype(float)
            diff = ~((a == b) | (a.isna() & b.isna()))
            for rid in df.index[diff.to_numpy()]:
                changed.setdefault(rid, []).append(col)
        df["estimated"] = old["estimated"]  # a change marks its cells estimated; here they are calibrated instead
        for rid, cols in changed.items():
            words = []
            for col in cols:
                was = [k for k in ("estimated", "derived") if col in schema.split_list(old.at[rid, k])]
                words.append(f"{col} {old.at[rid, col]:.6g} -> {df.at[rid, col]:.6g}" + (f" (was {was[0]})" if was
                                                                                          else ""))
            for k in ("estimated", "derived"):
                df.at[rid, k] = ";".join(c for c in schema.split_list(old.at[rid, k]) if c not in cols)
            df.at[rid, "calibrated"] = ";".join(dict.fromkeys([*schema.split_list(df.at[rid, "calibrated"]), *cols]))
            df.at[rid, "note"] = (f"{old.at[rid, 'note']} [calibrated by corridor calibrate, scenario {scenario}: "
                                  f"{'; '.join(words)}; fitted within the range of its [[uncertainty]] entry to "
                                  f"observations {ids}]").strip()
        net = replace(net, **{table: df})
    return replace(net, name=f"{net.name}_calibrated")
