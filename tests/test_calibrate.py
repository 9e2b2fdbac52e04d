"""Calibration within the evidence: a synthetic network calibrated back to its known inputs, leave-one-out checked by
hand, inputs never moved outside their ranges, the refusal, and the calibrated copy of the network."""

import dataclasses
import hashlib
import json
import math
import shutil

import numpy as np
import pytest

import corridor
from corridor.cli import main
from corridor.validation.calibration import calibrate

from .conftest import DATA

HEADER = "id,kind,origin,destination,via,element,value,low,high,year,cargo,source,note\n"
# Where the synthetic observations are taken (kind, origin, destination, via, element).
PROBES = [
    ("cost_usd_per_t", "a", "m", "", ""), ("cost_usd_per_t", "a", "m", "e", ""),
    ("transit_days", "a", "m", "", ""), ("cost_usd_per_t", "", "", "", "a_b"), ("cost_usd_per_t", "", "", "", "a_e"),
    ("cost_usd_per_t", "", "", "", "b_r"), ("cost_usd_per_t", "", "", "", "r_p"),
    ("border_hours", "", "", "", "b"), ("border_hours", "", "", "", "b/r"),
]
SHIPMENT = '[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 1000\n'
ENTRIES = """
[[uncertainty]]
name = "RU tariff"
table = "links"
where = { country = "RU" }
column = "tariff_usd_per_tkm"
distribution = "uniform"
low = 0.5
high = 2.0

[[uncertainty]]
name = "MN tariff"
table = "links"
where = { country = "MN" }
column = "tariff_usd_per_tkm"
distribution = "triangular"
low = 0.01
mode = 0.03
high = 0.06
as = "value"

[[uncertainty]]
name = "border b"
table = "nodes"
where = { id = "b" }
column = "pass_hours"
distribution = "uniform"
low = 0.5
high = 3.0
"""


def _write(folder, rows):
    lines = [f"o{i},{k},{o},{d},{v},{e},{val!r},{lo!r},{hi!r},2015,coal,toy,synthetic"
             for i, (k, o, d, v, e, val, lo, hi) in enumerate(rows, start=1)]
    (folder / "observations.csv").write_text(HEADER + "\n".join(lines) + "\n")


def _modelled(folder, net, probes):
    """The model's values at ``probes`` on network ``net`` (observations written as placeholders)."""
    _write(folder, [(*p, 1.0, 1.0, 1.0) for p in probes])
    placeholders = corridor.load_network(folder).observations
    return corridor.validation.check(dataclasses.replace(net, observations=placeholders)).table["modelled"].to_numpy()


@pytest.fixture
def synthetic(tmp_path):
    """A copy of the toy network whose observations come from known true inputs (with noise), and a scenario whose
    uncertain entries may move those inputs."""
    folder = tmp_path / "toy"
    shutil.copytree(DATA / "toy", folder)
    truth = {"RU tariff": 1.3, "MN tariff": 0.04, "border b": 1.5}
    net = corridor.load_network(DATA / "toy")
    true_net = (net.change("links", {"country": "RU"}, scale={"tariff_usd_per_tkm": truth["RU tariff"]})
                .change("links", {"country": "MN"}, set={"tariff_usd_per_tkm": truth["MN tariff"]})
                .change("nodes", {"id": "b"}, scale={"pass_hours": truth["border b"]}))
    values = _modelled(folder, true_net, PROBES)
    noise = np.random.default_rng(7).uniform(-0.02, 0.02, len(values))
    observed = values * np.exp(noise)
    _write(folder, [(*p, float(v), float(v / 1.1), float(v * 1.1)) for p, v in zip(PROBES, observed)])
    (tmp_path / "cal.toml").write_text('name = "synthetic"\nnetwork = "toy"\n' + SHIPMENT + ENTRIES)
    return tmp_path, truth, values


