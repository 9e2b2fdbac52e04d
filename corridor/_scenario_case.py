"""A scenario's ``[[cases]]``: each case's shipment, flows and settings (keys given replace the scenario's), and its
network after ``close``, ``add`` and ``change``, checked against the network and built into :class:`corridor.Case`.
Part of :func:`corridor._scenario_parse.parse_scenario` (types and ranges were checked before, by
:mod:`corridor._scenario_schema`)."""

from __future__ import annotations

import math
from typing import Any

from . import schema
from ._scenario_flows import parse_flows, resolve_flows
from ._scenario_settings import parse_settings, resolve_settings
from ._scenario_shipment import check_restriction, make_shipment, node_names, parse_shipment
from ._validate import Checker, suggest, type_name
from .case import Case
from .costs import price_problems
from .errors import InputError, shown
from .network import Network

CASE_KEYS = {"name", "description", "close", "add", "change", "shipment", "flows", "settings"}
CLOSE_KEYS = {"countries", "nodes", "links", "transfers"}
CHANGE_KEYS = {"table", "where", "scale", "set", "add"}


def parse_cases(ck: Checker, raw_cases: Any, shipment: dict | None, flows: dict | None, settings: dict,
                network: Network) -> list[Case]:
    """The cases of ``[[cases]]`` (``shipment``, ``flows`` and ``settings``: the scenario's sections as parsed). A
    case with a problem is reported in ``ck`` and left out."""
    if not isinstance(raw_cases, list) or not raw_cases:
        ck.fail("cases", "expected a list of [[cases]] tables")
        return []
    cases: list[Case] = []
    names: set = set()
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
        ship = parse_shipment(ck, raw["shipment"], f"{where}.shipment", shipment, network) if "shipment" in raw \
            else shipment
        sets = parse_settings(ck, raw["settings"], f"{where}.settings", settings) if "settings" in raw else settings
        flow = parse_flows(ck, raw["flows"], f"{where}.flows", flows, network) if "flows" in raw else flows
        if ship is not None:
            for key in ("origin", "destination", "tonnes"):
                if key not in ship:
                    ck.fail(f"{where}" if "shipment" in raw else "shipment", f"missing {key}")
            check_restriction(ck, ship, f"{where}.shipment" if "shipment" in raw else "shipment")
        n_before = len(ck.problems)
        resolved_flows = resolve_flows(ck, flow, f"{where}.flows" if "flows" in raw else "flows") \
            if flow is not None else None
        case_net = apply_case(ck, raw, where, network)
        if len(ck.problems) == n_before and case_net is not network:
            for problem in price_problems(case_net, lot_t=ship.get("tonnes") if ship else None):
                ck.fail(where, f"after its changes, {problem}")
        resolved = resolve_settings(ck, sets, f"{where}.settings")
        complete = ship is None or all(ship.get(k) is not None for k in ("origin", "destination", "tonnes"))
        if len(ck.problems) == n_before and complete:
            cases.append(Case(name=str(case_name), description=raw.get("description", ""),
                              shipment=None if ship is None else make_shipment(ship),
                              settings=resolved, network=case_net, closed=case_net.closed, flows=resolved_flows))
    return cases


def apply_case(ck: Checker, raw: dict, where: str, net: Network) -> Network:
    """A case's network: ``net`` with the case's ``close``, then its ``add`` rows, then each ``change`` (a copy;
    ``net`` itself when the case changes nothing)."""
    if "close" in raw:
        net = _close(ck, raw["close"], f"{where}.close", net)
    net = _add_rows(ck, raw.get("add", []), where, net)
    changes = raw.get("change", [])
    if isinstance(changes, dict):
        changes = [changes]
    if not isinstance(changes, list):
        ck.fail(f"{where}.change", f"expected a list of tables ([[cases.change]]), got {type_name(changes)}")
        changes = []
    for i, change in enumerate(changes, start=1):
        net = _change(ck, change, f"{where}.change[{i}]", net)
    return net


def _close(ck: Checker, raw: Any, where: str, net: Network) -> Network:
    """``close = { countries = [...], nodes = [...], links = [...], transfers = [...] }``."""
    start = len(ck.problems)  # problems of earlier cases must not hide this case's checks
    close = ck.table(raw, where, CLOSE_KEYS)
    lists = {k: ck.names(v, f"{where}.{k}") for k, v in close.items() if k in CLOSE_KEYS}
    known = {"countries": schema.LINK_COUNTRIES, "nodes": net.nodes.index, "links": net.links.index,
             "transfers": net.transfers.index}
    for key, items in lists.items():
        for item in items:
            if item not in known[key]:
                hint = suggest(item, known[key], node_names(net) if key == "nodes" else None)
                if not hint and key == "transfers":
                    hint = " (transfer ids look like 'erenhot:rail1520>rail1435')"
                ck.fail(f"{where}.{key}", f"unknown {key[:-1] if key != 'countries' else 'country'} '{item}'{hint}")
    return net.close(**lists) if len(ck.problems) == start else net


def _change(ck: Checker, change: Any, cw: str, net: Network) -> Network:
    """One ``[[cases.change]]``: ``table``, ``where`` (a selector) and ``scale``, ``set`` or ``add``."""
    before = len(ck.problems)
    change = ck.table(change, cw, CHANGE_KEYS)
    if not change:
        return net
    table = change.get("table")
    if table not in schema.CHANGEABLE:
        ck.fail(f"{cw}.table", f"unknown table {shown(table)}{suggest(table, schema.CHANGEABLE)} "
                               f"(expected {', '.join(schema.CHANGEABLE)})")
        return net
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
        return net
    ids = net.select(table, where_)
    if len(ids) == 0:
        selected = ", ".join(f"{k} = {v!r}" for k, v in where_.items())
        hints = "".join(suggest(v, {str(x) for x in (df.index if k == "id" else df[k])})
                        for k, v in where_.items() if isinstance(v, str))
        ck.fail(f"{cw}.where", f"{{{selected}}} selects no row of {table}{hints or ' (check the spelling)'}")
        return net
    try:
        return net.change(table, where_, **ops)
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
            ck.fail(f"{aw}.table", f"unknown table {shown(table)} (expected {', '.join(schema.CHANGEABLE)})")
            continue
        row = {k: v for k, v in add.items() if k != "table"}
        ck.table(row, aw, {c.name for c in schema.TABLES[table]})
        try:
            net = net.add_rows(table, [row], where=[f"{ck.source}: {aw}"])
        except InputError as err:
            ck.problems.extend(err.problems)
    return net
