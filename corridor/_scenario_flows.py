"""A scenario's ``[flows]`` (or a case's ``flows``): supply, demand, market groups, limits, the coal sold, the
unserved penalty, the assignment (least-cost or logit, with its dispersion and paths) and the year, each checked
against the network, then resolved into :class:`corridor.case.Flows`. Part of
:func:`corridor._scenario_parse.parse_scenario` (types and ranges were checked before, by
:mod:`corridor._scenario_schema`)."""

from __future__ import annotations

import math
from typing import Any

from . import schema
from ._scenario_shipment import unknown_node
from ._validate import Checker, type_name
from .case import Flows, Limit
from .costs import DEFAULT_UNSERVED_PENALTY_USD_PER_T
from .errors import shown
from .network import Network

FLOWS_KEYS = {"supply", "demand", "unserved_penalty_usd_per_t", "markets", "limits", "sell", "assignment",
              "dispersion_usd_per_t", "paths", "year"}
LIMIT_KEYS = {"countries", "nodes", "max_share", "max_mt_per_year"}
ASSIGNMENTS = ("least-cost", "logit")
MAX_PATHS = 50  # routes per origin-destination pair of a logit allocation


def parse_flows(ck: Checker, raw: Any, where: str, base: dict | None, net: Network) -> dict:
    """``[flows]`` (or a case's ``flows``): each key given replaces the scenario's one as a whole."""
    raw = ck.table(raw, where, FLOWS_KEYS)
    out = dict(base or {})
    if "markets" in raw:
        groups = raw["markets"] if isinstance(raw["markets"], dict) else {}
        if not isinstance(raw["markets"], dict):
            ck.fail(f"{where}.markets", f"expected a table of name = [node ids], got {type_name(raw['markets'])}")
        markets = {}
        for name, members in groups.items():
            ids = ck.names(members, f"{where}.markets.{name}")
            bad = [n for n in ids if n not in net.nodes.index]
            if name in net.nodes.index:
                ck.fail(f"{where}.markets.{name}", "a market group needs a name that is not a node id")
            elif bad:
                ck.fail(f"{where}.markets.{name}", f"unknown node '{bad[0]}'")
            elif ids:
                markets[name] = tuple(ids)
        out["markets"] = markets
    if "limits" in raw:
        out["limits"] = _limits(ck, raw["limits"], f"{where}.limits", net)
    if "sell" in raw and ck.text(raw["sell"], f"{where}.sell") is not None:
        kinds = sorted(set(net.prices["coal"])) if len(net.prices) else []
        if raw["sell"] not in kinds:
            ck.fail(f"{where}.sell", f"no price for coal '{raw['sell']}' in prices.csv (coal types: "
                                     f"{', '.join(kinds) or 'none'})")
        else:
            out["sell"] = raw["sell"]
    for key in ("supply", "demand"):
        if key not in raw:
            continue
        table = raw[key]
        if not isinstance(table, dict):
            ck.fail(f"{where}.{key}", f"expected a table of node = Mt/yr, got {type_name(table)}")
            continue
        values = {}
        for node, value in table.items():
            if key == "demand" and node in out.get("markets", {}):
                if (v := ck.number(value, f"{where}.{key}.{node}")) is not None:
                    values[node] = float(v)
            elif node not in net.nodes.index:
                ck.fail(f"{where}.{key}.{node}", unknown_node(node, net))
            elif (v := ck.number(value, f"{where}.{key}.{node}")) is not None:
                values[node] = float(v)
        if not table:
            ck.fail(f"{where}.{key}", "is empty; give at least one node = Mt/yr")
        out[key] = values
    if "unserved_penalty_usd_per_t" in raw:
        value = ck.number(raw["unserved_penalty_usd_per_t"], f"{where}.unserved_penalty_usd_per_t")
        if value is not None:
            out["unserved_penalty_usd_per_t"] = float(value)
    if "assignment" in raw:
        if raw["assignment"] not in ASSIGNMENTS:
            ck.fail(f"{where}.assignment", f"expected \"least-cost\" or \"logit\", got {shown(raw['assignment'])}")
        else:
            out["assignment"] = raw["assignment"]
    if "dispersion_usd_per_t" in raw:
        value = ck.number(raw["dispersion_usd_per_t"], f"{where}.dispersion_usd_per_t", strict=True, high=1000.0)
        if value is not None:
            out["dispersion_usd_per_t"] = float(value)
    if "paths" in raw:
        value = ck.number(raw["paths"], f"{where}.paths", low=1, integer=True, high=MAX_PATHS)
        if value is not None:
            out["paths"] = int(value)
    if "year" in raw:
        year = str(raw["year"])
        if isinstance(raw["year"], bool) or not (len(year) == 4 and year.isdigit()):
            ck.fail(f"{where}.year", f"expected a year such as 2015, got {shown(raw['year'])}")
        else:
            out["year"] = year
    return out


