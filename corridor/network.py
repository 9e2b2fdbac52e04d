"""Network: the tables of a network folder (nodes, links, transfers, vessels, prices, regimes, rates, price index,
observations, sources), loaded and validated once.

A :class:`Network` is immutable in use: :meth:`Network.change` and :meth:`Network.close` return changed
copies, so a scenario's cases never see each other's edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from ._files import Staging, replace_together
from ._netchecks import network_context
from ._netfiles import FILES, read_folder, typed_rows
from ._provenance import folder_sha256
from .errors import InputError, collect
from .projects import ELEMENT_TABLES, ProjectTables, split_projects

DATA_DIR = Path(__file__).parent / "data"


def shipped_networks() -> list[str]:
    """Names of the networks shipped with the package (folders under ``corridor/data``)."""
    return sorted(p.name for p in DATA_DIR.iterdir() if (p / "nodes.csv").exists())


def resolve_network_path(name_or_path: str | Path, base: Path | None = None) -> Path:
    """A folder path (relative to ``base`` if given), or else a shipped network name (``"baseline"``).

    A folder that exists next to the scenario wins over a shipped network of the same name.
    """
    text = str(name_or_path)
    path = Path(text)
    if not path.is_absolute() and base is not None:
        path = base / path
    if text in shipped_networks() and not (path / "nodes.csv").exists():
        return DATA_DIR / text
    return path


@dataclass(frozen=True)
class Network:
    """The tables of a corridor network (pandas DataFrames, indexed by id).

    Attributes
    ----------
    nodes, links, transfers, sources : pandas.DataFrame
        One row per node, link, transfer and source; columns as in :mod:`corridor.schema`.
        ``transfers`` is indexed by ``node:from_mode>to_mode``.
    vessels, prices : pandas.DataFrame
        Vessel classes (indexed by id; empty if the folder has no ``vessels.csv``) and market prices
        (indexed by ``market:coal:year``; empty without ``prices.csv``).
    regimes : pandas.DataFrame
        Transit regimes (indexed by id). Empty without ``regimes.csv``: then every transit is open at the links'
        own tariffs (see :attr:`has_regimes`).
    rates, price_index : pandas.DataFrame
        Exchange rates and price indices (indexed by ``currency:year``) that converted the money given in its own
        currency; every money table keeps that figure, its ``currency`` and ``price_year`` beside the USD value.
    observations : pandas.DataFrame
        What was observed (``observations.csv``, indexed by id): costs, transit days, border hours and annual tonnes,
        each with its band, year and source, to hold the model against (:mod:`corridor.validation`).
    year : str or None
        The network's year (``network.csv``): its money is in USD of this year. None if the folder does not say.
    description : str
        What the network describes (``network.csv``).
    link_paths : pandas.DataFrame
        The drawn course of links whose straight line would mislead on a map (indexed by link id; empty without
        ``link_paths.csv``): sea legs along their maritime path, rail lines through intermediate points. For drawing
        only (:mod:`corridor.geometry`): distances are in ``links``.
    folder : str
        The absolute path of the folder it was read from ("" for a network built in memory).
    digest : str
        SHA-256 of the folder's files as read (see :mod:`corridor._provenance`); a changed or closed copy keeps
        it (the changes of a case are recorded beside it in a run's manifest).
    name : str
        Where the network came from (a folder name), for reports.
    closed : tuple of str
        What has been closed, in words, for messages such as "no route ... with KP closed".
    projects : ProjectTables
        projects.csv, the rows of projects not yet built and the capacity raises (see :mod:`corridor.projects`).
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    transfers: pd.DataFrame
    sources: pd.DataFrame
    name: str = "network"
    closed: tuple[str, ...] = field(default=())
    vessels: pd.DataFrame = field(default_factory=lambda: _empty("vessels", "id"))
    prices: pd.DataFrame = field(default_factory=lambda: _empty("prices", "id"))
    regimes: pd.DataFrame = field(default_factory=lambda: _empty("regimes", "id"))
    rates: pd.DataFrame = field(default_factory=lambda: _empty("rates", "id"))
    price_index: pd.DataFrame = field(default_factory=lambda: _empty("price_index", "id"))
    observations: pd.DataFrame = field(default_factory=lambda: _empty("observations", "id"))
    year: str | None = None
    description: str = ""
    projects: ProjectTables = field(default_factory=ProjectTables)
    link_paths: pd.DataFrame = field(default_factory=lambda: _empty("link_paths", "link"))
    folder: str = ""
    digest: str = ""
    # what is derived from the tables once (the provenance flags of corridor.provenance, the links' prices for a
    # lot, ...); a changed copy starts empty
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def has_regimes(self) -> bool:
        """True if the network has transit regimes (a ``regimes.csv``, or rows a scenario added): the routing graph
        then lets a route cross a country only as an import or under a regime (:mod:`corridor.graph`)."""
        return len(self.regimes) > 0

    def table(self, name: str) -> pd.DataFrame:
        if name not in schema.CHANGEABLE:
            raise InputError(f"unknown table '{name}' (expected {', '.join(schema.CHANGEABLE[:-1])} or "
                             f"{schema.CHANGEABLE[-1]})")
        return getattr(self, name)

    # ----- selection and changes (each returns a new Network) ---------------------------------
    def select(self, table: str, where: dict | None = None) -> pd.Index:
        """Ids of the rows of ``table`` where every key of ``where`` matches.

        A value may be a scalar or a list (any of). The key ``id`` matches the index.
        """
        df = self.table(table)
        mask = np.ones(len(df), dtype=bool)
        for key, want in (where or {}).items():
            col = df.index.to_series() if key == "id" else df[key] if key in df.columns else None
            if col is None:
                raise InputError(f"{table}: unknown column '{key}' in where (columns: id, {', '.join(df.columns)})")
            wants = want if isinstance(want, list) else [want]
            mask &= col.isin(wants).to_numpy()
        return df.index[mask]

    def change(self, table: str, where: dict | None = None, *, scale: dict | None = None,
               set: dict | None = None, add: dict | None = None) -> Network:
        """A copy with numeric columns of the selected rows scaled, set or increased.

        A changed cell counts as an estimate (the scenario's assumption, see :mod:`corridor.provenance`). Money is
        changed in USD of the network's year: a scale also scales the figure in the row's own currency; a set or an
        add leaves the row's money in USD.

        Examples
        --------
        >>> net2 = net.change("links", {"country": "RU", "mode": "rail1520"}, scale={"tariff_usd_per_tkm": 0.5})
        """
        ids = self.select(table, where)
        if len(ids) == 0:
            raise InputError(f"{table}: where {where} selects no row")
        df = self.table(table).copy()
        if table == "regimes":
            for col in {**(scale or {}), **(set or {}), **(add or {})}:
                other = ids[df.loc[ids, "basis"].map(schema.REGIME_VALUE) != col]
                if col in schema.REGIME_VALUE.values() and len(other):
                    raise InputError(f"regimes: the basis of {', '.join(other)} does not use {col}")
        for op, values in (("scale", scale), ("set", set), ("add", add)):
            for col, value in (values or {}).items():
                if col not in schema.NUMERIC[table]:
                    numeric = ", ".join(schema.NUMERIC[table])
                    raise InputError(f"{table}: cannot {op} '{col}' (numeric columns: {numeric})")
                if not isinstance(value, (int, float)) or isinstance(value, bool) or not np.isfinite(value):
                    raise InputError(f"{table}: {op} {col} needs a number, got {value!r}")
                before = df.loc[ids, col]
                if op != "set" and before.isna().all():
                    raise InputError(f"{table}: {op} {col}: every selected row leaves {col} blank, so nothing would "
                                     f"change (e.g. a sea link priced by vessel class has no tariff: change vessels)")
                if op == "scale":
                    after = before * value
                elif op == "add":
                    after = before + value
                else:
                    after = pd.Series(float(value), index=ids)
                for rid, v in after.dropna().items():
                    problem = schema.number_problem(schema.column(table, col), float(v))
                    if problem:
                        raise InputError(f"{table}: {op} {col} {value:g} on '{rid}' gives {v:g}, but {problem}")
                df.loc[ids, col] = after
                _record_change(df, table, ids, col, op, value, self.year)
        return replace(self, **{table: df})

    def add_rows(self, table: str, rows: list[dict], where: list[str] | None = None) -> Network:
        """A copy with ``rows`` (dicts of column values, as in the file) added to ``table``, checked as rows of the
        file are; ``where`` says where each row comes from, for messages.

        Raises
        ------
        InputError
            listing every problem of the rows.

        Examples
        --------
        >>> net2 = net.add_rows("regimes", [{"id": "cn_ru_transit", "country": "CN", "origin_country": "MN",
        ...     "exits": "hunchun", "basis": "coefficient", "coefficient": 1.0, "source": "estimate",
        ...     "note": "a hypothetical deal"}])
        """
        if table not in schema.CHANGEABLE:
            self.table(table)  # raises: unknown table
        where = where or [f"{table} row {i}" for i in range(1, len(rows) + 1)]
        problems: list[str] = []
        new = typed_rows(table, rows, where, network_context(self), self.table(table).index, problems)
        collect(problems)
        combined = pd.concat([self.table(table), new[self.table(table).columns]])
        return replace(self, **{table: combined})

    def close(self, *, countries=(), nodes=(), links=(), transfers=()) -> Network:
        """A copy without the given countries, nodes, links or transfers.

        Closing a node (or a country's nodes) removes every link and transfer at it.
        """
        problems = []
        for kind, wanted, known in (("country", countries, schema.LINK_COUNTRIES), ("node", nodes, self.nodes.index),
                                    ("link", links, self.links.index), ("transfer", transfers, self.transfers.index)):
            for item in wanted:
                if item not in known:
                    problems.append(f"close: unknown {kind} '{item}'")
        collect(problems)
        node_mask = ~(self.nodes.index.isin(nodes) | self.nodes["country"].isin(countries))
        kept_nodes = self.nodes[node_mask]
        lk = self.links
        link_mask = (~lk.index.isin(links) & ~lk["country"].isin(countries)
                     & lk["from"].isin(kept_nodes.index) & lk["to"].isin(kept_nodes.index))
        tr = self.transfers
        tr_mask = ~tr.index.isin(transfers) & tr["node"].isin(kept_nodes.index)
        words = [*countries, *nodes, *links, *transfers]
        return replace(self, nodes=kept_nodes, links=lk[link_mask], transfers=tr[tr_mask],
                       closed=self.closed + tuple(words))

    def price(self, market: str, coal: str = "thermal") -> float:
        """Price per tonne of ``coal`` at ``market`` from ``prices.csv`` (the latest year), NaN if none."""
        p = self.prices
        rows = p[(p["market"] == market) & (p["coal"] == coal)] if len(p) else p
        if len(rows) == 0:
            return float("nan")
        return float(rows.loc[rows["year"].astype(int).idxmax(), "usd_per_t"])

    def __repr__(self) -> str:
        return (f"<Network {self.name}: {len(self.nodes)} nodes, {len(self.links)} links, "
                f"{len(self.transfers)} transfers, {len(self.sources)} sources>")


def _as_file(df: pd.DataFrame, table: str, year: str | None) -> pd.DataFrame:
    """A loaded table as its file gives it: money in USD of the network's year in the USD columns (currency and
    price_year blank), other money as published in the columns without 'usd'."""
    pairs = schema.MONEY[table]
    if not pairs:
        return df
    df = df.copy()
    plain = df["currency"].eq(schema.MODEL_CURRENCY) & df["price_year"].isin([year or "", ""])
    for usd, local in pairs:
        df.loc[plain, local] = np.nan
        df.loc[~plain, usd] = np.nan
    df.loc[plain, "currency"] = ""
    df.loc[plain, "price_year"] = ""
    return df


def _empty(table: str, index: str) -> pd.DataFrame:
    cols = [c.name for c in schema.TABLES[table] if c.name != index]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols}, index=pd.Index([], name=index))


