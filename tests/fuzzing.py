"""Fuzzing corridor: Hypothesis strategies that damage the shipped networks and scenarios, and a runner that calls
the CLI (or the API) in-process and classifies what happened.

Used by ``tests/test_fuzz.py`` (a fast profile in every run, a long one with ``-m fuzz``) and by
``benchmarks/fuzz_campaign.py`` (counts over thousands of inputs, for the record).

An input (:class:`Spec`) is a network folder (a shipped one or the toy, copied, then mutated: cells, columns, rows,
file damage, graph shapes), a scenario (a shipped one as a dict, mutated: values of any TOML shape, deleted and
unknown keys, extreme magnitudes; or raw bytes: broken UTF-8, deep nesting), a command line and a prepared output
location. :func:`run_spec` materialises it in a temporary folder, runs ``corridor.cli.main(argv)`` with stdout and
stderr captured and a time limit, and returns an :class:`Outcome`: the exit status, whether a traceback escaped, a
warning leaked, a message broke over lines, a result was not finite, or an output was left partial.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import math
import os
import re
import shutil
import signal
import tempfile
import tomllib
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
NETWORKS = {"toy": DATA / "toy", "baseline": ROOT / "corridor" / "data" / "baseline",
            "2025": ROOT / "corridor" / "data" / "2025"}
NET_FILES = ("nodes", "links", "transfers", "vessels", "prices", "sources")
TOY_FLOWS = {"name": "toy flows", "network": "toy", "flows": {"supply": {"a": 3.0}, "demand": {"m": 2.0}},
             "cases": [{"name": "baseline"},
                       {"name": "capped", "change": [{"table": "links", "where": {"id": "b_r"},
                                                      "set": {"capacity_mt_per_year": 1.0}}]}]}
SCENARIOS: dict[str, list[Any]] = {
    "toy": [DATA / "toy.toml", DATA / "toy_uncertainty.toml", TOY_FLOWS],
    "baseline": [ROOT / "scenarios" / f"{name}.toml"
                 for name in ("test_shipment_2015", "test_shipment_2015_uncertainty", "tavan_tolgoi_2015", "scale_up")],
    "2025": [ROOT / "scenarios" / "test_shipment_2025.toml"],
}
TIME_LIMIT_S = 30  # one input (240 s with --plots); past it, a run that used little CPU is blocked (a hang), one that
PLOTS_TIME_LIMIT_S = 240  # computed all along is only slow (counted apart, not a failure: the machine may be loaded)
BLOCKED_CPU_SHARE = 0.2

# Values a cell (or a TOML value) is set to, besides generated text and numbers.
CELL_POOL = [
    "", " ", "0", "-0", "1", "-1", "0.5", "1e308", "-1e308", "1.7976931348623157e308", "1e309", "inf", "-inf",
    "Infinity", "nan", "NaN", "1e-320", "5e-324", "1e-300", "1e20", "1e19", "1e12", "1_000", "1,000", "0x10", "²",
    "1²", "٣", "１２", "1e", ".", "-", "+", "true", "false", "yes", "no", "TRUE", "None", "null", "a\nb", "a\r\nb",
    "\t", '"', "'", "x" * 300, "x" * 140_000, "ÄÖÜ", "中文", "🙂", "\x00", "\u200b", "a;b", "estimate", "sea",
    "rail1520", "rail1435", "road", "stock", "KP", "RU", "INT", "mine", "port", "border", "pohang", "a", "m", "2015",
    "15", "-2015",
]
TOML_POOL: list[Any] = [
    0, -1, 1, 2, 5, 1000, 2**31, 2**63 - 1, -(2**63), 0.0, -0.0, 0.5, 1e-320, 5e-324, 1e-300, 1e-9, 1e6, 1e12, 1e19,
    1e20, 1e300, 1.7976931348623157e308, math.inf, -math.inf, math.nan, True, False, "", "x", "a", "m", "RU", "KP",
    "links", "nodes", "transfers", "vessels", "prices", "tariff_usd_per_tkm", "pass_hours", "capacity_mt_per_year",
    "uniform", "triangular", "normal", "lognormal", "scale", "value", "baseline", "a\nb", "x" * 1000, [], {}, [1, 2],
    ["RU", "CN"], [["RU"]], {"a": 1}, {"country": ["RU"]}, {"contry": ["RU"]}, {"id": {"x": 1}},
]


# ----- writing TOML (every value inline, so any shape can be written) ------------------------------------------

def _toml_string(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(v: Any) -> str:
    """``v`` as an inline TOML value (tables inline, keys quoted)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = repr(v)
        return text if any(c in text for c in ".e") else text + ".0"
    if isinstance(v, str):
        return _toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_string(str(k))} = {toml_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, Deep):
        return v.text()
    raise TypeError(type(v))


def toml_document(data: dict) -> str:
    """A TOML document: each top-level key on its own line, its value inline."""
    return "".join(f"{_toml_string(str(k))} = {toml_value(v)}\n" for k, v in data.items())


@dataclass(frozen=True)
class Deep:
    """A value nested ``depth`` times (arrays or inline tables), written without recursion."""

    depth: int
    kind: str = "array"

    def text(self) -> str:
        if self.kind == "array":
            return "[" * self.depth + "1" + "]" * self.depth
        return "{a = " * self.depth + "1" + "}" * self.depth


# ----- the input: network, scenario, command line, output location --------------------------------------------

@dataclass
class Spec:
    """One fuzz input. ``argv`` may hold ``{scenario}``, ``{net}``, ``{out}``, ``{plots}``, ``{work}``."""

    network: str
    net_ops: list[tuple] = field(default_factory=list)
    scenario: dict | bytes | None = None
    argv: list[str] = field(default_factory=list)
    out_kind: str = "new"
    note: str = ""
    api: tuple | None = None  # (function name, kwargs) for an API call instead of the CLI

    def describe(self) -> str:
        ops = "; ".join(_short(op) for op in self.net_ops)
        scen = _short(self.scenario) if isinstance(self.scenario, bytes) else _short(self.note)
        return f"net={self.network} ops=[{ops}] scenario={scen} argv={self.argv} out={self.out_kind} api={self.api}"


