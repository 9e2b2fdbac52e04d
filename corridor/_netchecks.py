"""The checks on typed rows of a network table: sources and provenance, money in its own currency, references to
other tables, and the rules of each table. Shared by a folder's files (:func:`corridor._netfiles.read_folder`) and
rows a scenario adds (:func:`corridor._netfiles.typed_rows`); every problem names where the row comes from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .money import Converter
from .sea import fitting_classes

LAND_MODES = tuple(m for m in schema.MODES if m != "sea")


@dataclass(frozen=True)
class Context:
    """What rows are checked against: nodes (by id), source ids, the money converter, vessel classes, and the links
    and transfers (by id) that observations may name."""

    nodes: pd.DataFrame
    source_ids: frozenset[str]
    converter: Converter
    vessels: pd.DataFrame
    link_ids: frozenset[str] = frozenset()
    links: pd.DataFrame | None = None
    transfers: pd.DataFrame | None = None


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit()


def context(tables: dict[str, pd.DataFrame], problems: list[str]) -> Context:
    """The context of a folder's typed tables (each with an ``id`` column); checks network.csv's year."""
    year = None
    net = tables["network"]
    if len(net):
        year = str(net["year"].iloc[0])
        if not _is_year(year):
            problems.append(f"{net['at'].iloc[0]}: year must be a year such as 2015, got '{year}'")
            year = None
    by_id = {t: tables[t].drop_duplicates("id").set_index("id")
             for t in ("nodes", "rates", "price_index", "vessels", "links", "transfers")}
    return Context(nodes=by_id["nodes"], source_ids=frozenset(tables["sources"]["id"]),
                   converter=Converter(year, by_id["rates"], by_id["price_index"]), vessels=by_id["vessels"],
                   link_ids=frozenset(tables["links"]["id"]), links=by_id["links"], transfers=by_id["transfers"])


def network_context(net) -> Context:
    """The context of a loaded :class:`corridor.Network` (for rows a scenario adds)."""
    return Context(nodes=net.nodes, source_ids=frozenset(net.sources.index),
                   converter=Converter(net.year, net.rates, net.price_index), vessels=net.vessels,
                   link_ids=frozenset(net.links.index), links=net.links, transfers=net.transfers)


def check_unique(df: pd.DataFrame, table: str, path: Path | None, problems: list[str]) -> None:
    dup = df[df["id"].duplicated(keep=False)]
    for value, group in dup.groupby("id"):
        if path is not None:
            lines = ", ".join(a.rsplit(" line ", 1)[-1] for a in group["at"])
            problems.append(f"{path}: duplicate id '{value}' on lines {lines}")
        else:
            problems.append(f"{group['at'].iloc[-1]}: duplicate {table} id '{value}'")


def _where(df: pd.DataFrame, table: str) -> list[str]:
    k = schema.TABLES[table][0].name
    return [f"{at} ({k}={rid})" for at, rid in zip(df["at"], df[k])]


def check_rows(table: str, df: pd.DataFrame, ctx: Context, problems: list[str]) -> None:
    """Every check of rows of ``table`` (typed, with ``id`` and ``at``); converts their money in place."""
    where = _where(df, table)
    if "source" in df:
        _check_sources(df, where, ctx, problems)
    if "estimated" in df:
        _check_provenance(df, table, where, problems)
    if schema.MONEY[table]:
        _convert_money(df, table, where, ctx.converter, problems)
    rule = _RULES.get(table)
    if rule is not None:
        rule(df, where, ctx, problems)


def _check_sources(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    for cell, note, w in zip(df["source"], df["note"], where):
        if cell == "":
            problems.append(f"{w}: source is blank; cite a sources.csv id or write 'estimate' with a note")
            continue
        for sid in schema.split_list(cell):
            if sid == schema.ESTIMATE:
                if not note:
                    problems.append(f"{w}: source 'estimate' needs a note saying how it was estimated")
            elif sid not in ctx.source_ids:
                problems.append(f"{w}: source '{sid}' is not an id in sources.csv")


def _check_provenance(df: pd.DataFrame, table: str, where: list[str], problems: list[str]) -> None:
    """``estimated`` and ``derived`` name numeric columns; a row with any needs a note. Names of money columns in the
    row's own currency stand for their model column; '*' for every numeric column. Stored normalised."""
    model_of = {c.name: c.usd or c.name for c in schema.TABLES[table] if c.kind == "float"}
    every = list(schema.NUMERIC[table])
    for col in ("estimated", "derived", "calibrated"):
        normal = []
        for cell, w in zip(df[col], where):
            names: list[str] = []
            for name in schema.split_list(cell):
                if name == schema.ALL_COLUMNS:
                    names += every
                elif name in model_of:
                    names.append(model_of[name])
                else:
                    problems.append(f"{w}: {col} names '{name}', which is not a numeric column of {table}.csv "
                                    f"(numeric columns: {', '.join(every)})")
            normal.append(";".join(dict.fromkeys(names)))
        df[col] = normal
    for est, der, cal, note, w in zip(df["estimated"], df["derived"], df["calibrated"], df["note"], where):
        named = {"estimated": set(schema.split_list(est)), "derived": set(schema.split_list(der)),
                 "calibrated": set(schema.split_list(cal))}
        for (a, sa), (b, sb) in (((a, named[a]), (b, named[b])) for a, b in
                                 (("estimated", "derived"), ("estimated", "calibrated"), ("derived", "calibrated"))):
            if sa & sb:
                problems.append(f"{w}: {', '.join(sorted(sa & sb))} is both {a} and {b}; name it in one of them")
        which = next((k for k in named if named[k]), None)
        if which and not note:
            problems.append(f"{w}: a row with {which} cells needs a note saying how they were {which}")


