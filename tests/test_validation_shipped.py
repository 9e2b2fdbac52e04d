"""The shipped networks' validation end to end: every observation compared in its observed-flows scenario, the
report's summary consistent with its table, and a calibration of the 2023 scenario that keeps every input inside its
range and does not make the fit worse."""

import json

import numpy as np
import pytest

import corridor
from corridor.cli import main
from corridor.validation.calibration import calibrate

from .conftest import ROOT

SCENARIOS = {"baseline": "observed_flows_2015.toml", "2025": "observed_flows_2023.toml"}


def test_the_shipped_networks_hold_at_least_25_sourced_observations_of_every_kind():
    observations = {n: corridor.load_network(n).observations for n in SCENARIOS}
    assert sum(len(o) for o in observations.values()) >= 25
    kinds = set().union(*(set(o["kind"]) for o in observations.values()))
    assert kinds == {"cost_usd_per_t", "transit_days", "border_hours", "flow_mt_per_year"}
    for obs in observations.values():
        assert (obs["source"].str.len() > 0).all() and (obs["note"].str.len() > 20).all()


@pytest.mark.slow
@pytest.mark.parametrize("network", sorted(SCENARIOS))
def test_check_and_calibrate_the_shipped_scenarios(network, capsys, tmp_path):
    scenario = ROOT / "scenarios" / SCENARIOS[network]
    assert main(["check", str(scenario), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    table = report["observations"]
    # every observation of the network is compared in the scenario of its year (costs, times and flows)
    assert len(table) == len(corridor.load_network(network).observations)
    assert all(r["compared"] for r in table)
    everything = next(s for s in report["summary"] if s["kind"] == "all")
    inside = [r["inside"] for r in table]
    assert everything["share_inside"] == pytest.approx(sum(inside) / len(inside))
    errors = np.abs([r["log_error"] for r in table])
    assert everything["median_abs_log_error"] == pytest.approx(float(np.median(errors)))
    if network == "2025":  # one calibration is enough to run end to end
        cal = calibrate(scenario, leave_one_out=False)
        moved = cal.parameters[cal.parameters["moved"]]
        assert len(moved) >= 3
        assert ((moved["fitted"] >= moved["low"] - 1e-12) & (moved["fitted"] <= moved["high"] + 1e-12)).all()
        assert cal.cost_after <= cal.cost_before


def test_the_validation_charts_are_what_the_documented_commands_write():
    page = (ROOT / "docs" / "validation.md").read_text()
    folder = ROOT / "docs" / "validation_charts"
    written = set()
    for year in (2015, 2023):
        for command, stem in (("check", "validation"), ("calibrate", "calibration")):
            assert (f"corridor {command} scenarios/observed_flows_{year}.toml --png "
                    f"docs/validation_charts/{stem}_{year}.png") in page
            written.add(f"{stem}_{year}.png")
    assert {p.name for p in folder.iterdir()} == written  # PNG only, none stale
    assert "(validation_charts/calibration_2023.png)" in page
