"""Regenerate the distances of a network's sea links from a maritime network (the ``searoute`` package).

Runs never call this: they read ``distance_km`` from ``links.csv``. This command recomputes it, writes
it into ``links.csv`` with the package version in the row's note, and adds a ``searoute`` row to
``sources.csv``. A sea link with ``distance_fixed = true`` keeps its own (e.g. a sourced) distance.

It also stores each sea link's path (the port legs and the maritime-network path between them) in
``link_paths.csv``, so that maps draw the sea legs along the way ships go rather than straight across land; rows
of other links (railways drawn through intermediate points) stay as they are. ``--paths-only`` writes the paths
and leaves ``links.csv`` alone.

searoute snaps a point to the nearest node of its network (Eurostat's global maritime network), which
for a port in a bay can be a node on the far side of a headland or one well out at sea. So each port is
joined by a great-circle leg to each of its ``k`` nearest network nodes, and the shortest total
``leg + network path + leg`` is kept: the distance includes the legs from the true port points.

Usage::

    corridor sea-distances corridor/data/baseline        # rewrite the sea links' distance_km and paths
    corridor sea-distances corridor/data/baseline --paths-only   # only the paths (link_paths.csv)
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
        self._path: dict[tuple[tuple[float, float], tuple[float, float]], tuple[float, list]] = {}

    def nearest(self, lat: float, lon: float, k: int) -> list[tuple[float, float]]:
        """The ``k`` network nodes nearest (great circle) to a point."""
        key = (lat, lon, k)
        if key not in self._nearest:
            self._nearest[key] = sorted(self.nodes, key=lambda n: great_circle_km(lat, lon, n[1], n[0]))[:k]
        return self._nearest[key]

    def path_km(self, na: tuple[float, float], nb: tuple[float, float]) -> float:
        """Length of searoute's shortest path from node ``na`` to node ``nb`` (0 for the same node)."""
        return self.path(na, nb)[0]

    def path(self, na: tuple[float, float], nb: tuple[float, float]) -> tuple[float, list]:
        """Length and (lon, lat) vertices of searoute's shortest path from node ``na`` to node ``nb``."""
        if na == nb:
            return 0.0, [na]
        if (na, nb) not in self._path:
            route = self.sr.searoute(list(na), list(nb), units="km")
            coords = [tuple(map(float, c)) for c in route["geometry"]["coordinates"]]
            self._path[na, nb] = (float(route.properties["length"]), coords)
        return self._path[na, nb]


def sea_distance(a: tuple[float, float], b: tuple[float, float], *, k: int = NEAREST, _sr=None,
                 _marnet: _Marnet | None = None) -> dict:
    """Sea distance in km between two (lat, lon) points: port legs + the shortest maritime-network path.

    Returns a dict with ``distance_km``, ``network_km``, ``legs_km`` (the two great-circle port legs) and
    ``path`` (the maritime-network vertices between the port legs, as (lon, lat)).
    """
    m = _marnet or _Marnet(_sr or _searoute()[0])
    best: dict | None = None
    for na in m.nearest(*a, k):
        for nb in m.nearest(*b, k):
            legs = great_circle_km(a[0], a[1], na[1], na[0]) + great_circle_km(b[0], b[1], nb[1], nb[0])
            network, path = m.path(na, nb)
            if best is None or legs + network < best["distance_km"]:
                best = {"distance_km": legs + network, "network_km": network, "legs_km": legs, "path": path}
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
                         fixed=bool(link["distance_fixed"]), points=path_text(d["path"])))
    out = pd.DataFrame(rows).set_index("id")
    out.attrs["searoute_version"] = ver
    return out


def path_text(path: list[tuple[float, float]], decimals: int = 3) -> str:
    """The ``points`` of a ``link_paths.csv`` row: ``"lon lat;lon lat"``, repeated vertices left out."""
    out: list[str] = []
    for lon, lat in path:
        text = f"{round(lon, decimals):g} {round(lat, decimals):g}"
        if not out or out[-1] != text:
            out.append(text)
    return ";".join(out)


def write_paths(folder: str | Path, table: pd.DataFrame) -> list[str]:
    """Write each computed sea link's path into ``folder/link_paths.csv`` (created if missing): rows of the links in
    ``table`` are replaced, other rows (railways drawn through intermediate points) kept in their order; the
    ``searoute`` row of ``sources.csv`` is added or replaced with it, both files together or neither. Returns the
    link ids written."""
    folder = Path(folder)
    version = table.attrs.get("searoute_version", "?")
    replace_together({folder / "link_paths.csv": _paths_bytes(folder, table),
                      folder / "sources.csv": _with_source(folder / "sources.csv", version)})
    return [str(lid) for lid in table.index]


def _paths_bytes(folder: Path, table: pd.DataFrame) -> bytes:
    version = table.attrs.get("searoute_version", "?")
    path = folder / "link_paths.csv"
    header = ["link", "points", "source", "note"]
    rows, eol = _read(path) if path.exists() else ([header], "\n")
    col = {h: i for i, h in enumerate(rows[0])}
    kept = [r for r in rows[1:] if r and r[col["link"]] not in table.index]
    new = []
    for lid, t in table.iterrows():
        length = "distance fixed in links.csv" if t.fixed else "its length is in links.csv"
        values = {"link": str(lid), "points": t.points, "source": SOURCE_ID,
                  "note": f"searoute {version} `corridor sea-distances`: the maritime-network path between the port "
                          f"legs (for maps only; {length})"}
        new.append([values.get(h, "") for h in rows[0]])
    return _csv_bytes([rows[0], *kept, *new], eol)


def _note(old: str, row, version: str) -> str:
    """The link's note with its ``[searoute ...]`` part (from an earlier run) replaced."""
    old = re.sub(r"\[searoute [^\]]*\]\s*", "", old).strip()
    new = (f"[searoute {version}, `corridor sea-distances`: maritime network {row.network_km:g} km + port legs "
           f"{row.port_legs_km:g} km; great circle {row.great_circle_km:g} km]")
    return f"{new} {old}".strip()


def write(folder: str | Path, table: pd.DataFrame, *, paths: bool = False) -> list[str]:
    """Write the computed distances into ``folder/links.csv`` (and a ``searoute`` row into ``sources.csv``).

    Only the ``distance_km``, ``source`` and ``note`` cells of sea links without ``distance_fixed`` change;
    every other byte of the files stays as it was. Both files are replaced together or not at all (with ``paths``,
    ``link_paths.csv`` too: see :func:`write_paths`).
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
    files = {folder / "links.csv": _csv_bytes(rows, eol),
             folder / "sources.csv": _with_source(folder / "sources.csv", version)}
    if paths:
        files[folder / "link_paths.csv"] = _paths_bytes(folder, table)
    replace_together(files)
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


def main(network: str, *, dry_run: bool = False, paths_only: bool = False) -> int:
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
    shown = table.drop(columns=["fixed", "points"]).assign(fixed=table["fixed"].map({True: "yes", False: ""}))
    print(f"searoute {table.attrs['searoute_version']}")
    print(shown.to_string())
    if not dry_run:
        if not paths_only:
            changed = write(network, table, paths=True)
            print(f"wrote {len(changed)} sea-link distances into {Path(network) / 'links.csv'}")
        else:
            write_paths(network, table)
        print(f"wrote {len(table)} sea-link paths into {Path(network) / 'link_paths.csv'}")
    return 0

