"""Reading and checking a network folder: the CSV files against :mod:`corridor.schema`, then the references
between them. Every problem is reported with its file, line and column, all at once."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .errors import collect
from .sea import fitting_classes

FILES = ("nodes", "links", "transfers", "vessels", "prices", "link_paths", "sources")
OPTIONAL_FILES = ("transfers", "vessels", "prices", "link_paths")


def _key(table: str) -> str:
    """The column that names a row of ``table`` in messages (id, node or market)."""
    return schema.TABLES[table][0].name


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """The typed tables of a network folder, each indexed by its id, once every check has passed.

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
                empty = {c.name: pd.Series(dtype=object) for c in schema.TABLES[table]}
                raw[table] = pd.DataFrame(empty | {"lineno": []})
                continue
            required = [f + ".csv" for f in FILES if f not in OPTIONAL_FILES]
            problems.append(f"{file}: missing file (a network folder needs {', '.join(required)}; "
                            f"{', '.join(f + '.csv' for f in OPTIONAL_FILES)} are optional)")
            continue
        raw[table] = _read_csv(file, table, problems)
    collect(problems)
    tables = {t: _convert(raw[t], t, folder / f"{t}.csv", problems) for t in FILES}
    nodes, links, transfers, vessels, prices, paths, sources = (tables[t] for t in FILES)
    for t, key in (("nodes", "id"), ("links", "id"), ("vessels", "id"), ("sources", "id")):
        _check_unique(tables[t], key, folder / f"{t}.csv", problems)
    transfers["id"] = [schema.transfer_id(n, a, b) for n, a, b in
                       zip(transfers["node"], transfers["from_mode"], transfers["to_mode"])]
    _check_unique(transfers, "id", folder / "transfers.csv", problems)
    prices["id"] = [schema.price_id(m, c, y) for m, c, y in zip(prices["market"], prices["coal"], prices["year"])]
    _check_unique(prices, "id", folder / "prices.csv", problems)
    source_ids = set(sources["id"])
    for t in ("nodes", "links", "transfers", "vessels", "prices", "link_paths"):
        _check_sources(tables[t], t, folder / f"{t}.csv", source_ids, problems)
    node_ids = set(nodes["id"])
    lpath, tpath = folder / "links.csv", folder / "transfers.csv"
    for end in ("from", "to"):
        for value, line, lid in zip(links[end], links["lineno"], links["id"]):
            if value not in node_ids:
                problems.append(f"{lpath} line {line} (id={lid}): {end} node '{value}' is not in nodes.csv")
    for f, t, line, lid in zip(links["from"], links["to"], links["lineno"], links["id"]):
        if f == t:
            problems.append(f"{lpath} line {line} (id={lid}): a link must join two different nodes")
    for row in transfers.itertuples():
        where = f"{tpath} line {row.lineno} ({row.id})"
        if row.node not in node_ids:
            problems.append(f"{where}: node '{row.node}' is not in nodes.csv")
        if row.from_mode == row.to_mode:
            problems.append(f"{where}: from_mode and to_mode are the same")
    _check_sea(folder, nodes, links, vessels, prices, problems)
    _check_paths(folder / "link_paths.csv", paths, set(links["id"]), problems)
    collect(problems)
    out = {t: df.drop(columns="lineno").set_index("id") for t, df in tables.items() if t != "link_paths"}
    out["link_paths"] = paths.drop(columns="lineno").set_index("link")
    return out


def parse_points(text: str) -> list[tuple[float, float]]:
    """The ``points`` of a ``link_paths.csv`` row: ``"lon lat; lon lat"`` -> [(lon, lat), ...].

    Raises
    ------
    ValueError
        naming the first pair that is not two numbers within the range of longitudes and latitudes.
    """
    out = []
    for pair in (p.strip() for p in text.split(";")):
        if not pair:
            continue
        parts = pair.split()
        try:
            lon, lat = (float(x) for x in parts)
        except ValueError:
            raise ValueError(f"'{pair}' is not 'lon lat' (two numbers in degrees)") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not all(np.isfinite((lon, lat))):
            raise ValueError(f"'{pair}' is outside lon -180..180, lat -90..90")
        out.append((lon, lat))
    return out


