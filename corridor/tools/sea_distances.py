"""Regenerate the distances of a network's sea links from a maritime network (the ``searoute`` package).

Runs never call this: they read ``distance_km`` from ``links.csv``. This command recomputes it, writes
it into ``links.csv`` with the package version in the row's note, and adds a ``searoute`` row to
``sources.csv``. A sea link with ``distance_fixed = true`` keeps its own (e.g. a sourced) distance.

searoute snaps a point to the nearest node of its network (Eurostat's global maritime network), which
for a port in a bay can be a node on the far side of a headland or one well out at sea. So each port is
joined by a great-circle leg to each of its ``k`` nearest network nodes, and the shortest total
``leg + network path + leg`` is kept: the distance includes the legs from the true port points.

Usage::

    corridor sea-distances corridor/data/baseline        # rewrite the sea links' distance_km (a folder path)
    corridor sea-distances baseline --dry-run            # show the table only (a shipped name or a folder)

Writing needs a folder path: a shipped network name (``baseline``) resolves to the installed package's
data, which a command should not rewrite by accident, so a name is accepted only with ``--dry-run``.
``links.csv`` and ``sources.csv`` are written together or not at all (:func:`corridor._files.replace_together`).

``searoute`` is an optional dependency (``pip install "corridor[sea]"``): only this command needs it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from .._files import replace_together
from ..errors import InputError
from ..network import load_network, resolve_network_path

SOURCE_ID = "searoute"
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), as used by searoute's haversine
NEAREST = 4  # network nodes tried at each port


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _searoute():
    try:
        import searoute
    except ImportError:
        raise InputError("sea-distances needs the searoute package: pip install 'corridor[sea]'") from None
    from importlib.metadata import version

    return searoute, version("searoute")


class _Marnet:
    """searoute's maritime network, set up once per run: its node list, and caches of each port's nearest
    nodes and of the network path between two nodes (ports and node pairs recur across links)."""

    def __init__(self, sr):
        from searoute.searoute import setup_M

        self.sr = sr
        self.nodes: list[tuple[float, float]] = list(setup_M().nodes)  # (lon, lat)
        self._nearest: dict[tuple[float, float, int], list[tuple[float, float]]] = {}
        self._path: dict[tuple[tuple[float, float], tuple[float, float]], float] = {}

    def nearest(self, lat: float, lon: float, k: int) -> list[tuple[float, float]]:
        """The ``k`` network nodes nearest (great circle) to a point."""
        key = (lat, lon, k)
        if key not in self._nearest:
            self._nearest[key] = sorted(self.nodes, key=lambda n: great_circle_km(lat, lon, n[1], n[0]))[:k]
        return self._nearest[key]

    def path_km(self, na: tuple[float, float], nb: tuple[float, float]) -> float:
        """Length of searoute's shortest path from node ``na`` to node ``nb`` (0 for the same node)."""
        if na == nb:
            return 0.0
        if (na, nb) not in self._path:
            self._path[na, nb] = float(self.sr.searoute(list(na), list(nb), units="km").properties["length"])
        return self._path[na, nb]


def sea_distance(a: tuple[float, float], b: tuple[float, float], *, k: int = NEAREST, _sr=None,
                 _marnet: _Marnet | None = None) -> dict[str, float]:
    """Sea distance in km between two (lat, lon) points: port legs + the shortest maritime-network path.

    Returns a dict with ``distance_km``, ``network_km`` and ``legs_km`` (the two great-circle port legs).
    """
    m = _marnet or _Marnet(_sr or _searoute()[0])
    best: dict[str, float] | None = None
    for na in m.nearest(*a, k):
        for nb in m.nearest(*b, k):
            legs = great_circle_km(a[0], a[1], na[1], na[0]) + great_circle_km(b[0], b[1], nb[1], nb[0])
            network = m.path_km(na, nb)
            if best is None or legs + network < best["distance_km"]:
                best = {"distance_km": legs + network, "network_km": network, "legs_km": legs}
    if best is None:
        raise ValueError(f"no maritime-network node near {a} or {b}")
    return best


def compute(network: str | Path, *, k: int = NEAREST) -> pd.DataFrame:
    """Sea distance of every sea link of a network: one row per link with the stored and computed km."""
    sr, ver = _searoute()
    net = load_network(network)
    sea = net.links[net.links["mode"] == "sea"]
    marnet = _Marnet(sr)
    rows = []
    for lid, link in sea.iterrows():
        a = tuple(net.nodes.loc[link["from"], ["lat", "lon"]].astype(float))
        b = tuple(net.nodes.loc[link["to"], ["lat", "lon"]].astype(float))
        d = sea_distance(a, b, k=k, _marnet=marnet)
        rows.append(dict(id=lid, **{"from": link["from"], "to": link["to"]}, stored_km=link["distance_km"],
                         computed_km=round(d["distance_km"]), network_km=round(d["network_km"], 1),
                         port_legs_km=round(d["legs_km"], 1), great_circle_km=round(great_circle_km(*a, *b), 1),
                         fixed=bool(link["distance_fixed"])))
    out = pd.DataFrame(rows).set_index("id")
    out.attrs["searoute_version"] = ver
    return out


