"""Projects of a network folder: rows of nodes, links and transfers that a project builds (their ``project``
column), capacity raises (project_capacity.csv), and what each costs (projects.csv).

A :class:`~corridor.network.Network` holds the network as it runs today: the rows of projects not yet built are
kept aside in ``net.projects`` until :func:`open_projects` adds them. A built project (``opened_year`` set) is part
of the network; :func:`close_projects` takes it out, for an ex post appraisal.

Money: a project's capital and operating costs are in its own currency and price year; :func:`usd_millions` converts
them openly to USD of another price year (rates.csv at the cost's price year, then the USD rows of price_index.csv).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from . import schema
from .errors import InputError

if TYPE_CHECKING:
    from .network import Network

ELEMENT_TABLES = ("nodes", "links", "transfers")


def _empty(table: str, index: str = "id") -> pd.DataFrame:
    cols = [c.name for c in schema.TABLES[table] if c.name != index]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols}, index=pd.Index([], name=index))


@dataclass(frozen=True)
class ProjectTables:
    """The project tables of a network folder.

    ``table``: projects.csv indexed by id; ``nodes``, ``links``, ``transfers``: the rows of projects not yet built
    (same columns as the network's tables); ``capacity``: project_capacity.csv.
    """

    table: pd.DataFrame = field(default_factory=lambda: _empty("projects"))
    nodes: pd.DataFrame = field(default_factory=lambda: _empty("nodes"))
    links: pd.DataFrame = field(default_factory=lambda: _empty("links"))
    transfers: pd.DataFrame = field(default_factory=lambda: _empty("transfers", "id"))
    capacity: pd.DataFrame = field(default_factory=lambda: _empty("project_capacity", "id"))

    @property
    def ids(self) -> list[str]:
        return list(self.table.index)

    def built(self) -> list[str]:
        """Ids of the projects already built (``opened_year`` set)."""
        return [p for p, y in zip(self.table.index, self.table["opened_year"]) if y]

    def candidates(self) -> list[str]:
        """Ids of the projects not yet built."""
        return [p for p in self.table.index if p not in set(self.built())]


def split_projects(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], ProjectTables]:
    """The network's tables without the rows of projects not yet built, and the project tables."""
    projects = tables["projects"]
    built = set(projects.index[projects["opened_year"] != ""])
    out = {k: v for k, v in tables.items() if k not in ("projects", "project_capacity")}
    aside = {}
    for t in ELEMENT_TABLES:
        df = tables[t]
        pending = (df["project"] != "") & ~df["project"].isin(built)
        out[t], aside[t] = df[~pending], df[pending]
    return out, ProjectTables(table=projects, capacity=tables["project_capacity"], **aside)


def _check_ids(net: Network, ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(ids))
    unknown = [p for p in ids if p not in net.projects.table.index]
    if unknown:
        known = ", ".join(net.projects.ids) or "none"
        raise InputError(f"unknown project {', '.join(map(repr, unknown))} (projects of {net.name}: {known})")
    return ids


def _raise(net: Network, raises: pd.DataFrame, sign: float) -> dict[str, pd.DataFrame]:
    out = {}
    for table, group in raises.groupby("table"):
        df = net.table(str(table)).copy()
        for element, add in zip(group["element"], group["add_mt_per_year"]):
            if element in df.index:  # a row a case has closed stays closed
                df.loc[element, "capacity_mt_per_year"] = df.loc[element, "capacity_mt_per_year"] + sign * add
        out[str(table)] = df
    return out


def open_projects(net: Network, ids: Iterable[str]) -> Network:
    """A copy of ``net`` with the projects ``ids`` open: their rows added, their capacity raises applied.

    Built projects are already open and are left as they are. A row whose nodes a case has closed stays out.
    """
    ids = [p for p in _check_ids(net, ids) if p not in set(net.projects.built())]
    if not ids:
        return net
    pt = net.projects
    changed: dict[str, pd.DataFrame] = {}
    for t in ELEMENT_TABLES:
        rows = getattr(pt, t)
        changed[t] = pd.concat([net.table(t), rows[rows["project"].isin(ids)]])
    nodes = changed["nodes"].index
    lk = changed["links"]
    changed["links"] = lk[lk["from"].isin(nodes) & lk["to"].isin(nodes)]
    tr = changed["transfers"]
    changed["transfers"] = tr[tr["node"].isin(nodes)]
    opened = replace(net, **changed)
    return replace(opened, **_raise(opened, pt.capacity[pt.capacity["project"].isin(ids)], +1.0))


def close_projects(net: Network, ids: Iterable[str]) -> Network:
    """A copy of ``net`` without the built projects ``ids``: their rows removed, their raises taken off."""
    ids = [p for p in _check_ids(net, ids) if p in set(net.projects.built())]
    if not ids:
        return net
    changed = {t: net.table(t)[~net.table(t)["project"].isin(ids)] for t in ELEMENT_TABLES}
    nodes = changed["nodes"].index
    lk, tr = changed["links"], changed["transfers"]
    changed["links"] = lk[lk["from"].isin(nodes) & lk["to"].isin(nodes)]
    changed["transfers"] = tr[tr["node"].isin(nodes)]
    closed = replace(net, **changed)
    cap = net.projects.capacity
    return replace(closed, **_raise(closed, cap[cap["project"].isin(ids)], -1.0))


def usd_millions(net: Network, amount: float, currency: str, price_year: str, to_year: str) -> float:
    """``amount`` million ``currency`` at ``price_year`` prices, in million USD at ``to_year`` prices.

    A project's capital cost is converted at the annual average rate of its own price year (``rates.csv``), then
    carried to ``to_year`` with the USD price index (the ``USD`` rows of ``price_index.csv``): the usual rule for a
    capital cost published in its year's money. (Rows of the network tables follow :mod:`corridor.money`, which
    indexes in the original currency first; that needs each currency's own price index.)
    """
    rate = 1.0 if currency == "USD" else _value(net.rates, currency, price_year, "per_usd", "rates.csv")
    usd = amount / rate
    if str(price_year) == str(to_year):
        return usd
    index = net.price_index
    return usd * _value(index, "USD", to_year, "index", "price_index.csv") / _value(index, "USD", price_year, "index",
                                                                                    "price_index.csv")


def _value(df: pd.DataFrame, currency: str, year: str, column: str, file: str) -> float:
    key = schema.rate_id(currency, str(year))
    if key not in df.index:
        raise InputError(f"{file} has no {column} for {currency} in {year} (needed to convert a project's costs)")
    return float(df.loc[key, column])