def _short(x: Any, n: int = 160) -> str:
    text = repr(x)
    return text if len(text) <= n else text[:n] + f"...({len(text)} chars)"


def load_scenario_dict(source: Any) -> dict:
    if isinstance(source, dict):
        return copy.deepcopy(source)
    return tomllib.loads(Path(source).read_text(encoding="utf-8"))


# ----- network mutations ---------------------------------------------------------------------------------------

def _read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def apply_net_op(folder: Path, op: tuple) -> None:
    """Apply one mutation to the network folder (see :func:`net_ops` for the kinds)."""
    kind, file, *args = op
    path = folder / f"{file}.csv"
    if kind in ("cell", "column", "row") and not path.is_file():  # not a FIFO made by an earlier op
        return
    if kind == "cell":
        row_pick, col_pick, value = args
        rows = _read_rows(path)
        if len(rows) < 2 or not rows[0]:
            return
        r = 1 + row_pick % (len(rows) - 1)
        if not rows[r]:
            return
        c = col_pick % len(rows[0])
        if c < len(rows[r]):
            if isinstance(value, tuple):  # ("ref", k): another row's id, a valid reference
                value = rows[1 + value[1] % (len(rows) - 1)][0] if rows[1 + value[1] % (len(rows) - 1)] else ""
            rows[r][c] = value
        _write_rows(path, rows)
    elif kind == "column":
        how, pick, text = args
        rows = _read_rows(path)
        if not rows or not rows[0]:
            return
        c = pick % len(rows[0])
        if how == "drop":
            rows = [[x for i, x in enumerate(r) if i != c] for r in rows]
        elif how == "rename":
            rows[0][c] = text
        elif how == "duplicate":
            rows = [[*r, r[c]] if c < len(r) else r for r in rows]
        elif how == "swap_names":
            d = (c + 1) % len(rows[0])
            rows[0][c], rows[0][d] = rows[0][d], rows[0][c]
        elif how == "add_unknown":
            rows = [[*r, text if i == 0 else "1"] for i, r in enumerate(rows)]
        elif how == "reorder":  # valid: columns are found by name
            order = list(range(len(rows[0])))
            order = order[c:] + order[:c]
            rows = [[r[i] for i in order if i < len(r)] for r in rows]
        elif how == "upper":
            rows[0][c] = rows[0][c].upper()
        elif how == "pad":
            rows[0][c] = f" {rows[0][c]} "
        _write_rows(path, rows)
    elif kind == "row":
        how, pick = args
        rows = _read_rows(path)
        if len(rows) < 2:
            return
        r = 1 + pick % (len(rows) - 1)
        if how == "delete":
            del rows[r]
        elif how == "duplicate":
            rows.insert(r, list(rows[r]))
        elif how == "blank":
            rows.insert(r, [])
        elif how == "extra_field":
            rows[r] = [*rows[r], "extra"]
        elif how == "missing_field":
            rows[r] = rows[r][:-1]
        elif how == "shuffle":  # valid
            rows = [rows[0], *rows[r:], *rows[1:r]]
        elif how == "only_header":
            rows = rows[:1]
        _write_rows(path, rows)
    elif kind == "damage":
        _damage(folder, path, *args)
    elif kind == "graph":
        _graph(folder, *args)


DAMAGES = ("missing", "empty", "whitespace", "newlines", "truncate", "bom", "utf16", "latin1", "nul", "crlf", "cr",
           "garbage", "directory", "fifo", "dangling_symlink", "symlink_other", "unclosed_quote", "huge_cell",
           "long_line", "tabs", "semicolons", "header_twice", "quoted_newline", "binary_prefix", "no_final_newline",
           "only_header", "duplicate_header_name", "header_blank", "many_blank_lines", "ascii_control", "huge_file",
           "bom_utf16_le", "surrogate_bytes")


