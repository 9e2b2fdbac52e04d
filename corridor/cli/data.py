"""``corridor validate``, ``corridor network`` and ``corridor sea-distances``: checking and showing the input data,
and the maintenance of sea distances."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser("validate", help="check a scenario file or a network folder (or a shipped network by name)")
    v.add_argument("path", type=Path, help="scenario file, network folder, or a shipped network name (baseline)")
    v.set_defaults(handler=_validate)
    n = sub.add_parser("network", help="show what a network holds")
    n.add_argument("name", nargs="?", default="baseline", help="shipped network name or folder (default: baseline)")
    n.add_argument("--provenance", action="store_true",
                   help="show only the share of published, derived and estimated cells by table and kind")
    n.set_defaults(handler=_network)
    d = sub.add_parser("sea-distances", help="recompute sea-link distances with searoute and write them into links.csv")
    d.add_argument("name", help="network folder to write into (a shipped network name only with --dry-run)")
    d.add_argument("--dry-run", action="store_true", help="print the table only, write nothing")
    d.add_argument("--paths-only", action="store_true",
                   help="write only the sea links' paths (link_paths.csv, for maps), not their distances")
    d.set_defaults(handler=_sea_distances)


def _validate(args) -> int:
    import sys

    from .._netcheck import network_warnings
    from ..network import load_network, shipped_networks
    from ..scenario import load_scenario

    if args.path.is_dir() or (not args.path.exists() and str(args.path) in shipped_networks()):
        net = load_network(args.path)
        print(f"ok: {net!r} from {net.folder}")
    else:
        scenario = load_scenario(args.path)
        net = scenario.network
        print(f"ok: {scenario!r} (network folder {net.folder})")
    for warning in network_warnings(net):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _network(args) -> int:
    from ..network import load_network
    from ..report import network_report

    net = load_network(args.name)
    if args.provenance:
        from ..netreport import provenance_text

        print(provenance_text(net))
    else:
        print(network_report(net))
    return 0


def _sea_distances(args) -> int:
    from ..tools.sea_distances import main as sea_main

    return sea_main(args.name, dry_run=args.dry_run, paths_only=args.paths_only)
