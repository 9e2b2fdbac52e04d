"""Reading a scenario's sections (the parsed TOML) and checking every key, type and range, and every node, link,
table, column and selector against the network: the validation behind :func:`corridor.load_scenario`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, NamedTuple

from . import schema
from ._appraisal_parse import parse_appraisal
from ._validate import Checker, suggest, type_name
from .appraisal.settings import AppraisalSettings
from .case import Case, Flows, Limit, Settings, Shipment
from .costs import DEFAULT_UNSERVED_PENALTY_USD_PER_T, price_problems
from .errors import InputError
from .network import Network, load_network, resolve_network_path
from .restrict import MAX_VIA, SPEC_KEYS, crossing_pair, path_problems
from .restrict import known as known_elements
from .uncertainty.entries import Entry, parse_entries

TOP_KEYS = {"name", "description", "network", "shipment", "flows", "settings", "cases", "uncertainty",
            "appraisal", "criticality"}
SHIPMENT_KEYS = {"origin", "destination", "tonnes", "coal", "via", "avoid", "path"}
SETTINGS_KEYS = {"routes", "value_of_time_usd_per_t_day", "cargo_value_usd_per_t", "interest_rate_per_year",
                 "carbon_price_usd_per_t_co2", "corridors"}
CASE_KEYS = {"name", "description", "close", "add", "change", "shipment", "flows", "settings"}
FLOWS_KEYS = {"supply", "demand", "unserved_penalty_usd_per_t", "markets", "limits", "sell", "assignment",
              "dispersion_usd_per_t", "paths", "year"}
LIMIT_KEYS = {"countries", "nodes", "max_share", "max_mt_per_year"}
ASSIGNMENTS = ("least-cost", "logit")
MAX_PATHS = 50  # routes per origin-destination pair of a logit allocation
CLOSE_KEYS = {"countries", "nodes", "links", "transfers"}
CHANGE_KEYS = {"table", "where", "scale", "set", "add"}
DEFAULT_SETTINGS = {"routes": 5}
MAX_ROUTES = 1000  # Yen's search grows with k; more routes than this says nothing an analyst can read
# Upper bounds that catch a misplaced decimal point (coal is worth ~50-300 USD/t)
SETTING_LIMITS = {"value_of_time_usd_per_t_day": 1000.0, "cargo_value_usd_per_t": 100_000.0,
                  "interest_rate_per_year": 10.0, "carbon_price_usd_per_t_co2": 10_000.0}




class Parsed(NamedTuple):
    """What a checked scenario holds (the fields of :class:`corridor.Scenario` besides its source)."""

    name: str
    description: str
    data: dict
    network: Network
    cases: tuple[Case, ...]
    uncertainty: tuple[Entry, ...]
    appraisal: AppraisalSettings | None = None
    element_sets: tuple[tuple[str, dict], ...] = ()


def _node_names(net: Network) -> dict[str, str]:
    return dict(zip(net.nodes.index, net.nodes["name"]))


def _unknown_node(node: Any, net: Network) -> str:
    hint = suggest(node, net.nodes.index, _node_names(net))
    return f"unknown node '{node}'{hint or ' (see `corridor network` for node ids)'}"


def _shipment(ck: Checker, raw: dict, where: str, base: dict | None, net: Network) -> dict:
    """The shipment's keys; a key given but wrong is kept as None, so that it is not also reported missing."""
    raw = ck.table(raw, where, SHIPMENT_KEYS)
    out = dict(base or {})
    for key in ("origin", "destination"):
        if key not in raw:
            continue
        if ck.text(raw[key], f"{where}.{key}") is None:
            out[key] = None
        elif raw[key] not in net.nodes.index:
            ck.fail(f"{where}.{key}", _unknown_node(raw[key], net))
            out[key] = None
        else:
            out[key] = raw[key]
    if "tonnes" in raw:
        value = ck.number(raw["tonnes"], f"{where}.tonnes", strict=True)
        out["tonnes"] = float(value) if value is not None else None
    if "coal" in raw and ck.text(raw["coal"], f"{where}.coal") is not None:
        kinds = sorted(set(net.prices["coal"])) if len(net.prices) else []
        if kinds and raw["coal"] not in kinds:
            ck.fail(f"{where}.coal", f"no price for coal '{raw['coal']}' in prices.csv "
                                     f"(coal types: {', '.join(kinds)})")
        else:
            out["coal"] = raw["coal"]
    for key in ("via", "avoid"):
        if key in raw:
            items = _elements(ck, raw[key], f"{where}.{key}", net)
            if items is not None:
                out[key] = items
    if "path" in raw:
        path = _path(ck, raw["path"], f"{where}.path", net)
        if path is not None:
            out["path"] = path
    return out