def _damage(folder: Path, path: Path, how: str, pick: int) -> None:
    data = path.read_bytes() if path.is_file() else b""
    if not path.is_file() and (path.exists() or path.is_symlink()):  # a FIFO, folder or link made by an earlier op
        return
    if how == "missing":
        path.unlink(missing_ok=True)
        return
    if how == "directory":
        path.unlink(missing_ok=True)
        path.mkdir()
        (path / "x.csv").write_text("a\n")
        return
    if how == "fifo":
        path.unlink(missing_ok=True)
        os.mkfifo(path)
        return
    if how == "dangling_symlink":
        path.unlink(missing_ok=True)
        path.symlink_to(folder / "does-not-exist.csv")
        return
    if how == "symlink_other":
        other = folder / NET_FILES[pick % len(NET_FILES)]
        path.unlink(missing_ok=True)
        path.symlink_to(other.with_suffix(".csv"))
        return
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    new: bytes
    if how == "empty":
        new = b""
    elif how == "whitespace":
        new = b"   \n\t\n"
    elif how == "newlines":
        new = b"\n\n\n"
    elif how == "truncate":
        new = data[: pick % max(len(data), 1)]
    elif how == "bom":
        new = b"\xef\xbb\xbf" + data
    elif how == "utf16":
        new = text.encode("utf-16")
    elif how == "bom_utf16_le":
        new = b"\xff\xfe" + text.encode("utf-16-le")
    elif how == "latin1":
        new = (text + "Ä,é,ß\n").encode("latin-1", errors="replace")
    elif how == "nul":
        i = pick % max(len(data), 1)
        new = data[:i] + b"\x00" + data[i:]
    elif how == "crlf":
        new = data.replace(b"\n", b"\r\n")
    elif how == "cr":
        new = data.replace(b"\n", b"\r")
    elif how == "garbage":
        new = bytes((pick * 7919 + i * 104729) % 256 for i in range(200))
    elif how == "binary_prefix":
        new = b"\x89PNG\r\n\x1a\n" + data
    elif how == "unclosed_quote":
        new = data + b'x,"unclosed\n'
    elif how == "huge_cell":
        first = lines[0] if lines else "id"
        new = (first + "\n" + "y" * 140_000 + "," * first.count(",") + "\n").encode()
    elif how == "long_line":
        new = data + (",".join(["z"] * 5000) + "\n").encode()
    elif how == "tabs":
        new = data.replace(b",", b"\t")
    elif how == "semicolons":
        new = data.replace(b",", b";")
    elif how == "header_twice":
        new = (text + (lines[0] + "\n" if lines else "")).encode()
    elif how == "quoted_newline":
        rows = _read_rows(path) if path.is_file() else []
        if len(rows) > 1 and len(rows[1]) > 1:
            rows[1][1] = rows[1][1] + "\nsecond line"
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        new = buf.getvalue().encode()
    elif how == "no_final_newline":
        new = data.rstrip(b"\n")
    elif how == "only_header":
        new = (lines[0] + "\n").encode() if lines else b""
    elif how == "duplicate_header_name":
        head = lines[0].split(",") if lines else ["id"]
        head[-1] = head[0]
        new = (",".join(head) + "\n" + "\n".join(lines[1:]) + "\n").encode()
    elif how == "header_blank":
        new = ("\n" + text).encode()
    elif how == "many_blank_lines":
        new = data + b"\n" * 1000
    elif how == "ascii_control":
        new = data.replace(b"a", b"\x07", 3)
    elif how == "huge_file":
        new = data + (lines[-1] + "\n").encode() * 20_000 if lines else data
    elif how == "surrogate_bytes":
        new = data + b"\xed\xa0\x80,\n"
    else:
        raise ValueError(how)
    path.unlink(missing_ok=True)
    path.write_bytes(new)


GRAPHS = ("all_one_way", "some_one_way", "drop_mode", "drop_links", "reverse", "zero_capacity", "tiny_distance",
          "huge_distance", "no_transfers", "blank_sea_tariffs", "self_loop", "only_one_link", "drop_nodes_refs",
          "huge_tariff", "tiny_capacity", "huge_pass")


def _graph(folder: Path, how: str, pick: int) -> None:
    lpath, npath, tpath = folder / "links.csv", folder / "nodes.csv", folder / "transfers.csv"
    if not all(p.is_file() for p in (lpath, npath, tpath) if p.exists() or p.is_symlink()):
        return
    rows = _read_rows(lpath)
    if not rows:
        return
    head = rows[0]
    col = {h: i for i, h in enumerate(head)}

    def setcol(name: str, value: Callable[[int, list[str]], str], sel: Callable[[int], bool] = lambda i: True):
        if name not in col:
            return
        for i, r in enumerate(rows[1:], start=1):
            if len(r) > col[name] and sel(i):
                r[col[name]] = value(i, r)

    if how == "all_one_way":
        setcol("both_ways", lambda i, r: "false")
        if "both_ways" not in col:
            head.append("both_ways")
            col["both_ways"] = len(head) - 1
            for r in rows[1:]:
                r.append("false")
    elif how == "some_one_way":
        setcol("both_ways", lambda i, r: "false", lambda i: (i * 31 + pick) % 3 == 0)
    elif how == "drop_mode":
        mode = ("rail1520", "rail1435", "road", "sea")[pick % 4]
        rows = [rows[0], *(r for r in rows[1:] if "mode" not in col or len(r) <= col["mode"] or r[col["mode"]] != mode)]
    elif how == "drop_links":
        rows = [rows[0], *(r for i, r in enumerate(rows[1:]) if (i * 7 + pick) % 4)]
    elif how == "reverse":
        if "from" in col and "to" in col:
            for r in rows[1:]:
                if len(r) > max(col["from"], col["to"]):
                    r[col["from"]], r[col["to"]] = r[col["to"]], r[col["from"]]
    elif how == "zero_capacity":
        setcol("capacity_mt_per_year", lambda i, r: "0")
    elif how == "tiny_capacity":
        setcol("capacity_mt_per_year", lambda i, r: "1e-12", lambda i: i % 2 == 0)
    elif how == "tiny_distance":
        setcol("distance_km", lambda i, r: "1e-300")
    elif how == "huge_distance":
        setcol("distance_km", lambda i, r: "1e300")
    elif how == "huge_tariff":
        setcol("tariff_usd_per_tkm", lambda i, r: "1e300" if r[col["tariff_usd_per_tkm"]] else "")
    elif how == "no_transfers" and tpath.is_file():
        _write_rows(tpath, _read_rows(tpath)[:1])
    elif how == "blank_sea_tariffs":
        setcol("tariff_usd_per_tkm", lambda i, r: "", lambda i: "mode" in col and rows[i][col["mode"]] == "sea")
    elif how == "self_loop":
        if "from" in col and "to" in col and len(rows) > 1:
            rows[1][col["to"]] = rows[1][col["from"]]
    elif how == "only_one_link":
        rows = rows[:2]
    elif how == "drop_nodes_refs":
        if npath.is_file():
            nrows = _read_rows(npath)
            _write_rows(npath, [nrows[0], *(r for i, r in enumerate(nrows[1:]) if (i + pick) % 5)])
    elif how == "huge_pass" and npath.is_file():
        nrows = _read_rows(npath)
        ncol = {h: i for i, h in enumerate(nrows[0])}
        if "pass_usd_per_t" in ncol:
            for r in nrows[1:]:
                if len(r) > ncol["pass_usd_per_t"]:
                    r[ncol["pass_usd_per_t"]] = "1e307"
        _write_rows(npath, nrows)
    _write_rows(lpath, rows)