def _convert_money(df: pd.DataFrame, table: str, where: list[str], conv: Converter, problems: list[str]) -> None:
    """Each money quantity from its model column (USD of the network's year) or its column in the row's currency and
    price_year (converted); defaults where both are blank. Afterwards ``currency``, ``price_year`` and the own-currency
    columns say what each USD value came from."""
    cols = {c.name: c for c in schema.TABLES[table]}
    year = conv.year or ""
    currencies, years = [], []
    for i, (cur, py, w) in enumerate(zip(df["currency"], df["price_year"], where)):
        if py and not _is_year(py):
            problems.append(f"{w}: price_year must be a year such as 2015, got '{py}'")
            py = ""
        local_given = [loc for _, loc in schema.MONEY[table] if not np.isnan(df[loc].iat[i])]
        usd_given = [usd for usd, _ in schema.MONEY[table] if not np.isnan(df[usd].iat[i])]
        factor = 1.0
        if local_given:
            if not cur:
                problems.append(f"{w}: {', '.join(local_given)} needs a currency (e.g. CNY, RUB, USD) and a "
                                f"price_year (blank = the network's year)")
                factor = np.nan
            else:
                f, missing = conv.factor(cur, py)
                if f is None:
                    problems.append(f"{w}: cannot convert {cur} of {py or year or 'the network year'}: {missing}")
                factor = np.nan if f is None else f
        if usd_given and ((cur and cur != schema.MODEL_CURRENCY) or (py and py != year)):
            problems.append(f"{w}: {', '.join(usd_given)} holds USD of the network's year; a figure in {cur or 'USD'} "
                            f"of {py or year} goes in {', '.join(cols[u].name.replace('usd_', '') for u in usd_given)}"
                            " (the column without 'usd')")
        for usd, loc in schema.MONEY[table]:
            u, v = df[usd].iat[i], df[loc].iat[i]
            if not np.isnan(u) and not np.isnan(v):
                problems.append(f"{w}: give {usd} (USD of the network's year) or {loc} (in the row's currency), "
                                "not both")
            elif not np.isnan(v):
                df.iloc[i, df.columns.get_loc(usd)] = v * factor
            elif np.isnan(u):
                c = cols[usd]
                if c.required:
                    problems.append(f"{w}: {usd} is blank; it needs a number in {c.unit} (or {loc} in the row's "
                                    "currency)")
                elif c.default is not None:
                    df.iloc[i, df.columns.get_loc(usd)] = c.default
        currencies.append(cur if local_given and cur else schema.MODEL_CURRENCY)
        years.append(py if local_given and py else year)
    for usd, loc in schema.MONEY[table]:
        df[loc] = df[loc].where(df[loc].notna(), df[usd])
    df["currency"], df["price_year"] = currencies, years


# ----- the rules of each table ---------------------------------------------------------------------------------