def _elements(ck: Checker, raw: Any, where: str, net: Network) -> tuple[tuple[str, str], ...] | None:
    """``via``/``avoid``: a table of element lists (``{ nodes = [...], countries = [...] }``) or a list of node ids."""
    if isinstance(raw, (list, str)):
        raw = {"nodes": raw}
    table = ck.table(raw, where, set(SPEC_KEYS))
    mark = ck.mark()
    items = []
    for key, values in table.items():
        if key not in SPEC_KEYS:
            continue
        kind = SPEC_KEYS[key]
        ids = known_elements(net, kind)
        for item in ck.names(values, f"{where}.{key}"):
            if item not in ids and not (kind == "crossing" and crossing_pair(net, item)):
                hint = {"crossing": " (crossings look like 'zamyn_uud/erenhot'; see `corridor criticality --list`)",
                        "transfer": " (transfer ids look like 'erenhot:rail1520>rail1435')"}.get(kind, "")
                ck.fail(f"{where}.{key}", f"unknown {kind} '{item}'{hint}")
            else:
                items.append((kind, item))
    if len(items) > MAX_VIA and where.endswith(".via"):
        ck.fail(where, f"at most {MAX_VIA} via elements (got {len(items)})")
    return None if ck.since(mark) else tuple(items)


def _path(ck: Checker, raw: Any, where: str, net: Network) -> tuple[tuple[str, ...], str] | None:
    """``path``: node ids in order, or ``{ links = [...] }``; consecutive nodes must be joined by a link."""
    by = "nodes"
    if isinstance(raw, dict):
        raw = ck.table(raw, where, {"nodes", "links"})
        if len(raw) != 1:
            ck.fail(where, "give nodes = [...] or links = [...]")
            return None
        by, raw = next(iter(raw.items()))
    mark = ck.mark()
    ids = ck.names(raw, f"{where}.{by}" if by == "links" else where)
    if ck.since(mark):
        return None
    if len(ids) < (1 if by == "links" else 2):
        ck.fail(where, "a path needs at least two nodes (or one link)")
        return None
    for problem in path_problems(net, ids, by):
        ck.fail(f"{where}.links" if by == "links" else where, problem)
    return None if ck.since(mark) else (tuple(ids), by)


def _check_restriction(ck: Checker, ship: dict, where: str) -> None:
    """A shipment's via, avoid and path agree with each other and with its origin and destination."""
    via, avoid = set(ship.get("via", ())), set(ship.get("avoid", ()))
    both = via & avoid
    if both:
        ck.fail(where, f"{', '.join(e for _, e in sorted(both))} both in via and in avoid")
    for kind, item in avoid:
        if kind == "node" and item in (ship.get("origin"), ship.get("destination")):
            ck.fail(f"{where}.avoid", f"cannot avoid the shipment's own origin or destination ({item})")
    if "path" in ship:
        ids, by = ship["path"]
        if by == "nodes" and (ids[0] != ship.get("origin") or ids[-1] != ship.get("destination")):
            ck.fail(f"{where}.path", f"must run from the origin ({ship.get('origin')}) to the destination "
                                     f"({ship.get('destination')}), got {ids[0]} ... {ids[-1]}")
        if via or avoid:
            ck.fail(where, "a fixed path takes no via or avoid")


def _make_shipment(ship: dict) -> Shipment:
    path, by = ship.get("path", ((), "nodes"))
    return Shipment(ship["origin"], ship["destination"], ship["tonnes"], ship.get("coal", "thermal"),
                    via=tuple(ship.get("via", ())), avoid=tuple(ship.get("avoid", ())), path=tuple(path), path_by=by)


def _flows(ck: Checker, raw: Any, where: str, base: dict | None, net: Network) -> dict:
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
                ck.fail(f"{where}.{key}.{node}", _unknown_node(node, net))
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
            ck.fail(f"{where}.assignment", f"expected \"least-cost\" or \"logit\", got {raw['assignment']!r}")
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
            ck.fail(f"{where}.year", f"expected a year such as 2015, got {raw['year']!r}")
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


def _resolve_flows(ck: Checker, values: dict, where: str) -> Flows | None:
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


