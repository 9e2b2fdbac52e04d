"""The allocation LP as sparse arrays: variables, conservation, demand, supply and capacity rows, costs
(see :mod:`corridor.flows`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .. import limits
from ..costs import DEFAULT_UNSERVED_PENALTY_USD_PER_T
from ..errors import InputError, shown
from ..graph import RoutingGraph
from ..provenance import estimated


@dataclass(frozen=True)
class FlowProblem:
    """The LP of an allocation, as scipy arrays, with what is needed to read its solution.

    Variable order: arc flows (``n_arcs``), super-source entries (``supply_state``), demand entries
    (``sink_state``), unserved (one per destination). Rows: ``A_eq`` = conservation at each state, then
    demand per destination; ``A_ub`` = supply per origin, then one row per capacity element.
    """

    graph: RoutingGraph
    origins: list[str]
    destinations: list[str]
    supply: np.ndarray
    demand: np.ndarray
    supply_state: np.ndarray
    supply_origin: np.ndarray
    sink_state: np.ndarray
    sink_dest: np.ndarray
    elements: pd.DataFrame  # kind, id, name, capacity_mt_per_year (one per capacity row)
    c: np.ndarray
    A_eq: Any  # scipy.sparse matrix
    b_eq: np.ndarray
    A_ub: Any
    b_ub: np.ndarray
    unserved_penalty_usd_per_t: float
    value_of_time_usd_per_t_day: float
    carbon_price_usd_per_t_co2: float = 0.0
    upper: np.ndarray | None = None  # upper bound of each variable (None: none; lower bounds are 0)

    @property
    def n_arcs(self) -> int:
        return len(self.graph.arcs)

    def size(self) -> dict[str, int]:
        """Columns, rows and non-zeros of the LP."""
        return {"variables": len(self.c), "equality_rows": self.A_eq.shape[0], "inequality_rows": self.A_ub.shape[0],
                "nonzeros": int(self.A_eq.nnz + self.A_ub.nnz)}


# ----- building the LP -----------------------------------------------------------------------------

def _end_entries(graph: RoutingGraph, places: list[str], which: str,
                 groups: Mapping[str, Sequence[str]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    present = set(graph.network.nodes.index)
    states, owners = [], []
    for i, place in enumerate(places):
        for node in (groups or {}).get(place, (place,)):
            if node not in present:  # closed in this case: nothing can start or end there
                continue
            found = graph.origin_states(node) if which == "origin" else graph.destination_states(node)
            states += found
            owners += [i] * len(found)
    return np.asarray(states, dtype=np.int64), np.asarray(owners, dtype=np.int64)


def capacity_rows(graph: RoutingGraph) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The capacity elements of ``graph`` and their rows as (row, arc) pairs.

    Returns
    -------
    elements : DataFrame
        ``kind`` (link, transfer, node), ``id``, ``name``, ``capacity_mt_per_year``, ``capacity_estimated`` (an
        estimate, see :mod:`corridor.provenance`); row ``r`` of the capacity block is ``elements.iloc[r]``.
    rows, cols : ndarray
        Each arc counted in a row: ``rows[j]`` is the element, ``cols[j]`` the arc.
    """
    net, arcs = graph.network, graph.arcs
    kind = arcs["kind"].to_numpy()
    ref = arcs["ref"].to_numpy()
    entered = arcs["node"].to_numpy()
    is_link = kind == "link"
    parts, rows, cols = [], [], []
    start = 0
    names = net.nodes["name"]

    def name_of(table: str, df: pd.DataFrame) -> np.ndarray:
        if table == "links":
            return (names.reindex(df["from"]).to_numpy(dtype=object) + " – "
                    + names.reindex(df["to"]).to_numpy(dtype=object))
        if table == "transfers":
            return (names.reindex(df["node"]).to_numpy(dtype=object) + " "
                    + df.index.str.split(":").str[1].to_numpy(dtype=object))
        return df["name"].to_numpy(dtype=object)

    estimated_cap = {t: estimated(net, t)["capacity_mt_per_year"] for t in ("links", "transfers", "nodes")}
    for table in ("links", "transfers", "nodes"):
        df = net.table(table)
        capped = df[df["capacity_mt_per_year"].notna()]
        ids = pd.Index(capped.index)
        kind_name = table[:-1]
        parts.append(pd.DataFrame({"kind": kind_name, "id": ids, "name": name_of(table, capped) if len(capped) else [],
                                   "capacity_mt_per_year": capped["capacity_mt_per_year"].to_numpy(float),
                                   "capacity_estimated": estimated_cap[table].reindex(ids).to_numpy(bool)}))
        if table == "links":
            member, key = is_link, ref
        elif table == "transfers":
            member, key = kind == "transfer", ref
        else:
            member, key = is_link, entered
        pos = ids.get_indexer(key)
        hit = member & (pos >= 0)
        rows.append(start + pos[hit])
        cols.append(np.flatnonzero(hit))
        start += len(ids)
    elements = pd.concat(parts, ignore_index=True)
    return elements, np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def flow_problem(graph: RoutingGraph, supply: Mapping[str, float], demand: Mapping[str, float], *,
                 unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY_USD_PER_T,
                 value_of_time_usd_per_t_day: float = 0.0, carbon_price_usd_per_t_co2: float = 0.0,
                 markets: Mapping[str, Sequence[str]] | None = None,
                 sales_usd_per_t: Mapping[str, float] | None = None,
                 like: FlowProblem | None = None) -> FlowProblem:
    """Build the min-cost flow LP of ``graph`` (see the module docstring), vectorised with scipy.sparse.

    ``supply`` and ``demand`` map node ids to Mt/yr; a demand may name a group of ``markets`` instead, met at any of
    its nodes. Nodes absent from the graph's network (closed in a case) simply supply nothing and receive nothing.
    ``sales_usd_per_t`` credits each tonne delivered at a node with its value there (a market price): the objective
    is then the transport cost less the sales, so the allocation maximises the net earnings (netback). ``like``: the
    LP of another case on the same states (a graph built ``like`` the other's), with the same origins, destinations
    and capacitated elements, and no markets or sales: its matrices and rows are reused and only the numbers (costs,
    capacities, supply, demand) are new: the same LP bit for bit.
    """
    from scipy import sparse

    arcs = graph.arcs
    _check_inputs(supply, demand, unserved_penalty_usd_per_t, value_of_time_usd_per_t_day, carbon_price_usd_per_t_co2)
    origins, destinations = list(supply), list(demand)
    vot = float(value_of_time_usd_per_t_day)
    carbon = float(carbon_price_usd_per_t_co2)
    if like is not None and not markets and not sales_usd_per_t and _same_shape(like, graph, origins, destinations):
        return _renumbered(like, graph, supply, demand, float(unserved_penalty_usd_per_t), vot, carbon)
    n_arcs, n_states = len(arcs), len(graph.states)
    sup_state, sup_origin = _end_entries(graph, origins, "origin")
    snk_state, snk_dest = _end_entries(graph, destinations, "destination", markets)
    n_sup, n_snk, n_dest, n_orig = len(sup_state), len(snk_state), len(destinations), len(origins)
    n_var = n_arcs + n_sup + n_snk + n_dest
    a_idx = np.arange(n_arcs)
    y_idx = n_arcs + np.arange(n_sup)
    z_idx = n_arcs + n_sup + np.arange(n_snk)
    u_idx = n_arcs + n_sup + n_snk + np.arange(n_dest)

    tails, heads = arcs["tail"].to_numpy(), arcs["head"].to_numpy()
    eq_rows = np.concatenate([heads, tails, sup_state, snk_state, n_states + snk_dest, n_states + np.arange(n_dest)])
    eq_cols = np.concatenate([a_idx, a_idx, y_idx, z_idx, z_idx, u_idx])
    eq_vals = np.concatenate([np.ones(n_arcs), -np.ones(n_arcs), np.ones(n_sup), -np.ones(n_snk), np.ones(n_snk),
                              np.ones(n_dest)])
    A_eq = sparse.csr_matrix((eq_vals, (eq_rows, eq_cols)), shape=(n_states + n_dest, n_var))
    b_eq = np.concatenate([np.zeros(n_states), np.array([float(demand[d]) for d in destinations])])

    elements, cap_rows, cap_cols = capacity_rows(graph)
    ub_rows = np.concatenate([sup_origin, n_orig + cap_rows])
    ub_cols = np.concatenate([y_idx, cap_cols])
    A_ub = sparse.csr_matrix((np.ones(len(ub_rows)), (ub_rows, ub_cols)), shape=(n_orig + len(elements), n_var))
    b_ub = np.concatenate([np.array([float(supply[o]) for o in origins]),
                           elements["capacity_mt_per_year"].to_numpy(float)])

    # a tonne pays what a route pays: every arc's generalized cost; demand is met before the destination's pass arc
    sales = np.zeros(n_snk)
    if sales_usd_per_t:
        sales = np.array([float(sales_usd_per_t.get(graph.states[int(s)].node, 0.0)) for s in snk_state])
    c = np.concatenate([graph.weights(vot, carbon), np.zeros(n_sup), -sales,
                        np.full(n_dest, float(unserved_penalty_usd_per_t))])
    _check_coefficients(graph, c[:n_arcs], b_ub[n_orig:], elements)
    return FlowProblem(graph=graph, origins=origins, destinations=destinations,
                       supply=b_ub[:n_orig].copy(), demand=b_eq[n_states:].copy(), supply_state=sup_state,
                       supply_origin=sup_origin, sink_state=snk_state, sink_dest=snk_dest, elements=elements,
                       c=c, A_eq=A_eq, b_eq=b_eq, A_ub=A_ub, b_ub=b_ub,
                       unserved_penalty_usd_per_t=float(unserved_penalty_usd_per_t), value_of_time_usd_per_t_day=vot,
                       carbon_price_usd_per_t_co2=carbon)




