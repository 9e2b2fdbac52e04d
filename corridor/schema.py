"""The network folder format: one table per file, each column with its type, unit, default and meaning.

This is the single source of truth for loading, validation, defaults and the reference page
``docs/network-format.md`` (written by ``python -m corridor.tools.docs``).

Three conventions run through every table:

- **Money in its own currency.** Each money column named in USD (``tariff_usd_per_tkm``) holds the model's value:
  US dollars of the network's year (``network.csv``). Beside it, a column without ``usd`` (``tariff_per_tkm``) may
  give the figure as it was published instead, in the row's ``currency`` and ``price_year``; loading converts it
  (:mod:`corridor.money`) and keeps the original value, currency and year beside the USD value.
- **Provenance on every cell.** ``estimated`` and ``derived`` name the numeric columns of a row that are estimates,
  or derived from a published figure with a material assumption (``calibrated``: fitted to observations by
  ``corridor calibrate``); the other numeric cells rest on the row's cited ``source`` ids (:mod:`corridor.provenance`).
- **Transit regimes** (``regimes.csv``): which country lets cargo of which origin transit to which exits, on which
  tariff basis (:mod:`corridor.layers`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MODES = ("rail1520", "rail1435", "road", "sea")
STOCK = "stock"  # pseudo-mode: loading at an origin, unloading at a destination
TRANSFER_MODES = (*MODES, STOCK)
COUNTRIES = ("MN", "CN", "RU", "KP", "KR", "JP")
INTERNATIONAL = "INT"  # sea legs: charged by shipping, not by a country
LINK_COUNTRIES = (*COUNTRIES, INTERNATIONAL)
NODE_KINDS = ("mine", "station", "junction", "border", "port", "market")
ESTIMATE = "estimate"
MODEL_CURRENCY = "USD"  # the currency of the model's values (the ``_usd_`` columns), in the network's year
ALL_COLUMNS = "*"  # in ``estimated`` / ``derived``: every numeric column of the row

# Transit regimes: the tariff basis of a country's transit layer (see regimes.csv below).
REGIME_BASES = ("tariff", "coefficient", "flat")
REGIME_VALUE = {"coefficient": "coefficient", "tariff": "tariff_usd_per_tkm", "flat": "flat_usd_per_t"}
# The layers of a country in the routing graph besides its transit regimes (regime ids may not take these names).
EXPORT, IMPORT = "export", "import"
RESERVED_REGIME_IDS = (EXPORT, IMPORT)
# What an observation (observations.csv) measures, each in the unit of its name.
OBSERVATION_KINDS = ("cost_usd_per_t", "transit_days", "border_hours", "flow_mt_per_year")
# What a quantity is, for the provenance tallies (``corridor network --provenance``).
QUANTITIES = ("money", "time", "capacity", "distance", "other")

# Cost components of a route; they add up to its money cost per tonne.
COMPONENTS = ("rail", "road", "sea", "transfer", "border")
MODE_COMPONENT = {"rail1520": "rail", "rail1435": "rail", "road": "road", "sea": "sea"}

# Default CO2 intensity by mode (g CO2 per tonne-km), used where a link leaves co2_g_per_tkm blank.
# Rail and sea: UK DEFRA company-reporting factors (Hansard, 4 Jun 2007): rail 30 g, large bulk carrier 7 g.
# Road: derived from the same DEFRA articulated-lorry fuel use (0.311-0.448 L/km x 2.63 kg/L) for a
# ~30 t payload, loaded out and empty back: about 66 g per loaded tonne-km.
DEFAULT_CO2_G_PER_TKM = {"rail1520": 30.0, "rail1435": 30.0, "road": 66.0, "sea": 7.0}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "id", "str", "float", "bool", "choice", "sources"
    required: bool
    unit: str = ""
    default: object = None
    description: str = ""
    low: float | None = None  # inclusive bounds for numbers
    high: float | None = None
    choices: tuple[str, ...] = ()
    positive: bool = False  # strictly greater than zero
    quantity: str = ""  # numeric columns: money, time, capacity, distance or other ("" = not counted: coordinates)
    usd: str = ""  # a money column in the row's own currency: the name of its model (USD) column


def _f(name, unit, description, *, required=False, default=None, low=0.0, high=None, positive=False, quantity="other"):
    return Column(name, "float", required, unit, default, description, low, high, positive=positive,
                  quantity=quantity)


def _money(usd_name: str, local_name: str, unit: str, what: str, *, required: bool = False,
           default: float | None = None, blank: str = "") -> tuple[Column, Column]:
    """A money quantity as two columns: the model's value in USD of the network's year, and the published figure in
    the row's ``currency`` and ``price_year`` (give one of the two)."""
    local_unit = unit.replace("USD", "currency")
    usd = Column(usd_name, "float", required, unit, default, f"{what}, in USD of the network's year{blank}",
                 0.0, None, quantity="money")
    local = Column(local_name, "float", False, local_unit, None,
                   f"{what} as published, in the row's currency and price_year (instead of {usd_name})",
                   0.0, None, quantity="money", usd=usd_name)
    return usd, local


