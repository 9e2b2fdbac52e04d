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

from .. import limits
from .._progress import Progress
from ..errors import InputError, NoRouteError, shown
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
STORE_BYTES = 256 * 1024**2  # up to this, one pass keeps every candidate's draws; beyond, two passes (see run_draws)
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
             progress: Progress | None = None, store: list[int] | None = None,
             dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Price ``draws`` draws of every candidate of ``model``.

    ``store`` lists the candidates whose drawn costs are kept (None: all of them; []: none, only the wins are
    counted), in ``dtype``.

    Returns
    -------
    cost, generalized : ndarray (stored candidates x draws)
    wins : ndarray
        Number of draws in which each candidate is the cheapest by generalized cost (ties go to the lower rank).
    checked, missed : int
        Draws checked exactly (every ``round(1 / check_share)``-th draw, from draw 0) and those not covered.

    Raises
    ------
    InputError
        if a draw gives a cost that is not a finite number.
    """
    entries = model.entries
    n_groups = len(groups(entries))
    n_routes = len(model.routes.arc_lists)
    rows = np.arange(n_routes) if store is None else np.asarray(store, dtype=np.int64)
    cost: np.ndarray = np.empty((len(rows), draws), dtype=dtype)
    gen: np.ndarray = np.empty((len(rows), draws), dtype=dtype)
    wins = np.zeros(n_routes, dtype=np.int64)
    step = max(1, round(1.0 / check_share)) if check_share > 0 else 0
    check = CoverageCheck(model) if step else None
    streams = Streams(seed, n_groups)
    checked = missed = 0
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        with np.errstate(all="ignore"):  # what is not finite is refused below
            x = entry_values(tuple(entries), streams.uniforms(start, stop))
            money, days = model.routes.price(x)
            g = model.routes.generalized(money, days, x)
        if not (np.isfinite(money).all() and np.isfinite(g).all()):
            raise InputError(f"case '{model.case.name}': some draws give a cost that is not a finite number "
                             "(check the ranges of the [[uncertainty]] entries)")
        if len(rows):
            cost[:, start:stop] = money[rows]
            gen[:, start:stop] = g[rows]
        best = np.argmin(g, axis=0)
        wins += np.bincount(best, minlength=n_routes)
        if check is not None:
            sel = np.arange(-(-start // step) * step, stop, step) - start
            missed += check.misses(x[:, sel], g[best[sel], sel])
            checked += len(sel)
        if progress is not None:
            progress.update(stop - start)
    return cost, gen, wins, checked, missed


def check_arguments(draws, seed, chunk, check_share, candidates) -> None:
    """Each argument of :func:`run_draws` of the right type and range (an InputError naming it otherwise)."""
    def whole(v) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    problems = []
    if not whole(draws) or not 1 <= draws <= limits.MAX_DRAWS:
        problems.append(f"draws must be a whole number from 1 to {limits.MAX_DRAWS:,} (corridor.limits.MAX_DRAWS), "
                        f"got {shown(draws)}")
    if not whole(seed) or not 0 <= seed < 2**63:
        problems.append(f"seed must be a whole number from 0 to 2**63 - 1, got {shown(seed)}")
    if not whole(chunk) or not 1 <= chunk <= 1_000_000:
        problems.append(f"chunk (draws priced at once) must be a whole number from 1 to 1,000,000, got {shown(chunk)}")
    if isinstance(check_share, bool) or not isinstance(check_share, (int, float)) or not 0 <= check_share <= 1:
        problems.append(f"check_share must be a number from 0 to 1, got {shown(check_share)}")
    if not whole(candidates) or not 1 <= candidates <= limits.MAX_ROUTES:
        problems.append(f"candidates must be a whole number from 1 to {limits.MAX_ROUTES}, got {shown(candidates)}")
    if problems:
        raise InputError(problems)


def _memory_problem(draws: int, routes: int, bytes_per_value: int, case: str) -> str | None:
    need = 2 * draws * routes * bytes_per_value  # cost and generalized cost of each kept route and draw
    if need <= limits.MAX_DRAW_MEMORY_BYTES:
        return None
    most = limits.MAX_DRAW_MEMORY_BYTES // (2 * routes * bytes_per_value)
    return (f"case '{case}': {draws:,} draws of {routes} routes need about {_size(need)} of memory, more than the "
            f"{_size(limits.MAX_DRAW_MEMORY_BYTES)} allowed (corridor.limits.MAX_DRAW_MEMORY_BYTES); use at most "
            f"{most:,} draws")


def _size(n: float) -> str:
    return f"{n / 1024**3:,.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:,.1f} MiB"


def run_draws(scenario: Scenario, *, draws: int, seed: int = 0, chunk: int = CHUNK, check_share: float = CHECK_SHARE,
              candidates: int = CANDIDATES, progress: bool | None = None, flows: dict | None = None,
              workers: int = 0, scheduler: Any = None, block: int = BLOCK, shared: Any = None) -> Results:
    """Solve every case with ``draws`` draws of the scenario's ``[[uncertainty]]`` entries.

    Parameters
    ----------
    scenario : Scenario
    draws : int
        Number of draws (from 1 to :data:`corridor.limits.MAX_DRAWS`, and within
        :data:`~corridor.limits.MAX_DRAW_MEMORY_BYTES` of memory for the kept draws, estimated before drawing).
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
        ``uncertainty`` maps each case to its :class:`CaseDraws`. Up to ``STORE_BYTES`` of draws are priced in one
        pass keeping every candidate's draws (float64); beyond that a first pass counts the wins and a second keeps
        the draws of the reported routes only, as float32 (percentiles to about 7 significant digits). Cases with
        ``[flows]`` re-solve their allocation
        for every draw: ``flow_draws`` maps them to their :class:`~corridor.uncertainty.flowstats.FlowDraws`.

    Examples
    --------
    >>> s = corridor.load_scenario("scenarios/test_shipment_2015_uncertainty.toml")
    >>> res = corridor.run(s, draws=100_000, seed=1)
    >>> res.routes[["route", "p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t", "p_cheapest"]]
    """
    check_arguments(draws, seed, chunk, check_share, candidates)
    if not scenario.uncertainty:
        raise InputError(f"{scenario.source}: no [[uncertainty]] entries to draw from "
                         "(add some: see 'Uncertainty' in docs/scenario-format.md)")
    shipped = [c for c in scenario.cases if c.shipment is not None]
    for case in shipped:  # the least any case keeps: its listed routes, in float32
        problem = _memory_problem(draws, case.settings.routes, 4, case.name)
        if problem:
            raise InputError(f"{scenario.source}: {problem}")
    draws, seed = int(draws), int(seed)
    if shared is None:
        from ..shared import SharedBuilds

        shared = SharedBuilds(scenario.network)
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
            n = len(model.routes.arc_lists)
            try:
                if 2 * draws * n * 8 <= STORE_BYTES:  # one pass, every candidate's draws kept
                    cost, gen, wins, checked, missed = simulate(model, draws=draws, seed=int(seed), chunk=chunk,
                                                                check_share=check_share, progress=bar)
                    keep = _kept(wins, case.settings.routes)
                    cost, gen = cost[keep], gen[keep]
                else:  # the wins first, then the draws of the reported routes only
                    _, _, wins, checked, missed = simulate(model, draws=draws, seed=int(seed), chunk=chunk,
                                                           check_share=check_share, progress=bar, store=[])
                    keep = _kept(wins, case.settings.routes)
                    problem = _memory_problem(draws, len(keep), 4, case.name)
                    if problem:
                        raise InputError(problem)
                    bar.total += draws
                    cost, gen, *_ = simulate(model, draws=draws, seed=int(seed), chunk=chunk, check_share=0.0,
                                             progress=bar, store=keep, dtype=np.float32)
            except InputError as err:
                raise InputError([f"{scenario.source}: {p}" for p in err.problems]) from None
            r, lg = describe_routes(case, model.graph, [model.routes.arc_lists[i] for i in keep],
                                    ranks=[i + 1 for i in keep])
            pc = np.percentile(cost, [10, 50, 90], axis=1).astype(float)
            pg = np.percentile(gen, [10, 50, 90], axis=1).astype(float)
            share = wins[keep] / draws
            for j, row in enumerate(r):
                row.update(p10_usd_per_t=pc[0, j], p50_usd_per_t=pc[1, j], p90_usd_per_t=pc[2, j],
                           p10_generalized_usd_per_t=pg[0, j], p50_generalized_usd_per_t=pg[1, j],
                           p90_generalized_usd_per_t=pg[2, j], p_cheapest=share[j])
            routes += r
            legs += lg
            per_case[case.name] = CaseDraws(case=case.name, ranks=[i + 1 for i in keep], labels=[x["route"] for x in r],
                                            cost=cost, generalized=gen, p_cheapest=share, draws=draws,
                                            seed=int(seed), checked=checked, missed=missed,
                                            candidates=len(model.routes.arc_lists))
        flow_draws = _flow_draws(scenario, flowing, flows, draws=draws, seed=seed, block=block, executor=executor,
                                 bar=bar, shared=shared) if flowing else {}
    return Results.build(scenario=scenario, routes=routes, legs=legs, failures=failures, uncertainty=per_case,
                         flows=flows if flows is not None else {n: d.deterministic for n, d in flow_draws.items()},
                         flow_draws=flow_draws)


def _kept(wins: np.ndarray, routes: int) -> list[int]:
    """The candidates reported: the deterministic top ``routes`` and any other that was cheapest in some draw."""
    return [i for i in range(len(wins)) if i < routes or wins[i] > 0]


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
