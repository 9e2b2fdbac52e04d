"""The appraisal of a scenario's projects: each alone, the portfolio worth building under the budget, each added to
(or taken from) that portfolio, how pairs interact, and cash flows by year, as pandas tables."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import InputError
from ..network import Network
from ..projects import usd_millions
from ..scenario import Scenario
from ._lp import SwitchedLP
from .benefits import BenefitTable
from .cashflow import ProjectCosts, bcr, irr, npv, payback_year
from .portfolio import Portfolio, PortfolioProblem, best_portfolio
from .settings import AppraisalSettings
from .years import Periods, make_periods

MAX_PORTFOLIO_PROJECTS = 12  # 2^n allocations per period: 4,096 sets at 12
CASHFLOW_COLUMNS = ["what", "year", "benefit_existing_musd", "benefit_generated_musd", "capex_musd", "opex_musd",
                    "residual_musd", "net_musd", "discounted_musd"]


@dataclass(frozen=True)
class Appraisal:
    """What ``corridor appraise`` reports (million USD of the price year, discounted to the first year).

    ``projects``: one row per project, appraised alone (opening at its earliest, against the do-minimum: the built
    projects as they are, the candidates closed; a built project against the network without it) and against the
    portfolio.
    ``cashflows``: money by year of each project alone and of the portfolio. ``interactions``: benefit of each
    pair together less the two alone. ``portfolio``: the chosen schedule and its NPV, solve time and size.
    ``years``: the representative years, demand factors and the base allocation.
    """

    settings: AppraisalSettings
    projects: pd.DataFrame
    cashflows: pd.DataFrame
    interactions: pd.DataFrame
    portfolio: dict
    years: pd.DataFrame
    lp_solves: int = 0
    notes: list[str] = field(default_factory=list)
    _model: _Model | None = field(default=None, repr=False, compare=False)

    def portfolio_with_budget(self, total_musd: float | None = None, per_year_musd: float | None = None) -> dict:
        """The best portfolio under another budget, from the allocations already solved (no new LP): opening year
        of each chosen project and the NPV (million USD)."""
        if self._model is None:
            raise ValueError("this appraisal keeps no model to re-solve the portfolio with")
        prob = _portfolio_problem(self._model)
        best = best_portfolio(replace(prob, budget_total=total_musd, budget_per_year=per_year_musd))
        return {"opening_year": {p: self._model.open_year(p, k) for p, k in best.opening.items()},
                "npv_musd": best.npv, "seconds": best.seconds}


def project_costs(net: Network, ids: list[str], price_year: int) -> dict[str, ProjectCosts]:
    """Each project's costs converted to million USD of ``price_year`` (see :func:`corridor.projects.usd_millions`)."""
    out = {}
    for p in ids:
        row = net.projects.table.loc[p]

        def usd(amount: float, row=row) -> float:
            return usd_millions(net, float(amount), row["currency"], row["price_year"], str(price_year))

        out[p] = ProjectCosts(id=p, name=str(row["name"]), capex=usd(row["capex_million"]),
                              opex=usd(row["opex_million_per_year"]), build_years=int(row["build_years"]),
                              life_years=float(row["life_years"]), earliest_open_year=int(row["earliest_open_year"]),
                              opened_year=int(row["opened_year"]) if row["opened_year"] else None)
    return out


