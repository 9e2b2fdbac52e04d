"""Bad input: a one-line error naming the file, the row or key and what is wrong; exit status 2.

The command is run in this process (``corridor.cli.main``); a few cases also run as a real ``corridor`` process
(``test_bad_input_in_a_real_process``).
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import corridor
from corridor.cli import main

from .conftest import assert_input_error, edit_csv


def run_cli(capsys, *args):
    """``corridor ARGS`` in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_process(command, *args):
    """``corridor ARGS`` as a new Python process: (exit status, stdout, stderr)."""
    proc = subprocess.run([*command, *map(str, args)], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


SCENARIO_CASES = [
    ("", ["empty"]),
    ("name = [unclosed", ["not valid TOML", "line 1"]),
    ('name = "x"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = -5\n', ["shipment.tonnes", "greater than 0"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = "lots"\n', ["shipment.tonnes", "expected a number"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[settings]\nroutes = 0\n',
     ["settings.routes", "at least 1"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\ncolour = "red"\n', ["shipment", "unknown key 'colour'"]),
    ('speed = 3\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n', ["unknown key 'speed'"]),
    ('[shipment]\norigin = "atlantis"\ndestination = "m"\ntonnes = 5\n',
     ["shipment.origin", "unknown node 'atlantis'"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\nclose = { countries = ["XY"] }\n',
     ["cases[1] 'x'.close.countries", "unknown country 'XY'"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\nclose = { links = ["nope"] }\n',
     ["unknown link 'nope'"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\n[[cases.change]]\n'
     'table = "lnks"\nwhere = { id = "a_b" }\nscale = { tariff_usd_per_tkm = 2 }\n', ["unknown table 'lnks'"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\n[[cases.change]]\n'
     'table = "links"\nwhere = { country = "RU", mode = "rail1435" }\nscale = { tariff_usd_per_tkm = 2 }\n',
     ["cases[1] 'x'.change[1].where", "selects no row of links"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\n[[cases.change]]\n'
     'table = "links"\nwhere = { colour = "RU" }\nscale = { tariff_usd_per_tkm = 2 }\n', ["unknown key 'colour'"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\n[[cases.change]]\n'
     'table = "links"\nwhere = { id = "a_b" }\nscale = { tarif = 2 }\n', ["change[1].scale", "unknown key 'tarif'"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\n[[cases.change]]\n'
     'table = "links"\nwhere = { id = "a_b" }\nscale = { tariff_usd_per_tkm = "double" }\n', ["expected a number"]),
    ('network = "nowhere"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n', ["network folder not found"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[settings]\nvalue_of_time_usd_per_t_day = 1e300\n',
     ["settings.value_of_time_usd_per_t_day", "at most 1000"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\n[[cases.change]]\n'
     'table = "links"\nwhere = { country = ["RU", "XX"] }\nscale = { tariff_usd_per_tkm = 2 }\n',
     ["change[1].where.country", "'XX' is in no row of links"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\n[[cases.change]]\n'
     'table = "links"\nwhere = { id = "a_b" }\nset = { speed_km_per_day = 0 }\n',
     ["change[1]", "speed_km_per_day must be greater than 0"]),
    ('[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n[[cases]]\nname = "x"\nshipment = { origin = "q" }\n'
     '[[cases]]\nname = "y"\n[[cases.change]]\ntable = "links"\nwhere = { country = "RUU" }\n'
     'scale = { tariff_usd_per_tkm = 2 }\n', ["unknown node 'q'", "cases[2] 'y'.change[1].where"]),
]


def write_bad_scenario(folder, text):
    path = folder / "bad.toml"
    if "network =" not in text:
        text = 'network = "toy"\n' + text if text and not text.startswith("name = [") else text
    path.write_text(text)
    return path


@pytest.mark.parametrize("text,needles", SCENARIO_CASES)
def test_bad_scenario(toy_copy, text, needles, capsys):
    path = write_bad_scenario(toy_copy, text)
    assert_input_error(path, str(path), *needles)
    code, out, err = run_cli(capsys, "run", path)
    assert code == 2 and out == ""
    assert "Traceback" not in err and err.startswith("error: ")


NETWORK_CASES = [
    ("links.csv", "a_b,a,b,rail1520,MN,100,", "a_b,a,b,rail1520,MN,abc,",
     ["links.csv line 2 (id=a_b)", "distance_km must be a number"]),
    ("links.csv", "a_b,a,b,rail1520,MN,100,", "a_b,a,b,rail1520,MN,-100,",
     ["line 2 (id=a_b)", "distance_km must be greater than 0"]),
    ("links.csv", "a_b,a,b,rail1520,MN,100,0.03", "a_b,a,b,rail1520,MN,100,-0.03",
     ["tariff_usd_per_tkm must be at least 0"]),
    ("links.csv", "a_b,a,b,rail1520,MN,100,0.03,500", "a_b,a,b,rail1520,MN,100,0.03,fast",
     ["speed_km_per_day must be a number"]),
    ("links.csv", "a_b,a,b,rail1520", "a_b,a,zz,rail1520", ["to node 'zz' is not in nodes.csv"]),
    ("links.csv", "a_b,a,b,rail1520", "a_b,a,b,rail1600", ["mode 'rail1600' is not one of"]),
    ("links.csv", "b_r,b,r", "a_b,b,r", ["duplicate id 'a_b' on lines 2, 3"]),
    ("nodes.csv", "45.0,105.0", "95.0,105.0", ["nodes.csv line 2 (id=a)", "lat must be from -90 to 90"]),
    ("nodes.csv", "a,Mine A,MN", "a,Mine A,XX", ["country 'XX' is not one of"]),
    ("transfers.csv", "e,rail1520,rail1435", "q,rail1520,rail1435",
     ["transfers.csv line 2", "node 'q' is not in nodes.csv"]),
    ("transfers.csv", "e,rail1520,rail1435", "e,rail1520,rail1453", ["to_mode 'rail1453' is not one of"]),
    ("nodes.csv", "id,name,country,kind,lat,lon", "id,name,country,kind,lat,longitude",
     ["unknown column 'longitude'", "missing required column 'lon'"]),
    ("links.csv", ",,estimate,toy\na_e", ",,nosuch,toy\na_e", ["source 'nosuch' is not an id in sources.csv"]),
]


@pytest.mark.parametrize("file,old,new,needles", NETWORK_CASES)
def test_bad_network(toy_copy, file, old, new, needles, capsys):
    edit_csv(toy_copy / "toy" / file, old, new)
    assert_input_error(toy_copy / "toy", file, *needles)
    code, out, err = run_cli(capsys, "run", toy_copy / "toy.toml")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.strip() and all(line.startswith("error: ") for line in err.strip().splitlines())


def _console_script():
    script = shutil.which("corridor", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the corridor command is not installed beside this Python")
    return [script]


REAL_PROCESS = [  # (how the command is started, what is wrong, the one error line's needles)
    ("python -m corridor.cli", "scenario", ["bad.toml: not valid TOML", "line 1"]),
    ("corridor", "network", ["links.csv line 2 (id=a_b)", "distance_km must be a number"]),
    ("corridor", "no file", ["nowhere.toml: scenario file not found"]),
]


@pytest.mark.slow
@pytest.mark.parametrize("how,what,needles", REAL_PROCESS, ids=[f"{h}-{w}" for h, w, _ in REAL_PROCESS])
def test_bad_input_in_a_real_process(toy_copy, how, what, needles):
    """End to end: a new process exits with status 2, prints nothing on stdout and one error line, no traceback."""
    command = [sys.executable, "-m", "corridor.cli"] if how == "python -m corridor.cli" else _console_script()
    path = toy_copy / "toy.toml"
    if what == "scenario":
        path = write_bad_scenario(toy_copy, "name = [unclosed")
    elif what == "network":
        edit_csv(toy_copy / "toy" / "links.csv", "a_b,a,b,rail1520,MN,100,", "a_b,a,b,rail1520,MN,abc,")
    else:
        path = toy_copy / "nowhere.toml"
    code, out, err = run_process(command, "run", path)
    assert code == 2 and out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert all(needle in lines[0] for needle in needles), err


def test_missing_file_and_folder(toy_copy):
    (toy_copy / "toy" / "links.csv").unlink()
    assert_input_error(toy_copy / "toy", "links.csv: missing file")
    assert_input_error(toy_copy / "nowhere", "network folder not found")


def test_estimate_needs_a_note(toy_copy):
    edit_csv(toy_copy / "toy" / "nodes.csv", "estimate,toy network for hand-computed tests", "estimate,")
    assert_input_error(toy_copy / "toy", "source 'estimate' needs a note")


def test_no_route_anywhere_exits_2_without_output(toy_copy, capsys):
    path = toy_copy / "shut.toml"
    path.write_text('network = "toy"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n'
                    '[[cases]]\nname = "shut"\nclose = { countries = ["RU", "CN"] }\n')
    out_dir = toy_copy / "out"
    assert main(["run", str(path), "--out", str(out_dir)]) == 2
    captured = capsys.readouterr()
    assert "no route from a to m with RU, CN closed" in captured.err and captured.out == ""
    assert not out_dir.exists()


def test_cli_run_json_and_out(toy_copy, capsys):
    out_dir = toy_copy / "out"
    assert main(["run", str(toy_copy / "toy.toml"), "--json", "--out", str(out_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in data["cases"]] == ["baseline", "RU closed", "RU tariff doubled", "time is money"]
    first = data["cases"][0]["routes"][0]
    assert first["nodes"] == ["a", "b", "r", "p", "m"] and first["cost_usd_per_t"] == 31.0
    assert sum(first["components_usd_per_t"].values()) == pytest.approx(first["cost_usd_per_t"])
    assert sum(first["by_country_usd_per_t"].values()) == pytest.approx(first["cost_usd_per_t"])
    assert sorted(p.name for p in out_dir.iterdir()) == ["components.csv", "corridors.csv", "countries.csv",
                                                          "exposure.csv", "legs.csv", "manifest.json", "routes.csv"]
    assert not [p for p in toy_copy.iterdir() if p.name.startswith(".corridor-")]
    assert data["manifest"]["cases"][1]["close"] == {"countries": ["RU"]}
    assert json.loads((out_dir / "manifest.json").read_text()) == data["manifest"]


def test_cli_validate_and_network(toy_copy, capsys):
    assert main(["validate", str(toy_copy / "toy.toml")]) == 0
    assert main(["validate", str(toy_copy / "toy")]) == 0
    assert main(["network", str(toy_copy / "toy")]) == 0
    out = capsys.readouterr().out
    assert "ok: <Scenario 'toy'" in out and "7 nodes, 7 links, 5 transfers" in out


def test_unwritable_output_is_a_one_line_error(toy_copy, capsys):
    blocker = toy_copy / "file"
    blocker.write_text("x")
    assert main(["run", str(toy_copy / "toy.toml"), "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_a_folder_next_to_the_scenario_wins_over_a_shipped_name(toy_copy):
    (toy_copy / "toy").rename(toy_copy / "baseline")
    path = toy_copy / "local.toml"
    path.write_text('network = "baseline"\n[shipment]\norigin = "a"\ndestination = "m"\ntonnes = 5\n')
    assert corridor.load_scenario(path).network.nodes.index.tolist() == ["a", "b", "r", "p", "e", "t", "m"]
