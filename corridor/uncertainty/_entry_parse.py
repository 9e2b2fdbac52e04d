"""Reading ``[[uncertainty]]`` entries from a scenario: each checked against the network (its table, selection,
column and distribution, and that its extreme draws keep every selected cell valid), problems reported in the
scenario's :class:`~corridor._validate.Checker`. What an entry is and does: :mod:`corridor.uncertainty.entries`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import schema
from .._validate import Checker
from ..errors import shown
from ..schema import REGIME_VALUE
from .distributions import Distribution
from .entries import (
    CAPACITY_COLUMN,
    ENTRY_KEYS,
    FLOW_COLUMN,
    FLOW_TABLES,
    PARAMETERS,
    POSITIVE_COLUMNS,
    PSEUDO_TABLES,
    SETTINGS,
    UNCERTAIN_COLUMNS,
    VESSEL_LINK_COLUMNS,
    Entry,
)

if TYPE_CHECKING:
    from ..network import Network


def parse_entries(ck: Checker, raw: Any, network: Network, *, flows: dict[str, set[str]] | None = None,
                  capacities: dict[str, set[str]] | None = None) -> tuple[Entry, ...]:
    """Check the ``[[uncertainty]]`` list of a scenario file against ``network``; problems go to ``ck``.

    ``flows`` maps ``"supply"`` and ``"demand"`` to the nodes that supply or demand in ``[flows]`` or in any case
    (None: the scenario has no ``[flows]``); ``capacities`` maps links, nodes and transfers to the ids that have a
    capacity in the network or in any case (None: those of ``network``).
    """
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        ck.fail("uncertainty", "expected a list of [[uncertainty]] tables")
        return ()
    if capacities is None:
        capacities = {t: set(network.table(t).index[network.table(t)[CAPACITY_COLUMN].notna()])
                      for t in ("links", "nodes", "transfers")}
    entries, names = [], set()
    for i, item in enumerate(raw, start=1):
        where = f"uncertainty[{i}]"
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            where = f"uncertainty[{i}] '{item['name']}'"
        item = ck.table(item, where, ENTRY_KEYS)
        if not item:
            continue
        if item.get("table") in FLOW_TABLES:
            entry = _parse_flow_entry(ck, item, where, flows)
        else:
            entry = _parse_entry(ck, item, where, network, capacities)
        if entry is None:
            continue
        if entry.name in names:
            ck.fail(f"{where}.name", f"two uncertainty entries are named '{entry.name}'")
        names.add(entry.name)
        entries.append(entry)
    return tuple(entries)


def _common(ck: Checker, item: dict, where: str, column: str | None) -> tuple[str, str | None, str | None,
                                                                              Distribution | None]:
    """The keys every entry has: ``as``, ``group``, ``name`` and the distribution."""
    how = item.get("as", "scale")
    if how not in ("scale", "value"):
        ck.fail(f"{where}.as", f"expected \"scale\" (a multiplier of the file value) or \"value\", got {shown(how)}")
    group = item.get("group")
    if group is not None and ck.text(group, f"{where}.group") is None:
        group = None
    name = item.get("name")
    if name is not None and ck.text(name, f"{where}.name") is None:
        name = None
    dist = _parse_distribution(ck, item, where, positive=column in POSITIVE_COLUMNS)
    return how, group, name, dist


def _parse_flow_entry(ck: Checker, item: dict, where: str, flows: dict[str, set[str]] | None) -> Entry | None:
    """A supply or demand entry: ``where = { node = ... }`` among the nodes that supply (demand) in some case."""
    n_before = len(ck.problems)
    table = item["table"]
    sel = ck.table(item.get("where", {}), f"{where}.where", {"node"})
    if item.get("column", FLOW_COLUMN) != FLOW_COLUMN:
        ck.fail(f"{where}.column", f"a {table} entry draws the Mt/yr of [flows]: leave out column "
                                   f"(or write \"{FLOW_COLUMN}\"), got {shown(item['column'])}")
    how, group, name, dist = _common(ck, item, where, None)
    if len(ck.problems) > n_before:
        return None
    if flows is None:
        ck.fail(f"{where}.table", f"a {table} entry needs [flows] (the scenario has none)")
        return None
    have = flows.get(table, set())
    want = sel.get("node")
    wanted = [] if want is None else want if isinstance(want, list) else [want]
    if not all(isinstance(w, str) for w in wanted):
        ck.fail(f"{where}.where.node", f"expected a node id or a list of them, got {shown(want)}")
        return None
    missing = [w for w in wanted if w not in have]
    if missing:
        ck.fail(f"{where}.where.node", f"{', '.join(missing)} has no {table} in [flows] or any case "
                                       f"({table} nodes: {', '.join(sorted(have)) or 'none'})")
        return None
    if name is None:
        name = f"{table}[{','.join(wanted) or 'all'}]"
    assert dist is not None  # no problem was found above
    return Entry(name=name, table=table, where=dict(sel), column=FLOW_COLUMN, distribution=dist, how=how,
                 group=group, where_in_file=where)


def _parse_entry(ck: Checker, item: dict, where: str, network: Network,
                 capacities: dict[str, set[str]]) -> Entry | None:
    n_before = len(ck.problems)
    table = item.get("table")
    if table not in UNCERTAIN_COLUMNS:
        ck.fail(f"{where}.table", f"unknown table {shown(table)} (expected links, nodes, transfers, vessels, regimes, "
                                  "settings, flows, supply or demand)")
        return None
    if table in PSEUDO_TABLES:
        if item.get("where"):
            ck.fail(f"{where}.where", f"an entry on the {table} takes no where")
        df = None
        sel: dict = {}
    else:
        df = network.table(table)
        sel = ck.table(item.get("where", {}), f"{where}.where", {"id", *df.columns})
    column = item.get("column")
    if column is None:
        ck.fail(where, "missing column (the column drawn)")
    elif column not in UNCERTAIN_COLUMNS[table]:
        what = "cost or time" if table in ("vessels", SETTINGS) else "cost, time or capacity"
        ck.fail(f"{where}.column", f"{shown(column)} is not a column of {table} that enters {what} "
                                   f"(one of: {', '.join(UNCERTAIN_COLUMNS[table])})")
    how, group, name, dist = _common(ck, item, where, column)
    if len(ck.problems) > n_before:
        return None
    ids = network.select(table, sel) if df is not None else [table]
    if len(ids) == 0 and df is not None:
        selected = ", ".join(f"{k} = {shown(v)}" for k, v in sel.items())
        why = " (the network has no vessels.csv)" if table == "vessels" and len(df) == 0 else " (check the spelling)"
        ck.fail(f"{where}.where", f"{{{selected}}} selects no row of {table}{why}")
        return None
    if column == CAPACITY_COLUMN and not set(ids) & capacities.get(table, set()):
        ck.fail(f"{where}.where", f"selects no row of {table} with a {CAPACITY_COLUMN} in the network or any case "
                                  "(a blank capacity is unlimited; give one in a case's change first)")
        return None
    if table == "regimes":
        rows = network.regimes.loc[ids]
        other = rows.index[rows["basis"].map(REGIME_VALUE) != column]
        if len(other):
            ck.fail(f"{where}.where", f"selects regimes whose basis does not use {column} ({', '.join(other[:4])}): "
                                      "narrow `where` or draw the column of their basis")
            return None
    if table == "links" and column not in (*VESSEL_LINK_COLUMNS, CAPACITY_COLUMN):
        rows = network.links.loc[ids]
        by_vessel = rows.index[(rows["mode"] == "sea") & rows["tariff_usd_per_tkm"].isna()]
        if len(by_vessel):
            ck.fail(f"{where}.where", f"selects sea links priced by vessel class ({', '.join(by_vessel[:4])}"
                                      f"{', …' if len(by_vessel) > 4 else ''}), whose cost comes from vessels.csv; "
                                      f"a draw on their {column} has nothing to act on: narrow `where` (e.g. mode = "
                                      "\"rail1520\"), draw table = \"vessels\" instead, or give those links a tariff")
            return None
    assert isinstance(column, str) and dist is not None  # no problem was found above
    problem = _cell_problem(network, table, ids, column, how, dist)
    if problem:
        ck.fail(where, problem)
        return None
    if name is None:
        selected = ",".join(f"{k}={v}" for k, v in sel.items())
        name = f"{table}[{selected}].{column}" if df is not None else f"{table}.{column}"
    return Entry(name=name, table=table, where=dict(sel), column=column, distribution=dist, how=how,
                 group=group, where_in_file=where)


def _cell_problem(network: Network, table: str, ids, column: str, how: str, dist: Distribution) -> str | None:
    """Why the entry's smallest or largest draw would make a selected cell invalid (not finite, beyond the column's
    bounds or :data:`corridor.limits.MAX_NUMBER`), or None. Checked at load, so draws, the tornado and the
    break-even search never meet such a value."""
    lo, hi = dist.extremes()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return f"the {dist.kind} distribution's parameters give values that are not finite numbers"
    if table in PSEUDO_TABLES:  # a case's setting or flows (its value differs by case): the draws stay finite
        return None
    col = schema.column(table, column)
    base = network.table(table).loc[ids, column].to_numpy(dtype=float)
    for side, x in (("lowest", lo), ("highest", hi)):
        values = base * x if how == "scale" else np.full(len(base), x)
        for rid, v in zip(ids, values):
            if how == "scale" and np.isnan(v):
                continue  # a blank cell stays blank
            problem = schema.number_problem(col, float(v))
            if problem:
                return f"its {side} draw ({x:.6g}) makes {column} of {shown(str(rid))} {float(v):.6g}, but {problem}"
    return None


def _parse_distribution(ck: Checker, item: dict, where: str, *, positive: bool) -> Distribution | None:
    kind = item.get("distribution")
    if kind not in PARAMETERS:
        ck.fail(f"{where}.distribution", f"expected one of {', '.join(PARAMETERS)}, got {shown(kind)}")
        return None
    required, optional = PARAMETERS[kind]
    n_before = len(ck.problems)
    values = {}
    for key in ("low", "high", "mode", "mean", "sd"):
        if key not in item:
            continue
        if key not in required + optional:
            ck.fail(f"{where}.{key}", f"a {kind} distribution takes {', '.join(required + optional)}, not {key}")
            continue
        value = ck.number(item[key], f"{where}.{key}", low=0.0)
        if value is not None:
            values[key] = float(value)
    for key in required:
        if key not in item:
            ck.fail(where, f"a {kind} distribution needs {key} (it takes {', '.join(required + optional)})")
    if len(ck.problems) > n_before:
        return None
    lo, hi = values.get("low"), values.get("high")
    if lo is not None and hi is not None and lo > hi:
        ck.fail(where, f"low ({lo:g}) is above high ({hi:g})")
        return None
    if kind == "triangular" and lo is not None and hi is not None and not lo <= values["mode"] <= hi:
        ck.fail(f"{where}.mode", f"must lie between low ({lo:g}) and high ({hi:g}), got {values['mode']:g}")
        return None
    if kind in ("normal", "lognormal"):
        mean = values["mean"]
        if kind == "lognormal" and mean <= 0:
            ck.fail(f"{where}.mean", "a lognormal needs a mean greater than 0")
            return None
        if (lo is not None and mean < lo) or (hi is not None and mean > hi):
            ck.fail(f"{where}.mean", f"the mean {mean:g} lies outside the bounds low..high")
            return None
    if positive:
        floor = lo if lo is not None else (None if kind == "lognormal" else 0.0)
        if floor is not None and floor <= 0:
            ck.fail(f"{where}.low", "this column must stay above 0: give a low bound greater than 0")
            return None
    return Distribution(kind=kind, low=lo, high=hi, mode=values.get("mode"), mean=values.get("mean"),
                        sd=values.get("sd"))