class _Model:
    """The pieces shared by every measure: periods, the benefit table, costs, and schedules' money by year."""

    def __init__(self, st: AppraisalSettings, net: Network, flows, vot: float):
        self.st = st
        self.ids = list(st.projects)
        self.costs = project_costs(net, self.ids, st.price_year)
        extra = tuple(c.opened_year or c.earliest_open_year for c in self.costs.values())
        self.periods: Periods = make_periods(st.first_year, st.last_year, st.discount_rate, st.step_years, extra)
        self.lp = SwitchedLP(net, self.ids, flows.supply, flows.demand,
                             unserved_penalty_usd_per_t=flows.unserved_penalty_usd_per_t,
                             value_of_time_usd_per_t_day=vot)
        self.value_usd_per_t = (st.generated_value_usd_per_t if st.generated_value_usd_per_t is not None
                                else flows.unserved_penalty_usd_per_t)
        factors = {y: st.demand_factor(y) for y in self.periods.points}
        self.table = BenefitTable(self.lp, self.periods, factors, self.value_usd_per_t)
        n, per = len(self.ids), self.periods
        self.allowed = np.zeros((n, per.n), dtype=bool)
        self.forced = np.full(n, -1)
        for i, p in enumerate(self.ids):
            c = self.costs[p]
            if c.opened_year is not None:
                self.forced[i] = per.period_of(c.opened_year)
                self.allowed[i, self.forced[i]] = True
            else:
                self.allowed[i] = np.asarray(per.starts) >= c.earliest_open_year
                if c.earliest_open_year > st.last_year:
                    self.allowed[i] = False

    def open_year(self, p: str, k: int) -> int:
        c = self.costs[p]
        return c.opened_year if c.opened_year is not None else self.periods.starts[k]

    def earliest(self, p: str) -> int | None:
        ks = np.flatnonzero(self.allowed[self.ids.index(p)])
        return int(ks[0]) if len(ks) else None

    def pv_cost(self, p: str, k: int) -> float:
        return self.costs[p].pv_cost(self.open_year(p, k), self.periods)

    def reference(self) -> dict[str, int]:
        """The do-minimum: the built projects, open from their opening period (the candidates closed)."""
        return {p: int(self.forced[i]) for i, p in enumerate(self.ids) if self.forced[i] >= 0}

    def pv_benefit(self, schedule: dict[str, int]) -> float:
        """Present value of the benefits of ``schedule`` (project -> opening period) over the network with none of
        the appraised projects open."""
        return sum(self.table.period_value({p for p, o in schedule.items() if o <= k}, k)
                   for k in range(self.periods.n))

    def npv(self, schedule: dict[str, int]) -> float:
        return self.pv_benefit(schedule) - sum(self.pv_cost(p, k) for p, k in schedule.items())

    def cashflows(self, schedule: dict[str, int], what: str) -> pd.DataFrame:
        st, per = self.st, self.periods
        money: dict[str, dict[int, float]] = {"capex": {}, "opex": {}, "residual": {}}
        for p, k in schedule.items():
            for kind, by_year in self.costs[p].flows(self.open_year(p, k), st.first_year, st.last_year).items():
                for y, v in by_year.items():
                    money[kind][y] = money[kind].get(y, 0.0) + v
        start = min([st.first_year, *money["capex"]])
        rows = []
        for y in range(start, st.last_year + 1):
            b = self.table.annual(schedule, y) if y >= st.first_year else None
            ex, gen = (b.existing, b.generated) if b else (0.0, 0.0)
            cx, ox, rv = (money[k].get(y, 0.0) for k in ("capex", "opex", "residual"))
            net = ex + gen - cx - ox + rv
            rows.append([what, y, ex, gen, cx, ox, rv, net, net * float(per.discount(y))])
        return pd.DataFrame(rows, columns=CASHFLOW_COLUMNS)


def _difference(with_: pd.DataFrame, without: pd.DataFrame) -> pd.DataFrame:
    """The cash flows of ``with_`` less those of ``without``, year by year (named as ``with_``)."""
    a, b = with_.set_index("year"), without.set_index("year")
    years = a.index.union(b.index)
    cols = [c for c in CASHFLOW_COLUMNS if c not in ("what", "year")]
    out = a[cols].reindex(years, fill_value=0.0) - b[cols].reindex(years, fill_value=0.0)
    out.insert(0, "what", with_["what"].iloc[0])
    return out.reset_index()[CASHFLOW_COLUMNS]