# ----- strategies --------------------------------------------------------------------------------------------------

cell_values = st.one_of(st.sampled_from(CELL_POOL), st.text(max_size=12),
                        st.floats(allow_nan=True, allow_infinity=True).map(repr),
                        st.integers(min_value=-(10**30), max_value=10**30).map(str),
                        st.tuples(st.just("ref"), st.integers(0, 1000)))
files = st.sampled_from(NET_FILES)
picks = st.integers(min_value=0, max_value=10_000)


@st.composite
def net_op(draw) -> tuple:
    kind = draw(st.sampled_from(("cell", "cell", "cell", "column", "row", "damage", "graph")))
    if kind == "cell":
        return ("cell", draw(files), draw(picks), draw(picks), draw(cell_values))
    if kind == "column":
        how = draw(st.sampled_from(("drop", "rename", "duplicate", "swap_names", "add_unknown", "reorder", "upper",
                                    "pad")))
        return ("column", draw(files), how, draw(picks), draw(st.sampled_from(["", "x", "id", "name", "lon",
                                                                                  "distance_km", "mode", "note"])))
    if kind == "row":
        return ("row", draw(files), draw(st.sampled_from(("delete", "duplicate", "blank", "extra_field",
                                                           "missing_field", "shuffle", "only_header"))), draw(picks))
    if kind == "damage":
        return ("damage", draw(files), draw(st.sampled_from(DAMAGES)), draw(picks))
    return ("graph", "links", draw(st.sampled_from(GRAPHS)), draw(picks))


scalars = st.one_of(st.sampled_from([v for v in TOML_POOL if not isinstance(v, (list, dict))]),
                    st.text(max_size=10), st.integers(min_value=-(2**63), max_value=2**63 - 1),
                    st.floats(allow_nan=True, allow_infinity=True), st.booleans())
nested = st.recursive(scalars, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids,
                                                                                         max_size=3), max_leaves=8)
deep = st.builds(Deep, st.sampled_from([40, 200, 1000, 5000]), st.sampled_from(["array", "table"]))
# deep nesting in about one value in twenty
toml_values = st.integers(0, 19).flatmap(lambda i: deep if i == 0 else nested if i % 2 else st.sampled_from(TOML_POOL))
# Keys the scenario format knows, to add where they are missing.
KNOWN_KEYS = ["name", "description", "network", "shipment", "flows", "settings", "cases", "uncertainty", "origin",
              "destination", "tonnes", "coal", "routes", "value_of_time_usd_per_t_day", "cargo_value_usd_per_t",
              "interest_rate_per_year", "supply", "demand", "unserved_penalty_usd_per_t", "close", "change", "table",
              "where", "scale", "set", "add", "countries", "nodes", "links", "transfers", "column", "distribution",
              "as", "group", "note", "low", "high", "mode", "mean", "sd", "id", "country", "kind"]


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a scenario dict (keys and list indices)."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _container(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


@st.composite
def scenario_op(draw, data: dict) -> tuple:
    paths = _paths(data)
    kind = draw(st.sampled_from(("set", "set", "set", "delete", "unknown", "known", "wrap", "number", "entry",
                                 "flows")))
    if kind in ("set", "delete", "wrap", "number") and paths:
        path = draw(st.sampled_from(paths))
        if kind == "set":
            return ("set", path, draw(toml_values))
        if kind == "number":
            return ("set", path, draw(st.one_of(st.sampled_from([0, -1, 1e-320, 1e-300, 1e20, 1e300, 1e308, 2**63 - 1,
                                                                 0.001, 1e6]),
                                                st.floats(allow_nan=False, allow_infinity=False))))
        return (kind, path)
    tables = [p for p in [(), *paths] if isinstance(_container(data, p), dict)]
    if kind == "unknown":
        return ("add", draw(st.sampled_from(tables)), draw(st.text(min_size=1, max_size=8)), draw(toml_values))
    if kind == "known":
        return ("add", draw(st.sampled_from(tables)), draw(st.sampled_from(KNOWN_KEYS)), draw(toml_values))
    if kind == "entry":
        return ("entry", draw(uncertainty_entries))
    return ("flows", draw(flows_tables))


uncertainty_entries = st.fixed_dictionaries(
    {"name": st.text(min_size=1, max_size=8),
     "table": st.sampled_from(["links", "nodes", "transfers", "vessels", "prices", ["links"], 1]),
     "where": st.one_of(st.just({}), st.dictionaries(st.sampled_from(["id", "country", "mode", "kind", "node",
                                                                      "contry"]),
                                                     st.one_of(st.sampled_from(["RU", "MN", "CN", "sea", "border",
                                                                                "a", "b_r", "rajin"]),
                                                               st.lists(st.sampled_from(["RU", "CN", "KP"]),
                                                                        max_size=3), toml_values), max_size=2)),
     "column": st.sampled_from(["tariff_usd_per_tkm", "distance_km", "speed_km_per_day", "fixed_usd_per_t",
                                "pass_usd_per_t", "pass_hours", "cost_usd_per_t", "dwell_hours", "hire_usd_per_day",
                                "speed_knots", "capacity_mt_per_year", ["distance_km"]]),
     "distribution": st.sampled_from(["uniform", "triangular", "normal", "lognormal", "beta", ["uniform"]])},
    optional={"low": st.one_of(st.floats(0, 10), st.sampled_from([0, 1e-300, 1e300, 1e308, -1])),
              "high": st.one_of(st.floats(0, 10), st.sampled_from([0, 1e300, 1e308, 1e20])),
              "mode": st.floats(0, 10), "mean": st.one_of(st.floats(0, 1e3), st.sampled_from([1e-300, 1e300])),
              "sd": st.one_of(st.floats(0, 1e3), st.sampled_from([1e300, 1e308, 1e-300])),
              "as": st.sampled_from(["scale", "value", "x"]), "group": st.sampled_from(["g", "h", ""])})