SOURCE = Column("source", "sources", False, "", "", "ids of rows in sources.csv separated by ';', or 'estimate'")
NOTE = Column("note", "str", False, "", "", "free text: how an estimate was made, which figure was chosen and why")
ESTIMATED = Column("estimated", "columns", False, "", "",
                   "numeric columns of this row that are estimates, separated by ';' ('*' = all); needs a note saying "
                   "how. Blank: none, unless source says 'estimate' (then every numeric cell counts as estimated)")
DERIVED = Column("derived", "columns", False, "", "",
                 "numeric columns derived from a published figure with a material assumption (say which in the note)")
CURRENCY = Column("currency", "str", False, "", "",
                  "currency of the row's money columns without 'usd' in their name (a currency of rates.csv, or USD)")
PRICE_YEAR = Column("price_year", "str", False, "", "",
                    "year of the money of those columns (blank = the network's year); another year is indexed in its "
                    "own currency with price_index.csv, then converted")
CALIBRATED = Column("calibrated", "columns", False, "", "",
                    "numeric columns fitted to observations by `corridor calibrate`, within the range of their "
                    "evidence (the note says from what, to what, and against which observations)")
PROVENANCE = (SOURCE, NOTE, ESTIMATED, DERIVED, CALIBRATED)
PROJECT = Column("project", "str", False, "", "", "id of a row of projects.csv that builds this row; blank = part "
                 "of the network. A project's rows are left out until it opens (or are in, if it has opened_year)")
MONEY_META = (CURRENCY, PRICE_YEAR)