def _note(old: str, row, version: str) -> str:
    """The link's note with its ``[searoute ...]`` part (from an earlier run) replaced."""
    old = re.sub(r"\[searoute [^\]]*\]\s*", "", old).strip()
    new = (f"[searoute {version}, `corridor sea-distances`: maritime network {row.network_km:g} km + port legs "
           f"{row.port_legs_km:g} km; great circle {row.great_circle_km:g} km]")
    return f"{new} {old}".strip()


def write(folder: str | Path, table: pd.DataFrame) -> list[str]:
    """Write the computed distances into ``folder/links.csv`` (and a ``searoute`` row into ``sources.csv``).

    Only the ``distance_km``, ``source`` and ``note`` cells of sea links without ``distance_fixed`` change;
    every other byte of the files stays as it was. Both files are replaced together or not at all.
    Returns the ids of the links changed.
    """
    folder = Path(folder)
    version = table.attrs.get("searoute_version", "?")
    rows, eol = _read(folder / "links.csv")
    header = rows[0]
    col = {h: i for i, h in enumerate(header)}
    changed = []
    for row in rows[1:]:
        if not row or row[col["id"]] not in table.index:
            continue
        t = table.loc[row[col["id"]]]
        if t.fixed:
            continue
        row[col["distance_km"]] = str(int(t.computed_km))
        sources = [s for s in row[col["source"]].split(";") if s]
        if SOURCE_ID not in sources:
            sources.insert(0, SOURCE_ID)
        row[col["source"]] = ";".join(sources)
        row[col["note"]] = _note(row[col["note"]], t, version)
        changed.append(row[col["id"]])
    replace_together({folder / "links.csv": _csv_bytes(rows, eol),
                       folder / "sources.csv": _with_source(folder / "sources.csv", version)})
    return changed


def _read(path: Path) -> tuple[list[list[str]], str]:
    """The rows of a CSV file and its line ending (kept when the file is written back)."""
    raw = path.read_bytes().decode("utf-8")
    eol = "\r\n" if "\r\n" in raw.split("\n", 1)[0] + "\n" else "\n"
    return list(csv.reader(io.StringIO(raw, newline=""))), eol


def _csv_bytes(rows: list[list[str]], eol: str) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=eol).writerows(rows)
    return buf.getvalue().encode("utf-8")


def _with_source(path: Path, version: str) -> bytes:
    """``sources.csv`` with its ``searoute`` row added or replaced."""
    rows, eol = _read(path)
    header = rows[0]
    entry = {"id": SOURCE_ID, "title": f"searoute {version}: shortest sea routes on the Eurostat global maritime "
                                       f"network (Python package)",
             "publisher": "G. Halili (searoute-py, after Eurostat SeaRoute / MARNET)", "year": "",
             "url": "https://pypi.org/project/searoute/",
             "note": f"Sea-link distances computed with searoute {version} by `corridor sea-distances`: "
                     f"maritime-network path between the network nodes nearest each port plus great-circle "
                     f"legs to the port points."}
    new = [entry.get(h, "") for h in header]
    for i, row in enumerate(rows):
        if row and row[0] == SOURCE_ID:
            rows[i] = new
            break
    else:
        rows.append(new)
    return _csv_bytes(rows, eol)


def main(network: str, *, dry_run: bool = False) -> int:
    """Print the computed table; unless ``dry_run``, write it into the folder ``network``.

    Raises
    ------
    InputError
        If asked to write into a shipped network given by name (a folder path is needed to write).
    """
    if not dry_run and resolve_network_path(network) != Path(network):  # a name resolved to the package's data
        raise InputError(f"sea-distances: '{network}' is a shipped network name, which resolves to the installed "
                         f"package's data; to write, give a folder path (e.g. corridor/data/{network} in a source "
                         f"checkout), or add --dry-run to only show the table")
    table = compute(network)
    shown = table.drop(columns=["fixed"]).assign(fixed=table["fixed"].map({True: "yes", False: ""}))
    print(f"searoute {table.attrs['searoute_version']}")
    print(shown.to_string())
    if not dry_run:
        changed = write(network, table)
        print(f"wrote {len(changed)} sea-link distances into {Path(network) / 'links.csv'}")
    return 0