magnitudes = st.one_of(st.sampled_from([0, 0.0, 1e-320, 1e-300, 1e-12, 1e-6, 1.0, 3.0, 1e4, 1e6, 1e12, 1e19, 1e20,
                                        1e300, 1e308]),
                       st.floats(min_value=0, allow_nan=False, allow_infinity=False))
flows_tables = st.fixed_dictionaries(
    {"supply": st.dictionaries(st.sampled_from(["a", "b", "tavan_tolgoi", "ukhaa_khudag", "sharyn_gol"]), magnitudes,
                               min_size=1, max_size=3),
     "demand": st.dictionaries(st.sampled_from(["m", "t", "p", "pohang", "kashima", "tianjin"]), magnitudes,
                               min_size=1, max_size=3)},
    optional={"unserved_penalty_usd_per_t": st.one_of(magnitudes, st.sampled_from([1e19, 1e300]))})


def apply_scenario_op(data: dict, op: tuple) -> dict:
    """Apply one mutation to ``data``. Values are copied in: a later mutation must never reach into a strategy's
    value (a pool's list, ``st.just({})``), or generation would depend on earlier inputs."""
    op = copy.deepcopy(op)
    kind = op[0]
    if kind == "set":
        _, path, value = op
        parent = _container(data, path[:-1])
        parent[path[-1]] = value
    elif kind == "delete":
        _, path = op
        parent = _container(data, path[:-1])
        del parent[path[-1]]
    elif kind == "wrap":
        _, path = op
        parent = _container(data, path[:-1])
        parent[path[-1]] = [parent[path[-1]]] if not isinstance(parent[path[-1]], list) else {"x": parent[path[-1]]}
    elif kind == "add":
        _, path, key, value = op
        _container(data, path)[key] = value
    elif kind == "entry":
        entries = data.get("uncertainty")
        data["uncertainty"] = [*(entries if isinstance(entries, list) else []), op[1]]
    elif kind == "flows":
        data["flows"] = op[1]
    return data


RAW_DAMAGES = ("invalid_utf8", "deep_array", "deep_table", "truncate", "nul", "bom", "utf16", "unclosed",
               "duplicate_key", "huge_string", "date_value")


def raw_scenario(base: dict, how: str, pick: int) -> bytes:
    text = toml_document(base)
    if how == "invalid_utf8":
        return text.encode() + b'x = "\xff\xfe"\n'
    if how == "deep_array":
        return text.encode() + b"deep = " + b"[" * 5000 + b"1" + b"]" * 5000 + b"\n"
    if how == "deep_table":
        return text.encode() + b"deep = " + b"{a = " * 2000 + b"1" + b"}" * 2000 + b"\n"
    if how == "truncate":
        return text.encode()[: pick % max(len(text), 1)]
    if how == "nul":
        return text.encode() + b"\x00"
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if how == "utf16":
        return text.encode("utf-16")
    if how == "unclosed":
        return text.encode() + b'x = "abc\n'
    if how == "duplicate_key":
        return text.encode() + b'name = "again"\n'
    if how == "huge_string":
        return text.encode() + b'description2 = "' + b"x" * 200_000 + b'"\n'
    if how == "date_value":
        return text.replace('"name" = ', '"name" = 1979-05-27T07:32:00Z\n"old_name" = ', 1).encode()
    raise ValueError(how)


OUT_KINDS = ("new", "nested_new", "earlier", "routes_is_dir", "file_in_place", "under_file", "same_as_plots")


@st.composite
def specs(draw, *, networks=("toy", "toy", "toy", "baseline", "2025"), plots: bool = False,
          max_net_ops: int = 3, max_scenario_ops: int = 3) -> Spec:
    """A fuzz input: mutated network and scenario, a command and an output location."""
    network = draw(st.sampled_from(networks))
    source = draw(st.sampled_from(SCENARIOS[network]))
    data = load_scenario_dict(source)
    data["network"] = "net"
    net_ops = draw(st.lists(net_op(), max_size=max_net_ops))
    n_scen = draw(st.integers(0, max_scenario_ops))
    scenario: dict | bytes = data
    for _ in range(n_scen):
        op = draw(scenario_op(data))
        with contextlib.suppress(KeyError, IndexError, TypeError):
            data = apply_scenario_op(data, op)
    note = json.dumps(data, default=repr)[:400]
    if draw(st.integers(0, 19)) == 0:
        scenario = raw_scenario(data, draw(st.sampled_from(RAW_DAMAGES)), draw(picks))
    command = draw(st.sampled_from(("run", "run", "run", "run", "tornado", "breakeven", "validate", "network")))
    out_kind = draw(st.sampled_from(OUT_KINDS))
    argv: list[str]
    if command == "run":
        argv = ["run", "{scenario}"]
        if draw(st.booleans()):
            argv.append("--json")
        if draw(st.integers(0, 2)) > 0:
            argv += ["--out", "{out}"]
        if plots and draw(st.integers(0, 9)) == 0:
            argv += ["--plots", "{plots}"]
            if draw(st.booleans()):
                argv += ["--plot-case", draw(st.sampled_from(["baseline", "nope", "RU closed"]))]
        if draw(st.integers(0, 2)) == 0:
            argv += ["--draws", str(draw(st.sampled_from([0, 1, 2, 5, 20, 100, -1, 10**9, 2**63])))]
            if draw(st.booleans()):
                argv += ["--seed", str(draw(st.sampled_from([0, 1, 7, -3, 2**64])))]
    elif command == "tornado":
        argv = ["tornado", "{scenario}"]
        if draw(st.booleans()):
            argv += ["--case", draw(st.sampled_from(["baseline", "nope", "RU closed", "Rajin closed"]))]
        if draw(st.booleans()):
            argv.append("--json")
        if draw(st.booleans()):
            argv += ["--metric", "cost"]
    elif command == "breakeven":
        argv = ["breakeven", "{scenario}", "--param",
                draw(st.sampled_from(["RU tariff", "sea market", "border B wait", "RZD tariff", "time-charter hire",
                                      "nope"])),
                "--routes", *draw(st.sampled_from([("1", "2"), ("p", "t"), ("rajin", "tianjin"), ("1", "1"),
                                                   ("0", "99"), ("²", "2")]))]
        if draw(st.booleans()):
            lo, hi = draw(st.sampled_from([(0.0, 1e308), (0.5, 2.0), (0.0, 0.0), (1e-300, 1e300), (2.0, 0.5),
                                           (0.0, 48.0), (-1.0, 1.0)]))
            argv += ["--within", repr(lo), repr(hi)]
        if draw(st.booleans()):
            argv.append("--json")
    elif command == "validate":
        argv = ["validate", draw(st.sampled_from(["{scenario}", "{net}"]))]
    else:
        argv = ["network", "{net}"]
    return Spec(network=network, net_ops=net_ops, scenario=scenario, argv=argv, out_kind=out_kind, note=note)