# Costs above this (USD/t on one arc, value of time and carbon included) lose HiGHS's accuracy long before its 1e20
# "infinity"; an arc within the limits of corridor.limits costs at most ~5e7.
MAX_LP_COST = 1e9


def _check_inputs(supply: Mapping[str, float], demand: Mapping[str, float], penalty: float, vot: float,
                  carbon: float = 0.0) -> None:
    """Supply and demand (Mt/yr), the penalty and the value of time: numbers within the documented limits
    (:mod:`corridor.limits`), and no node in both supply and demand."""
    problems = []
    for what, table in (("supply", supply), ("demand", demand)):
        if not isinstance(table, Mapping):
            problems.append(f"{what} must map node ids to Mt/yr, got {type(table).__name__}")
            continue
        for node, v in table.items():
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v) \
                    or v < 0 or v > limits.MAX_MT_PER_YEAR or 0 < v < limits.MIN_MT_PER_YEAR:
                problems.append(f"{what} of {shown(node)} must be 0 or a number from {limits.MIN_MT_PER_YEAR:g} to "
                                f"{limits.MAX_MT_PER_YEAR:g} Mt/yr (corridor.limits), got {shown(v)}")
    for name, v, low, high in (("unserved_penalty_usd_per_t", penalty, 0.0, limits.MAX_PENALTY_USD_PER_T),
                               ("value_of_time_usd_per_t_day", vot, 0.0, 1000.0),
                               ("carbon_price_usd_per_t_co2", carbon, 0.0, 10_000.0)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v) \
                or not low <= v <= high:
            problems.append(f"{name} must be a number from {low:g} to {high:g} (corridor.limits), got {shown(v)}")
    if not problems and set(supply) & set(demand):
        both = ", ".join(sorted(map(str, set(supply) & set(demand))))
        problems.append(f"a node cannot be both an origin and a destination: {both}")
    if problems:
        raise InputError(problems)


