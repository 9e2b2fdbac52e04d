"""The HTML report: one self-contained page (inline SVG, nothing loaded from elsewhere, no script) with the question,
each case's inputs, tables and charts, the validation hook and the sources; opened in a real headless Chromium."""

import os
import re
import shutil

import pandas as pd
import pytest

import corridor
from corridor import html_report
from corridor.cli import main

from .browser import Browser, find_browser
from .conftest import DATA, ROOT

SHIPMENT = ROOT / "scenarios" / "test_shipment_2015.toml"


@pytest.fixture(scope="module")
def shipment():
    return corridor.run(corridor.load_scenario(SHIPMENT))


@pytest.fixture(scope="module")
def shipment_page(shipment, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    html_report.write_html(shipment, path)
    return path


@pytest.fixture(scope="module")
def toy_flows():
    s = corridor.load_scenario(DATA / "toy.toml")
    s = s.with_network(s.network.change("links", {"id": "b_r"}, set={"capacity_mt_per_year": 3.0}))
    return corridor.run(s.with_flows(supply={"a": 10.0}, demand={"m": 4.0}))


def test_report_holds_the_question_inputs_tables_charts_and_sources(shipment, shipment_page):
    text = shipment_page.read_text(encoding="utf-8")
    s = shipment.scenario
    assert f"<h1>{s.name}</h1>" in text and "POSCO took the Khasan–Rajin pilot cargoes" in text
    assert s.network.digest[:12] in text and s.source_sha256[:12] in text
    for case in shipment.cases:
        assert f"Case: {case}</h2>" in text
    assert "<dt>closed</dt><dd>countries: KP</dd>" in text  # Rajin closed's input
    assert ("<dt>change 1</dt><dd>regimes where id in ru_mn_coal_ports, ru_mn_to_dprk: set coefficient 0.336</dd>"
            in text)  # the Russian transit discount's change
    assert "<dt>change 1</dt><dd>regimes where id = ru_mn_to_dprk: set coefficient 0.48</dd>" in text
    for cost in shipment.routes["cost_usd_per_t"]:
        assert f">{cost:.2f}<" in text
    charts = re.findall(r'<svg [^>]*data-chart="([^"]+)"', text)
    assert len(charts) == 1 + 2 * len(shipment.cases)  # the cost bars, and each case's map and cost-distance chart
    assert 'id="sources"' in text and "mmj_2011_rzd_tariff" in text and "Estimates" in text
    assert "Natural Earth" in text


def test_report_is_self_contained(shipment_page):
    text = shipment_page.read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r'\ssrc="', text)  # no image, frame or script loaded from anywhere
    assert not re.search(r"url\((?!#)", text)  # styles refer to nothing outside the page
    ids = re.findall(r'\sid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "two elements of the page share an id"
    refs = set(re.findall(r'(?:href="|url\()#([^")]+)', text))
    assert refs <= set(ids), f"references to missing ids: {sorted(refs - set(ids))[:5]}"


def test_report_of_flows_and_draws(toy_flows, tmp_path):
    text = html_report.html_report(toy_flows)
    assert "Annual flows" in text and "binding" in text and "flow-baseline" in text and "cap-baseline" in text
    drawn = corridor.run(corridor.load_scenario(DATA / "toy_uncertainty.toml"), draws=500, seed=2)
    text = html_report.html_report(drawn)
    assert "500 draws (seed 2)" in text and "P(cheapest)" in text and 'data-chart="pc-' in text


def test_validation_section_is_a_hook(toy_flows):
    assert "Validation against observations" not in html_report.html_report(toy_flows, charts=False)

    def observed(results):
        return pd.DataFrame({"case": ["baseline"], "observed USD/t": [30.0], "model USD/t": [31.0]})

    html_report.add_validation(observed)
    try:
        text = html_report.html_report(toy_flows, charts=False)
    finally:
        html_report._VALIDATION.remove(observed)
    assert "Validation against observations" in text and "observed USD/t" in text


def test_cli_report(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(DATA / "toy.toml"), "-o", str(out), "--no-charts"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out and out.read_text().startswith("<!DOCTYPE html>")
    assert main(["report", str(DATA / "toy.toml"), "-o", str(tmp_path / "r.pdf")]) == 2
    assert "must end in .html" in capsys.readouterr().err


@pytest.fixture(scope="module")
def browser():
    exe = find_browser()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("no Chromium found: CI must have one (.ci/run installs Debian's chromium)")
        pytest.skip("no Chromium on this machine (apt-get install chromium, or set CORRIDOR_BROWSER)")
    with Browser(exe) as b:
        yield b


CHARTS_JS = """JSON.stringify([...document.querySelectorAll('figure svg')].map(s => {
  s.scrollIntoView(); const r = s.getBoundingClientRect(); const st = getComputedStyle(s);
  return {key: s.dataset.chart, w: r.width, h: r.height, shown: st.display !== 'none' && st.visibility !== 'hidden',
          marks: s.querySelectorAll('path, use, text').length};
}))"""


@pytest.mark.slow
def test_report_in_a_real_browser(shipment, shipment_page, toy_flows, browser, tmp_path):
    import json

    import matplotlib.image

    browser.open(shipment_page, width=1280, height=900)
    assert browser.errors() == []
    assert browser.evaluate("performance.getEntriesByType('resource').length") == 0  # nothing fetched
    first = browser.screenshot(tmp_path / "first_screen.png")
    charts = json.loads(browser.evaluate(CHARTS_JS))
    assert len(charts) == 1 + 2 * len(shipment.cases)
    for c in charts:
        assert c["shown"] and c["w"] > 600 and c["h"] > 300 and c["marks"] > 50, c
    # the first screen shows the title, the question and the summary: mostly white, with ink on it
    pixels = matplotlib.image.imread(first)
    assert pixels.shape[:2] == (900, 1280)
    ink = (pixels[..., :3].mean(axis=2) < 0.5).mean()
    assert 0.01 < ink < 0.3
    assert browser.evaluate("document.querySelector('h1').getBoundingClientRect().top") < 100
    # on a phone the page never scrolls sideways (wide tables scroll in their own box) and the charts fit
    browser.open(shipment_page, width=390, height=844, mobile=True, scale=2)
    assert browser.errors() == []
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390
    assert all(c["w"] <= 390 for c in json.loads(browser.evaluate(CHARTS_JS)))
    browser.screenshot(tmp_path / "phone.png")
    assert browser.pdf().startswith(b"%PDF")  # and it prints
    flows = tmp_path / "flows.html"
    html_report.write_html(toy_flows, flows)
    browser.open(flows)
    solved = len(set(toy_flows.routes.index.get_level_values("case")))
    charts = json.loads(browser.evaluate(CHARTS_JS))
    assert browser.errors() == [] and len(charts) == 1 + 2 * solved + 2 * len(toy_flows.allocations)
    assert {c["key"] for c in charts} >= {"flow-baseline", "cap-baseline"} and all(c["shown"] for c in charts)
    keep = os.environ.get("CORRIDOR_SCREENSHOTS")  # a folder to keep the screenshots in, to look at them
    if keep:
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, keep)