@st.composite
def api_specs(draw) -> Spec:
    """A direct API call on the toy scenario: from_dict / with_case / with_settings / with_flows / run / breakeven."""
    source = draw(st.sampled_from(SCENARIOS["toy"]))
    data = load_scenario_dict(source)
    data["network"] = "net"
    for _ in range(draw(st.integers(0, 2))):
        with contextlib.suppress(KeyError, IndexError, TypeError):
            data = apply_scenario_op(data, draw(scenario_op(data)))
    call = draw(st.sampled_from(("from_dict", "with_case", "with_settings", "with_flows", "run", "breakeven",
                                 "case", "tornado")))
    if call == "with_case":
        kwargs = {"name": draw(st.one_of(st.text(max_size=5), st.sampled_from(["baseline", "x"]))),
                  **draw(st.dictionaries(st.sampled_from(["close", "change", "shipment", "settings", "flows", "bogus",
                                                          "description"]), toml_values, max_size=2))}
    elif call == "with_settings":
        kwargs = draw(st.dictionaries(st.sampled_from(["routes", "value_of_time_usd_per_t_day",
                                                       "cargo_value_usd_per_t", "interest_rate_per_year", "bogus"]),
                                      toml_values, max_size=2))
    elif call == "with_flows":
        kwargs = draw(st.dictionaries(st.sampled_from(["supply", "demand", "unserved_penalty_usd_per_t", "bogus"]),
                                      st.one_of(toml_values, magnitudes,
                                                st.dictionaries(st.sampled_from(["a", "m", "zz"]), magnitudes)),
                                      max_size=2))
    elif call == "run":
        kwargs = draw(st.fixed_dictionaries({}, optional={
            "draws": st.sampled_from([0, 1, 5, -1, 2.5, "5", True]), "seed": st.sampled_from([0, 1, -1, 1.5]),
            "chunk": st.sampled_from([1, 7, 0, -1, 2.5]), "check_share": st.sampled_from([0.0, 0.5, 1.0, -1.0, 2.0]),
            "candidates": st.sampled_from([1, 5, 0, -3]), "bogus": st.just(1)}))
    elif call == "breakeven":
        kwargs = {"parameter": draw(st.sampled_from(["RU tariff", "nope", {"table": "links", "column": "distance_km"},
                                                     {"table": ["links"]}])),
                  "routes": draw(st.sampled_from([(1, 2), ("p", "t"), (1,), (1, 1)])),
                  **draw(st.fixed_dictionaries({}, optional={"within": st.sampled_from([(0.5, 2.0), (0.0, 1e308),
                                                                                        (2.0, 0.5), (1, 2, 3)]),
                                                             "case": st.sampled_from(["baseline", "nope", 3]),
                                                             "metric": st.sampled_from(["cost", "x"]),
                                                             "bogus": st.just(1)}))}
    elif call in ("case", "tornado"):
        kwargs = {"case": draw(st.sampled_from(["baseline", "nope", 3, None]))}
    else:
        kwargs = {}
    return Spec(network="toy", net_ops=[], scenario=data, argv=[], api=(call, kwargs),
                note=json.dumps(data, default=repr)[:400])


# ----- running and classifying ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What one input did."""

    code: int | None = None
    traceback: str = ""  # the exception that escaped, or a traceback printed on stderr
    hang: bool = False
    slow: bool = False  # stopped at the time limit while computing (not blocked): reported, not a failure
    nonfinite: str = ""  # where a result was inf or nan
    partial: str = ""  # what was left partial or changed by a failed run
    warning: str = ""  # a warning printed on stderr
    multiline: str = ""  # an error message broken over lines
    stderr: str = ""

    @property
    def bad_exit(self) -> bool:
        return self.code not in (0, 2, 130, 143) and not self.slow

    def problems(self) -> list[str]:
        out = []
        if self.traceback:
            out.append(f"traceback: {self.traceback.strip().splitlines()[-1]}")
        if self.hang:
            out.append("hang")
        if self.bad_exit and not self.traceback and not self.hang:
            out.append(f"exit {self.code}")
        if self.nonfinite:
            out.append(f"non-finite: {self.nonfinite}")
        if self.partial:
            out.append(f"partial: {self.partial}")
        if self.warning:
            out.append(f"warning: {self.warning}")
        if self.multiline:
            out.append(f"multi-line message: {self.multiline}")
        return out


class _Timeout(BaseException):
    pass


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _alarm(signum, frame):
    raise _Timeout()


