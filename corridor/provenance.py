"""Provenance of every numeric cell of a network: published, derived or estimated.

The rule, for each numeric cell of a row (coordinates aside):

- **estimated** if the row's ``estimated`` column names it; if ``estimated`` is blank and the row's ``source`` says
  ``estimate``, every numeric cell of the row counts as estimated (a row that does not say which of its cells are
  estimates is taken as an estimate as a whole); a money cell given in another year than the network's is
  estimated too (indexing a figure to another year estimates it); a cell a scenario changed is estimated (the
  scenario's assumption, see :meth:`corridor.Network.change`);
- **derived** if the row's ``derived`` column names it (derived from a published figure with a material
  assumption, said in the note);
- **published** otherwise: it rests on the row's cited ``source`` ids.

:func:`tally` counts the cells by table and by kind of quantity (money, time, capacity, distance, other);
:func:`audit` lists what keeps a network from being evidence-grade in form (not in substance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema

PUBLISHED, DERIVED, ESTIMATED = "published", "derived", "estimated"
STATUSES = (PUBLISHED, DERIVED, ESTIMATED)
TABLES = ("nodes", "links", "transfers", "vessels", "prices", "regimes", "rates", "price_index")


def _cites_estimate(source: str) -> bool:
    return schema.ESTIMATE in schema.split_list(source)


def status(net, table: str) -> pd.DataFrame:
    """The provenance of every numeric cell of ``table`` (rows x the model's numeric columns): ``published``,
    ``derived`` or ``estimated``, by the rule of the module docstring."""
    df = getattr(net, table)
    cols = list(schema.NUMERIC[table])
    out = pd.DataFrame(PUBLISHED, index=df.index, columns=cols, dtype=object)
    if not len(df):
        return out
    money = {usd for usd, _ in schema.MONEY[table]}
    indexed = df["price_year"].ne(net.year or "") & df["price_year"].ne("") if money else None
    for rid, est, der, src in zip(df.index, df["estimated"], df["derived"], df["source"]):
        estimated = schema.split_list(est)
        if not estimated and _cites_estimate(src):
            estimated = cols
        derived = [c for c in schema.split_list(der) if c in out.columns]
        if derived:
            out.loc[rid, derived] = DERIVED
        if estimated:
            out.loc[rid, [c for c in estimated if c in out.columns]] = ESTIMATED
    if money and indexed is not None and indexed.any():
        out.loc[indexed, sorted(money)] = ESTIMATED
    return out


def is_estimated(net, table: str, column: str) -> pd.Series:
    """True for each row of ``table`` whose ``column`` is an estimate."""
    return status(net, table)[column].eq(ESTIMATED)


def _given(net, table: str) -> pd.DataFrame:
    """Which numeric cells hold a figure (not blank, not a column's default of 0 left in place)."""
    df = getattr(net, table)
    given = pd.DataFrame(False, index=df.index, columns=list(schema.NUMERIC[table]))
    for col in given.columns:
        c = schema.column(table, col)
        values = df[col].astype(float)
        given[col] = values.notna() & ~((c.default is not None) & values.eq(c.default or 0.0))
    return given


def tally(net) -> pd.DataFrame:
    """Cells of each table and kind of quantity by provenance: counts and shares.

    Returns
    -------
    DataFrame indexed by (table, quantity) — with ``all`` rows per table and an ``all`` table — and columns
    ``cells``, ``published``, ``derived``, ``estimated`` (counts) and ``published_share``, ``derived_share``,
    ``estimated_share``. Only cells that hold a figure count; coordinates are left out.
    """
    rows = []
    for table in TABLES:
        st, given = status(net, table), _given(net, table)
        for col in schema.COUNTED[table]:
            if col not in st.columns:
                continue
            q = schema.column(table, col).quantity
            s = st.loc[given[col], col]
            rows.append({"table": table, "quantity": q, **{k: int((s == k).sum()) for k in STATUSES}})
    df = pd.DataFrame(rows, columns=["table", "quantity", *STATUSES])
    by = df.groupby(["table", "quantity"], sort=False).sum()
    per_table = df.drop(columns="quantity").groupby("table", sort=False).sum()
    per_table.index = pd.MultiIndex.from_tuples([(t, "all") for t in per_table.index], names=["table", "quantity"])
    per_kind = df.drop(columns="table").groupby("quantity", sort=False).sum()
    per_kind.index = pd.MultiIndex.from_tuples([("all", q) for q in per_kind.index], names=["table", "quantity"])
    total = pd.DataFrame([df[list(STATUSES)].sum()], index=pd.MultiIndex.from_tuples([("all", "all")],
                                                                                      names=["table", "quantity"]))
    out = pd.concat([by, per_table, per_kind, total])
    out = out[(out[list(STATUSES)].sum(axis=1) > 0)].astype(int)
    out.insert(0, "cells", out[list(STATUSES)].sum(axis=1))
    for k in STATUSES:
        out[f"{k}_share"] = out[k] / out["cells"].where(out["cells"] > 0, np.nan)
    return out


def audit(net) -> list[str]:
    """What keeps ``net`` from evidence-grade form, one line each (empty when nothing does).

    Loading already refuses an estimate without a note, a source id that does not resolve and a figure in another
    currency without its currency; this adds what loading allows for older folders: money whose year is not declared
    (no ``network.csv``), and rows with estimated or derived cells whose note is blank (after a scenario's rows)."""
    problems = []
    money_cells = sum(int(_given(net, t)[[u for u, _ in schema.MONEY[t]]].to_numpy().sum())
                      for t in TABLES if schema.MONEY[t] and t not in ("rates", "price_index"))
    if net.year is None and money_cells:
        problems.append(f"{net.name}: {money_cells} money cells in USD of an undeclared year: add network.csv with "
                        "the network's year")
    for table in TABLES:
        df = getattr(net, table)
        for rid, est, der, src, note in zip(df.index, df["estimated"], df["derived"], df["source"], df["note"]):
            if (est or der or _cites_estimate(src)) and not str(note).strip():
                problems.append(f"{net.name}: {table} '{rid}': estimated or derived cells without a note saying how")
    return problems
