"""The scenario file format: every section's keys and the type of each value, as :mod:`corridor.schema` is for the
network folder.

:func:`check_types` walks a scenario (the parsed TOML, or the dict given to :meth:`corridor.Scenario.from_dict`,
``with_case``, ``with_settings``, ``with_flows``) against :data:`SCENARIO` before any value is used: a table where a
table belongs and its keys known, text where text belongs, numbers finite and within their documented limits
(:mod:`corridor.limits`), lists of names, selectors (``where``) of scalars. A value of the wrong shape (a list, a
table, an array nested 5,000 deep) is reported by its key path and never reaches the code that reads the scenario;
the walk follows the schema, not the value, so it is never deeper than the schema.

What depends on the network (node ids, table and column names, selectors that select nothing) is checked afterwards
by :mod:`corridor._scenario_parse`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import limits
from ._validate import Checker, type_name
from .errors import shown
from .restrict import SPEC_KEYS


@dataclass(frozen=True)
class Text:
    """Text; ``empty``: "" is allowed."""

    empty: bool = False

    def describe(self) -> str:
        return "text"


@dataclass(frozen=True)
class Number:
    """A finite number from ``low`` (excluded if ``strict``) to ``high``; a whole one if ``integer``; if ``least``
    is set, 0 or a number from ``least`` up. ``limit`` names the documented limit behind ``high``."""

    low: float = -limits.MAX_NUMBER
    high: float = limits.MAX_NUMBER
    strict: bool = False
    integer: bool = False
    unit: str = ""
    least: float | None = None
    limit: str = "MAX_NUMBER"

    def describe(self) -> str:
        what = "a whole number" if self.integer else "a number"
        return f"{what} in {self.unit}" if self.unit else what


@dataclass(frozen=True)
class Names:
    """A name, or a list of names."""

    def describe(self) -> str:
        return "a list of names"


@dataclass(frozen=True)
class Bool:
    """true or false."""

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Either:
    """One of several shapes (the first that fits), described as ``what`` when none does."""

    kinds: tuple
    what: str

    def describe(self) -> str:
        return self.what


@dataclass(frozen=True)
class Selector:
    """``where``: column = value or [values], each value text, a number or true/false."""

    def describe(self) -> str:
        return "a table of column = value"


@dataclass(frozen=True)
class Map:
    """A table whose keys are names (node ids, column names) and whose values are all of one kind."""

    value: Any
    nonempty: bool = False
    what: str = "name = value"

    def describe(self) -> str:
        return f"a table of {self.what}"


@dataclass(frozen=True)
class ListOf:
    """A list of values of one kind."""

    item: Any
    what: str = "a list"

    def describe(self) -> str:
        return self.what


@dataclass(frozen=True)
class Record:
    """A table with some known keys (``keys``) and any others, each of kind ``other`` (a row of a network table
    given in a scenario: ``table`` and the row's columns, checked against the file format afterwards)."""

    keys: tuple
    other: Any

    def describe(self) -> str:
        return "a table"


@dataclass(frozen=True)
class Key:
    name: str
    kind: Any
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Table:
    keys: tuple[Key, ...]

    def describe(self) -> str:
        return "a table"

    @property
    def names(self) -> set[str]:
        return {k.name for k in self.keys}


@dataclass(frozen=True)
class Tables:
    """A list of tables (``[[name]]``); ``single``: one table alone is a list of one."""

    table: Table | Record
    nonempty: bool = False
    single: bool = True
    extra: dict = field(default_factory=dict)

    def describe(self) -> str:
        return "a list of tables"


# via, avoid: a list of node ids, or a table of element lists (corridor.restrict.SPEC_KEYS)
ELEMENTS = Either((Names(), Table(tuple(Key(k, Names()) for k in SPEC_KEYS))),
                  f"a list of node ids or a table of lists ({', '.join(SPEC_KEYS)})")
PATH = Either((Names(), Table((Key("nodes", Names()), Key("links", Names())))),
              "a list of node ids or a table with nodes = [...] or links = [...]")
MT = Number(0.0, limits.MAX_MT_PER_YEAR, unit="Mt/yr", least=limits.MIN_MT_PER_YEAR, limit="MAX_MT_PER_YEAR")
SHIPMENT = Table((
    Key("origin", Text(), "node id the lot leaves from"),
    Key("destination", Text(), "node id it goes to"),
    Key("tonnes", Number(limits.MIN_TONNES, limits.MAX_TONNES, unit="t", limit="MAX_TONNES"), "size of the lot"),
    Key("coal", Text(), "coal type, a `coal` of prices.csv (default thermal)"),
    Key("via", ELEMENTS, "elements every route passes through"),
    Key("avoid", ELEMENTS, "elements no route uses"),
    Key("path", PATH, "one fixed route"),
))
LIMIT = Table((
    Key("countries", Names()), Key("nodes", Names()),
    Key("max_share", Number(0.0, 1.0, limit="a share"), "of the total demand"),
    Key("max_mt_per_year", MT),
))
FLOWS = Table((
    Key("supply", Map(MT, nonempty=True, what="node = Mt/yr"), "what each origin can ship a year"),
    Key("demand", Map(MT, nonempty=True, what="node = Mt/yr"), "what each destination (or market group) wants"),
    Key("unserved_penalty_usd_per_t", Number(0.0, limits.MAX_PENALTY_USD_PER_T, unit="USD/t",
                                             limit="MAX_PENALTY_USD_PER_T"), "cost of a tonne left undelivered"),
    Key("markets", Map(Names(), what="name = [node ids]"), "market groups: demand met at any of their nodes"),
    Key("limits", Tables(LIMIT), "caps on the tonnes through countries or nodes"),
    Key("sell", Text(), "coal type sold at market prices (prices.csv)"),
    Key("assignment", Text(), "least-cost (the LP) or logit (route choice with dispersion)"),
    Key("dispersion_usd_per_t", Number(0.0, 1000.0, strict=True, unit="USD/t", limit="the dispersion"),
        "of a logit allocation: a route dearer by this much carries 1/e of the flow of the other"),
    Key("paths", Number(1, 50, integer=True, limit="MAX_PATHS"), "routes per origin-destination pair (logit)"),
    Key("year", Either((Text(), Number(1000, 9999, integer=True)), "a year such as 2015"),
        "the year of the flows (for comparisons with observations)"),
))
SETTINGS = Table((
    Key("routes", Number(1, limits.MAX_ROUTES, integer=True, limit="MAX_ROUTES"), "routes listed per case"),
    # Upper bounds that catch a misplaced decimal point (coal is worth ~50-300 USD/t)
    Key("value_of_time_usd_per_t_day", Number(0.0, 1000.0, unit="USD/t-day", limit="the value of time"),
        "money per tonne and day of transit"),
    Key("cargo_value_usd_per_t", Number(0.0, 100_000.0, unit="USD/t", limit="the cargo value"),
        "with interest_rate_per_year: value of time = value x rate / 365"),
    Key("interest_rate_per_year", Number(0.0, 10.0, unit="1/yr", limit="the interest rate"), "cost of capital"),
    Key("carbon_price_usd_per_t_co2", Number(0.0, 10_000.0, unit="USD/t CO2", limit="the carbon price"),
        "adds CO2 x price to every tonne's generalized cost"),
    Key("corridors", Bool(), "list the best route through each gateway (default true)"),
))
CLOSE = Table(tuple(Key(k, Names(), f"{k} closed in the case") for k in ("countries", "nodes", "links", "transfers")))
CHANGE_VALUES = Map(Number(), what="column = number")
CHANGE = Table((
    Key("table", Text(), "links, nodes, transfers or vessels", required=True),
    Key("where", Selector(), "which rows: column = value or [values] (all rows if absent)"),
    Key("scale", CHANGE_VALUES, "multiply columns"),
    Key("set", CHANGE_VALUES, "set columns"),
    Key("add", CHANGE_VALUES, "add to columns"),
))
ROW = Record((Key("table", Text(), "links, nodes, transfers or vessels", required=True),),
             Either((Names(), Number(-limits.MAX_NUMBER, limits.MAX_NUMBER), Bool()),
                    "text, a number, true/false or a list of names"))
CASE = Table((
    Key("name", Text(), "the case's name", required=True),
    Key("description", Text(empty=True)),
    Key("close", CLOSE),
    Key("add", Tables(ROW), "rows added to a network table"),
    Key("change", Tables(CHANGE)),
    Key("shipment", SHIPMENT, "keys given replace the scenario's"),
    Key("flows", FLOWS, "keys given replace the scenario's"),
    Key("settings", SETTINGS, "keys given replace the scenario's"),
))
PARAMETER = Number(0.0, limits.MAX_NUMBER)
ENTRY = Table((
    Key("name", Text()),
    Key("table", Text(), "links, nodes, transfers, vessels, regimes, settings, flows, supply or demand",
        required=True),
    Key("where", Selector()),
    Key("column", Text(), "the column drawn (not for supply or demand)"),
    Key("distribution", Text(), "uniform, triangular, normal or lognormal", required=True),
    Key("as", Text(), '"scale" (a multiplier, the default) or "value"'),
    Key("group", Text(), "entries of a group share one draw"),
    Key("note", Text(empty=True)),
    *(Key(k, PARAMETER) for k in ("low", "high", "mode", "mean", "sd")),
))
YEAR = Number(1900, 2200, integer=True, limit="a year")
APPRAISAL = Table((
    Key("first_year", YEAR, required=True), Key("last_year", YEAR, required=True),
    Key("discount_rate", Number(-1.0, 1.0, limit="a rate"), required=True), Key("price_year", YEAR),
    Key("step_years", Number(1, 100, integer=True, limit="a horizon")),
    Key("demand_growth_per_year", Number(-0.5, 1.0, limit="a growth rate")),
    Key("demand_scale", Map(Number(0.0, limits.MAX_NUMBER), what="year = factor")),
    Key("projects", Names()),
    Key("budget_total_musd", Number(0.0, limits.MAX_NUMBER)),
    Key("budget_per_year_musd", Number(0.0, limits.MAX_NUMBER)),
    Key("generated_value_usd_per_t", Number(0.0, limits.MAX_NUMBER)),
    Key("case", Text()),
    Key("rates", ListOf(Number(-1.0, 1.0, limit="a rate"), "a list of discount rates")),
))
ELEMENT_SET = Table((Key("name", Text(), required=True), Key("close", ELEMENTS, required=True)))
SCENARIO = Table((
    Key("name", Text()),
    Key("description", Text(empty=True)),
    Key("network", Text(), "a shipped network's name or a folder (relative to the scenario file)"),
    Key("shipment", SHIPMENT),
    Key("flows", FLOWS),
    Key("settings", SETTINGS),
    Key("cases", Tables(CASE, nonempty=True, single=False)),
    Key("uncertainty", Tables(ENTRY)),
    Key("appraisal", APPRAISAL, "see docs/appraisal.md"),
    Key("criticality", Tables(ELEMENT_SET), "named sets of elements closed together"),
))


def check_types(ck: Checker, value: Any, kind: Any = SCENARIO, where: str = "") -> None:
    """Report every value of ``value`` that does not have the shape ``kind`` gives it (see the module docstring)."""
    if isinstance(kind, Table):
        if not isinstance(value, dict):
            ck.fail(where, f"expected a table, got {type_name(value)}")
            return
        known = {k.name: k for k in kind.keys}
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if key not in known:
                ck.fail(where, f"unknown key {shown(key)} (expected one of: {', '.join(sorted(known))})")
            else:
                check_types(ck, item, known[key].kind, path)
        for k in kind.keys:
            if k.required and k.name not in value:
                ck.fail(where, f"missing {k.name}" + (f" ({k.description})" if k.description else ""))
    elif isinstance(kind, Tables):
        items = [value] if kind.single and isinstance(value, dict) else value
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            ck.fail(where, f"expected a list of [[{where.rsplit('.', 1)[-1]}]] tables, got {type_name(value)}")
            return
        if kind.nonempty and not items:
            ck.fail(where, f"is empty; give at least one [[{where.rsplit('.', 1)[-1]}]] table")
        for i, item in enumerate(items, start=1):
            name = item.get("name")
            label = f"{where}[{i}]" + (f" {shown(name)}" if isinstance(name, str) and name else "")
            check_types(ck, item, kind.table, label)
    elif isinstance(kind, Map):
        if not isinstance(value, dict):
            ck.fail(where, f"expected {kind.describe()}, got {type_name(value)}")
            return
        if kind.nonempty and not value:
            ck.fail(where, f"is empty; give at least one {kind.what}")
        for key, item in value.items():
            check_types(ck, item, kind.value, f"{where}.{key}")
    elif isinstance(kind, Text):
        if not isinstance(value, str):
            ck.fail(where, f"expected text, got {type_name(value)} {shown(value)}")
        elif not value and not kind.empty:
            ck.fail(where, "is empty; expected text")
    elif isinstance(kind, Names):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            ck.fail(where, f"expected a name or a list of names, got {type_name(value)}")
    elif isinstance(kind, Selector):
        if not isinstance(value, dict):
            ck.fail(where, f"expected a table of column = value, got {type_name(value)}")
            return
        for key, item in value.items():
            items = item if isinstance(item, list) else [item]
            if not items or not all(_scalar(v) for v in items):
                ck.fail(f"{where}.{key}", "expected text, a number, true/false or a non-empty list of them, got "
                                          f"{type_name(item)}" + (" holding " + ", ".join(sorted({
                                              type_name(v) for v in items if not _scalar(v)})) if items and
                                          isinstance(item, list) else ""))
    elif isinstance(kind, Number):
        _number(ck, value, kind, where)
    elif isinstance(kind, Record):
        if not isinstance(value, dict):
            ck.fail(where, f"expected a table, got {type_name(value)}")
            return
        known = {k.name: k for k in kind.keys}
        for key, item in value.items():
            check_types(ck, item, known[key].kind if key in known else kind.other, f"{where}.{key}")
        for k in kind.keys:
            if k.required and k.name not in value:
                ck.fail(where, f"missing {k.name}" + (f" ({k.description})" if k.description else ""))
    elif isinstance(kind, Bool):
        if not isinstance(value, bool):
            ck.fail(where, f"expected true or false, got {type_name(value)} {shown(value)}")
    elif isinstance(kind, Either):
        tables = [o for o in kind.kinds if isinstance(o, (Table, Map, Selector, Record))]
        if isinstance(value, dict) and tables:  # the table's own problems (an unknown key ...)
            check_types(ck, value, tables[0], where)
            return
        for option in kind.kinds:
            if option in tables:
                continue
            trial = Checker(ck.source)
            check_types(trial, value, option, where)
            if not trial.problems:
                return
        ck.fail(where, f"expected {kind.what}, got {type_name(value)}"
                       + ("" if isinstance(value, (dict, list)) else f" {shown(value)}"))
    elif isinstance(kind, ListOf):
        if not isinstance(value, list):
            ck.fail(where, f"expected {kind.describe()}, got {type_name(value)}")
            return
        for i, item in enumerate(value, start=1):
            check_types(ck, item, kind.item, f"{where}[{i}]")
    else:  # pragma: no cover - a schema entry of an unknown kind is a bug of this module
        raise TypeError(kind)


def _scalar(v: Any) -> bool:
    return isinstance(v, (str, bool)) or (isinstance(v, (int, float)) and math.isfinite(v))


def _number(ck: Checker, value: Any, kind: Number, where: str) -> None:
    ok = isinstance(value, int) if kind.integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok or (isinstance(value, float) and not math.isfinite(value)):
        ck.fail(where, f"expected {kind.describe()}, got {type_name(value)} {shown(value)}")
        return
    unit = f" {kind.unit}" if kind.unit else ""
    if kind.least is not None and 0 < value < kind.least:
        ck.fail(where, f"must be 0 or at least {kind.least:g}{unit}, got {shown(value)}")
    elif value < kind.low or (kind.strict and value == kind.low):
        ck.fail(where, f"must be {'greater than' if kind.strict else 'at least'} {kind.low:g}{unit}, got "
                       f"{shown(value)}")
    elif value > kind.high:
        ck.fail(where, f"must be at most {kind.high:g}{unit} ({_limit_text(kind.limit)}), got {shown(value)}")


def _limit_text(name: str) -> str:
    return f"corridor.limits.{name}" if name.isupper() else f"the upper bound of {name}"


def reference_markdown() -> str:
    """The scenario-format reference as Markdown tables (for the docs)."""
    out = []
    sections = [("top level", SCENARIO), ("[shipment]", SHIPMENT), ("[flows]", FLOWS), ("[settings]", SETTINGS),
                ("[[cases]]", CASE), ("close", CLOSE), ("[[cases.change]]", CHANGE), ("[[uncertainty]]", ENTRY)]
    for title, table in sections:
        out.append(f"#### {title}\n\n| key | value | required | meaning |\n|---|---|---|---|")
        for k in table.keys:
            kind = k.kind
            what = kind.describe()
            if isinstance(kind, Number):
                what += f", {'>' if kind.strict else '>='} {kind.low:g}, <= {kind.high:g}"
            out.append(f"| `{k.name}` | {what} | {'yes' if k.required else 'no'} | {k.description} |")
        out.append("")
    return "\n".join(out)
