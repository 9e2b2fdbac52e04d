"""``corridor check`` and ``corridor calibrate``: the model held against what was observed, and the uncertain inputs
fitted to it within their ranges (:mod:`corridor.validation`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError

CHART_SUFFIXES = (".png", ".svg", ".pdf")


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("check", help="hold the model against the observations of its network (validation report)")
    c.add_argument("source", help="scenario file (TOML), network folder or shipped network name")
    c.add_argument("--case", help="the case to check (default: the scenario's first)")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.add_argument("--out", type=Path, metavar="CSV", help="also write the table of observations to this CSV file")
    c.add_argument("--png", type=Path, metavar="FILE", help="also draw modelled against observed into FILE")
    c.set_defaults(handler=_check)
    k = sub.add_parser("calibrate", help="fit a scenario's uncertain inputs to the observations, within their ranges")
    k.add_argument("scenario", type=Path, help="scenario file (TOML) with [[uncertainty]] entries")
    k.add_argument("--case", help="the case to fit (default: the scenario's first)")
    k.add_argument("--network-out", type=Path, metavar="FOLDER",
                   help="write the calibrated copy of the network into FOLDER (a new folder)")
    k.add_argument("--no-loo", action="store_true", help="skip leave-one-out (one fit per observation)")
    k.add_argument("--json", action="store_true", help="print the calibration as JSON")
    k.add_argument("--out", type=Path, metavar="CSV",
                   help="also write each observation before, after and left out to this CSV file")
    k.add_argument("--png", type=Path, metavar="FILE", help="also draw modelled against observed, before and after")
    k.set_defaults(handler=_calibrate)


def _chart_path(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in CHART_SUFFIXES:
        raise InputError(f"--png {path}: the file name must end in .png, .svg or .pdf")


def _check(args) -> int:
    from ..validation import check

    _chart_path(args.png)
    report = check(args.source, case=args.case)
    if args.out:
        report.write_csv(args.out)
    if args.png:
        from ..plot.validation import validation_chart

        validation_chart(report).savefig(args.png, dpi=150)
    print(report.to_json() if args.json else report.text())
    return 0


def _calibrate(args) -> int:
    from .._files import replace_together
    from ..validation import calibrate

    _chart_path(args.png)
    if args.scenario.suffix.lower() != ".toml":
        raise InputError(f"{args.scenario}: calibrate takes a scenario file (TOML) with [[uncertainty]] entries")
    cal = calibrate(args.scenario, case=args.case, leave_one_out=not args.no_loo)
    if args.network_out:
        cal.write_network(args.network_out)
    if args.out:
        replace_together({args.out: cal.comparison().to_csv(index=False).encode("utf-8")})
    if args.png:
        from ..plot.validation import validation_chart

        validation_chart(cal.before, after=cal.after).savefig(args.png, dpi=150)
    print(cal.to_json() if args.json else cal.text())
    if args.network_out and not args.json:
        print(f"\nwrote the calibrated network to {args.network_out} (with calibration.json)")
    return 0