TABLES: dict[str, tuple[Column, ...]] = {
    "nodes": (
        Column("id", "id", True, description="snake_case node id"),
        Column("name", "str", True, description="display name"),
        Column("country", "choice", True, choices=COUNTRIES, description="ISO 3166 alpha-2 code"),
        Column("kind", "choice", True, choices=NODE_KINDS,
               description="mine, station, junction, border, port or market"),
        _f("lat", "degrees", "latitude (WGS84)", required=True, low=-90.0, high=90.0, quantity=""),
        _f("lon", "degrees", "longitude (WGS84)", required=True, low=-180.0, high=180.0, quantity=""),
        *_money("pass_usd_per_t", "pass_per_t", "USD/t",
                "charge on every route passing through (customs, inspection, waiting)", default=0.0),
        _f("pass_hours", "h", "time spent by every route passing through", default=0.0, quantity="time"),
        _f("capacity_mt_per_year", "Mt/yr", "throughput capacity; blank = unlimited", default=None,
           quantity="capacity"),
        _f("max_loa_m", "m", "longest ship a port takes (length overall); blank = no limit", default=None,
           positive=True),
        _f("max_draught_m", "m", "deepest ship a port takes (draught); blank = no limit", default=None, positive=True),
        PROJECT,
        *MONEY_META,
        *PROVENANCE,
    ),
    "links": (
        Column("id", "id", True, description="snake_case link id"),
        Column("from", "str", True, description="node id"),
        Column("to", "str", True, description="node id"),
        Column("mode", "choice", True, choices=MODES, description="rail1520, rail1435, road or sea"),
        Column("country", "choice", True, choices=LINK_COUNTRIES,
               description="who operates and charges it (INT for sea)"),
        _f("distance_km", "km", "length", required=True, positive=True, quantity="distance"),
        *_money("tariff_usd_per_tkm", "tariff_per_tkm", "USD/t-km", "charge per tonne-kilometre",
                blank="; blank on a sea link = priced by vessel class (vessels.csv)"),
        _f("speed_km_per_day", "km/day", "average commercial speed including ordinary stops; blank on a vessel-priced "
           "sea link = the class speed", default=None, positive=True, quantity="time"),
        *_money("fixed_usd_per_t", "fixed_per_t", "USD/t", "fixed charge per tonne for using the link", default=0.0),
        _f("capacity_mt_per_year", "Mt/yr", "capacity available to the modelled cargo; blank = unlimited",
           default=None, quantity="capacity"),
        Column("both_ways", "bool", False, default=True, description="true if the link can be used in both directions"),
        _f("co2_g_per_tkm", "g CO2/t-km", "emission intensity; blank = the vessel class's (sea) or the default by mode",
           default=None),
        Column("distance_fixed", "bool", False, default=False,
               description="sea links: true = keep this distance_km when `corridor sea-distances` regenerates them"),
        PROJECT,
        *MONEY_META,
        *PROVENANCE,
    ),
    "transfers": (
        Column("node", "str", True, description="node id"),
        Column("from_mode", "choice", True, choices=TRANSFER_MODES,
               description="mode arriving (or 'stock' at an origin)"),
        Column("to_mode", "choice", True, choices=TRANSFER_MODES,
               description="mode leaving (or 'stock' at a destination)"),
        *_money("cost_usd_per_t", "cost_per_t", "USD/t", "handling charge (transloading, port handling, loading)",
                required=True),
        _f("dwell_hours", "h", "time spent at the transfer", required=True, quantity="time"),
        _f("capacity_mt_per_year", "Mt/yr", "capacity of the facility; blank = unlimited", default=None,
           quantity="capacity"),
        PROJECT,
        *MONEY_META,
        *PROVENANCE,
    ),
    "vessels": (
        Column("id", "id", True, description="vessel class id, e.g. handysize"),
        Column("name", "str", False, default="", description="display name"),
        _f("dwt_t", "t", "deadweight", required=True, positive=True, quantity="capacity"),
        _f("cargo_t", "t", "cargo carried on a full voyage (deadweight less fuel, water, stores)", required=True,
           positive=True, quantity="capacity"),
        _f("loa_m", "m", "length overall", required=True, positive=True),
        _f("draught_m", "m", "draught when loaded", required=True, positive=True),
        _f("speed_knots", "kn", "service speed, laden and in ballast", required=True, positive=True, quantity="time"),
        *_money("hire_usd_per_day", "hire_per_day", "USD/day", "time-charter hire", required=True),
        _f("fuel_sea_t_per_day", "t/day", "fuel burnt per day at sea", required=True, quantity="money"),
        _f("fuel_port_t_per_day", "t/day", "fuel burnt per day in port", required=True, quantity="money"),
        *_money("fuel_usd_per_t", "fuel_per_t", "USD/t", "bunker fuel price", required=True),
        _f("port_days", "days", "days in port per voyage (loading and discharge, waiting)", required=True,
           quantity="time"),
        *_money("port_usd_per_voyage", "port_per_voyage", "USD", "port dues and agency at both ends of one voyage",
                default=0.0),
        _f("co2_g_per_tkm", "g CO2/t-km", "emission intensity of the class; blank = default for sea", default=None),
        Column("year", "str", False, default="", description="year the figures describe"),
        *MONEY_META,
        *PROVENANCE,
    ),
    "prices": (
        Column("market", "str", True, description="node id of the market (or port) where the price is paid"),
        Column("coal", "str", True, description="coal type, e.g. thermal or coking (a shipment's `coal`)"),
        Column("year", "str", True, description="year of the price"),
        *_money("usd_per_t", "price_per_t", "USD/t", "market price per tonne, delivered to the market node",
                required=True),
        Column("basis", "str", False, default="", description="what the price is, e.g. 'CFR Korea, 6,000 kcal NAR'"),
        *MONEY_META,
        *PROVENANCE,
    ),
    "regimes": (
        Column("id", "id", True, description="snake_case regime id (not 'export' or 'import')"),
        Column("country", "choice", True, choices=COUNTRIES, description="the country crossed (ISO 3166 alpha-2)"),
        Column("origin_country", "str", True,
               description="countries whose cargo may transit under this regime, separated by ';'"),
        Column("exits", "str", True,
               description="node ids of the country where such cargo may leave it, separated by ';': ports (by sea) "
                           "and border nodes (by land)"),
        Column("modes", "str", False, default="",
               description="link modes the basis prices, separated by ';' (blank = every land mode)"),
        Column("basis", "choice", True, choices=REGIME_BASES,
               description="tariff: a transit tariff per t-km replaces the link's; coefficient: a multiplier on the "
                           "link's tariff; flat: a charge per tonne, once, on entering (the links' tariffs are then "
                           "0; their fixed charges stay)"),
        _f("coefficient", "", "the multiplier (basis coefficient)", default=None, quantity="money"),
        *_money("tariff_usd_per_tkm", "tariff_per_tkm", "USD/t-km", "the transit tariff (basis tariff)"),
        *_money("flat_usd_per_t", "flat_per_t", "USD/t", "the transit charge per tonne (basis flat)"),
        *MONEY_META,
        *PROVENANCE,
    ),
    "observations": (
        Column("id", "id", True, description="snake_case observation id"),
        Column("kind", "choice", True, choices=OBSERVATION_KINDS,
               description="what was observed: a cost per tonne (USD), transit days, hours at a border, or annual "
                           "tonnes through an element or between places (Mt/yr)"),
        Column("origin", "str", False, default="",
               description="node id where the observed route or flow starts (blank with element)"),
        Column("destination", "str", False, default="",
               description="node id where it ends (a route needs one; a flow may leave it blank: any destination)"),
        Column("via", "str", False, default="",
               description="elements the route or flow passes through, separated by ';': node, link or transfer ids, "
                           "or crossings a/b"),
        Column("element", "str", False, default="",
               description="or the one element observed: a node (a border, a port), a link, a transfer or a crossing "
                           "a/b (blank with origin)"),
        _f("value", "kind", "the observed figure, in the unit of its kind", required=True, quantity=""),
        _f("low", "kind", "low end of the figure's band (its own uncertainty or the spread of sources)",
           required=True, quantity=""),
        _f("high", "kind", "high end of the band", required=True, quantity=""),
        Column("year", "str", True, description="year the figure describes"),
        Column("cargo", "str", False, default="", description="what was carried (e.g. coking coal, containers)"),
        *PROVENANCE,
    ),
    "network": (
        Column("year", "str", True, description="the year of the network: its money is in USD of this year"),
        Column("description", "str", False, default="", description="what the network describes"),
        Column("note", "str", False, default="", description="free text"),
    ),
    "rates": (
        Column("currency", "str", True, description="currency code, e.g. CNY"),
        Column("year", "str", True, description="year of the rate"),
        _f("per_usd", "currency/USD", "units of the currency per US dollar (annual average)", required=True,
           positive=True, quantity="money"),
        *PROVENANCE,
    ),
    "price_index": (
        Column("currency", "str", True, description="the currency whose money the index carries between years "
                                                    "(e.g. CNY: China's consumer price index)"),
        Column("year", "str", True, description="year of the index value"),
        _f("index", "", "price level in that year (any base year)", required=True, positive=True, quantity="money"),
        *PROVENANCE,
    ),
    "projects": (
        Column("id", "id", True, description="snake_case project id (rows of nodes, links and transfers name it in "
                                             "their `project` column)"),
        Column("name", "str", True, description="display name"),
        _f("capex_million", "million", "capital cost, in `currency` at `price_year` prices", required=True,
           quantity="money"),
        Column("currency", "str", True, description="currency of capex and opex: USD, or one with a rate for "
                                                    "price_year in rates.csv"),
        Column("price_year", "str", True, description="year whose prices capex and opex are in"),
        _f("opex_million_per_year", "million/yr", "operating and maintenance cost a year once open (same currency "
           "and price year)", default=0.0, quantity="money"),
        _f("build_years", "years", "construction years before opening; capex is spread evenly over them",
           default=1.0, low=1.0),
        Column("earliest_open_year", "str", True, description="first year the project can carry traffic"),
        _f("life_years", "years", "economic life from opening (residual value at the horizon's end is straight-line)",
           required=True, positive=True),
        Column("opened_year", "str", False, default="", description="year it opened, if built: its rows are then "
                                                                    "part of the network, and an appraisal of it is "
                                                                    "ex post (a back-test)"),
        _f("capacity_mt_per_year", "Mt/yr", "design capacity, for reports (the rows' capacities are what the model "
           "uses)", default=None),
        *PROVENANCE,
    ),
    "project_capacity": (
        Column("project", "str", True, description="project id (projects.csv)"),
        Column("table", "choice", True, choices=("links", "nodes", "transfers"),
               description="links, nodes or transfers"),
        Column("element", "str", True, description="id of the row whose capacity the project raises (transfers: "
                                                   "node:from_mode>to_mode)"),
        _f("add_mt_per_year", "Mt/yr", "capacity added when the project is open (a built project's is already in "
           "the row)", required=True, positive=True),
        *PROVENANCE,
    ),
    "link_paths": (
        Column("link", "str", True, description="link id (links.csv)"),
        Column("points", "str", True, description="the link's course between its end nodes, for maps only: "
               "'lon lat' pairs in degrees separated by ';', in order from the link's `from` node to its `to` node, "
               "the end nodes left out"),
        SOURCE,
        NOTE,
    ),
    "sources": (
        Column("id", "id", True, description="source id"),
        Column("title", "str", True, description="title of the document or page"),
        Column("publisher", "str", False, default="", description="publisher or outlet"),
        Column("year", "str", False, default="", description="year of publication"),
        Column("url", "str", False, default="", description="where to find it"),
        Column("note", "str", False, default="", description="what was taken from it"),
    ),
}