def _check_paths(path: Path, paths: pd.DataFrame, link_ids: set[str], problems: list[str]) -> None:
    """Each row of ``link_paths.csv`` names a known link once and gives readable points."""
    _check_unique(paths, "link", path, problems)
    for link, points, line in zip(paths["link"], paths["points"], paths["lineno"]):
        where = f"{path} line {line} (link={link})"
        if link not in link_ids:
            problems.append(f"{where}: link '{link}' is not in links.csv")
        try:
            parse_points(points)
        except ValueError as err:
            problems.append(f"{where}: points: {err}")


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
    for h in header:
        if h not in known:
            problems.append(f"{path}: unknown column '{h}' (known: {', '.join(sorted(known))})")
    for c in cols:
        if c.required and c.name not in header:
            problems.append(f"{path}: missing required column '{c.name}'")
    if len(set(header)) != len(header):
        problems.append(f"{path}: a column name appears twice in the header")
    if problems:
        return None
    data: dict[str, list] = {h: [] for h in header}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"{path} line {lineno}: {len(row)} fields, expected {len(header)}")
            continue
        for h, cell in zip(header, row):
            data[h].append(cell.strip())
        data.setdefault("lineno", []).append(lineno)
    df = pd.DataFrame(data, dtype=object)
    if "lineno" not in df:
        df["lineno"] = pd.Series(dtype=int)
    return df


def _convert(df: pd.DataFrame, table: str, path: Path, problems: list[str]) -> pd.DataFrame:
    """Typed columns with defaults; every bad cell reported with its line."""
    out = pd.DataFrame(index=df.index)
    key = _key(table)
    for c in schema.TABLES[table]:
        raw = df[c.name] if c.name in df else pd.Series([""] * len(df), index=df.index, dtype=object)
        if c.kind == "float":
            values = np.full(len(df), np.nan)
            for i, (cell, line, rid) in enumerate(zip(raw, df["lineno"], df[key])):
                where = f"{path} line {line} ({key}={rid})"
                if cell == "":
                    if c.required:
                        problems.append(f"{where}: {c.name} is blank; it needs a number in {c.unit}")
                    elif c.default is not None:
                        values[i] = c.default
                    continue
                try:
                    v = float(cell)
                except ValueError:
                    problems.append(f"{where}: {c.name} must be a number in {c.unit}, got '{cell}'")
                    continue
                problem = schema.number_problem(c, v)
                if problem:
                    problems.append(f"{where}: {problem}")
                else:
                    values[i] = v
            out[c.name] = values
        elif c.kind == "bool":
            vals = []
            for cell, line, rid in zip(raw, df["lineno"], df[key]):
                low = cell.lower()
                if low in ("", "true", "yes", "1"):
                    vals.append(bool(c.default) if low == "" else True)
                elif low in ("false", "no", "0"):
                    vals.append(False)
                else:
                    problems.append(f"{path} line {line} ({key}={rid}): {c.name} must be true or false, got '{cell}'")
                    vals.append(True)
            out[c.name] = pd.Series(vals, index=df.index, dtype=bool)
        else:
            if c.kind == "choice":
                for cell, line, rid in zip(raw, df["lineno"], df[key]):
                    if cell not in c.choices:
                        problems.append(f"{path} line {line} ({key}={rid}): {c.name} '{cell}' is not one of "
                                        f"{', '.join(c.choices)}")
            if c.kind in ("id", "str") and c.required:
                for cell, line in zip(raw, df["lineno"]):
                    if cell == "":
                        problems.append(f"{path} line {line}: {c.name} is blank")
            out[c.name] = raw.astype(str)
    out["lineno"] = df["lineno"].astype(int)
    return out


def _check_unique(df: pd.DataFrame, key: str, path: Path, problems: list[str]) -> None:
    dup = df[df[key].duplicated(keep=False)]
    for value, group in dup.groupby(key):
        problems.append(f"{path}: duplicate {key} '{value}' on lines {', '.join(map(str, group['lineno']))}")


