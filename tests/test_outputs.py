"""What a run writes for people and other tools: the terminal report (fits 80 and 120 columns), CSV with full
decimals and a byte-order mark, the Excel workbook, GeoJSON, the run manifest with its hashes, and the small
things of the command line (--version, did you mean, validate warnings)."""

import json
import shutil

import pandas as pd
import pytest

import corridor
from corridor.cli import main
from corridor.report import text_report

from .conftest import DATA, ROOT, edit_csv

SHIPMENT = ROOT / "scenarios" / "test_shipment_2015.toml"


@pytest.fixture(scope="module")
def shipment():
    return corridor.run(corridor.load_scenario(SHIPMENT))


@pytest.fixture(scope="module")
def toy():
    return corridor.run(corridor.load_scenario(DATA / "toy.toml"))


# ----- the terminal report ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("width", [80, 120])
def test_report_of_the_test_shipment_fits_the_terminal(shipment, width):
    text = text_report(shipment, width=width)
    widest = max(len(line) for line in text.splitlines())
    assert widest <= width, [line for line in text.splitlines() if len(line) > width][:3]
    # every case and every route's cost is still there
    for case in shipment.cases:
        assert f"Case: {case}" in text.replace("\n", " ")
    for cost in shipment.routes["cost_usd_per_t"]:
        assert f"{cost:.2f}" in text


def test_wide_report_has_every_column(shipment):
    text = text_report(shipment, width=None)
    assert max(len(line) for line in text.splitlines()) > 120
    for header in ("lot USD", "CO2 kg/t", "ship", "netback", "biggest components (USD/t)"):
        assert header in text
    assert "Sharyn Gol mine › Erenhot › Tianjin port › Pohang" in text


def test_report_starts_with_the_network_used_and_a_summary_line_per_case(shipment):
    lines = text_report(shipment, width=120).splitlines()
    net = shipment.scenario.network
    assert lines[2].startswith(f"network: baseline — {net.folder} (sha256 {net.digest[:12]})")
    start = next(i for i, line in enumerate(lines) if line.startswith("Summary"))
    rows = lines[start + 3:start + 3 + len(shipment.cases)]
    for row, case in zip(rows, shipment.cases):
        best = shipment.routes.loc[case].iloc[0]
        assert row.strip().startswith(case) and f"{best['cost_usd_per_t']:.2f}" in row
    assert "Naushki › Vostochny port" in rows[0]  # 2015: RZD's 0.48 port coefficient puts Vostochny first


def test_cli_report_width_follows_columns_and_wide(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["run", str(SHIPMENT)]) == 0
    narrow = capsys.readouterr().out
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert main(["run", str(SHIPMENT), "--wide"]) == 0
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) > 120