def _snapshot(folder: Path) -> dict[str, Any]:
    """Names and contents of everything under ``folder`` (None if it does not exist)."""
    if not folder.exists() and not folder.is_symlink():
        return {"": None}
    if folder.is_file():
        return {"": folder.read_bytes()}
    out: dict[str, Any] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = p.read_bytes() if p.is_file() else "<dir>"
    return out


def _prepare_outputs(work: Path, kind: str) -> tuple[Path, Path]:
    out, plots = work / "out", work / "plots"
    if kind == "nested_new":
        out = work / "a" / "b" / "out"
    elif kind == "earlier":
        out.mkdir()
        (out / "routes.csv").write_text("earlier run\n")
        (out / "cost_bars.png").write_bytes(b"earlier plot")
        (out / "keep.txt").write_text("mine\n")
        plots = out
    elif kind == "routes_is_dir":
        out.mkdir()
        (out / "routes.csv").mkdir()
        (out / "flow_routes.csv").mkdir()
        (out / "keep.txt").write_text("mine\n")
    elif kind == "file_in_place":
        out.write_text("a file, not a folder\n")
    elif kind == "under_file":
        (work / "blocker").write_text("x")
        out = work / "blocker" / "out"
    elif kind == "same_as_plots":
        plots = out
    if kind != "same_as_plots" and kind != "earlier":
        plots.mkdir()
        (plots / "cost_bars.png").write_bytes(b"earlier plot")
    return out, plots


NONFINITE = re.compile(r"(?<![\w.])[-+]?(inf|nan|infinity)(?![\w])", re.IGNORECASE)


def _check_json(text: str) -> str:
    def bad(const):
        raise ValueError(const)
    try:
        json.loads(text, parse_constant=bad)
    except ValueError as err:
        return f"stdout is not strict JSON ({str(err)[:80]})"
    return ""


def _check_csv_folder(folder: Path, before: dict) -> str:
    for p in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        if not p.is_file() or before.get(p.name) == p.read_bytes():
            continue
        for row in csv.reader(io.StringIO(p.read_text(encoding="utf-8-sig"))):
            for cell in row:
                if cell.strip().lower() in ("inf", "-inf", "nan", "+inf", "infinity", "-infinity"):
                    return f"{p.name}: cell {cell!r}"
    return ""


GROUPS = (("routes.csv", "components.csv", "countries.csv", "legs.csv"),
          ("flow_routes.csv", "flow_elements.csv", "flow_destinations.csv", "flow_totals.csv"))


def materialise(spec: Spec, work: Path) -> tuple[Path, Path, Path, Path]:
    """Write the spec's network folder and scenario into ``work``; returns (scenario, net, out, plots)."""
    net = work / "net"
    shutil.copytree(NETWORKS[spec.network], net)
    for op in spec.net_ops:
        with contextlib.suppress(OSError, UnicodeError, csv.Error):
            apply_net_op(net, op)
    scen = work / "scenario.toml"
    if isinstance(spec.scenario, bytes):
        scen.write_bytes(spec.scenario)
    elif spec.scenario is not None:
        scen.write_text(toml_document(spec.scenario), encoding="utf-8")
    out, plots = _prepare_outputs(work, spec.out_kind)
    return scen, net, out, plots


def run_spec(spec: Spec, *, time_limit: float = TIME_LIMIT_S) -> Outcome:
    """Run one input in a fresh temporary folder and classify what happened.

    A run that looks blocked (stopped at the time limit having used little CPU) is run once more with twice the time:
    a process starved of CPU on a loaded machine (or under ``nice``) also uses little, but finishes or computes the
    second time. Only a run blocked twice is a hang; otherwise the second run's verdict stands (a result, a failure,
    or slow)."""
    outcome = _run_once(spec, time_limit)
    if outcome.hang:
        again = _run_once(spec, 2 * time_limit)
        if not again.hang:
            return again
    return outcome


def _run_once(spec: Spec, time_limit: float) -> Outcome:
    work = Path(tempfile.mkdtemp(prefix="corridor-fuzz-"))
    try:
        return _run_in(spec, work, time_limit)
    finally:
        for p in work.rglob("*"):  # a failed run may leave read-only or odd files
            with contextlib.suppress(OSError):
                if p.is_dir() and not p.is_symlink():
                    p.chmod(0o755)
        shutil.rmtree(work, ignore_errors=True)


def _run_in(spec: Spec, work: Path, time_limit: float) -> Outcome:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        scen, net, out, plots = materialise(spec, work)
    except _Timeout:
        raise RuntimeError(f"the harness hung preparing {spec.describe()}") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if spec.api is not None:
        return _run_api(spec, work, time_limit)
    argv = [a.format(scenario=scen, net=net, out=out, plots=plots, work=work) for a in spec.argv]
    before = {p: _snapshot(p) for p in {out, plots}}
    work_before = {p.name for p in work.iterdir()}
    outcome = Outcome()
    stdout, stderr = io.StringIO(), io.StringIO()
    if "--plots" in spec.argv:
        time_limit = max(time_limit, PLOTS_TIME_LIMIT_S)
    cpu0 = _cpu()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        from corridor.cli import main

        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), warnings.catch_warnings():
            warnings.simplefilter("default")
            try:
                outcome.code = main(argv)
            except SystemExit as exc:
                outcome.code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except _Timeout:
        blocked = _cpu() - cpu0 < BLOCKED_CPU_SHARE * time_limit
        outcome.hang, outcome.slow = blocked, not blocked
    except KeyboardInterrupt:
        outcome.traceback = traceback.format_exc()
    except Exception:
        outcome.traceback = traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    err, text = stderr.getvalue(), stdout.getvalue()
    outcome.stderr = err
    if "Traceback (most recent call last)" in err and not outcome.traceback:
        outcome.traceback = err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    for ln in lines:
        if re.search(r"\w+Warning\b", ln) and not ln.startswith(("error: ", "warning: ", "note: ")):
            outcome.warning = ln[:120]
            break
    for ln in lines:
        if not ln.startswith(("error: ", "warning: ", "note: ", "wrote ", "usage: ", "corridor: error:", "  ")) \
                and not outcome.warning and not outcome.traceback:
            outcome.multiline = ln[:120]
            break
    if outcome.hang or outcome.slow:
        return outcome
    if outcome.code == 0:
        if "--json" in spec.argv and spec.argv[0] in ("run", "breakeven", "tornado"):
            outcome.nonfinite = _check_json(text)
        else:
            mutated = " ".join(str(op[-1]) for op in spec.net_ops if op[0] == "cell") + spec.note
            hit = NONFINITE.search(text)
            if hit and not NONFINITE.search(mutated):
                start = max(0, hit.start() - 60)
                outcome.nonfinite = "stdout: …" + text[start:hit.end() + 10].replace("\n", "⏎")
        for p in {out, plots}:
            if p.is_dir():
                outcome.nonfinite = outcome.nonfinite or _check_csv_folder(p, before[p])
    outcome.partial = _partial(spec, work, work_before, before, out, plots, outcome.code)
    return outcome


