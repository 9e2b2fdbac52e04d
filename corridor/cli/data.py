"""``corridor validate``, ``corridor network`` and ``corridor sea-distances``: checking and showing the input data,
and the maintenance of sea distances."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser("validate", help="check a scenario file or a network folder")
    v.add_argument("path", type=Path)
    v.set_defaults(handler=_validate)
    n = sub.add_parser("network", help="show what a network holds")
    n.add_argument("name", nargs="?", default="baseline", help="shipped network name or folder (default: baseline)")
    n.add_argument("--provenance", action="store_true",
                   help="show only the share of published, derived and estimated cells by table and kind")
    n.set_defaults(handler=_network)
    d = sub.add_parser("sea-distances", help="recompute sea-link distances with searoute and write them into links.csv")
    d.add_argument("name", help="network folder to write into (a shipped network name only with --dry-run)")
    d.add_argument("--dry-run", action="store_true", help="print the table only, write nothing")
    d.set_defaults(handler=_sea_distances)


def _validate(args) -> int:
    from ..network import load_network
    from ..scenario import load_scenario

    if args.path.is_dir():
        net = load_network(args.path)
        print(f"ok: {net!r}")
    else:
        scenario = load_scenario(args.path)
        print(f"ok: {scenario!r}")
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

    return sea_main(args.name, dry_run=args.dry_run)