def _check_sources(df: pd.DataFrame, table: str, path: Path, source_ids: set[str], problems: list[str]) -> None:
    if "source" not in df:
        return
    key = _key(table)
    for cell, note, line, rid in zip(df["source"], df.get("note", [""] * len(df)), df["lineno"], df[key]):
        where = f"{path} line {line} ({key}={rid})"
        if cell == "":
            problems.append(f"{where}: source is blank; cite a sources.csv id or write 'estimate' with a note")
            continue
        for sid in (s.strip() for s in cell.split(";")):
            if sid == schema.ESTIMATE:
                if not note:
                    problems.append(f"{where}: source 'estimate' needs a note saying how it was estimated")
            elif sid not in source_ids:
                problems.append(f"{where}: source '{sid}' is not an id in sources.csv")


def _check_sea(folder: Path, nodes: pd.DataFrame, links: pd.DataFrame, vessels: pd.DataFrame,
               prices: pd.DataFrame, problems: list[str]) -> None:
    """Blank tariffs only on sea links priced by vessel class, a class that fits every such link, sane
    vessel rows, and prices at known nodes."""
    lpath, vpath, ppath = folder / "links.csv", folder / "vessels.csv", folder / "prices.csv"
    for row in vessels.itertuples():
        if row.cargo_t > row.dwt_t:
            problems.append(f"{vpath} line {row.lineno} (id={row.id}): cargo_t {row.cargo_t:g} is more than "
                            f"dwt_t {row.dwt_t:g}")
    node_ids = set(nodes["id"])
    for row in prices.itertuples():
        if row.market not in node_ids:
            problems.append(f"{ppath} line {row.lineno} (market={row.market}): node '{row.market}' is not in nodes.csv")
        if not row.year.isdigit():
            problems.append(f"{ppath} line {row.lineno} (market={row.market}): year must be a year such as 2015, "
                            f"got '{row.year}'")
    node_index = nodes.drop_duplicates("id").set_index("id")  # duplicate ids are reported elsewhere
    blank = links["tariff_usd_per_tkm"].isna()
    found: list[tuple[int, str]] = []  # (line, problem), reported in file order
    for lid, line, speed in zip(*(links.loc[~blank, c] for c in ("id", "lineno", "speed_km_per_day"))):
        if np.isnan(speed):
            found.append((line, f"{lpath} line {line} (id={lid}): speed_km_per_day is blank; a link with a tariff "
                                f"needs a number in km/day"))
    for lid, line, mode in zip(*(links.loc[blank, c] for c in ("id", "lineno", "mode"))):
        where = f"{lpath} line {line} (id={lid})"
        if mode != "sea":
            found.append((line, f"{where}: tariff_usd_per_tkm is blank; it needs a number in USD/t-km (only a sea "
                                f"link may leave it blank, to be priced by vessel class)"))
        elif len(vessels) == 0:
            found.append((line, f"{where}: tariff_usd_per_tkm is blank but the network has no vessels.csv to price "
                                f"the sea link by vessel class"))
    # vessel-priced sea links between known nodes: some class must fit both ports (the pricing rule itself)
    priced = links[blank & (links["mode"] == "sea") & links["from"].isin(node_index.index)
                   & links["to"].isin(node_index.index)]
    if len(priced) and len(vessels):
        fits, max_loa, max_draught = fitting_classes(vessels, node_index, priced["from"], priced["to"])
        any_fits = np.asarray(fits.any(axis=1), dtype=bool)
        for lid, line, ok, loa, dr in zip(priced["id"], priced["lineno"], any_fits, max_loa, max_draught):
            if not ok:
                found.append((line, f"{lpath} line {line} (id={lid}): no vessel class in vessels.csv fits both "
                                    f"ports (max_loa_m {loa:g}, max_draught_m {dr:g})"))
    problems.extend(msg for _, msg in sorted(found, key=lambda x: x[0]))