def _settings(ck: Checker, raw: dict, where: str, base: dict) -> dict:
    raw = ck.table(raw, where, SETTINGS_KEYS)
    out = dict(base)
    if "routes" in raw:
        value = ck.number(raw["routes"], f"{where}.routes", low=1, integer=True, high=MAX_ROUTES)
        if value is not None:
            out["routes"] = value
    for key in ("value_of_time_usd_per_t_day", "cargo_value_usd_per_t", "interest_rate_per_year",
                "carbon_price_usd_per_t_co2"):
        if key in raw:
            value = ck.number(raw[key], f"{where}.{key}", high=SETTING_LIMITS[key])
            if value is not None:
                out[key] = float(value)
    if "corridors" in raw:
        if isinstance(raw["corridors"], bool):
            out["corridors"] = raw["corridors"]
        else:
            ck.fail(f"{where}.corridors", f"expected true or false, got {type_name(raw['corridors'])}")
    # The level that sets the value of time (directly, or from cargo value and interest) overrides the other way.
    if "value_of_time_usd_per_t_day" in raw and ("cargo_value_usd_per_t" in raw or "interest_rate_per_year" in raw):
        ck.fail(where, "give value_of_time_usd_per_t_day or cargo_value_usd_per_t with interest_rate_per_year, "
                       "not both")
    if "value_of_time_usd_per_t_day" in raw:
        out.pop("cargo_value_usd_per_t", None)
        out.pop("interest_rate_per_year", None)
    elif "cargo_value_usd_per_t" in raw or "interest_rate_per_year" in raw:
        out.pop("value_of_time_usd_per_t_day", None)
    return out


def _resolve_settings(ck: Checker, values: dict, where: str) -> Settings:
    vot = values.get("value_of_time_usd_per_t_day")
    cargo, rate = values.get("cargo_value_usd_per_t"), values.get("interest_rate_per_year")
    if (cargo is None) != (rate is None):
        ck.fail(where, "cargo_value_usd_per_t and interest_rate_per_year go together "
                       "(value of time = value x rate / 365)")
    elif vot is None and cargo is not None:
        vot = cargo * rate / 365.0
    return Settings(routes=int(values.get("routes", 5)), value_of_time_usd_per_t_day=float(vot or 0.0),
                    carbon_price_usd_per_t_co2=float(values.get("carbon_price_usd_per_t_co2", 0.0)),
                    corridors=bool(values.get("corridors", True)))


def _apply_case(ck: Checker, raw: dict, where: str, net: Network) -> Network:
    start = len(ck.problems)  # problems of earlier cases must not hide this case's checks
    if "close" in raw:
        close = ck.table(raw["close"], f"{where}.close", CLOSE_KEYS)
        lists = {k: ck.names(v, f"{where}.close.{k}") for k, v in close.items() if k in CLOSE_KEYS}
        known = {"countries": schema.LINK_COUNTRIES, "nodes": net.nodes.index, "links": net.links.index,
                 "transfers": net.transfers.index}
        for key, items in lists.items():
            for item in items:
                if item not in known[key]:
                    hint = suggest(item, known[key], _node_names(net) if key == "nodes" else None)
                    if not hint and key == "transfers":
                        hint = " (transfer ids look like 'erenhot:rail1520>rail1435')"
                    ck.fail(f"{where}.close.{key}", f"unknown {key[:-1] if key != 'countries' else 'country'} "
                                                    f"'{item}'{hint}")
        if len(ck.problems) == start:
            net = net.close(**lists)
    net = _add_rows(ck, raw.get("add", []), where, net)
    changes = raw.get("change", [])
    if isinstance(changes, dict):
        changes = [changes]
    if not isinstance(changes, list):
        ck.fail(f"{where}.change", f"expected a list of tables ([[cases.change]]), got {type_name(changes)}")
        changes = []
    for i, change in enumerate(changes, start=1):
        cw = f"{where}.change[{i}]"
        before = len(ck.problems)
        change = ck.table(change, cw, CHANGE_KEYS)
        if not change:
            continue
        table = change.get("table")
        if table not in schema.CHANGEABLE:
            ck.fail(f"{cw}.table", f"unknown table {table!r}{suggest(table, schema.CHANGEABLE)} "
                                   f"(expected {', '.join(schema.CHANGEABLE)})")
            continue
        df = net.table(table)
        where_ = ck.table(change.get("where", {}), f"{cw}.where", {"id", *df.columns})
        ops = {op: ck.table(change[op], f"{cw}.{op}", set(schema.NUMERIC[table])) for op in ("scale", "set", "add")
               if op in change}
        if not ops:
            ck.fail(cw, "a change needs scale, set or add")
        for op, values in ops.items():
            for col, value in values.items():
                ck.number(value, f"{cw}.{op}.{col}", low=-math.inf)
        for key, want in where_.items():
            if isinstance(want, list):
                col = df.index if key == "id" else df[key]
                for value in want:
                    if value not in set(col):
                        hint = suggest(value, {str(v) for v in col}) or " (check the spelling)"
                        ck.fail(f"{cw}.where.{key}", f"{value!r} is in no row of {table}{hint}")
        if len(ck.problems) > before:
            continue
        ids = net.select(table, where_)
        if len(ids) == 0:
            shown = ", ".join(f"{k} = {v!r}" for k, v in where_.items())
            hints = "".join(suggest(v, {str(x) for x in (df.index if k == "id" else df[k])})
                            for k, v in where_.items() if isinstance(v, str))
            ck.fail(f"{cw}.where", f"{{{shown}}} selects no row of {table}{hints or ' (check the spelling)'}")
            continue
        try:
            net = net.change(table, where_, **ops)
        except InputError as err:
            ck.fail(cw, str(err))
    return net