def test_synthetic_inputs_are_calibrated_back_to_the_truth(synthetic):
    folder, truth, true_values = synthetic
    cal = calibrate(folder / "cal.toml", leave_one_out=False)
    fitted = cal.parameters.set_index("parameter")["fitted"]
    for name, value in truth.items():
        assert fitted[name] == pytest.approx(value, rel=0.05), name
    after = cal.after.table.set_index("id")
    assert after["inside"].all()  # every observation back inside its band
    assert not cal.before.table["inside"].all()  # which the file values were not
    assert cal.cost_after < cal.cost_before
    # the calibrated model reproduces the true model's values within the noise (2%) and the fit
    assert np.abs(np.log(after["modelled"].to_numpy() / true_values)).max() < 0.05


def test_leave_one_out_by_hand(tmp_path):
    """One parameter s (the RU tariff scale) and three link costs with bands x/÷ 1.2: b_r = 8 s against 9, r_p = 2 s
    against 2.6, a_b = 3 (MN, not moved) against 3.3. Least squares in log space: ln s = mean of ln(9/8), ln(2.6/2)."""
    folder = tmp_path / "toy"
    shutil.copytree(DATA / "toy", folder)
    rows = [("cost_usd_per_t", "", "", "", link, v, v / 1.2, v * 1.2) for link, v in
            (("b_r", 9.0), ("r_p", 2.6), ("a_b", 3.3))]
    _write(folder, rows)
    ru = ENTRIES.split("[[uncertainty]]")[1].replace("low = 0.5", "low = 0.2").replace("high = 2.0", "high = 5.0")
    (tmp_path / "cal.toml").write_text('name = "loo"\nnetwork = "toy"\n' + SHIPMENT + "[[uncertainty]]" + ru)
    cal = calibrate(tmp_path / "cal.toml")
    s = math.exp((math.log(9 / 8) + math.log(2.6 / 2)) / 2)
    assert cal.parameters.at[0, "fitted"] == pytest.approx(s, rel=1e-6)
    loo = cal.leave_one_out.set_index("id")
    # without b_r the fit is s = 1.3 (from r_p alone), which predicts b_r = 10.4; without r_p, s = 9/8: r_p = 2.25
    assert loo.at["o1", "loo"] == pytest.approx(8 * 1.3, rel=1e-6)
    assert loo.at["o1", "loo_log_error"] == pytest.approx(math.log(10.4 / 9), abs=1e-6)
    assert loo.at["o2", "loo"] == pytest.approx(2 * 9 / 8, rel=1e-6)
    assert loo.at["o3", "loo"] == pytest.approx(3.0)  # a_b does not move with s
    assert loo.at["o1", "fitted"] == pytest.approx(8 * s, rel=1e-6)
    summary = cal.loo_summary.set_index("kind")
    assert summary.at["all", "median_abs_log_error"] == pytest.approx(math.log(10.4 / 9), abs=1e-6)
    # 10.4 within 9 x/÷ 1.2 = 7.5..10.8, 2.25 within 2.17..3.12, 3.0 within 2.75..3.96
    assert list(loo["loo_inside"]) == [True, True, True]


@pytest.mark.parametrize("seed", range(4))
def test_calibration_never_moves_an_input_outside_its_range(synthetic, seed):
    folder, _, _ = synthetic
    net_folder = folder / "toy"
    # observations pulling far (x/÷ 3 around the synthetic ones): the fit runs into the ranges' ends
    rng = np.random.default_rng(seed)
    obs = corridor.load_network(net_folder).observations
    pull = np.exp(rng.uniform(-1.1, 1.1, len(obs)))
    rows = [(r.kind, r.origin, r.destination, r.via, r.element, float(r.value * f), float(r.value * f / 1.1),
             float(r.value * f * 1.1)) for r, f in zip(obs.itertuples(), pull)]
    _write(net_folder, rows)
    cal = calibrate(folder / "cal.toml", leave_one_out=False)
    for _, p in cal.parameters.iterrows():
        assert p["low"] - 1e-12 <= p["fitted"] <= p["high"] + 1e-12
    # and the calibrated network's cells too
    net = cal.network
    ru = net.links.loc[net.links["country"] == "RU", "tariff_usd_per_tkm"] / 0.02
    mn = net.links.loc[net.links["country"] == "MN", "tariff_usd_per_tkm"]
    assert ((ru >= 0.5 - 1e-9) & (ru <= 2.0 + 1e-9)).all()
    assert ((mn >= 0.01 - 1e-12) & (mn <= 0.06 + 1e-12)).all()
    assert 12.0 - 1e-9 <= net.nodes.at["b", "pass_hours"] <= 72.0 + 1e-9