# Numeric columns a scenario may change, by table: the model's values (not the published figures in their own
# currency, which are kept for the record).
NUMERIC = {t: tuple(c.name for c in cols if c.kind == "float" and not c.usd) for t, cols in TABLES.items()}
# Every numeric column, and those counted in the provenance tallies (coordinates aside), by table.
NUMERIC_ALL = {t: tuple(c.name for c in cols if c.kind == "float") for t, cols in TABLES.items()}
COUNTED = {t: tuple(c.name for c in cols if c.kind == "float" and c.quantity) for t, cols in TABLES.items()}
# Money columns as (model column in USD, column in the row's own currency), by table.
MONEY = {t: tuple((c.usd, c.name) for c in cols if c.usd) for t, cols in TABLES.items()}
# Tables a scenario may change with [[cases.change]] and add rows to with [[cases.add]].
CHANGEABLE = ("links", "nodes", "transfers", "vessels", "regimes")
# Tables whose rows carry provenance (estimated / derived).
WITH_PROVENANCE = tuple(t for t, cols in TABLES.items() if ESTIMATED in cols)


def number_problem(column: Column, value: float) -> str | None:
    """What is wrong with ``value`` in ``column`` (finite, positive, within bounds), or None if nothing."""
    if not math.isfinite(value):
        return f"{column.name} must be finite, got {value!r}"
    if column.positive and value <= 0:
        return f"{column.name} must be greater than 0, got {value:g}"
    if (column.low is not None and value < column.low) or (column.high is not None and value > column.high):
        rng = f"from {column.low:g} to {column.high:g}" if column.high is not None else f"at least {column.low:g}"
        return f"{column.name} must be {rng}, got {value:g}"
    return None


