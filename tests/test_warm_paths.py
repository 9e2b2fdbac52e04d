"""Criticality, the diversification curve and project appraisal re-solve warm (corridor.flows.FlowModel): every
warm answer against a cold solve of the same modified LP (scipy), to 1e-7 relative, on shipped scenarios."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import corridor
from corridor.criticality.elements import elements
from corridor.criticality.flows import modifications, prepare
from corridor.flows.modify import Modification, modified, solve_modified

from .conftest import ROOT


def assert_same(problem, mods, warm, cold):
    for m, w, c in zip(mods, warm, cold, strict=True):
        assert w.objective == pytest.approx(c.objective, rel=1e-7, abs=1e-9), m.name
        assert w.ub_marginals.shape == c.ub_marginals.shape and w.x.shape == c.x.shape
        p = modified(problem, m)  # the warm answer is feasible for the modified LP, at the cold optimum's cost
        assert np.abs(p.A_eq @ w.x - p.b_eq).max() <= 1e-7 * max(1.0, np.abs(p.b_eq).max())
        assert (p.A_ub @ w.x - p.b_ub).max() <= 1e-7 * max(1.0, np.abs(p.b_ub).max())
        if p.upper is not None:
            assert (w.x - p.upper).max() <= 1e-9
        assert float(p.c @ w.x) == pytest.approx(c.objective, rel=1e-7, abs=1e-9)


@pytest.fixture(scope="module")
def scale_up():
    s = corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml")
    case = s.case("20 Mt/yr")
    prepared = prepare(case)
    f = case.require_flows()
    items = elements(prepared.problem.graph, ends=[*f.supply, *f.destination_nodes()])
    return prepared, items


def test_criticality_closures_and_deratings_warm_equal_cold(scale_up):
    prepared, items = scale_up
    problem = prepared.problem
    for derate in (None, 0.5):
        _, mods = modifications(prepared, items, derate)
        assert len(mods) > 10
        if derate is not None:  # capacity right-hand sides and caps on what an uncapacitated element carries
            assert any(m.rhs for m in mods) and any(m.rows for m in mods)
        warm, cold = solve_modified(problem, mods), solve_modified(problem, mods, warm=False)
        assert_same(problem, mods, warm, cold)
        assert any(w.objective > prepared.solution.objective * (1 + 1e-6) for w in warm)  # closures cost something


def test_modifications_with_shared_and_repeated_rows(scale_up):
    """Two modifications adding the same row with other right-hand sides, one adding it twice, mixed with
    closures: each is solved as its own modified LP."""
    prepared, items = scale_up
    problem = prepared.problem
    x = np.clip(prepared.solution.x[:problem.n_arcs], 0.0, None)
    busy = [e for e in items if x[e.through].sum() > 1.0][:3]
    rows = [(e.through, np.ones(len(e.through)), 0.4 * float(x[e.through].sum())) for e in busy]
    mods = [Modification("a", rows=(rows[0],)), Modification("b", closed=busy[1].closed, rows=(rows[0], rows[1])),
            Modification("c", rows=((rows[0][0], rows[0][1], 0.1 * rows[0][2]), rows[0])),
            Modification("d", rhs={0: 0.5 * float(problem.b_ub[0])}), Modification("e")]
    warm, cold = solve_modified(problem, mods), solve_modified(problem, mods, warm=False)
    assert_same(problem, mods, warm, cold)
    assert warm[-1].objective == pytest.approx(prepared.solution.objective, rel=1e-12)


def test_diversification_caps_warm_equal_cold():
    """Markets, sales at market prices and transit regimes: caps on the tonnes through China, each an added row."""
    from corridor.case import Limit
    from corridor.flows.diversify import limit_row

    s = corridor.load_scenario(ROOT / "scenarios" / "diversify_2025.toml")
    for case in s.cases[:2]:
        prepared = prepare(case)
        problem = prepared.problem
        cols, coef, _ = limit_row(problem, Limit(countries=("CN",), max_share=1.0))
        demand = float(problem.demand.sum())
        mods = [Modification(f"{v:.0%}", rows=((cols, coef, v * demand),)) for v in np.linspace(1.0, 0.0, 6)]
        warm, cold = solve_modified(problem, mods), solve_modified(problem, mods, warm=False)
        assert_same(problem, mods, warm, cold)
        assert warm[-1].objective > warm[0].objective + 1.0  # keeping coal out of China costs something


def test_switched_lp_warm_equals_cold_for_every_subset_and_year():
    from corridor.appraisal import SwitchedLP

    s = corridor.load_scenario(ROOT / "scenarios" / "projects_2025.toml")
    f = s.cases[0].require_flows()
    projects = list(s.network.projects.ids)
    lp = SwitchedLP(s.network, projects, f.supply, f.demand, unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t)
    touching = [p for p in projects if lp.touches(p)][:4]
    assert len(touching) >= 3
    objectives = set()
    for k in range(len(touching) + 1):
        for subset in itertools.combinations(touching, k):
            for factor in (1.0, 1.48):
                warm, cold = lp.solve(subset, factor), lp.solve(subset, factor, warm=False)
                assert warm.objective == pytest.approx(cold.objective, rel=1e-7)
                assert warm.unserved.sum() == pytest.approx(cold.unserved.sum(), rel=1e-7, abs=1e-7)
                assert (warm.cost.sum() + 0) == pytest.approx(cold.cost.sum(), rel=1e-6, abs=1e-6)
                objectives.add(round(warm.objective, 6))
    assert len(objectives) > 4  # the projects and the years do change the allocation