def _links(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    for end in ("from", "to"):
        for value, w in zip(df[end], where):
            if value not in ctx.nodes.index:
                problems.append(f"{w}: {end} node '{value}' is not in nodes.csv")
    for f, t, w in zip(df["from"], df["to"], where):
        if f == t:
            problems.append(f"{w}: a link must join two different nodes")


def _transfers(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    for node, a, b, w in zip(df["node"], df["from_mode"], df["to_mode"], where):
        if node not in ctx.nodes.index:
            problems.append(f"{w}: node '{node}' is not in nodes.csv")
        if a == b:
            problems.append(f"{w}: from_mode and to_mode are the same")


def _vessels(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    for cargo, dwt, w in zip(df["cargo_t"], df["dwt_t"], where):
        if cargo > dwt:
            problems.append(f"{w}: cargo_t {cargo:g} is more than dwt_t {dwt:g}")


def _prices(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    for market, year, w in zip(df["market"], df["year"], where):
        if market not in ctx.nodes.index:
            problems.append(f"{w}: node '{market}' is not in nodes.csv")
        if not year.isdigit():
            problems.append(f"{w}: year must be a year such as 2015, got '{year}'")


def _regimes(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    basis_cols = schema.REGIME_VALUE
    country = ctx.nodes["country"]
    for i, w in enumerate(where):
        row = df.iloc[i]
        if row["id"] in schema.RESERVED_REGIME_IDS:
            problems.append(f"{w}: '{row['id']}' is the name of a layer of the routing graph; give the regime another "
                            "id")
        origins = schema.split_list(row["origin_country"])
        for o in origins:
            if o not in schema.COUNTRIES:
                problems.append(f"{w}: origin_country '{o}' is not one of {', '.join(schema.COUNTRIES)}")
        if row["country"] in origins:
            problems.append(f"{w}: origin_country lists {row['country']}, the country crossed (cargo leaves its own "
                            "country without a transit regime)")
        exits = schema.split_list(row["exits"])
        if not exits:
            problems.append(f"{w}: exits is blank; name the nodes where transit cargo may leave {row['country']}")
        for node in exits:
            if node not in country.index:
                problems.append(f"{w}: exit '{node}' is not in nodes.csv")
            elif country[node] != row["country"]:
                problems.append(f"{w}: exit '{node}' is in {country[node]}, not in {row['country']} (an exit is the "
                                "last node before the cargo leaves the country)")
        for mode in schema.split_list(row["modes"]):
            if mode not in LAND_MODES:
                problems.append(f"{w}: modes lists '{mode}', not one of {', '.join(LAND_MODES)}")
        basis = row["basis"]
        if basis in basis_cols:
            if np.isnan(row[basis_cols[basis]]):
                local = {"coefficient": "", "tariff": " (or tariff_per_tkm)", "flat": " (or flat_per_t)"}[basis]
                problems.append(f"{w}: basis {basis} needs {basis_cols[basis]}{local}")
            for other, col in basis_cols.items():
                if other != basis and not np.isnan(row[col]):
                    problems.append(f"{w}: basis {basis} takes no {col} (that is basis {other})")


def _rates(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    for cur, year, w in zip(df["currency"], df["year"], where):
        if not (len(cur) == 3 and cur.isalpha() and cur.isupper()):
            problems.append(f"{w}: currency must be a three-letter code such as CNY, got '{cur}'")
        if not _is_year(year):
            problems.append(f"{w}: year must be a year such as 2015, got '{year}'")
    if "per_usd" in df:
        for cur, rate, w in zip(df["currency"], df["per_usd"], where):
            if cur == schema.MODEL_CURRENCY and rate != 1:
                problems.append(f"{w}: the rate of USD per USD is 1, got {rate:g}")


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
        try:
            lon, lat = (float(x) for x in pair.split())
        except ValueError:
            raise ValueError(f"'{pair}' is not 'lon lat' (two numbers in degrees)") from None
        if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"'{pair}' is outside lon -180..180, lat -90..90")
        out.append((lon, lat))
    return out


def _link_paths(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    """Each row names a link of links.csv and gives readable points."""
    for w, link, points in zip(where, df["link"], df["points"]):
        if ctx.link_ids and link not in ctx.link_ids:
            problems.append(f"{w}: link '{link}' is not in links.csv")
        try:
            parse_points(points)
        except ValueError as err:
            problems.append(f"{w}: points: {err}")



def element_kind(ident: str, nodes: pd.DataFrame, links: pd.DataFrame, transfers: pd.Index) -> str | None:
    """What an element id of an observation names: ``node``, ``link``, ``transfer`` or ``crossing`` (``a/b``: two
    nodes of different countries joined by a land link, either order); None if nothing of the network."""
    if ident in nodes.index:
        return "node"
    if ident in links.index:
        return "link"
    if ident in transfers:
        return "transfer"
    a, sep, b = ident.partition("/")
    if sep and a in nodes.index and b in nodes.index and nodes.at[a, "country"] != nodes.at[b, "country"]:
        land = links[links["mode"] != "sea"]
        if (((land["from"] == a) & (land["to"] == b)) | ((land["from"] == b) & (land["to"] == a))).any():
            return "crossing"
    return None


# What each kind of observation may be of: a route (origin/destination) or an element of these kinds.
OBSERVED_ELEMENTS = {"cost_usd_per_t": ("node", "link", "transfer", "crossing"),
                     "transit_days": ("node", "link", "transfer", "crossing"),
                     "border_hours": ("node", "transfer", "crossing"),
                     "flow_mt_per_year": ("node", "link", "transfer", "crossing")}


def _observations(df: pd.DataFrame, where: list[str], ctx: Context, problems: list[str]) -> None:
    links = ctx.links if ctx.links is not None else pd.DataFrame(columns=["from", "to", "mode"])
    transfers = ctx.transfers.index if ctx.transfers is not None else pd.Index([])

    def kind_of(ident: str) -> str | None:
        return element_kind(ident, ctx.nodes, links, transfers)

    for i, w in enumerate(where):
        row = df.iloc[i]
        kind, origin, dest, element = row["kind"], row["origin"], row["destination"], row["element"]
        if element and (origin or dest):
            problems.append(f"{w}: give an element or an origin (with a destination), not both")
        elif not element and not origin:
            problems.append(f"{w}: say where: an element, or an origin (and destination) of a route or flow")
        if element:
            found = kind_of(element)
            if found is None:
                problems.append(f"{w}: element '{element}' is not a node, link, transfer or crossing (a/b) of the "
                                "network")
            elif kind in OBSERVED_ELEMENTS and found not in OBSERVED_ELEMENTS[kind]:
                problems.append(f"{w}: a {kind} observation cannot be of a {found} (it can be of a "
                                f"{', '.join(OBSERVED_ELEMENTS[kind])})")
        else:
            if kind == "border_hours" and origin:
                problems.append(f"{w}: border_hours is observed at an element (a border node, crossing a/b or "
                                "transfer), not on a route")
            if kind in ("cost_usd_per_t", "transit_days") and origin and not dest:
                problems.append(f"{w}: a route's {kind} needs a destination")
            for key, node in (("origin", origin), ("destination", dest)):
                if node and node not in ctx.nodes.index:
                    problems.append(f"{w}: {key} '{node}' is not in nodes.csv")
        for item in schema.split_list(row["via"]):
            if element:
                problems.append(f"{w}: via goes with an origin, not with an element")
                break
            if kind_of(item) is None:
                problems.append(f"{w}: via '{item}' is not a node, link, transfer or crossing (a/b) of the network")
        lo, val, hi = row["low"], row["value"], row["high"]
        if not (np.isnan(lo) or np.isnan(val) or np.isnan(hi)) and not lo <= val <= hi:
            problems.append(f"{w}: the band must hold the value: low {lo:g} <= value {val:g} <= high {hi:g}")
        if not _is_year(row["year"]):
            problems.append(f"{w}: year must be a year such as 2015, got '{row['year']}'")
        if not row["note"]:
            problems.append(f"{w}: note is blank; say how the figure maps onto the model (what it includes)")


_RULES = {"links": _links, "transfers": _transfers, "vessels": _vessels, "prices": _prices, "regimes": _regimes,
          "rates": _rates, "price_index": _rates, "link_paths": _link_paths, "observations": _observations}


def check_sea(links: pd.DataFrame, ctx: Context, problems: list[str]) -> None:
    """Blank tariffs only on sea links priced by vessel class, a speed with every tariff, and a vessel class that fits
    both ports of every such link; reported in row order."""
    vessels = ctx.vessels
    blank = links["tariff_usd_per_tkm"].isna()
    found: list[tuple[int, str]] = []  # (row, problem), reported in row order
    where = _where(links, "links")
    for i in map(int, np.flatnonzero(~blank.to_numpy())):
        if np.isnan(links["speed_km_per_day"].iat[i]):
            found.append((i, f"{where[i]}: speed_km_per_day is blank; a link with a tariff needs a number in km/day"))
    for i in map(int, np.flatnonzero(blank.to_numpy())):
        if links["mode"].iat[i] != "sea":
            found.append((i, f"{where[i]}: tariff_usd_per_tkm is blank; it needs a number in USD/t-km (only a sea "
                             "link may leave it blank, to be priced by vessel class)"))
        elif len(vessels) == 0:
            found.append((i, f"{where[i]}: tariff_usd_per_tkm is blank but the network has no vessels.csv to price "
                             "the sea link by vessel class"))
    known = links["from"].isin(ctx.nodes.index) & links["to"].isin(ctx.nodes.index)
    priced = np.flatnonzero((blank & links["mode"].eq("sea") & known).to_numpy())
    if len(priced) and len(vessels):
        sel = links.iloc[priced]
        fits, max_loa, max_draught = fitting_classes(vessels, ctx.nodes, sel["from"], sel["to"])
        for j, ok, loa, dr in zip(priced.tolist(), np.asarray(fits.any(axis=1), dtype=bool), max_loa, max_draught):
            if not ok:
                found.append((j, f"{where[j]}: no vessel class in vessels.csv fits both ports (max_loa_m {loa:g}, "
                                 f"max_draught_m {dr:g})"))
    problems.extend(msg for _, msg in sorted(found, key=lambda x: x[0]))