# ----- CSV, Excel, GeoJSON ---------------------------------------------------------------------------------------
def test_csv_has_full_decimals_and_a_byte_order_mark(toy, tmp_path):
    written = toy.write_csv(tmp_path / "out")
    assert {p.name for p in written} == {f"{stem}.csv" for stem in toy.tables()} | {"manifest.json"}
    raw = (tmp_path / "out" / "routes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "e+0" not in raw.decode("utf-8-sig")
    back = pd.read_csv(tmp_path / "out" / "routes.csv", encoding="utf-8-sig")
    assert back.columns[0] == "case"
    # every digit survives: the numbers read back are the numbers of the result, not rounded to 6 figures
    assert back["cost_usd"].tolist() == toy.routes["cost_usd"].tolist()
    assert back["generalized_usd_per_t"].tolist() == toy.routes["generalized_usd_per_t"].tolist()
    plain = toy.write_csv(tmp_path / "plain", bom=False)
    assert not [p for p in plain if p.suffix == ".csv" and p.read_bytes().startswith(b"\xef\xbb\xbf")]


def test_xlsx_holds_every_table_the_inputs_and_the_sources(shipment, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = shipment.write_xlsx(tmp_path / "res.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    tables = shipment.tables()
    assert book.sheetnames == [*tables, "inputs", "sources", "estimates"]
    for name, df in tables.items():
        back = pd.read_excel(path, sheet_name=name)
        assert list(back.columns) == list(df.columns) and len(back) == len(df)
    routes = pd.read_excel(path, sheet_name="routes")
    assert routes["cost_usd"].tolist() == pytest.approx(shipment.routes["cost_usd"].tolist(), rel=1e-15)
    inputs = pd.read_excel(path, sheet_name="inputs")
    assert shipment.scenario.network.digest in inputs["value"].astype(str).tolist()
    closed = inputs[(inputs["case"] == "Rajin closed") & (inputs["key"] == "close")]["value"].tolist()
    assert closed == ['{"countries": ["KP"]}']
    sources = pd.read_excel(path, sheet_name="sources")
    # the Russian rail tariff's source is cited, and by the links that use it
    rzd = sources[sources["id"] == "mmj_2011_rzd_tariff"]
    assert len(rzd) == 1 and "naushki_ulan_ude_1520" in rzd["used_for"].iloc[0]
    assert set(sources["id"]) <= set(shipment.scenario.network.sources.index)


def test_geojson_files_load_and_match_the_network(shipment, tmp_path):
    geojson = pytest.importorskip("geojson")
    written = shipment.write_geojson(tmp_path / "gis")
    assert {p.name for p in written} == {"nodes.geojson", "links.geojson", "routes.geojson"}
    net = shipment.scenario.network
    fcs = {p.stem: geojson.loads(p.read_text()) for p in written}
    for fc in fcs.values():
        assert fc.is_valid, fc.errors()
    nodes = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in fcs["nodes"]["features"]}
    assert set(nodes) == set(net.nodes.index)
    assert nodes["rajin"] == [net.nodes.at["rajin", "lon"], net.nodes.at["rajin", "lat"]]
    links = {f["properties"]["id"]: f for f in fcs["links"]["features"]}
    assert set(links) == set(net.links.index)
    for lid, f in links.items():  # each link runs from its from node to its to node
        coords = f["geometry"]["coordinates"]
        a, b = net.links.at[lid, "from"], net.links.at[lid, "to"]
        assert coords[0] == pytest.approx(nodes[a], abs=1e-5) and coords[-1] == pytest.approx(nodes[b], abs=1e-5)
        assert f["properties"]["distance_km"] == net.links.at[lid, "distance_km"]
    routes = fcs["routes"]["features"]
    assert len(routes) == len(shipment.routes)
    first = routes[0]
    assert first["properties"]["case"] == "baseline" and first["properties"]["rank"] == 1
    assert first["properties"]["cost_usd_per_t"] == pytest.approx(shipment.routes["cost_usd_per_t"].iloc[0])
    assert first["geometry"]["coordinates"][0] == nodes["sharyn_gol"]
    assert first["geometry"]["coordinates"][-1] == nodes["pohang"]


def test_geojson_flows_carry_each_links_annual_flow(tmp_path):
    res = corridor.run(corridor.load_scenario(ROOT / "scenarios" / "scale_up.toml"))
    res.write_geojson(tmp_path / "gis")
    flows = json.loads((tmp_path / "gis" / "flows.geojson").read_text())["features"]
    el = res.flow_elements.loc["20 Mt/yr"]
    capped = el[el["kind"] == "link"].set_index("id")["flow_mt_per_year"]
    got = {f["properties"]["link"]: f["properties"]["mt_per_year"] for f in flows
           if f["properties"]["case"] == "20 Mt/yr"}
    for link, mt in capped.items():
        assert got.get(link, 0.0) == pytest.approx(mt, abs=1e-6)


def test_cli_writes_every_output_and_says_where(toy_copy, capsys):
    pytest.importorskip("openpyxl")
    out = toy_copy / "o"
    assert main(["run", str(toy_copy / "toy.toml"), "--out", str(out / "csv"), "--xlsx", str(out / "r.xlsx"),
                 "--geojson", str(out / "gis"), "--plots", str(out / "png")]) == 0
    err = capsys.readouterr().err
    assert f"wrote 9 files to {out / 'png'}" in err and f"wrote 1 file to {out / 'r.xlsx'}" in err
    assert f"wrote 3 files to {out / 'gis'}" in err and f"wrote {len(list((out / 'csv').iterdir()))} files" in err
    assert {p.suffix for p in (out / "png").iterdir()} == {".png"}


# ----- the manifest ----------------------------------------------------------------------------------------------
def test_manifest_hashes_follow_the_inputs(toy_copy):
    def manifest():
        return corridor.run(corridor.load_scenario(toy_copy / "toy.toml")).manifest()

    first, again = manifest(), manifest()
    assert first == again  # a re-run records the same inputs, byte for byte
    assert first["network"]["folder"] == str((toy_copy / "toy").resolve())
    assert first["scenario"]["file"] == str((toy_copy / "toy.toml").resolve())
    assert first["corridor_version"] == corridor.__version__ and "pandas" in first["libraries"]
    edit_csv(toy_copy / "toy" / "links.csv", "b_r,b,r,rail1520,RU,400,", "b_r,b,r,rail1520,RU,401,")
    changed = manifest()
    assert changed["network"]["sha256"] != first["network"]["sha256"]
    assert changed["scenario"]["sha256"] == first["scenario"]["sha256"]
    (toy_copy / "toy.toml").write_text((toy_copy / "toy.toml").read_text() + "\n# a comment\n")
    assert manifest()["scenario"]["sha256"] != first["scenario"]["sha256"]


def test_manifest_records_each_cases_inputs_draws_and_seed():
    s = corridor.load_scenario(DATA / "toy_uncertainty.toml")
    man = corridor.run(s, draws=200, seed=7).manifest()
    assert man["draws"] == 200 and man["seed"] == 7
    assert man["uncertainty"] == s.data["uncertainty"]
    for case, entry in zip(s.cases, man["cases"]):
        assert entry["name"] == case.name and entry["shipment"]["origin"] == case.shipment.origin


# ----- the command line's small things ---------------------------------------------------------------------------
def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"corridor {corridor.__version__}"


def test_validate_takes_a_shipped_name_like_network_does(capsys):
    assert main(["validate", "baseline"]) == 0
    assert "ok: <Network baseline" in capsys.readouterr().out


def test_a_wrong_origin_is_one_line_with_a_suggestion(toy_copy, capsys):
    path = toy_copy / "toy.toml"
    path.write_text(path.read_text().replace('origin = "a"', 'origin = "Mine A"', 1))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {path}: shipment.origin: unknown node 'Mine A' (did you mean 'a'?)"]


def test_did_you_mean_a_country_and_a_shipped_node(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text('[shipment]\norigin = "Tavan Tolgoi"\ndestination = "pohang"\ntonnes = 1000\n'
                    '[[cases]]\nname = "x"\nclose = { countries = ["kp"] }\n')
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "unknown node 'Tavan Tolgoi' (did you mean 'tavan_tolgoi'?)" in err
    assert "unknown country 'kp' (did you mean 'KP'?)" in err
    assert "missing origin" not in err


def test_plot_case_ignores_letter_case_and_suggests(tmp_path, capsys):
    assert main(["run", str(DATA / "toy.toml"), "--plots", str(tmp_path / "p"), "--plot-case", "ru CLOSED"]) == 0
    assert {p.stem for p in (tmp_path / "p").iterdir()} == {"cost_bars", "cost_distance_ru_closed", "map_ru_closed"}
    assert main(["run", str(DATA / "toy.toml"), "--plots", str(tmp_path / "q"), "--plot-case", "RU closd"]) == 2
    assert "no case named 'RU closd' (did you mean 'RU closed'?)" in capsys.readouterr().err


def test_plot_formats(tmp_path, capsys):
    assert main(["run", str(DATA / "toy.toml"), "--plots", str(tmp_path / "p"), "--plot-case", "baseline",
                 "--format", "svg,pdf"]) == 0
    assert {p.suffix for p in (tmp_path / "p").iterdir()} == {".svg", ".pdf"}
    assert main(["run", str(DATA / "toy.toml"), "--plots", str(tmp_path / "q"), "--format", "jpg"]) == 2
    assert "--format 'jpg'" in capsys.readouterr().err


def test_validate_warns_about_stranded_modes_and_dead_ends(toy_copy, capsys):
    folder = toy_copy / "toy"
    with (folder / "links.csv").open("a") as fh:  # a road from R to a new station Z that nothing serves
        fh.write("r_z,r,z,road,RU,50,0.05,500,,,,,estimate,toy\n")
    with (folder / "nodes.csv").open("a") as fh:
        fh.write("z,Station Z,RU,station,51.0,111.0,,,,estimate,toy\n")
    assert main(["validate", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "warning: node 'r': link 'r_z' is its only road link and meets rail1520 links there" in err
    assert "warning: link 'r_z': its end 'z' has no other link and no stock transfer" in err
    shutil.rmtree(folder)