def _check_coefficients(graph: RoutingGraph, cost: np.ndarray, capacity: np.ndarray, elements: pd.DataFrame) -> None:
    """Every arc's cost and every capacity finite and within what HiGHS handles accurately."""
    bad = ~np.isfinite(cost) | (cost < 0) | (cost > MAX_LP_COST)
    if bad.any():
        refs = graph.arcs["ref"].to_numpy()[bad]
        raise InputError(f"{int(bad.sum())} arcs of the allocation cost less than 0, more than {MAX_LP_COST:g} USD/t "
                         f"or not a finite number: {', '.join(map(str, dict.fromkeys(refs[:6])))}")
    over = ~np.isfinite(capacity) | (capacity < 0) | (capacity > limits.MAX_CAPACITY_MT_PER_YEAR)
    if over.any():
        raise InputError(f"capacities must be from 0 to {limits.MAX_CAPACITY_MT_PER_YEAR:g} Mt/yr "
                         f"(corridor.limits): {', '.join(map(str, elements['id'].to_numpy()[over][:6]))}")
def _capped(graph: RoutingGraph) -> tuple[np.ndarray, ...]:
    """Which rows of links, transfers and nodes have a capacity (what decides the capacity rows of the LP)."""
    net = graph.network
    return tuple(net.table(t)["capacity_mt_per_year"].notna().to_numpy() for t in ("links", "transfers", "nodes"))