def _measures(cf: pd.DataFrame, st: AppraisalSettings) -> dict:
    years, net = cf["year"].to_numpy(), cf["net_musd"].to_numpy()
    disc = np.power(1.0 + st.discount_rate, -(years - st.first_year).astype(float))
    pv = {k: float((cf[f"{k}_musd"] * disc).sum()) for k in ("benefit_existing", "benefit_generated", "capex",
                                                              "opex", "residual")}
    rate, why = irr(years, net, st.first_year)
    out = {"pv_benefit_musd": pv["benefit_existing"] + pv["benefit_generated"],
           "pv_existing_musd": pv["benefit_existing"], "pv_generated_musd": pv["benefit_generated"],
           "pv_capex_musd": pv["capex"], "pv_opex_musd": pv["opex"], "pv_residual_musd": pv["residual"],
           "npv_musd": npv(st.discount_rate, years, net, st.first_year),
           "bcr": bcr(pv["benefit_existing"] + pv["benefit_generated"] + pv["residual"], pv["capex"] + pv["opex"]),
           "irr": rate, "irr_note": why, "payback_year": payback_year(years, net, st.discount_rate, st.first_year)}
    for r in st.rates:
        out[f"npv_at_{r:g}_musd"] = npv(r, years, net, st.first_year)
    return out


def _portfolio_problem(m: _Model) -> PortfolioProblem:
    n, per = len(m.ids), m.periods
    if n > MAX_PORTFOLIO_PROJECTS:
        raise InputError(f"the portfolio over {n} projects needs 2^{n} allocations per period; name at most "
                         f"{MAX_PORTFOLIO_PROJECTS} in appraisal.projects (or appraise without the portfolio)")
    prob_value: dict[tuple[frozenset[int], int], float] = {}
    for k in range(per.n):
        fixed = [i for i in range(n) if 0 <= m.forced[i] <= k]  # built: open whatever is chosen
        free = [i for i in range(n) if m.forced[i] < 0 and m.allowed[i, :k + 1].any()]
        for r in range(len(free) + 1):
            for s in itertools.combinations(free, r):
                prob_value[(frozenset(fixed + list(s)), k)] = m.table.period_value({m.ids[i] for i in (*fixed, *s)}, k)
    cost = np.zeros((n, per.n))
    capex_years = {}
    for i, p in enumerate(m.ids):
        for k in range(per.n):
            if m.allowed[i, k]:
                cost[i, k] = m.pv_cost(p, k)
                if m.forced[i] < 0:  # a built project's capital is spent: outside the budget
                    capex_years[(i, k)] = m.costs[p].flows(m.open_year(p, k), per.first_year, per.last_year)["capex"]
    capex_total = np.array([0.0 if m.forced[i] >= 0 else m.costs[p].capex for i, p in enumerate(m.ids)])
    return PortfolioProblem(projects=tuple(m.ids), allowed=m.allowed, forced=m.forced, value=prob_value, cost=cost,
                            capex_years=capex_years, capex_total=capex_total,
                            budget_total=m.st.budget_total_musd, budget_per_year=m.st.budget_per_year_musd)