def _limits(ck: Checker, raw: Any, where: str, net: Network) -> tuple[Limit, ...]:
    """``limits = [{ countries = ["CN"], max_share = 0.5 }, ...]``: caps on the tonnes through countries or nodes."""
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        ck.fail(where, f"expected a list of tables, got {type_name(raw)}")
        return ()
    out = []
    for i, item in enumerate(raw, start=1):
        w = f"{where}[{i}]"
        item = ck.table(item, w, LIMIT_KEYS)
        countries = ck.names(item.get("countries", []), f"{w}.countries")
        nodes = ck.names(item.get("nodes", []), f"{w}.nodes")
        for c in countries:
            if c not in schema.COUNTRIES:
                ck.fail(f"{w}.countries", f"unknown country '{c}'")
        for n in nodes:
            if n not in net.nodes.index:
                ck.fail(f"{w}.nodes", f"unknown node '{n}'")
        if not countries and not nodes:
            ck.fail(w, "a limit needs countries or nodes")
        given = [k for k in ("max_share", "max_mt_per_year") if k in item]
        if len(given) != 1:
            ck.fail(w, "give max_share (of the total demand) or max_mt_per_year")
            continue
        key = given[0]
        value = ck.number(item[key], f"{w}.{key}", high=1.0 if key == "max_share" else math.inf)
        if value is not None:
            out.append(Limit(countries=tuple(countries), nodes=tuple(nodes), **{key: float(value)}))
    return tuple(out)


def resolve_flows(ck: Checker, values: dict, where: str) -> Flows | None:
    missing = [k for k in ("supply", "demand") if k not in values]
    if missing:
        ck.fail(where, f"missing {' and '.join(missing)} (node = Mt/yr)")
        return None
    both = sorted(set(values["supply"]) & set(values["demand"]))
    if both:
        ck.fail(where, f"{', '.join(both)} in both supply and demand (a node is an origin or a destination, not both)")
        return None
    if values.get("unserved_penalty_usd_per_t") == 0 and values.get("sell") is None:
        ck.fail(f"{where}.unserved_penalty_usd_per_t", "must be greater than 0 (0 only with sell = ..., where a "
                                                        "delivered tonne earns its market price)")
        return None
    markets = dict(values.get("markets", {}))
    inside = {n for d in values["demand"] for n in markets.get(d, ())} & set(values["supply"])
    if inside:
        ck.fail(where, f"{', '.join(sorted(inside))} in both supply and a market of the demand")
        return None
    assignment = values.get("assignment", "least-cost")
    dispersion = values.get("dispersion_usd_per_t")
    if assignment == "logit" and dispersion is None:
        ck.fail(where, "assignment = \"logit\" needs dispersion_usd_per_t (USD/t: a route dearer by this much carries "
                       "1/e of the flow of the other)")
        return None
    if assignment == "logit" and (markets or values.get("limits") or values.get("sell") is not None):
        ck.fail(where, "assignment = \"logit\" takes no markets, limits or sell (they belong to the least-cost LP)")
        return None
    if assignment != "logit" and (dispersion is not None or "paths" in values):
        ck.fail(where, "dispersion_usd_per_t and paths go with assignment = \"logit\"")
        return None
    return Flows(supply=dict(values["supply"]), demand=dict(values["demand"]),
                 unserved_penalty_usd_per_t=values.get("unserved_penalty_usd_per_t",
                                                       DEFAULT_UNSERVED_PENALTY_USD_PER_T),
                 markets=markets, limits=tuple(values.get("limits", ())), sell=values.get("sell"),
                 assignment=assignment, dispersion_usd_per_t=dispersion, paths=int(values.get("paths", 5)),
                 year=values.get("year", ""))
