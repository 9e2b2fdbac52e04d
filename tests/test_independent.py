"""The cheapest route against an independent formulation, and invariants, on the toy and shipped networks.

The independent method reads the CSV files with the csv module (not corridor's loader), builds its own graph with
node splitting for pass charges (in -> out) and solves it with networkx's Dijkstra. It shares no code with
corridor.graph or corridor.routes; money given in a row's own currency (rates.csv, price_index.csv) is converted
here by the documented rule, without corridor.money.
"""

import csv
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import corridor
from corridor.graph import build_graph
from corridor.legs import route_legs
from corridor.routes import cheapest_routes

TOY = Path(__file__).parent / "data" / "toy"
BASELINE = Path(corridor.__file__).parent / "data" / "baseline"


def _rows(folder, name):
    """The rows of a network file, without those of projects not yet built (projects.csv, blank opened_year)."""
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pending = set()
    if (folder / "projects.csv").exists():
        with open(folder / "projects.csv", newline="", encoding="utf-8") as fh:
            pending = {r["id"] for r in csv.DictReader(fh) if not r["opened_year"].strip()}
    return [r for r in rows if r.get("project", "").strip() not in pending]


def _num(text, default=0.0):
    return float(text) if text.strip() else default


def _money_reader(folder: Path):
    """A function giving a money cell of a CSV row in USD of the network's year: the USD column if given, else the
    own-currency column x index[currency, year] / index[currency, price_year] / per_usd[currency, year]."""
    year = _rows(folder, "network")[0]["year"] if (folder / "network.csv").exists() else ""
    rates = {(r["currency"], r["year"]): float(r["per_usd"]) for r in _rows(folder, "rates")} \
        if (folder / "rates.csv").exists() else {}
    index = {(r["currency"], r["year"]): float(r["index"]) for r in _rows(folder, "price_index")} \
        if (folder / "price_index.csv").exists() else {}

    def usd(row: dict, usd_col: str, local_col: str, default: float = 0.0) -> float:
        if row.get(usd_col, "").strip() or not row.get(local_col, "").strip():
            return _num(row.get(usd_col, ""), default)
        cur, py = row.get("currency", "").strip() or "USD", row.get("price_year", "").strip() or year
        value = float(row[local_col])
        if py != year:
            value *= index[(cur, year)] / index[(cur, py)]
        return value if cur == "USD" else value / rates[(cur, year)]
    return usd