def column(table: str, name: str) -> Column:
    """The definition of column ``name`` of ``table``."""
    return next(c for c in TABLES[table] if c.name == name)


def transfer_id(node: str, from_mode: str, to_mode: str) -> str:
    """The id of a transfer row, e.g. ``erenhot:rail1520>rail1435``."""
    return f"{node}:{from_mode}>{to_mode}"


def price_id(market: str, coal: str, year: str) -> str:
    """The id of a prices row, e.g. ``pohang:thermal:2015``."""
    return f"{market}:{coal}:{year}"


def rate_id(currency: str, year: str) -> str:
    """The id of a rates or price_index row, e.g. ``CNY:2015``."""
    return f"{currency}:{year}"


def split_list(cell: str) -> list[str]:
    """The items of a ';'-separated cell, stripped, blanks dropped."""
    return [x.strip() for x in str(cell).split(";") if x.strip()]


def reference_markdown() -> str:
    """The network-format reference as Markdown tables (in ``docs/network-format.md``, see
    :mod:`corridor.tools.docs`)."""
    out = []
    locals_of = {c.usd: c.name for cols in TABLES.values() for c in cols if c.usd}
    for table, cols in TABLES.items():
        out.append(f"#### `{table}.csv`\n\n| column | unit | required | default | meaning |\n|---|---|---|---|---|")
        for c in cols:
            default = "" if c.required else ("blank" if c.default is None else str(c.default))
            required = "no"
            if c.required:
                required = f"yes (or `{locals_of[c.name]}`)" if c.name in locals_of else "yes"
            out.append(f"| `{c.name}` | {c.unit} | {required} | {default} | {c.description} |")
        out.append("")
    return "\n".join(out)