def _partial(spec: Spec, work: Path, work_before: set[str], before: dict, out: Path, plots: Path,
             code: int | None) -> str:
    temps = [str(p.relative_to(work)) for p in work.rglob("*") if p.name.startswith(".corridor")]
    if temps:
        return f"temporary files left: {temps[:3]}"
    writes = [p for flag, p in (("--out", out), ("--plots", plots)) if flag in spec.argv]
    if code != 0:
        for p in {out, plots}:
            if _snapshot(p) != before[p]:
                return f"{p.name} changed by a failed run"
        new = {p.name for p in work.iterdir()} - work_before
        if new:
            return f"created by a failed run: {sorted(new)}"
        return ""
    for p in writes:
        snap = _snapshot(p)
        for name, content in before[p].items():
            if name and name not in snap:
                return f"{p.name}/{name} of an earlier run deleted"
            del content
    if "--out" in spec.argv and out.is_dir():
        names = {p.name for p in out.iterdir()}
        fresh = {n for n in names if _snapshot(out).get(n) != before[out].get(n)}
        for group in GROUPS:
            hit = [n for n in group if n in fresh]
            if hit and len(hit) != len(group):
                return f"only {hit} of {list(group)} written"
    return ""


def _run_api(spec: Spec, work: Path, time_limit: float) -> Outcome:
    import numpy as np

    import corridor
    from corridor.uncertainty import breakeven, tornado

    outcome = Outcome()
    call, kwargs = spec.api or ("", {})
    stderr = io.StringIO()
    cpu0 = _cpu()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, time_limit)
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()), \
                warnings.catch_warnings():
            warnings.simplefilter("default")
            try:
                assert isinstance(spec.scenario, dict)
                if call == "from_dict":
                    corridor.Scenario.from_dict(spec.scenario, base_dir=work)
                    outcome.code = 0
                else:
                    base = corridor.Scenario.from_dict(load_scenario_dict(SCENARIOS["toy"][1]) | {"network": "net"},
                                                       base_dir=work)
                    kw = dict(kwargs)
                    if call == "with_case":
                        base.with_case(kw.pop("name"), **kw)
                    elif call == "with_settings":
                        base.with_settings(**kw)
                    elif call == "with_flows":
                        base.with_flows(**kw)
                    elif call == "run":
                        res = corridor.run(base, **kw)
                        outcome.nonfinite = _results_nonfinite(res)
                    elif call == "breakeven":
                        breakeven(base, kw.pop("parameter"), kw.pop("routes"), **kw)
                    elif call == "case":
                        base.case(kw["case"])
                    elif call == "tornado":
                        t = tornado(base, **kw)  # gap_* are blank (NaN) where a case has one route only
                        num = t.select_dtypes("number").drop(columns=["gap_usd_per_t", "gap_low", "gap_high"],
                                                             errors="ignore").to_numpy(dtype=float)
                        if num.size and not (np.isfinite(num).all() and np.isfinite(
                                t.filter(like="gap").to_numpy(dtype=float)[~t.filter(like="gap").isna()]).all()):
                            outcome.nonfinite = "tornado table"
                    outcome.code = 0
            except corridor.InputError as err:
                outcome.code = 2
                if any("\n" in p for p in err.problems):
                    outcome.multiline = repr(err.problems)[:120]
            except TypeError as err:  # an unknown keyword is a TypeError naming it
                if "unexpected keyword argument" in str(err) or "bogus" in str(err):
                    outcome.code = 2
                else:
                    outcome.traceback = traceback.format_exc()
    except _Timeout:
        blocked = _cpu() - cpu0 < BLOCKED_CPU_SHARE * time_limit
        outcome.hang, outcome.slow = blocked, not blocked
    except Exception:
        outcome.traceback = traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if outcome.code is None and not outcome.traceback and not outcome.hang and not outcome.slow:
        outcome.code = 1
    if re.search(r"\w+Warning\b", stderr.getvalue()):
        outcome.warning = stderr.getvalue().strip().splitlines()[-1][:120]
    return outcome


def _results_nonfinite(res) -> str:
    import numpy as np

    for name, df in res.tables().items():
        # blank where documented: no price at the destination, no route through a gateway
        num = df.select_dtypes("number").drop(columns=["price_usd_per_t", "netback_usd_per_t", "rank"]
                                              if name in ("routes", "corridors") else [], errors="ignore")
        values = num.to_numpy(dtype=float, na_value=np.nan)
        if values.size and not np.isfinite(values).all():
            return f"{name} table"
    return ""