def independent_sea_link(nodes: dict, vessels: list[dict], link: dict, lot: float, usd=None) -> tuple[float, float]:
    """(USD/t, days) of a sea link with a blank tariff, by the rule in docs/model.md: the cheapest class both
    ports take; a lot sails in ceil(lot / cargo) round voyages (laden out, ballast back, port days)."""
    def limit(col):
        vals = [float(nodes[n][col]) for n in (link["from"], link["to"]) if nodes[n].get(col, "").strip()]
        return min(vals, default=float("inf"))

    usd = usd or (lambda row, col, local, default=0.0: _num(row.get(col, ""), default))
    best = None
    for v in vessels:
        if float(v["loa_m"]) > limit("max_loa_m") or float(v["draught_m"]) > limit("max_draught_m"):
            continue
        knots, fuel_price = float(v["speed_knots"]), usd(v, "fuel_usd_per_t", "fuel_per_t")
        hire = usd(v, "hire_usd_per_day", "hire_per_day")
        one_way_days = float(link["distance_km"]) / 1.852 / knots / 24
        at_sea = 2 * one_way_days * (hire + float(v["fuel_sea_t_per_day"]) * fuel_price)
        in_port = float(v["port_days"]) * (hire + float(v["fuel_port_t_per_day"]) * fuel_price)
        trip = at_sea + in_port + usd(v, "port_usd_per_voyage", "port_per_voyage")
        per_t = -(-lot // float(v["cargo_t"])) * trip / lot
        if best is None or per_t < best[0]:
            best = (per_t, one_way_days)
    return best[0] + usd(link, "fixed_usd_per_t", "fixed_per_t"), best[1]


def _split(cell: str) -> list[str]:
    return [x.strip() for x in (cell or "").split(";") if x.strip()]


def independent_best(folder: Path, origin: str, destination: str, vot: float, lot: float = 25000.0) -> float:
    """The cheapest generalized cost from ``origin`` to ``destination``.

    With regimes.csv, every state also carries the layer of its node's country, by the documented rule: the origin
    country is one layer (export, left anywhere); any other country has an import layer (never left) and one transit
    layer per regime admitting the cargo's origin country (left only at its exits; the links of its modes priced by
    its basis). A link is priced in the layer of its country at the link (the tail's if the tail is in it, else the
    head's); loading happens in the export layer, unloading in export or import, or in a transit layer at one of
    its exits (a port taken free on board).
    """
    usd = _money_reader(folder)
    nodes = {r["id"]: r for r in _rows(folder, "nodes")}
    vessels = _rows(folder, "vessels") if (folder / "vessels.csv").exists() else []
    country = {n: r["country"] for n, r in nodes.items()}
    cargo = country[origin]
    regimes = {}
    if (folder / "regimes.csv").exists():
        for r in _rows(folder, "regimes"):
            if cargo in _split(r["origin_country"]):
                regimes[r["id"]] = r
    layered = (folder / "regimes.csv").exists()

    def layers_of(c):
        if not layered or c == cargo:
            return ["export"]
        return ["import", *(rid for rid, r in regimes.items() if r["country"] == c)]

    def may_leave(n, layer):
        if layer == "export":
            return True
        return layer != "import" and n in _split(regimes[layer]["exits"])

    g = nx.DiGraph()

    def add(u, v, w):
        if not g.has_edge(u, v) or g.edges[u, v]["w"] > w:
            g.add_edge(u, v, w=w)

    def link_weight(r, layer, d):
        """(money, flat entry charge) of a land link priced in ``layer`` of its country."""
        tariff, fixed = usd(r, "tariff_usd_per_tkm", "tariff_per_tkm"), usd(r, "fixed_usd_per_t", "fixed_per_t")
        reg = regimes.get(layer)
        if reg is None or r["mode"] not in (_split(reg["modes"]) or ["rail1520", "rail1435", "road"]):
            return d * tariff + fixed
        if reg["basis"] == "coefficient":
            return d * tariff * float(reg["coefficient"]) + fixed
        if reg["basis"] == "tariff":
            return d * usd(reg, "tariff_usd_per_tkm", "tariff_per_tkm") + fixed
        return fixed  # flat: the charge is paid on entering the layer

    def entry_charge(layer):
        reg = regimes.get(layer)
        return usd(reg, "flat_usd_per_t", "flat_per_t") if reg is not None and reg["basis"] == "flat" else 0.0

    modes = set()
    for r in _rows(folder, "links"):
        d = _num(r["distance_km"])
        sea = r["mode"] == "sea" and not r["tariff_usd_per_tkm"].strip() and not r.get("tariff_per_tkm", "").strip()
        if sea:
            cost, days = independent_sea_link(nodes, vessels, r, lot, usd)
            time = vot * days
        else:
            time = vot * d / _num(r["speed_km_per_day"])
        pairs = [(r["from"], r["to"])]
        if r.get("both_ways", "").strip().lower() not in ("false", "no", "0"):
            pairs.append((r["to"], r["from"]))
        for a, b in pairs:
            modes.add((b, r["mode"]))
            modes.add((a, r["mode"]))
            ca, cb = country[a], country[b]
            crossing = ca != cb or r["mode"] == "sea"
            for la in layers_of(ca):
                for lb in (layers_of(cb) if crossing else [la]):
                    if crossing and not may_leave(a, la):
                        continue
                    if sea:
                        money = cost
                    else:
                        at = la if r["country"] == ca else lb  # the link's country's layer at the link
                        money = link_weight(r, at, d)
                    flat = entry_charge(lb) if crossing else 0.0
                    add((a, r["mode"], "out", la), (b, r["mode"], "in", lb), money + flat + time)
    for n, m in modes:
        node = nodes[n]
        for layer in layers_of(country[n]):
            add((n, m, "in", layer), (n, m, "out", layer),
                usd(node, "pass_usd_per_t", "pass_per_t") + vot * _num(node["pass_hours"]) / 24)
    load, unload = {}, {}
    for r in _rows(folder, "transfers"):
        w = usd(r, "cost_usd_per_t", "cost_per_t") + vot * _num(r["dwell_hours"]) / 24
        if r["from_mode"] == "stock":
            load.setdefault(r["node"], {})[r["to_mode"]] = w
        elif r["to_mode"] == "stock":
            unload.setdefault(r["node"], {})[r["from_mode"]] = w
        else:
            # a transfer happens after entering the node (and paying its pass charge) and before leaving it;
            # at an origin it starts from the out state too
            for layer in layers_of(country[r["node"]]):
                add((r["node"], r["from_mode"], "out", layer), (r["node"], r["to_mode"], "out", layer), w)
    for n, m in modes:
        if n == origin:
            if origin in load:
                if m in load[origin]:
                    add("SRC", (n, m, "out", "export"), load[origin][m])
            else:
                add("SRC", (n, m, "out", "export"), 0.0)
        if n == destination:
            for layer in layers_of(country[n]):
                if layer not in ("export", "import") and not may_leave(n, layer):
                    continue  # a route ends imported, or delivered at an exit of its transit regime
                if destination in unload:
                    if m in unload[destination]:
                        add((n, m, "in", layer), "SNK", unload[destination][m])
                else:
                    add((n, m, "in", layer), "SNK", 0.0)
    return nx.shortest_path_length(g, "SRC", "SNK", weight="w")
def corridor_best(net, origin, destination, vot, lot=25000.0):
    g = build_graph(net, lot_t=lot)
    arcs = cheapest_routes(g, origin, destination, 1, vot)[0]
    legs = route_legs(g, arcs)
    return float(legs["usd_per_t"].sum() + vot * legs["days"].sum())


@pytest.mark.parametrize("vot", [0.0, 10.0])
def test_toy_against_independent(vot):
    net = corridor.load_network(TOY)
    assert corridor_best(net, "a", "m", vot) == pytest.approx(independent_best(TOY, "a", "m", vot))


@pytest.mark.parametrize("destination", ["m", "c", "p"])
@pytest.mark.parametrize("vot", [0.0, 10.0])
def test_toy_regimes_against_independent(destination, vot):
    """Transit regimes (a coefficient and a flat charge in yuan) against the independent layered formulation."""
    folder = TOY.parent / "toy_regimes"
    net = corridor.load_network(folder)
    assert corridor_best(net, "a", destination, vot) == pytest.approx(independent_best(folder, "a", destination, vot))


PAIRS = [("sharyn_gol", "pohang"), ("tavan_tolgoi", "kashima"), ("tavan_tolgoi", "pohang"),
         ("ukhaa_khudag", "baotou"), ("sharyn_gol", "dangjin"), ("choibalsan", "gwangyang"),
         ("tavan_tolgoi", "tianjin"), ("darkhan", "vostochny")]


@pytest.mark.parametrize("origin,destination", PAIRS)
@pytest.mark.parametrize("vot", [0.0, 0.5])
def test_baseline_against_independent(origin, destination, vot):
    net = corridor.load_network("baseline")
    assert corridor_best(net, origin, destination, vot) == pytest.approx(
        independent_best(BASELINE, origin, destination, vot), rel=1e-9)


@pytest.mark.parametrize("lot", [5000.0, 25000.0, 60000.0, 5e6])
@pytest.mark.parametrize("network", ["baseline", "2025"])
def test_vessel_priced_sea_against_independent(network, lot):
    """Sea links priced by vessel class for lots from a coaster load to an annual contract."""
    net = corridor.load_network(network)
    folder = Path(corridor.__file__).parent / "data" / network
    for origin, destination in (("sharyn_gol", "pohang"), ("tavan_tolgoi", "kashima")):
        assert corridor_best(net, origin, destination, 0.5, lot) == pytest.approx(
            independent_best(folder, origin, destination, 0.5, lot), rel=1e-9)


def _best_cost(net, origin="sharyn_gol", destination="pohang", vot=0.0149):
    try:
        return corridor_best(net, origin, destination, vot)
    except corridor.NoRouteError:
        return np.inf


def test_raising_a_tariff_never_lowers_the_best_route():
    net = corridor.load_network("baseline")
    base = _best_cost(net)
    rng = np.random.default_rng(7)
    for link in rng.choice(net.links.index, size=25, replace=False):
        priced_by_vessel = np.isnan(net.links.at[link, "tariff_usd_per_tkm"])
        scale = {} if priced_by_vessel else {"tariff_usd_per_tkm": 1.5}
        raised = net.change("links", {"id": str(link)}, scale=scale, add={"fixed_usd_per_t": 1})
        assert _best_cost(raised) >= base - 1e-9, link
    for vessel in net.vessels.index:
        dearer = net.change("vessels", {"id": vessel}, scale={"hire_usd_per_day": 1.5, "fuel_usd_per_t": 1.2})
        assert _best_cost(dearer) >= base - 1e-9, vessel


def test_closing_anything_never_makes_the_best_route_cheaper():
    net = corridor.load_network("baseline")
    base = _best_cost(net, "tavan_tolgoi", "kashima")
    rng = np.random.default_rng(11)
    others = [n for n in net.nodes.index if n not in ("tavan_tolgoi", "kashima")]
    for node in rng.choice(others, size=15, replace=False):
        assert _best_cost(net.close(nodes=[str(node)]), "tavan_tolgoi", "kashima") >= base - 1e-9, node
    for country in ("KP", "RU", "CN"):
        assert _best_cost(net.close(countries=[country]), "tavan_tolgoi", "kashima") >= base - 1e-9, country
