"""Checking the project tables of a network folder (projects.csv, project_capacity.csv, project_rates.csv and the
``project`` column of nodes, links and transfers): every problem with its file, line and column.

The rules: a project's rows may use the network's nodes and its own; the network's rows (and those of built
projects) may not use the nodes of a project that is not built; a capacity raise names a row that has a capacity;
capital costs in a currency other than USD have an exchange rate for their price year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

USD = "USD"


def _is_year(text: str) -> bool:
    return text.isdigit() and len(text) == 4


def check_projects(folder: Path, tables: dict[str, pd.DataFrame], problems: list[str]) -> None:
    """Check the project tables of ``tables`` (typed, with ``lineno``); add the ``id`` columns of
    ``project_capacity`` (``project:table:element``) and ``project_rates`` (``currency:year``)."""
    projects, capacity, rates = tables["projects"], tables["project_capacity"], tables["project_rates"]
    capacity["id"] = [f"{p}:{t}:{e}" for p, t, e in zip(capacity["project"], capacity["table"], capacity["element"])]
    rates["id"] = [f"{c}:{y}" for c, y in zip(rates["currency"], rates["year"])]
    ppath, cpath, rpath = folder / "projects.csv", folder / "project_capacity.csv", folder / "project_rates.csv"
    for value, group in capacity.groupby("id"):
        if len(group) > 1:
            problems.append(f"{cpath}: duplicate raise '{value}' on lines {', '.join(map(str, group['lineno']))}")
    for value, group in rates.groupby("id"):
        if len(group) > 1:
            problems.append(f"{rpath}: duplicate rate '{value}' on lines {', '.join(map(str, group['lineno']))}")
    known_rates = set(rates["id"])
    for row in rates.itertuples():
        where = f"{rpath} line {row.lineno} (currency={row.currency})"
        if not _is_year(row.year):
            problems.append(f"{where}: year must be a year such as 2025, got '{row.year}'")
        if row.currency == USD and row.units_per_usd != 1.0:
            problems.append(f"{where}: units_per_usd of USD must be 1, got {row.units_per_usd:g}")
    for row in projects.itertuples():
        where = f"{ppath} line {row.lineno} (id={row.id})"
        for col in ("price_year", "earliest_open_year", "opened_year"):
            value = getattr(row, col)
            if (value or col != "opened_year") and not _is_year(value):
                problems.append(f"{where}: {col} must be a year such as 2027, got '{value}'")
        if float(row.build_years) != int(row.build_years):
            problems.append(f"{where}: build_years must be a whole number, got {row.build_years:g}")
        if row.currency != USD and f"{row.currency}:{row.price_year}" not in known_rates:
            problems.append(f"{where}: currency {row.currency} needs a row for {row.price_year} in "
                            f"project_rates.csv (units_per_usd)")
    project_ids = set(projects["id"])
    built = set(projects.loc[projects["opened_year"] != "", "id"])
    node_project = dict(zip(tables["nodes"]["id"], tables["nodes"]["project"]))
    touched: set[str] = set()
    for table in ("nodes", "links", "transfers"):
        df, path = tables[table], folder / f"{table}.csv"
        for row in df.itertuples():
            if row.project == "":
                continue
            touched.add(row.project)
            if row.project not in project_ids:
                problems.append(f"{path} line {row.lineno} (id={row.id}): project '{row.project}' is not an id in "
                                f"projects.csv")
    for table, ends in (("links", ("from", "to")), ("transfers", ("node",))):
        df, path = tables[table], folder / f"{table}.csv"
        for _, row in df.iterrows():
            own = row["project"]
            for end in ends:
                other = node_project.get(row[end], "")
                if other and other not in built and other != own:
                    who = f"project '{own}'" if own else "the network"
                    problems.append(f"{path} line {row['lineno']} (id={row['id']}): node '{row[end]}' belongs to "
                                    f"project '{other}', which is not built; a row of {who} cannot use it")
    for row in capacity.itertuples():
        where = f"{cpath} line {row.lineno} (project={row.project})"
        touched.add(row.project)
        if row.project not in project_ids:
            problems.append(f"{where}: project '{row.project}' is not an id in projects.csv")
            continue
        target = tables[row.table]
        hit = target[target["id"] == row.element]
        if hit.empty:
            problems.append(f"{where}: {row.table} has no row '{row.element}'")
            continue
        cap = float(hit["capacity_mt_per_year"].iloc[0])
        if hit["project"].iloc[0] not in ("", *built):
            problems.append(f"{where}: '{row.element}' is a row of project '{hit['project'].iloc[0]}'; raise only "
                            f"rows of the network")
        elif np.isnan(cap):
            problems.append(f"{where}: '{row.element}' has no capacity (blank = unlimited), so nothing to raise")
        elif row.project in built and cap - row.add_mt_per_year < 0:
            problems.append(f"{where}: the built project's raise {row.add_mt_per_year:g} is more than the row's "
                            f"capacity {cap:g}")
    for row in projects.itertuples():
        if row.id not in touched:
            problems.append(f"{ppath} line {row.lineno} (id={row.id}): the project has no rows in nodes, links or "
                            f"transfers and no raise in project_capacity.csv, so it changes nothing")