def appraise(scenario: Scenario, *, network: Network | None = None, portfolio: bool = True) -> Appraisal:
    """Appraise the projects of ``scenario``'s ``[appraisal]`` (see docs/appraisal.md).

    ``network`` replaces the case's network (e.g. a drawn one, for NPV ranges); ``portfolio=False`` skips the
    mixed-integer program (and the 2^n allocations it needs).
    """
    st = scenario.appraisal
    if st is None:
        raise InputError(f"{scenario.source}: no [appraisal] table (first_year, last_year, discount_rate, ...)")
    case = scenario.case(st.case) if st.case else scenario.cases[0]
    m = _Model(st, network or case.network, case.require_flows(), case.settings.value_of_time_usd_per_t_day)
    notes = [f"allocation solved at {', '.join(map(str, m.periods.points))}; annual benefits interpolated "
             f"linearly in between, with the projects open in each period"]
    rows, flows = [], []
    for p in m.ids:
        k = m.earliest(p)
        c = m.costs[p]
        row = {"id": p, "name": c.name, "capex_musd": c.capex, "opex_musd_per_year": c.opex,
               "open_year": None if k is None else m.open_year(p, k), "built": c.opened_year is not None,
               "touches_network": m.lp.touches(p)}
        if k is None:
            notes.append(f"{p}: cannot open within the horizon (earliest {c.earliest_open_year})")
            rows.append(row)
            continue
        ref = m.reference()
        with_, without = ({**ref, p: k}, ref) if p not in ref else (ref, {q: o for q, o in ref.items() if q != p})
        cf = _difference(m.cashflows(with_, p), m.cashflows(without, p))
        flows.append(cf)
        row.update(_measures(cf, st))
        rows.append(row)
    table = pd.DataFrame(rows)
    port: dict = {}
    if portfolio and m.ids:
        prob = _portfolio_problem(m)
        best: Portfolio = best_portfolio(prob)
        chosen = dict(best.opening.items())
        port = {"opening_year": {p: m.open_year(p, k) for p, k in chosen.items()}, "npv_musd": best.npv,
                "seconds": best.seconds, **best.size, "budget_total_musd": st.budget_total_musd,
                "budget_per_year_musd": st.budget_per_year_musd,
                "sum_alone_npv_musd": float(table.loc[table["id"].isin(list(chosen)), "npv_musd"].sum())
                if len(chosen) and "npv_musd" in table else 0.0}
        if chosen:
            flows.append(m.cashflows(chosen, "portfolio"))
        base_npv = best.npv
        added: list[float] = []
        years_chosen: list[int | None] = []
        for p in m.ids:
            k = m.earliest(p)
            if p in chosen:
                rest = {q: o for q, o in chosen.items() if q != p}
                added.append(base_npv - m.npv(rest))
                years_chosen.append(m.open_year(p, chosen[p]))
            else:
                added.append(np.nan if k is None else m.npv({**chosen, p: k}) - base_npv)
                years_chosen.append(None)
        table["in_portfolio"] = table["id"].isin(list(chosen))
        table["portfolio_open_year"] = years_chosen
        table["npv_with_others_musd"] = added
    inter = []
    for p, q in itertools.combinations(m.ids, 2):
        kp, kq = m.earliest(p), m.earliest(q)
        if kp is None or kq is None:
            continue
        ref = {x: o for x, o in m.reference().items() if x not in (p, q)}
        pv = {key: m.pv_benefit(sched) for key, sched in (("ref", ref), ("p", {**ref, p: kp}), ("q", {**ref, q: kq}),
                                                           ("both", {**ref, p: kp, q: kq}))}
        pv = {key: v - pv["ref"] for key, v in pv.items()}
        gain = pv["both"] - pv["p"] - pv["q"]
        scale = max(abs(pv["p"]), abs(pv["q"]), 1.0)
        kind = "independent" if abs(gain) < 1e-6 * scale else "compete" if gain < 0 else "complement"
        inter.append({"project": p, "other": q, "pv_benefit_musd": pv["p"], "other_pv_benefit_musd": pv["q"],
                      "both_pv_benefit_musd": pv["both"], "interaction_musd": gain, "kind": kind})
    years = pd.DataFrame({"year": list(m.periods.points),
                          "demand_factor": [m.table.factors[y] for y in m.periods.points]})
    base = [m.table.outcome((), y) for y in m.periods.points]
    years["base_delivered_mt"] = [float(o.delivered.sum()) for o in base]
    years["base_unserved_mt"] = [float(o.unserved.sum()) for o in base]
    cash = pd.concat(flows, ignore_index=True) if flows else pd.DataFrame(columns=CASHFLOW_COLUMNS)
    return Appraisal(settings=st, projects=table, cashflows=cash, interactions=pd.DataFrame(inter), portfolio=port,
                     years=years, lp_solves=m.lp.solves, notes=notes, _model=m)
