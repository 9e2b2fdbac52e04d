"""Monte Carlo over the uncertain inputs of a scenario's shipments.

For each case, candidate routes come from the k-cheapest search at the file values and at the low and high ends of
every uncertain entry (:mod:`~corridor.uncertainty.candidates`); every candidate is priced for blocks of draws at once
(:mod:`~corridor.uncertainty.reprice`); and on a sample of the draws an exact shortest-path search checks that no
route outside the candidates would have been cheaper (:mod:`~corridor.uncertainty.coverage`). The share of checked
draws that pass is reported as ``coverage``.

Draws are common to all cases (draw ``i`` of every case uses the same parameter values), so cases can be compared
draw by draw. The same seed gives the same numbers bit for bit, whatever the chunk size.

Cases with ``[flows]`` re-solve their allocation for every draw (:mod:`~corridor.uncertainty.flowdraws`), through
:class:`corridor.batch.Executor`: in-process, on local processes or on a Dask cluster, with the same numbers.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._progress import Progress
from ..errors import InputError, NoRouteError
from ..legs import describe_routes
from ..results import Results
from ..scenario import Scenario
from .candidates import CANDIDATES, CaseModel
from .coverage import CoverageCheck
from .entries import groups
from .streams import Streams, entry_values

if TYPE_CHECKING:
    from ..batch import Executor
    from .flowstats import FlowDraws

BLOCK = 256  # draws over flows per task (= corridor.batch.BLOCK; the numbers do not depend on it)
CHUNK = 4096  # draws priced at once (memory stays flat; results do not depend on it; small blocks stay in cache)
CHECK_SHARE = 0.01  # share of the draws checked by an exact shortest-path search


@dataclass(frozen=True)
class CaseDraws:
    """The draws of one case.

    Attributes
    ----------
    ranks : list of int
        Ranks (as in ``Results.routes``) of the routes whose draws are kept, in the order of the rows below.
    cost, generalized : ndarray
        Money and generalized cost per tonne, routes x draws.
    p_cheapest : ndarray
        Share of the draws in which each route is the cheapest by generalized cost.
    draws, seed : int
    checked, missed : int
        Draws checked by an exact search, and those in which a route outside the candidates was cheaper.
    candidates : int
        Number of candidate routes priced.
    """

    case: str
    ranks: list[int]
    labels: list[str]
    cost: np.ndarray
    generalized: np.ndarray
    p_cheapest: np.ndarray
    draws: int
    seed: int
    checked: int
    missed: int
    candidates: int

    @property
    def coverage(self) -> float:
        """Share of the checked draws whose cheapest route was a candidate."""
        return 1.0 - self.missed / self.checked if self.checked else float("nan")


def simulate(model: CaseModel, *, draws: int, seed: int = 0, chunk: int = CHUNK, check_share: float = CHECK_SHARE,
             progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Price ``draws`` draws of every candidate of ``model``.

    Returns
    -------
    cost, generalized : ndarray (candidates x draws)
    wins : ndarray
        Number of draws in which each candidate is the cheapest by generalized cost (ties go to the lower rank).
    checked, missed : int
        Draws checked exactly (every ``round(1 / check_share)``-th draw, from draw 0) and those not covered.
    """
    entries = model.entries
    n_groups = len(groups(entries))
    n_routes = len(model.routes.arc_lists)
    cost = np.empty((n_routes, draws))
    gen = np.empty((n_routes, draws))
    wins = np.zeros(n_routes, dtype=np.int64)
    step = max(1, round(1.0 / check_share)) if check_share > 0 else 0
    check = CoverageCheck(model) if step else None
    streams = Streams(seed, n_groups)
    checked = missed = 0
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        x = entry_values(tuple(entries), streams.uniforms(start, stop))
        money, days = model.routes.price(x)
        g = model.routes.generalized(money, days, x)
        cost[:, start:stop] = money
        gen[:, start:stop] = g
        best = np.argmin(g, axis=0)
        wins += np.bincount(best, minlength=n_routes)
        if check is not None:
            sel = np.arange(-(-start // step) * step, stop, step) - start
            missed += check.misses(x[:, sel], g[best[sel], sel])
            checked += len(sel)
        if progress is not None:
            progress.update(stop - start)
    return cost, gen, wins, checked, missed


def run_draws(scenario: Scenario, *, draws: int, seed: int = 0, chunk: int = CHUNK, check_share: float = CHECK_SHARE,
              candidates: int = CANDIDATES, progress: bool | None = None, flows: dict | None = None,
              workers: int = 0, scheduler: Any = None, block: int = BLOCK, shared: Any = None) -> Results:
    """Solve every case with ``draws`` draws of the scenario's ``[[uncertainty]]`` entries.

    Parameters
    ----------
    scenario : Scenario
    draws : int
        Number of draws (at least 1).
    seed : int
        Seed of the draws; the same seed gives the same numbers bit for bit.
    chunk : int
        Draws of shipment routes priced at once (memory; the numbers do not depend on it).
    check_share : float
        Share of the draws checked by an exact shortest-path search (0 to skip the check).
    candidates : int
        k of the k-cheapest search at the file values.
    progress : bool or None
        Show a progress bar on stderr (None: only if stderr is a terminal).
    flows : dict or None
        Allocations of the cases with ``[flows]`` at the file values, passed on to the Results (computed here if
        None).
    workers, scheduler : int, str or distributed.Client
        Where the draws over flows are solved (:class:`corridor.batch.Executor`): in-process (default), on
        ``workers`` local processes, or on the Dask cluster at ``scheduler``. The numbers do not depend on it.
    block : int
        Draws over flows per task (the numbers do not depend on it).
    shared : SharedBuilds, optional
        The scenario's graphs and LPs, shared by cases that change numbers only (:mod:`corridor.shared`).

    Returns
    -------
    Results
        ``routes`` lists the deterministic top routes of each case (``settings.routes``) and any other candidate
        that was cheapest in some draw, with ``p10_usd_per_t`` .. ``p90_generalized_usd_per_t`` and ``p_cheapest``;
        ``uncertainty`` maps each case to its :class:`CaseDraws`. Cases with ``[flows]`` re-solve their allocation
        for every draw: ``flow_draws`` maps them to their :class:`~corridor.uncertainty.flowstats.FlowDraws`.

    Examples
    --------
    >>> s = corridor.load_scenario("scenarios/test_shipment_2015_uncertainty.toml")
    >>> res = corridor.run(s, draws=100_000, seed=1)
    >>> res.routes[["route", "p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t", "p_cheapest"]]
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise InputError(f"draws must be a whole number of at least 1, got {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be a whole number of at least 0, got {seed!r}")
    if not scenario.uncertainty:
        raise InputError(f"{scenario.source}: no [[uncertainty]] entries to draw from "
                         "(add some: see 'Uncertainty' in docs/scenario-format.md)")
    draws, seed = int(draws), int(seed)
    if shared is None:
        from ..shared import SharedBuilds

        shared = SharedBuilds(scenario.network)
    shipped = [c for c in scenario.cases if c.shipment is not None]
    # least-cost allocations are re-solved per draw; a logit allocation (corridor.flows.logit) stays deterministic
    flowing = [c for c in scenario.cases if c.flows is not None and c.flows.assignment != "logit"]
    executor: Any = contextlib.nullcontext()
    if flowing:  # the executor and the flows' LP are loaded only where there are flows
        from ..batch import Executor

        executor = Executor(workers, scheduler, progress=progress).start()  # a wrong address fails before any work
    routes, legs, failures, per_case = [], [], {}, {}
    bar = Progress(draws * (len(shipped) + len(flowing)), "draws", enabled=progress)
    with bar, executor:
        for case in shipped:
            try:
                model = CaseModel.build(case, scenario.uncertainty, candidates=candidates,
                                        graph=shared.graph(case.network, case.require_shipment().tonnes,
                                                           [case.require_shipment().origin]))
            except NoRouteError as err:
                failures[case.name] = str(err)
                bar.update(draws)
                continue
            cost, gen, wins, checked, missed = simulate(model, draws=draws, seed=seed, chunk=chunk,
                                                        check_share=check_share, progress=bar)
            if not (np.isfinite(cost).all() and np.isfinite(gen).all()):
                raise InputError(f"{scenario.source}: case '{case.name}': some draws give a cost that is not a finite "
                                 "number (check the ranges of the [[uncertainty]] entries)")
            keep = [i for i in range(len(wins)) if i < case.settings.routes or wins[i] > 0]
            r, lg = describe_routes(case, model.graph, [model.routes.arc_lists[i] for i in keep],
                                    ranks=[i + 1 for i in keep])
            pc = np.percentile(cost[keep], [10, 50, 90], axis=1)
            pg = np.percentile(gen[keep], [10, 50, 90], axis=1)
            share = wins[keep] / draws
            for j, row in enumerate(r):
                row.update(p10_usd_per_t=pc[0, j], p50_usd_per_t=pc[1, j], p90_usd_per_t=pc[2, j],
                           p10_generalized_usd_per_t=pg[0, j], p50_generalized_usd_per_t=pg[1, j],
                           p90_generalized_usd_per_t=pg[2, j], p_cheapest=share[j])
            routes += r
            legs += lg
            per_case[case.name] = CaseDraws(case=case.name, ranks=[i + 1 for i in keep], labels=[x["route"] for x in r],
                                            cost=cost[keep], generalized=gen[keep], p_cheapest=share, draws=draws,
                                            seed=seed, checked=checked, missed=missed,
                                            candidates=len(model.routes.arc_lists))
        flow_draws = _flow_draws(scenario, flowing, flows, draws=draws, seed=seed, block=block, executor=executor,
                                 bar=bar, shared=shared) if flowing else {}
    return Results.build(scenario=scenario, routes=routes, legs=legs, failures=failures, uncertainty=per_case,
                         flows=flows if flows is not None else {n: d.deterministic for n, d in flow_draws.items()},
                         flow_draws=flow_draws)


def _flow_draws(scenario: Scenario, cases: list, allocations: dict | None, *, draws: int, seed: int, block: int,
                executor: Executor, bar: Progress, shared: Any) -> dict[str, FlowDraws]:
    """The draws over flows of ``cases``, solved by ``executor`` in blocks of ``block`` draws."""
    from ..batch import Block, plan_blocks
    from .flowdraws import FlowDrawContext, flow_block, gather
    from .flowstats import FlowDraws

    context = FlowDrawContext.build(cases, scenario.uncertainty, seed, shared=shared)
    blocks: list[Block] = []
    for case in cases:
        blocks += plan_blocks(draws, block, key=case.name, first_index=len(blocks))
    parts = executor.map(flow_block, context, blocks, label="draws", bar=bar)
    out = {}
    for case in cases:
        fc = context.cases[case.name]
        mine = [q for b, q in zip(blocks, parts) if b.key == case.name]
        det = allocations[case.name] if allocations and case.name in allocations else fc.model.allocation()
        elements = fc.model.problem.elements
        out[case.name] = FlowDraws.from_arrays(case.name, gather(mine, draws, len(elements)), elements, det,
                                               fc.model.problem.graph, draws=draws, seed=seed,
                                               backend=executor.backend)
    return out
