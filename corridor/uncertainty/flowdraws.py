"""Draws over annual flows: the allocation LP re-solved for every draw of the uncertain inputs.

For each case with ``[flows]`` the LP is built once (:class:`corridor.flows.FlowModel`); a draw changes its numbers
only: arc costs (priced for the draw by :class:`~corridor.uncertainty.reprice.ArcPricer`, as route draws are),
capacities, supply and demand (the capacity, supply and demand entries of :mod:`~corridor.uncertainty.entries`). Each
draw is re-solved warm from the base basis; its answer depends on its numbers only, so blocks of draws can be solved
anywhere (:mod:`corridor.batch`) and the results are bit-identical whatever the workers.

A draw keeps: the total cost (the LP's objective: generalized transport cost plus the unserved penalty), Mt/yr
delivered and unserved, each capacity element's shadow price and whether it is full, and the Mt/yr on each corridor
(a route's gateways: its border crossings and export port, :func:`corridor.legs.corridor_label`) from the flow's
decomposition into routes (:func:`corridor.flows.decompose`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..batch import Block
from ..case import Case
from ..flows import FlowModel, decompose
from ..flows.allocation import USD_PER_MUSD
from ..legs import corridor_label, route_legs
from ..shared import SharedBuilds
from .entries import FLOW_TABLES, Entry, flow_nodes, groups
from .reprice import ArcPricer
from .streams import entry_values, sample_uniforms

BINDING_TOL = 1e-7  # an element is full when its flow is within this share of its capacity (as in an Allocation)
PRICE_TOL = 1e-9  # USD/t: smaller shadow prices are solver noise


@dataclass
class FlowCase:
    """What the draws of one case need: its LP, the pricing of its arcs, and where each entry acts on the LP."""

    name: str
    model: FlowModel
    pricer: ArcPricer | None  # None: no entry prices an arc of this case
    vot: float
    carbon: float  # the case's carbon price (USD/t CO2)
    actions: dict[str, list[tuple[int, np.ndarray, str]]]  # capacity/supply/demand -> (entry, positions, how)
    _corridors: dict[tuple[int, ...], str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, case: Case, entries: Sequence[Entry], shared: SharedBuilds | None = None) -> FlowCase:
        """The draws' view of ``case`` (its LP from ``shared``, as the deterministic allocation's, if given)."""
        vot = case.settings.value_of_time_usd_per_t_day
        carbon = case.settings.carbon_price_usd_per_t_co2
        shared = shared if shared is not None else SharedBuilds(case.network)
        model = FlowModel(shared.case_problem(case))  # full ships, as the deterministic allocation
        graph = model.problem.graph
        pricer = ArcPricer(graph, entries)
        p = model.problem
        element_pos = {(k, i): j for j, (k, i) in enumerate(zip(p.elements["kind"], p.elements["id"]))}
        actions: dict[str, list[tuple[int, np.ndarray, str]]] = {"capacity": [], "supply": [], "demand": []}
        for i, e in enumerate(entries):
            if e.kind == "capacity":
                ids = case.network.select(e.table, e.where)
                pos = [element_pos[(e.table[:-1], rid)] for rid in ids if (e.table[:-1], rid) in element_pos]
            elif e.kind in FLOW_TABLES:
                places = p.origins if e.kind == "supply" else p.destinations
                chosen = set(flow_nodes(e, places))
                pos = [j for j, n in enumerate(places) if n in chosen]
            else:
                continue
            if pos:
                actions[e.kind].append((i, np.asarray(pos, dtype=np.int64), e.how))
        moves = len(pricer.var_arcs) or pricer.carbon_actions
        return cls(name=case.name, model=model, pricer=pricer if moves else None, vot=vot, carbon=carbon,
                   actions=actions)

    def numbers(self, x: np.ndarray) -> dict[str, np.ndarray | None]:
        """The LP numbers of the draws ``x`` (entries x draws): each (values x draws), None where no entry acts."""
        n = x.shape[1]
        out: dict[str, np.ndarray | None] = {
            "cost": None if self.pricer is None else self.pricer.weights(x, self.vot, self.carbon)}
        m = self.model
        for kind, base in (("capacity", m.base_capacity), ("supply", m.base_supply), ("demand", m.base_demand)):
            acts = self.actions[kind]
            if not acts:
                out[kind] = None
                continue
            values = np.repeat(base[:, None], n, axis=1)
            for i, pos, how in acts:
                if how == "scale":
                    values[pos] *= x[i]
                else:
                    values[pos] = x[i]
            out[kind] = values
        return out

    def corridor_of(self, path: tuple[int, ...]) -> str:
        """The corridor of a path of the decomposition (cached: the same paths come back draw after draw)."""
        label = self._corridors.get(path)
        if label is None:
            graph = self.model.problem.graph
            label = corridor_label(route_legs(graph, list(path)), graph.network.nodes) if path else "domestic"
            self._corridors[path] = label
        return label


@dataclass(frozen=True)
class FlowDrawContext:
    """The context of a block of flow draws (sent once to each worker): the entries, the seed and the cases."""

    entries: tuple[Entry, ...]
    seed: int
    cases: dict[str, FlowCase]

    @classmethod
    def build(cls, cases: Sequence[Case], entries: Sequence[Entry], seed: int, *,
              shared: SharedBuilds | None = None) -> FlowDrawContext:
        return cls(entries=tuple(entries), seed=int(seed),
                   cases={c.name: FlowCase.build(c, entries, shared) for c in cases})


def flow_block(context: FlowDrawContext, block: Block) -> dict:
    """Solve the draws ``block.start .. block.stop-1`` of case ``block.key`` (a batch task).

    Returns
    -------
    dict
        ``total_cost`` (USD/yr), ``delivered``, ``unserved`` (Mt/yr): one value per draw. Sparse, as most
        elements of a large network never bind: ``binding`` (element, draw) of the full elements; ``shadow_price``
        (element, draw, USD/t) of the priced ones; ``corridors``: corridor -> (draws, Mt/yr) where it carries flow.
        Draws are numbered from the start of the block.
    """
    fc = context.cases[block.key]
    m = fc.model
    p = m.problem
    n = block.size
    x = entry_values(context.entries, sample_uniforms(context.seed, len(groups(context.entries)), block.start,
                                                      block.stop))
    nums = fc.numbers(x)
    n_arcs, n_sup, n_snk = m.n_arcs, len(p.supply_state), len(p.sink_state)
    cap_block = p.A_ub[m.n_orig:m.n_orig + m.n_elements, :n_arcs].tocsr()  # rows after them: limits
    objective, delivered, unserved = np.empty(n), np.empty(n), np.empty(n)
    full: tuple[list, list] = ([], [])
    priced: tuple[list, list, list] = ([], [], [])
    corridors: dict[str, tuple[list, list]] = {}
    for j in range(n):
        sol = m.solve(**{k: (v[:, j] if v is not None else None) for k, v in nums.items()})
        xs = np.clip(sol.x, 0.0, None)
        objective[j] = sol.objective
        delivered[j] = xs[n_arcs + n_sup:n_arcs + n_sup + n_snk].sum()
        unserved[j] = xs[n_arcs + n_sup + n_snk:].sum()
        capacity = nums["capacity"][:, j] if nums["capacity"] is not None else m.base_capacity
        rows = np.flatnonzero(is_full(cap_block @ xs[:n_arcs], capacity))
        full[0].append(rows)
        full[1].append(np.full(len(rows), j))
        price = -sol.ub_marginals[m.n_orig:m.n_orig + m.n_elements]
        rows = np.flatnonzero(np.abs(price) >= PRICE_TOL)
        priced[0].append(rows)
        priced[1].append(np.full(len(rows), j))
        priced[2].append(price[rows])
        here: dict[str, float] = {}
        for _o, _d, path, amount in decompose(p, xs):
            label = fc.corridor_of(path)
            here[label] = here.get(label, 0.0) + amount
        for label, amount in here.items():
            cols, vals = corridors.setdefault(label, ([], []))
            cols.append(j)
            vals.append(amount)

    def cat(parts: list, dtype) -> np.ndarray:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    return {"size": n, "total_cost": objective * USD_PER_MUSD, "delivered": delivered, "unserved": unserved,
            "binding": (cat(full[0], np.int64), cat(full[1], np.int64)),
            "shadow_price": (cat(priced[0], np.int64), cat(priced[1], np.int64), cat(priced[2], float)),
            "corridors": {k: (np.asarray(c, dtype=np.int64), np.asarray(v, dtype=float))
                          for k, (c, v) in corridors.items()}}


def is_full(flow: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Whether each element is full: flow within :data:`BINDING_TOL` of its capacity (a capacity of 0 is full)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(capacity > 0, flow / np.where(capacity > 0, capacity, 1.0), np.where(flow > 0, np.inf, 1.0))
    return util >= 1.0 - BINDING_TOL


def gather(parts: list[dict], n: int, n_elements: int) -> dict:
    """The block results of one case (in block order) joined over all ``n`` draws: the totals as arrays, the
    binding elements, shadow prices and corridor flows as sparse matrices (rows x draws)."""
    from scipy.sparse import csr_matrix

    out: dict = {k: np.concatenate([q[k] for q in parts]) for k in ("total_cost", "delivered", "unserved")}
    starts = np.cumsum([0] + [q["size"] for q in parts])[:-1]
    rows = np.concatenate([q["binding"][0] for q in parts])
    cols = np.concatenate([q["binding"][1] + s for q, s in zip(parts, starts)])
    out["binding"] = csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n_elements, n))
    rows = np.concatenate([q["shadow_price"][0] for q in parts])
    cols = np.concatenate([q["shadow_price"][1] + s for q, s in zip(parts, starts)])
    vals = np.concatenate([q["shadow_price"][2] for q in parts])
    out["shadow_price"] = csr_matrix((vals, (rows, cols)), shape=(n_elements, n))
    labels = list(dict.fromkeys(label for q in parts for label in q["corridors"]))
    index = {label: i for i, label in enumerate(labels)}
    r, c, v = [], [], []
    for q, s in zip(parts, starts):
        for label, (cols_, vals_) in q["corridors"].items():
            r.append(np.full(len(cols_), index[label]))
            c.append(cols_ + s)
            v.append(vals_)
    out["corridor_labels"] = labels
    out["corridor_flow"] = csr_matrix((np.concatenate(v) if v else np.zeros(0),
                                       (np.concatenate(r) if r else np.zeros(0, int),
                                        np.concatenate(c) if c else np.zeros(0, int))), shape=(len(labels), n))
    return out
