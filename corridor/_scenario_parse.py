"""Reading a scenario (the parsed TOML) and checking every key, type and range, and every node, link, table, column
and selector against the network: the validation behind :func:`corridor.load_scenario`.

In two passes: first every value's type and range against the scenario schema (:mod:`corridor._scenario_schema`),
before any value is used; then each section against the network, one module each: ``[shipment]``
(:mod:`corridor._scenario_shipment`), ``[flows]`` (:mod:`corridor._scenario_flows`), ``[settings]``
(:mod:`corridor._scenario_settings`), ``[[cases]]`` (:mod:`corridor._scenario_case`), ``[[uncertainty]]``
(:mod:`corridor.uncertainty.entries`) and ``[appraisal]`` (:mod:`corridor._appraisal_parse`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ._appraisal_parse import parse_appraisal
from ._scenario_case import parse_cases
from ._scenario_flows import parse_flows
from ._scenario_schema import check_types
from ._scenario_settings import DEFAULT_SETTINGS, parse_settings
from ._scenario_shipment import parse_elements, parse_shipment
from ._validate import Checker, type_name
from .appraisal.settings import AppraisalSettings
from .case import Case
from .errors import InputError, shown
from .network import Network, load_network, resolve_network_path
from .restrict import SPEC_KEYS
from .uncertainty._entry_parse import parse_entries
from .uncertainty.entries import Entry

TOP_KEYS = {"name", "description", "network", "shipment", "flows", "settings", "cases", "uncertainty",
            "appraisal", "criticality"}


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


def parse_scenario(data: Any, source: str, base_dir: Path | None, network: Network | None) -> Parsed:
    """Check a scenario (the parsed TOML, as a dict) against the scenario schema (:mod:`corridor._scenario_schema`:
    every key, type and range), then against its network, and build its cases.

    Raises
    ------
    InputError
        listing every problem, each naming ``source`` and the key.
    """
    ck = Checker(source)
    check_types(ck, data)  # every value's type and range (corridor._scenario_schema), before any is used
    ck.raise_if_any()
    data = ck.table(data, "", TOP_KEYS)
    if "shipment" not in data and "flows" not in data:
        ck.fail("", "missing [shipment] (origin, destination, tonnes) or [flows] (supply, demand)")
    if ck.problems:
        raise InputError(ck.problems)
    if network is None:
        network = _network(ck, data.get("network", "baseline"), source, base_dir)
    name = data.get("name", Path(source).stem)
    ck.text(name, "name")
    description = data.get("description", "")
    if not isinstance(description, str):
        ck.fail("description", f"expected text, got {type_name(description)}")
    shipment = parse_shipment(ck, data["shipment"], "shipment", None, network) if "shipment" in data else None
    flows = parse_flows(ck, data["flows"], "flows", None, network) if "flows" in data else None
    settings = parse_settings(ck, data.get("settings", {}), "settings", DEFAULT_SETTINGS)
    raw_cases = data.get("cases", [{"name": "baseline"}])
    cases = parse_cases(ck, raw_cases, shipment, flows, settings, network)
    uncertainty = parse_entries(ck, data["uncertainty"], network, flows=_flow_nodes(cases, flows),
                                capacities=_capacities(network, cases)) if "uncertainty" in data else ()
    case_names = [str(r.get("name")) for r in raw_cases if isinstance(r, dict)] if isinstance(raw_cases, list) else []
    appraisal = parse_appraisal(ck, data["appraisal"], network, case_names) if "appraisal" in data else None
    if appraisal is not None and flows is None:
        ck.fail("appraisal", "an appraisal allocates annual flows: the scenario needs [flows] (supply, demand)")
    element_sets = _element_sets(ck, data["criticality"], network) if "criticality" in data else ()
    if ck.problems:
        raise InputError(list(dict.fromkeys(ck.problems)))
    return Parsed(name=name, description=description, data=data, network=network, cases=tuple(cases),
                  uncertainty=uncertainty, appraisal=appraisal, element_sets=element_sets)


def _network(ck: Checker, ref: Any, source: str, base_dir: Path | None) -> Network:
    """The network a scenario names (a folder beside it, or a shipped network's name), loaded and checked."""
    if ck.text(ref, "network") is None:
        raise InputError(ck.problems)
    folder = resolve_network_path(ref, base_dir)
    try:
        return load_network(folder)
    except InputError as err:
        raise InputError([f"{source}: network = {shown(ref)}: {err.problems[0]}", *err.problems[1:]]) from None


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
        items = parse_elements(ck, item["close"], f"{where}.close", network)
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