def test_far_observations_leave_the_input_at_its_bound(tmp_path):
    folder = tmp_path / "toy"
    shutil.copytree(DATA / "toy", folder)
    _write(folder, [("cost_usd_per_t", "", "", "", "b_r", 40.0, 36.0, 44.0),
                    ("cost_usd_per_t", "", "", "", "r_p", 10.0, 9.0, 11.0)])  # 5x the file tariff
    (tmp_path / "cal.toml").write_text('name = "far"\nnetwork = "toy"\n' + SHIPMENT + "[[uncertainty]]"
                                       + ENTRIES.split("[[uncertainty]]")[1])
    cal = calibrate(tmp_path / "cal.toml")
    p = cal.parameters.iloc[0]
    assert p["fitted"] == pytest.approx(2.0) and p["at_bound"]
    assert cal.network.links.at["b_r", "tariff_usd_per_tkm"] == pytest.approx(0.04)


def test_more_parameters_than_observations_is_refused(tmp_path, capsys):
    folder = tmp_path / "toy"
    shutil.copytree(DATA / "toy", folder)
    _write(folder, [("cost_usd_per_t", "", "", "", "b_r", 9.0, 8.0, 10.0),
                    ("cost_usd_per_t", "", "", "", "a_b", 3.3, 3.0, 3.6)])
    (tmp_path / "cal.toml").write_text('name = "three"\nnetwork = "toy"\n' + SHIPMENT + ENTRIES)
    with pytest.raises(corridor.InputError, match="3 free parameters but only 2 observations"):
        calibrate(tmp_path / "cal.toml")
    assert main(["calibrate", str(tmp_path / "cal.toml")]) == 2
    assert "free parameters" in capsys.readouterr().err


def test_the_calibrated_copy_carries_its_provenance(synthetic, tmp_path):
    folder, _, _ = synthetic
    shipped = corridor.network.DATA_DIR / "baseline" / "links.csv"
    before = hashlib.sha256(shipped.read_bytes()).hexdigest()
    source_files = {p.name: p.read_bytes() for p in (folder / "toy").iterdir()}
    out = tmp_path / "calibrated"
    assert main(["calibrate", str(folder / "cal.toml"), "--no-loo", "--network-out", str(out), "--json"]) == 0
    net = corridor.load_network(out)
    row = net.links.loc["b_r"]
    assert row["calibrated"] == "tariff_usd_per_tkm"
    assert "calibrated by corridor calibrate" in row["note"] and "0.02 ->" in row["note"]
    from corridor import provenance

    status = provenance.status(net, "links")
    assert status.at["b_r", "tariff_usd_per_tkm"] == "calibrated"
    assert status.at["b_r", "distance_km"] == "estimated"  # the toy rows cite 'estimate': the rest stays so
    assert provenance.status(net, "nodes").at["b", "pass_hours"] == "calibrated"
    assert provenance.status(net, "nodes").at["e", "pass_hours"] == "estimated"
    data = json.loads((out / "calibration.json").read_text())
    assert {p["parameter"] for p in data["parameters"]} == {"RU tariff", "MN tariff", "border b"}
    # the scenario's own network and the shipped data are untouched; a second run may overwrite its own output
    assert {p.name: p.read_bytes() for p in (folder / "toy").iterdir()} == source_files
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == before
    assert main(["calibrate", str(folder / "cal.toml"), "--no-loo", "--network-out", str(out)]) == 0
    assert main(["calibrate", str(folder / "cal.toml"), "--no-loo", "--network-out", str(folder / "toy")]) == 2
    assert main(["calibrate", str(folder / "cal.toml"), "--no-loo", "--network-out",
                 str(corridor.network.DATA_DIR / "baseline_calibrated")]) == 2


