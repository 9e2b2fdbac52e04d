"""The maps' geography: the projection, the shipped basemap, links along their drawn course (sea legs on their
maritime path, railways through intermediate points), routes side by side where they share a link, the scale bar;
and the link_paths.csv table that holds the courses."""

import json
import math
from itertools import pairwise

import numpy as np
import pytest

import corridor
from corridor.geometry import link_coords
from corridor.plot._geo import BASEMAP, EARTH_RADIUS_KM, Projection, basemap
from corridor.plot.map import ROUTE_GAP, ROUTE_WIDTH, offset_polyline

from .conftest import DATA, ROOT, assert_input_error


@pytest.fixture(scope="module")
def shipment():
    return corridor.run(corridor.load_scenario(ROOT / "scenarios" / "test_shipment_2015.toml"))


def test_projection_keeps_distances_along_meridians_and_standard_parallels():
    p = Projection()
    # a degree of latitude is R * pi / 180 km on every meridian (equidistant)
    x0, y0 = p(130.0, 40.0)
    x1, y1 = p(130.0, 41.0)
    assert math.hypot(x1 - x0, y1 - y0) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180, rel=1e-9)
    assert p.scale_along_parallel(35.0) == pytest.approx(1.0) and p.scale_along_parallel(50.0) == pytest.approx(1.0)
    # between them the parallels are slightly short, outside slightly long, within 3% over the network's region
    assert 0.97 < p.scale_along_parallel(42.5) < 1.0 < p.scale_along_parallel(55.0) < 1.03
    lon, lat = p.inverse(*p(np.array([105.0, 140.7]), np.array([49.3, 35.9])))
    assert lon == pytest.approx([105.0, 140.7]) and lat == pytest.approx([49.3, 35.9])


def test_basemap_is_shipped_with_its_provenance():
    fc = basemap()
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert layers == {"land", "coast", "border", "label"}
    assert "Natural Earth" in fc["source"]
    assert "Natural Earth" in (BASEMAP.parent / "PROVENANCE.md").read_text()
    pairs = {f["properties"]["between"] for f in fc["features"] if f["properties"]["layer"] == "border"}
    assert {"CN-MN", "MN-RU", "CN-RU", "CN-KP", "KP-RU", "KP-KR"} <= pairs
    assert BASEMAP.stat().st_size < 200_000


def test_map_draws_land_coast_borders_graticule_and_a_true_scale_bar(shipment):
    fig = shipment.plot.map("baseline")
    ax = fig.axes[0]
    gids = {a.get_gid() for a in ax.get_children()}
    assert {"basemap:land", "basemap:coast", "basemap:border", "credit"} <= gids
    bars = [p for p in ax.patches if p.get_gid() == "scale_bar"]
    assert len(bars) == 4
    length = sum(p.get_width() for p in bars)  # map km
    label = max((t for t in ax.texts if t.get_gid() == "scale_bar_label"), key=lambda t: t.get_position()[0])
    assert label.get_text() == f"{length:g} km"


def test_sea_legs_follow_their_stored_maritime_path(shipment):
    net = shipment.scenario.network
    paths = net.link_paths
    sea = net.links.index[net.links["mode"] == "sea"]
    assert set(sea) <= set(paths.index)  # every shipped sea leg has its path
    assert (paths.loc[sea, "source"] == "searoute").all()
    # Tianjin to Pohang goes round the south of Korea: its course passes south of 35 N, far from the straight line
    course = link_coords(net, "tianjin_pohang_sea")
    assert min(lat for _, lat in course) < 34.5 and len(course) > 5
    ax = shipment.plot.map("baseline").axes[0]
    drawn = [ln for ln in ax.get_lines() if ln.get_gid() == "link:sea"]
    assert max(len(ln.get_xdata()) for ln in drawn) > 5
    # the Trans-Siberian is drawn north of the Amur, through Skovorodino, not straight across Heilongjiang
    ts = link_coords(net, "tarskaya_khabarovsk_1520")
    assert max(lat for _, lat in ts) > 53.5
    assert "estimate" in paths.at["tarskaya_khabarovsk_1520", "source"]