def _same_shape(like: FlowProblem, graph: RoutingGraph, origins: list[str], destinations: list[str]) -> bool:
    if like.graph.states is not graph.states or like.origins != origins or like.destinations != destinations:
        return False
    if like.upper is not None or np.any(like.c[len(like.c) - len(like.destinations) - len(like.sink_state):
                                               len(like.c) - len(like.destinations)]):
        return False  # limits or sales: not a plain allocation
    return all(np.array_equal(a, b) for a, b in zip(_capped(like.graph), _capped(graph)))


def _renumbered(like: FlowProblem, graph: RoutingGraph, supply: Mapping[str, float], demand: Mapping[str, float],
                penalty: float, vot: float, carbon: float) -> FlowProblem:
    """``like`` with the numbers of ``graph`` and of the flows, as :func:`flow_problem` computes them."""
    n_states, n_sup, n_snk = len(graph.states), len(like.supply_state), len(like.sink_state)
    n_dest = len(like.destinations)
    net = graph.network
    tables = ("links", "transfers", "nodes")
    capacity = np.concatenate([net.table(t)["capacity_mt_per_year"].to_numpy(float)[mask]
                               for t, mask in zip(tables, _capped(graph))])
    capacity_estimated = np.concatenate([estimated(net, t)["capacity_mt_per_year"].to_numpy(bool)[mask]
                                         for t, mask in zip(tables, _capped(graph))])
    b_eq = np.concatenate([np.zeros(n_states), np.array([float(demand[d]) for d in like.destinations])])
    b_ub = np.concatenate([np.array([float(supply[o]) for o in like.origins]), capacity])
    c = np.concatenate([graph.weights(vot, carbon), np.zeros(n_sup), np.zeros(n_snk), np.full(n_dest, penalty)])
    n_orig = len(like.origins)
    _check_coefficients(graph, c[:len(graph.arcs)], capacity, like.elements)
    return replace(like, graph=graph, supply=b_ub[:n_orig].copy(), demand=b_eq[n_states:].copy(),
                   elements=like.elements.assign(capacity_mt_per_year=capacity,
                                                 capacity_estimated=capacity_estimated), c=c, b_eq=b_eq, b_ub=b_ub,
                   unserved_penalty_usd_per_t=penalty, value_of_time_usd_per_t_day=vot,
                   carbon_price_usd_per_t_co2=carbon)
