"""Reading a network folder: the CSV files typed against :mod:`corridor.schema`, then checked row by row and against
each other (:mod:`corridor._netchecks`). Every problem is reported with its file, line and column, all at once.

Rows added by a scenario (``[[cases.add]]``) go through the same typing and checks (:func:`typed_rows`,
:func:`corridor._netchecks.check_added`), so they are validated as file rows are.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from ._netchecks import Context, check_rows, check_sea, check_unique, context
from ._projfiles import check_projects
from .errors import collect

FILES = ("network", "nodes", "links", "transfers", "vessels", "prices", "regimes", "rates", "price_index", "projects",
         "project_capacity", "link_paths", "observations", "sources")
REQUIRED_FILES = ("nodes", "links", "sources")
OPTIONAL_FILES = tuple(f for f in FILES if f not in REQUIRED_FILES)
AT = "at"  # the column that says where a row comes from, for messages ("links.csv line 4")


def key(table: str) -> str:
    """The column that names a row of ``table`` in messages (id, node, market, currency or year)."""
    return schema.TABLES[table][0].name


def row_ids(table: str, df: pd.DataFrame) -> list[str]:
    """The ids of typed rows: their ``id`` column, or the id made of their key columns."""
    if table == "transfers":
        return [schema.transfer_id(n, a, b) for n, a, b in zip(df["node"], df["from_mode"], df["to_mode"])]
    if table == "prices":
        return [schema.price_id(m, c, y) for m, c, y in zip(df["market"], df["coal"], df["year"])]
    if table in ("rates", "price_index"):
        return [schema.rate_id(c, y) for c, y in zip(df["currency"], df["year"])]
    if table == "network":
        return ["network"] * len(df)
    if table == "project_capacity":
        return [f"{p}:{t}:{e}" for p, t, e in zip(df["project"], df["table"], df["element"])]
    if table == "link_paths":
        return list(df["link"])
    return list(df["id"])


def empty_raw(table: str) -> pd.DataFrame:
    """A table with no rows (a file that is absent)."""
    return pd.DataFrame({c.name: pd.Series(dtype=object) for c in schema.TABLES[table]} | {AT: pd.Series(dtype=object)})


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """The typed tables of a network folder, each indexed by its id, once every check has passed.

    Money given in a row's own currency is converted (:mod:`corridor.money`); the ``network`` table holds the one row
    of ``network.csv`` (empty without it).

    Raises
    ------
    InputError
        listing every problem found, each naming the file, line and column.
    """
    problems: list[str] = []
    raw: dict[str, pd.DataFrame | None] = {}
    for table in FILES:
        file = folder / f"{table}.csv"
        if not file.exists():
            if table in OPTIONAL_FILES:
                raw[table] = empty_raw(table)
                continue
            required = [f + ".csv" for f in REQUIRED_FILES]
            problems.append(f"{file}: missing file (a network folder needs {', '.join(required)}; "
                            f"{', '.join(f + '.csv' for f in OPTIONAL_FILES)} are optional)")
            continue
        raw[table] = _read_csv(file, table, problems)
    collect(problems)
    tables = {t: convert(raw[t], t, problems) for t in FILES}
    for t, df in tables.items():
        df["id"] = row_ids(t, df)
        if t != "network":
            check_unique(df, t, folder / f"{t}.csv", problems)
    net_rows = tables["network"]
    if len(net_rows) > 1:
        problems.append(f"{folder / 'network.csv'}: one row expected (the network's year), got {len(net_rows)}")
    ctx = context(tables, problems)
    for t in FILES:
        if t != "network":
            check_rows(t, tables[t], ctx, problems)
    check_sea(tables["links"], ctx, problems)
    check_projects(tables, problems)
    collect(problems)
    return {t: df.drop(columns=AT).set_index("id") for t, df in tables.items()}


def _read_csv(path: Path, table: str, problems: list[str]) -> pd.DataFrame | None:
    cols = schema.TABLES[table]
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError as err:
        problems.append(f"{path}: not UTF-8 text ({err.reason})")
        return None
    if not rows:
        problems.append(f"{path}: empty file (expected a header row: {', '.join(c.name for c in cols)})")
        return None
    header = [h.strip() for h in rows[0]]
    known = {c.name for c in cols}
    n_before = len(problems)
    for h in header:
        if h not in known:
            problems.append(f"{path}: unknown column '{h}' (known: {', '.join(sorted(known))})")
    local = {c.name: c.usd for c in cols if c.usd}
    model = {v: k for k, v in local.items()}
    for c in cols:
        if c.required and c.name not in header and model.get(c.name) not in header:
            alt = f" (or '{model[c.name]}' in the row's currency)" if c.name in model else ""
            problems.append(f"{path}: missing required column '{c.name}'{alt}")
    if len(set(header)) != len(header):
        problems.append(f"{path}: a column name appears twice in the header")
    if len(problems) > n_before:
        return None
    data: dict[str, list] = {h: [] for h in header}
    data[AT] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"{path} line {lineno}: {len(row)} fields, expected {len(header)}")
            continue
        for h, cell in zip(header, row):
            data[h].append(cell.strip())
        data[AT].append(f"{path} line {lineno}")
    return pd.DataFrame(data, dtype=object)


def raw_rows(table: str, rows: list[dict], where: list[str]) -> pd.DataFrame:
    """Rows given as dicts (e.g. a scenario's ``[[cases.add]]``) as raw text cells, the way a CSV file gives them:
    numbers as text, lists joined with ';', true/false; ``where`` says where each row comes from."""
    def text(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ";".join(text(v) for v in value)
        return str(value)

    names = [c.name for c in schema.TABLES[table]]
    data = {n: [text(r[n]) if n in r else "" for r in rows] for n in names}
    return pd.DataFrame(data | {AT: list(where)}, dtype=object)


def convert(df: pd.DataFrame | None, table: str, problems: list[str]) -> pd.DataFrame:
    """Typed columns with defaults; every bad cell reported with where it is. Money columns stay blank where blank
    (their defaults are applied once the row's money is converted, see :func:`corridor._netchecks.check_rows`)."""
    if df is None:
        df = empty_raw(table)
    out = pd.DataFrame(index=df.index)
    k = key(table)
    money = {usd for usd, _ in schema.MONEY[table]} | {loc for _, loc in schema.MONEY[table]}
    for c in schema.TABLES[table]:
        raw = df[c.name] if c.name in df else pd.Series([""] * len(df), index=df.index, dtype=object)
        if c.kind == "float":
            values = np.full(len(df), np.nan)
            for i, (cell, at, rid) in enumerate(zip(raw, df[AT], df.get(k, raw))):
                where = f"{at} ({k}={rid})"
                if cell == "":
                    if c.name in money:
                        continue
                    if c.required:
                        problems.append(f"{where}: {c.name} is blank; it needs a number in {c.unit}")
                    elif c.default is not None:
                        values[i] = c.default
                    continue
                try:
                    v = float(cell)
                except ValueError:
                    problems.append(f"{where}: {c.name} must be a number in {c.unit or 'units'}, got '{cell}'")
                    continue
                problem = schema.number_problem(c, v)
                if problem:
                    problems.append(f"{where}: {problem}")
                else:
                    values[i] = v
            out[c.name] = values
        elif c.kind == "bool":
            vals = []
            for cell, at, rid in zip(raw, df[AT], df[k]):
                low = cell.lower()
                if low in ("", "true", "yes", "1"):
                    vals.append(bool(c.default) if low == "" else True)
                elif low in ("false", "no", "0"):
                    vals.append(False)
                else:
                    problems.append(f"{at} ({k}={rid}): {c.name} must be true or false, got '{cell}'")
                    vals.append(True)
            out[c.name] = pd.Series(vals, index=df.index, dtype=bool)
        else:
            if c.kind == "choice":
                for cell, at, rid in zip(raw, df[AT], df[k]):
                    if cell not in c.choices:
                        problems.append(f"{at} ({k}={rid}): {c.name} '{cell}' is not one of {', '.join(c.choices)}")
            if c.kind in ("id", "str", "choice") and c.required:
                for cell, at in zip(raw, df[AT]):
                    if cell == "":
                        problems.append(f"{at}: {c.name} is blank")
            out[c.name] = raw.astype(str)
    out[AT] = df[AT].astype(str)
    return out


def typed_rows(table: str, rows: list[dict], where: list[str], ctx: Context, existing: pd.Index,
               problems: list[str]) -> pd.DataFrame:
    """Rows given as dicts, typed and checked as rows of ``table``'s file are, in the context of a loaded network
    (``ctx``; ``existing``: the ids already in the table). Returns them indexed by id (empty if a problem was found).
    """
    n_before = len(problems)
    df = convert(raw_rows(table, rows, where), table, problems)
    df["id"] = row_ids(table, df)
    for rid, at in zip(df["id"], df[AT]):
        if rid in existing:
            problems.append(f"{at}: {table} already has a row '{rid}' (change it with [[cases.change]])")
    check_unique(df, table, None, problems)
    if len(problems) == n_before:
        check_rows(table, df, ctx, problems)
        if table == "links":
            check_sea(df, ctx, problems)
    if len(problems) > n_before:
        return df.iloc[:0].drop(columns=AT).set_index("id")
    return df.drop(columns=AT).set_index("id")
