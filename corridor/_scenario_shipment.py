"""A scenario's ``[shipment]`` (or a case's ``shipment``): origin, destination, tonnes and coal, and the restriction
(``via``, ``avoid``, ``path``), each checked against the network; also the element lists of ``[[criticality]]``.
Part of :func:`corridor._scenario_parse.parse_scenario` (types and ranges were checked before, by
:mod:`corridor._scenario_schema`)."""

from __future__ import annotations

from typing import Any

from ._validate import Checker, suggest
from .case import Shipment
from .network import Network
from .restrict import MAX_VIA, SPEC_KEYS, crossing_pair, path_problems
from .restrict import known as known_elements

SHIPMENT_KEYS = {"origin", "destination", "tonnes", "coal", "via", "avoid", "path"}


def node_names(net: Network) -> dict[str, str]:
    return dict(zip(net.nodes.index, net.nodes["name"]))


def unknown_node(node: Any, net: Network) -> str:
    hint = suggest(node, net.nodes.index, node_names(net))
    return f"unknown node '{node}'{hint or ' (see `corridor network` for node ids)'}"


def parse_shipment(ck: Checker, raw: dict, where: str, base: dict | None, net: Network) -> dict:
    """The shipment's keys; a key given but wrong is kept as None, so that it is not also reported missing."""
    raw = ck.table(raw, where, SHIPMENT_KEYS)
    out = dict(base or {})
    for key in ("origin", "destination"):
        if key not in raw:
            continue
        if ck.text(raw[key], f"{where}.{key}") is None:
            out[key] = None
        elif raw[key] not in net.nodes.index:
            ck.fail(f"{where}.{key}", unknown_node(raw[key], net))
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
            items = parse_elements(ck, raw[key], f"{where}.{key}", net)
            if items is not None:
                out[key] = items
    if "path" in raw:
        path = _path(ck, raw["path"], f"{where}.path", net)
        if path is not None:
            out["path"] = path
    return out


def parse_elements(ck: Checker, raw: Any, where: str, net: Network) -> tuple[tuple[str, str], ...] | None:
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


def check_restriction(ck: Checker, ship: dict, where: str) -> None:
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
        ends = (ship.get("origin"), ship.get("destination"))
        if by == "nodes" and None not in ends and (ids[0] != ends[0] or ids[-1] != ends[1]):
            ck.fail(f"{where}.path", f"must run from the origin ({ship.get('origin')}) to the destination "
                                     f"({ship.get('destination')}), got {ids[0]} ... {ids[-1]}")
        if via or avoid:
            ck.fail(where, "a fixed path takes no via or avoid")


def make_shipment(ship: dict) -> Shipment:
    path, by = ship.get("path", ((), "nodes"))
    return Shipment(ship["origin"], ship["destination"], ship["tonnes"], ship.get("coal", "thermal"),
                    via=tuple(ship.get("via", ())), avoid=tuple(ship.get("avoid", ())), path=tuple(path), path_by=by)