def test_the_logit_dispersion_is_calibrated(tmp_path):
    """Flows through b generated by a logit with a dispersion of 4 USD/t are fitted back to it."""
    folder = tmp_path / "toy"
    shutil.copytree(DATA / "toy", folder)
    share = 1.0 / (1.0 + math.exp(-7.5 / 4.0))  # by hand (tests/test_logit.py)
    _write(folder, [("flow_mt_per_year", "", "", "", "b", 10 * share, 10 * share * 0.98, 10 * share * 1.02),
                    ("flow_mt_per_year", "", "", "", "e", 10 * (1 - share), 10 * (1 - share) * 0.95,
                     10 * (1 - share) * 1.05)])
    (tmp_path / "cal.toml").write_text(
        'name = "logit"\nnetwork = "toy"\n[flows]\nsupply = { a = 10 }\ndemand = { m = 10 }\nassignment = "logit"\n'
        'dispersion_usd_per_t = 1.0\nyear = 2015\n[[uncertainty]]\nname = "dispersion"\ntable = "flows"\n'
        'column = "dispersion_usd_per_t"\ndistribution = "uniform"\nlow = 0.5\nhigh = 20\nas = "value"\n')
    cal = calibrate(tmp_path / "cal.toml", leave_one_out=False)
    p = cal.parameters.iloc[0]
    assert (p["before"], p["fitted"]) == (1.0, pytest.approx(4.0, rel=1e-3))
    assert cal.after.table["inside"].all() and not cal.before.table["inside"].all()


def test_the_fast_prediction_equals_a_check_on_the_changed_network(synthetic):
    """Predictor.predict (arcs repriced in place) against the obvious way: apply the values, rebuild, check."""
    folder, _, _ = synthetic
    s = corridor.load_scenario(folder / "cal.toml")
    case = s.cases[0]
    predictor = corridor.validation.Predictor.build(case, corridor.validation.read_observations(case.network),
                                                    s.uncertainty)
    for x in ([1.7, 0.015, 0.6], [0.6, 0.055, 2.8]):
        fast = predictor.predict(np.array(x))
        changed = corridor.uncertainty.apply_values(s.network, s.uncertainty, x)
        slow = corridor.validation.check(changed).table["modelled"].to_numpy()
        assert fast == pytest.approx(slow, rel=1e-9)


def test_why_names_the_observations_that_moved_each_input(tmp_path):
    folder = tmp_path / "toy"
    shutil.copytree(DATA / "toy", folder)
    _write(folder, [("cost_usd_per_t", "", "", "", "b_r", 10.0, 9.0, 11.0),
                    ("cost_usd_per_t", "", "", "", "r_p", 2.5, 2.25, 2.75),
                    ("border_hours", "", "", "", "b", 24.0, 20.0, 28.0)])
    (tmp_path / "cal.toml").write_text('name = "why"\nnetwork = "toy"\n' + SHIPMENT + "[[uncertainty]]"
                                       + ENTRIES.split("[[uncertainty]]")[1])
    cal = calibrate(tmp_path / "cal.toml", leave_one_out=False)
    why = cal.why().set_index("parameter")
    assert why.at["RU tariff", "fitted"] == pytest.approx(1.25, rel=1e-5)
    assert why.at["RU tariff", "pulled_by"].startswith(("o1 (", "o2 ("))  # both links' costs pulled it up
    assert "o3" not in why.at["RU tariff", "pulled_by"] and why.at["RU tariff", "net"] < 0