def _record_change(df: pd.DataFrame, table: str, ids: pd.Index, col: str, op: str, value: float,
                   year: str | None) -> None:
    """After a change of ``col``: mark the cells estimated and keep the own-currency record consistent."""
    if "estimated" in df:
        df.loc[ids, "estimated"] = [";".join(dict.fromkeys([*schema.split_list(e), col]))
                                    for e in df.loc[ids, "estimated"]]
    pairs = dict(schema.MONEY[table])
    if col not in pairs:
        return
    if op == "scale":
        df.loc[ids, pairs[col]] = df.loc[ids, pairs[col]] * value
    else:  # the row's money is now stated in USD of the network's year
        for usd, local in pairs.items():
            df.loc[ids, local] = df.loc[ids, usd]
        df.loc[ids, "currency"] = schema.MODEL_CURRENCY
        df.loc[ids, "price_year"] = year or ""


def load_network(path: str | Path = "baseline") -> Network:
    """Read and validate a network folder (or a shipped network by name, e.g. ``"baseline"``).

    Raises
    ------
    InputError
        listing every problem found, each naming the file, line and column.
    """
    folder = resolve_network_path(path)
    if not folder.is_dir():
        raise InputError(f"{folder}: network folder not found (shipped networks: {', '.join(shipped_networks())})")
    tables = read_folder(folder)
    meta = tables.pop("network")
    year = str(meta["year"].iloc[0]) if len(meta) else None
    description = str(meta["description"].iloc[0]) if len(meta) else ""
    tables, projects = split_projects(tables)
    return Network(name=folder.name, year=year, description=description, projects=projects,
                   folder=str(folder.resolve()), digest=folder_sha256(folder, [f"{t}.csv" for t in FILES]),
                   **tables)


def write_network(net: Network, folder: str | Path, *, stage: Staging | None = None) -> Path:
    """Write ``net`` as a network folder (the format :func:`load_network` reads), all files together or none (into
    ``stage``, a :class:`corridor._files.Staging` shared with other outputs, if given)."""
    folder = Path(folder)
    files = {}
    for table in FILES:
        if table == "network":
            if net.year is None:
                continue
            df = pd.DataFrame({"year": [net.year], "description": [net.description], "note": [""]})
        elif table in ELEMENT_TABLES:  # the network's rows and those of projects not yet built
            df = _as_file(pd.concat([getattr(net, table), getattr(net.projects, table)]).reset_index(), table,
                          net.year)
        elif table in ("projects", "project_capacity"):
            df = (net.projects.table if table == "projects" else net.projects.capacity).reset_index()
        else:
            df = _as_file(getattr(net, table).reset_index(), table, net.year)
        if table not in ("nodes", "links", "sources") and len(df) == 0:
            continue
        cols = [c.name for c in schema.TABLES[table]]
        files[folder / f"{table}.csv"] = df[cols].to_csv(index=False).encode("utf-8")
    if stage is None:
        replace_together(files)
    else:
        for path, data in files.items():
            stage.add(path, data)
    return folder
