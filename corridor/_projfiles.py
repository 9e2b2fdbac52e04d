"""Checking the project tables of a network folder (projects.csv, project_capacity.csv and the ``project`` column of
nodes, links and transfers): every problem with its file, line and column.

The rules: a project's rows may use the network's nodes and its own; the network's rows (and those of built
projects) may not use the nodes of a project that is not built; a capacity raise names a row that has a capacity;
capital costs in a currency other than USD have an exchange rate for their price year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

USD = "USD"


def _is_year(text: str) -> bool:
    return text.isdigit() and len(text) == 4


def check_projects(tables: dict[str, pd.DataFrame], problems: list[str]) -> None:
    """Check the project tables of ``tables`` (typed, with ``id`` and ``at``, the row's file and line)."""
    projects, capacity, rates = tables["projects"], tables["project_capacity"], tables["rates"]
    known_rates = set(rates["id"])
    for row in projects.itertuples():
        where = f"{row.at} (id={row.id})"
        for col in ("price_year", "earliest_open_year", "opened_year"):
            value = getattr(row, col)
            if (value or col != "opened_year") and not _is_year(value):
                problems.append(f"{where}: {col} must be a year such as 2027, got '{value}'")
        if float(row.build_years) != int(row.build_years):
            problems.append(f"{where}: build_years must be a whole number, got {row.build_years:g}")
        if row.currency != USD and f"{row.currency}:{row.price_year}" not in known_rates:
            problems.append(f"{where}: currency {row.currency} needs a rate for {row.price_year} in rates.csv "
                            f"(per_usd)")
    project_ids = set(projects["id"])
    built = set(projects.loc[projects["opened_year"] != "", "id"])
    node_project = dict(zip(tables["nodes"]["id"], tables["nodes"]["project"]))
    touched: set[str] = set()
    for table in ("nodes", "links", "transfers"):
        for row in tables[table].itertuples():
            if row.project == "":
                continue
            touched.add(row.project)
            if row.project not in project_ids:
                problems.append(f"{row.at} (id={row.id}): project '{row.project}' is not an id in projects.csv")
    for table, ends in (("links", ("from", "to")), ("transfers", ("node",))):
        for _, row in tables[table].iterrows():
            own = row["project"]
            for end in ends:
                other = node_project.get(row[end], "")
                if other and other not in built and other != own:
                    who = f"project '{own}'" if own else "the network"
                    problems.append(f"{row['at']} (id={row['id']}): node '{row[end]}' belongs to project '{other}', "
                                    f"which is not built; a row of {who} cannot use it")
    for row in capacity.itertuples():
        where = f"{row.at} (project={row.project})"
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
            problems.append(f"{row.at} (id={row.id}): the project has no rows in nodes, links or transfers and no "
                            f"raise in project_capacity.csv, so it changes nothing")