def test_routes_sharing_a_link_run_side_by_side(shipment):
    fig = shipment.plot.map("baseline")
    ax = fig.axes[0]
    bands = {ln.get_gid(): ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("route:")}
    assert len(bands) == len(shipment.routes.loc["baseline"])
    # routes 1 and 2 share the line from Sharyn Gol to Erenhot: their bands there are apart by a band and a gap
    to_px = ax.transData.transform
    a = to_px(np.column_stack([bands["route:1"].get_xdata(), bands["route:1"].get_ydata()]))[1]
    b = to_px(np.column_stack([bands["route:2"].get_xdata(), bands["route:2"].get_ydata()]))[1]
    apart_pt = math.hypot(*(a - b)) * 72 / fig.dpi
    assert apart_pt == pytest.approx(ROUTE_WIDTH + ROUTE_GAP, rel=0.05)
    assert bands["route:1"].get_linewidth() == bands["route:2"].get_linewidth() == ROUTE_WIDTH


def test_offset_polyline_moves_every_vertex_sideways():
    line = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]])
    moved = offset_polyline(line, 1.0)
    assert moved[0] == pytest.approx([0.0, 1.0]) and moved[-1] == pytest.approx([9.0, 10.0])
    assert moved[1] == pytest.approx([9.0, 1.0])  # the corner, mitred
    assert offset_polyline(line, 0.0) is line


def test_link_paths_are_checked_at_load(toy_copy):
    folder = toy_copy / "toy"
    (folder / "link_paths.csv").write_text("link,points,source,note\n"
                                           "a_b,105.5 46.5;105.8 47.5,estimate,drawn\n"
                                           "nope,1 2,estimate,x\n"
                                           "b_r,106 48;east 49,toy,\n")
    assert_input_error(folder, "link_paths.csv line 3 (link=nope): link 'nope' is not in links.csv",
                       "link_paths.csv line 4 (link=b_r): points: 'east 49' is not 'lon lat'")
    (folder / "link_paths.csv").write_text("link,points,source,note\na_b,105.5 46.5;105.8 47.5,estimate,drawn\n")
    net = corridor.load_network(folder)
    assert link_coords(net, "a_b") == [(105.0, 45.0), (105.5, 46.5), (105.8, 47.5), (106.0, 48.0)]
    assert link_coords(net, "a_b", forward=False)[0] == (106.0, 48.0)


def test_sea_distances_tool_writes_paths_and_keeps_other_rows(tmp_path):
    pytest.importorskip("searoute")
    import shutil

    from corridor.tools import sea_distances

    folder = tmp_path / "net"
    shutil.copytree(corridor.network.DATA_DIR / "baseline", folder)
    before = (folder / "links.csv").read_bytes()
    rail_rows = [r for r in (folder / "link_paths.csv").read_text().splitlines() if "_sea," not in r]
    (folder / "link_paths.csv").write_text("\n".join(rail_rows) + "\n")
    assert sea_distances.main(str(folder), paths_only=True) == 0
    assert (folder / "links.csv").read_bytes() == before  # --paths-only leaves the distances alone
    net = corridor.load_network(folder)
    sea = net.links.index[net.links["mode"] == "sea"]
    assert set(sea) <= set(net.link_paths.index)
    assert "tarskaya_khabarovsk_1520" in net.link_paths.index
    # the stored course and the distance agree: the course's length is the distance within a few per cent
    course = link_coords(net, "vostochny_kashima_sea")
    km = sum(sea_distances.great_circle_km(a[1], a[0], b[1], b[0]) for a, b in pairwise(course))
    assert km == pytest.approx(net.links.at["vostochny_kashima_sea", "distance_km"], rel=0.03)


def test_shipped_basemap_file_is_valid_geojson():
    data = json.loads(BASEMAP.read_text())
    assert data["type"] == "FeatureCollection" and len(data["bbox"]) == 4


def test_toy_without_paths_still_maps(toy_copy):
    res = corridor.run(corridor.load_scenario(DATA / "toy.toml"))
    fig = res.plot.map("baseline")
    assert "straight" in fig.axes[0].get_title()
