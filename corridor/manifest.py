"""The run manifest: what a run read and with what software, so that its results can be archived and re-made.

``Results.manifest()`` (and ``manifest.json`` beside ``corridor run --out``, and the ``manifest`` of ``--json``)
holds the corridor, Python and library versions, the scenario file and its SHA-256, the network folder and a
SHA-256 of its files, and each case's inputs as given (shipment, flows, settings, closures, changes), with the
number of draws and the seed. It holds no date or machine name, so the same inputs give the same manifest: its
hashes change when an input changes and stay equal on a re-run.
"""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .results import Results

LIBRARIES = ("numpy", "pandas", "networkx", "scipy", "matplotlib", "openpyxl", "searoute")
FORMAT = 1  # version of this structure


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries corridor uses (those installed)."""
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def case_inputs(scenario, case) -> dict[str, Any]:
    """One case's inputs: its shipment, flows and settings as resolved, and its closures and changes as written."""
    raw = next((c for c in scenario.data.get("cases", []) if isinstance(c, dict) and c.get("name") == case.name), {})
    out: dict[str, Any] = {"name": case.name}
    if case.description:
        out["description"] = case.description
    if case.shipment is not None:
        s = case.shipment
        out["shipment"] = {"origin": s.origin, "destination": s.destination, "tonnes": s.tonnes, "coal": s.coal}
    if case.flows is not None:
        f = case.flows
        out["flows"] = {"supply": dict(f.supply), "demand": dict(f.demand),
                        "unserved_penalty_usd_per_t": f.unserved_penalty_usd_per_t}
    out["settings"] = {"routes": case.settings.routes,
                       "value_of_time_usd_per_t_day": case.settings.value_of_time_usd_per_t_day}
    if "close" in raw:
        out["close"] = raw["close"]
    if "change" in raw:
        out["change"] = raw["change"] if isinstance(raw["change"], list) else [raw["change"]]
    return out


def build_manifest(results: Results) -> dict[str, Any]:
    """The manifest of a run (see the module's description)."""
    from . import __version__

    scenario = results.scenario
    net = scenario.network
    draws = results.uncertainty or {}
    first = next(iter(draws.values()), None)
    source = Path(scenario.source)
    return {
        "manifest_format": FORMAT,
        "corridor_version": __version__,
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "libraries": library_versions(),
        "scenario": {"name": scenario.name,
                     "file": str(source.resolve()) if source.is_file() else scenario.source,
                     "sha256": scenario.source_sha256 or None,
                     "changed_in_memory": not scenario.source_sha256},
        "network": {"name": net.name, "folder": net.folder or None, "sha256": net.digest or None},
        "draws": first.draws if first is not None else 0,
        "seed": first.seed if first is not None else None,
        "cases": [case_inputs(scenario, c) for c in scenario.cases],
        "uncertainty": list(scenario.data.get("uncertainty", [])),  # the [[uncertainty]] entries as written
    }


def network_line(results: Results) -> str:
    """``network: baseline — /path/to/corridor/data/baseline (sha256 1a2b3c4d5e6f)`` for the text report."""
    from ._provenance import short

    net = results.scenario.network
    where = net.folder or "built in memory"
    return f"network: {net.name} — {where} (sha256 {short(net.digest)})"


__all__ = ["build_manifest", "case_inputs", "library_versions", "network_line"]