def _add_rows(ck: Checker, adds: Any, where: str, net: Network) -> Network:
    """A case's ``[[cases.add]]`` rows: ``table`` and the row's columns, checked as rows of that file are."""
    if isinstance(adds, dict):
        adds = [adds]
    if not isinstance(adds, list):
        ck.fail(f"{where}.add", f"expected a list of tables ([[cases.add]]), got {type_name(adds)}")
        return net
    for j, add in enumerate(adds, start=1):
        aw = f"{where}.add[{j}]"
        if not isinstance(add, dict):
            ck.fail(aw, f"expected a table, got {type_name(add)}")
            continue
        table = add.get("table")
        if table not in schema.CHANGEABLE:
            ck.fail(f"{aw}.table", f"unknown table {table!r} (expected {', '.join(schema.CHANGEABLE)})")
            continue
        row = {k: v for k, v in add.items() if k != "table"}
        ck.table(row, aw, {c.name for c in schema.TABLES[table]})
        try:
            net = net.add_rows(table, [row], where=[f"{ck.source}: {aw}"])
        except InputError as err:
            ck.problems.extend(err.problems)
    return net


def parse_scenario(data: dict, source: str, base_dir: Path | None, network: Network | None) -> Parsed:
    """Check a scenario (the parsed TOML, as a dict) against its network and build its cases.

    Raises
    ------
    InputError
        listing every problem, each naming ``source`` and the key.
    """
    ck = Checker(source)
    data = ck.table(data, "", TOP_KEYS)
    if "shipment" not in data and "flows" not in data:
        ck.fail("", "missing [shipment] (origin, destination, tonnes) or [flows] (supply, demand)")
    if ck.problems:
        raise InputError(ck.problems)
    if network is None:
        ref = data.get("network", "baseline")
        if ck.text(ref, "network") is None:
            raise InputError(ck.problems)
        folder = resolve_network_path(ref, base_dir)
        try:
            network = load_network(folder)
        except InputError as err:
            raise InputError([f"{source}: network = {ref!r}: {err.problems[0]}", *err.problems[1:]]) from None
    name = data.get("name", Path(source).stem)
    ck.text(name, "name")
    description = data.get("description", "")
    if not isinstance(description, str):
        ck.fail("description", f"expected text, got {type_name(description)}")
    shipment = _shipment(ck, data["shipment"], "shipment", None, network) if "shipment" in data else None
    flows = _flows(ck, data["flows"], "flows", None, network) if "flows" in data else None
    settings = _settings(ck, data.get("settings", {}), "settings", DEFAULT_SETTINGS)
    raw_cases = data.get("cases", [{"name": "baseline"}])
    if not isinstance(raw_cases, list) or not raw_cases:
        ck.fail("cases", "expected a list of [[cases]] tables")
        raw_cases = []
    cases, names = [], set()
    for i, raw in enumerate(raw_cases, start=1):
        where = f"cases[{i}]"
        raw = ck.table(raw, where, CASE_KEYS)
        case_name = raw.get("name")
        if ck.text(case_name, f"{where}.name") is None:
            continue
        where = f"cases[{i}] '{case_name}'"
        if case_name in names:
            ck.fail(where, "two cases have this name")
        names.add(case_name)
        ship = _shipment(ck, raw["shipment"], f"{where}.shipment", shipment, network) if "shipment" in raw else shipment
        sets = _settings(ck, raw["settings"], f"{where}.settings", settings) if "settings" in raw else settings
        flow = _flows(ck, raw["flows"], f"{where}.flows", flows, network) if "flows" in raw else flows
        if ship is not None:
            for key in ("origin", "destination", "tonnes"):
                if key not in ship:
                    ck.fail(f"{where}" if "shipment" in raw else "shipment", f"missing {key}")
            _check_restriction(ck, ship, f"{where}.shipment" if "shipment" in raw else "shipment")
        n_before = len(ck.problems)
        resolved_flows = _resolve_flows(ck, flow, f"{where}.flows" if "flows" in raw else "flows") \
            if flow is not None else None
        case_net = _apply_case(ck, raw, where, network)
        if len(ck.problems) == n_before and case_net is not network:
            for problem in price_problems(case_net, lot_t=ship.get("tonnes") if ship else None):
                ck.fail(where, f"after its changes, {problem}")
        resolved = _resolve_settings(ck, sets, f"{where}.settings")
        complete = ship is None or all(ship.get(k) is not None for k in ("origin", "destination", "tonnes"))
        if len(ck.problems) == n_before and complete:
            cases.append(Case(name=str(case_name), description=raw.get("description", ""),
                              shipment=None if ship is None else _make_shipment(ship),
                              settings=resolved, network=case_net, closed=case_net.closed, flows=resolved_flows))
    uncertainty = parse_entries(ck, data["uncertainty"], network, flows=_flow_nodes(cases, flows),
                                capacities=_capacities(network, cases)) if "uncertainty" in data else ()
    appraisal = parse_appraisal(ck, data["appraisal"], network, [str(r.get("name")) for r in raw_cases
                                                                if isinstance(r, dict)]) \
        if "appraisal" in data else None
    if appraisal is not None and flows is None:
        ck.fail("appraisal", "an appraisal allocates annual flows: the scenario needs [flows] (supply, demand)")
    element_sets = _element_sets(ck, data["criticality"], network) if "criticality" in data else ()
    if ck.problems:
        raise InputError(list(dict.fromkeys(ck.problems)))
    return Parsed(name=name, description=description, data=data, network=network, cases=tuple(cases),
                  uncertainty=uncertainty, appraisal=appraisal, element_sets=element_sets)


