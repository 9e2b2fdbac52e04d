"""Provenance of every numeric cell of a network: published, derived or estimated.

The rule, for each numeric cell of a row (coordinates aside):

- **estimated** if the row's ``estimated`` column names it; if ``estimated`` is blank and the row's ``source`` says
  ``estimate``, every numeric cell of the row counts as estimated (a row that does not say which of its cells are
  estimates is taken as an estimate as a whole); a money cell given in another year than the network's is
  estimated too (indexing a figure to another year estimates it); a cell a scenario changed is estimated (the
  scenario's assumption, see :meth:`corridor.Network.change`);
- **derived** if the row's ``derived`` column names it (derived from a published figure with a material
  assumption, said in the note);
- **calibrated** if the row's ``calibrated`` column names it: fitted to observations within the range of its evidence
  by ``corridor calibrate`` (:mod:`corridor.validation.calibration`), in a calibrated copy of a network (the note says
  from what and to what); this comes before the other statuses;
- **published** otherwise: it rests on the row's cited ``source`` ids.

:func:`tally` counts the cells by table and by kind of quantity (money, time, capacity, distance, other);
:func:`audit` lists what keeps a network from being evidence-grade in form (not in substance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema

PUBLISHED, DERIVED, ESTIMATED, CALIBRATED = "published", "derived", "estimated", "calibrated"
STATUSES = (PUBLISHED, DERIVED, ESTIMATED, CALIBRATED)
TABLES = ("nodes", "links", "transfers", "vessels", "prices", "regimes", "rates", "price_index")


def _cites_estimate(source: str) -> bool:
    return schema.ESTIMATE in schema.split_list(source)


def status(net, table: str) -> pd.DataFrame:
    """The provenance of every numeric cell of ``table`` (rows x the model's numeric columns): ``published``,
    ``derived`` or ``estimated``, by the rule of the module docstring."""
    df = getattr(net, table)
    cols = list(schema.NUMERIC[table])
    est, der = _flags(net, table)
    out = np.full((len(df), len(cols)), PUBLISHED, dtype=object)
    out[der] = DERIVED
    out[est] = ESTIMATED
    if "calibrated" in df and len(df):
        for i, c in enumerate(df["calibrated"]):
            out[i, [cols.index(x) for x in schema.split_list(c) if x in cols]] = CALIBRATED
    return pd.DataFrame(out, index=df.index, columns=cols)


def estimated(net, table: str) -> pd.DataFrame:
    """True for each numeric cell of ``table`` that is an estimate (rows x the model's numeric columns)."""
    df = getattr(net, table)
    return pd.DataFrame(_flags(net, table)[0], index=df.index, columns=list(schema.NUMERIC[table]))


def _flags(net, table: str) -> tuple[np.ndarray, np.ndarray]:
    """(estimated, derived) as boolean arrays, rows x the model's numeric columns (computed once per network)."""
    cache = getattr(net, "_derived", None)
    key = ("provenance", table)
    if cache is not None and key in cache:
        return cache[key]
    flags = _compute_flags(net, table)
    if cache is not None:
        cache[key] = flags
    return flags


def _compute_flags(net, table: str) -> tuple[np.ndarray, np.ndarray]:
    df = getattr(net, table)
    cols = list(schema.NUMERIC[table])
    pos = {c: j for j, c in enumerate(cols)}
    est = np.zeros((len(df), len(cols)), dtype=bool)
    der = np.zeros_like(est)
    if not len(df):
        return est, der
    for i, (e, d, src) in enumerate(zip(df["estimated"], df["derived"], df["source"])):
        named = schema.split_list(e)
        if named:
            est[i, [pos[c] for c in named if c in pos]] = True
        elif _cites_estimate(src):
            est[i] = True
        der[i, [pos[c] for c in schema.split_list(d) if c in pos]] = True
    money = [pos[usd] for usd, _ in schema.MONEY[table] if usd in pos]
    if money:
        indexed = (df["price_year"].ne(net.year or "") & df["price_year"].ne("")).to_numpy()
        est[np.ix_(indexed, money)] = True
    der &= ~est
    if "calibrated" in df:  # fitted by corridor calibrate: neither estimated nor derived any more
        cal = np.zeros_like(est)
        for i, c in enumerate(df["calibrated"]):
            cal[i, [pos[x] for x in schema.split_list(c) if x in pos]] = True
        est &= ~cal
        der &= ~cal
    return est, der


def is_estimated(net, table: str, column: str) -> pd.Series:
    """True for each row of ``table`` whose ``column`` is an estimate."""
    return estimated(net, table)[column]


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
    ``cells``, ``published``, ``derived``, ``estimated``, ``calibrated`` (counts) and their shares
    (``published_share``, ...). Only cells that hold a figure count; coordinates are left out.
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