def _element_sets(ck: Checker, raw: Any, network: Network) -> tuple[tuple[str, dict], ...]:
    """``[[criticality]]``: named sets of elements closed together (``name``, ``close = { ... }``)."""
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        ck.fail("criticality", "expected a list of [[criticality]] tables")
        return ()
    out: dict[str, dict] = {}
    for i, item in enumerate(raw, start=1):
        where = f"criticality[{i}]"
        item = ck.table(item, where, {"name", "close"})
        name = item.get("name")
        if ck.text(name, f"{where}.name") is None:
            continue
        where = f"criticality[{i}] '{name}'"
        if name in out:
            ck.fail(where, "two [[criticality]] sets have this name")
        if "close" not in item:
            ck.fail(where, "missing close = { nodes = [...], countries = [...], ... }")
            continue
        items = _elements(ck, item["close"], f"{where}.close", network)
        if items is not None:
            spec: dict[str, list[str]] = {}
            for kind, element in items:
                spec.setdefault(next(k for k, v in SPEC_KEYS.items() if v == kind), []).append(element)
            out[str(name)] = spec
    return tuple(out.items())


def _flow_nodes(cases: list[Case], flows: dict | None) -> dict[str, set[str]] | None:
    """The nodes that supply and that demand in ``[flows]`` or in any case (None without flows)."""
    have = [c.flows for c in cases if c.flows is not None]
    if flows is None and not have:
        return None
    out: dict[str, set[str]] = {"supply": set((flows or {}).get("supply", {})),
                                "demand": set((flows or {}).get("demand", {}))}
    for f in have:
        out["supply"] |= set(f.supply)
        out["demand"] |= set(f.demand)
    return out


def _capacities(network: Network, cases: list[Case]) -> dict[str, set[str]]:
    """Ids of the links, nodes and transfers with a capacity in the network or in any case."""
    out: dict[str, set[str]] = {}
    for table in ("links", "nodes", "transfers"):
        ids: set[str] = set()
        for net in {id(n): n for n in [network, *(c.network for c in cases)]}.values():
            df = net.table(table)
            ids |= set(df.index[df["capacity_mt_per_year"].notna()])
        out[table] = ids
    return out
