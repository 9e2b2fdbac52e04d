"""Files analysts open: the result tables as CSV (full-precision decimals, optionally with a UTF-8 byte-order mark
for Excel) and as one Excel workbook (a sheet per table, and the run's inputs and sources).

Every file goes through :mod:`corridor._files`, so a run writes all of its outputs or none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .results import Results

BOM = "\ufeff"
SHEET_CHARS = 31  # Excel's limit on a sheet name


def decimal_text(value) -> str:
    """A float as a plain decimal with every digit that tells it apart (``1672855.0586754``, never
    ``1.67286e+06``); blank for NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return np.format_float_positional(float(value), unique=True, trim="-")


def csv_text(df: pd.DataFrame) -> str:
    """``df`` as CSV text (no index), its float columns as full-precision decimals."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [decimal_text(v) for v in out[col]]
    return out.to_csv(index=False, lineterminator="\n")


def csv_bytes(df: pd.DataFrame, *, bom: bool = True) -> bytes:
    """UTF-8 bytes of :func:`csv_text`, with a byte-order mark first if ``bom`` (Excel then reads '›' right)."""
    return ((BOM if bom else "") + csv_text(df)).encode("utf-8")


def fill_csv(results: Results, tmp: Path, *, bom: bool = True) -> None:
    """Write each table of ``results.tables()`` as ``<stem>.csv`` and the run manifest as ``manifest.json``."""
    for stem, df in results.tables().items():
        (tmp / f"{stem}.csv").write_bytes(csv_bytes(df, bom=bom))
    (tmp / "manifest.json").write_text(json.dumps(results.manifest(), ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")


def inputs_table(results: Results) -> pd.DataFrame:
    """The manifest as rows of ``section, case, key, value`` (nested values as JSON): the workbook's inputs."""
    man = results.manifest()
    rows = []
    for key in ("corridor_version", "python", "draws", "seed"):
        rows.append(("run", "", key, man[key]))
    for name, version in man["libraries"].items():
        rows.append(("libraries", "", name, version))
    for section in ("scenario", "network"):
        for key, value in man[section].items():
            rows.append((section, "", key, value))
    for case in man["cases"]:
        for key, value in case.items():
            if key == "name":
                continue
            if isinstance(value, dict) and key != "close":
                for sub, v in value.items():
                    rows.append(("case", case["name"], f"{key}.{sub}",
                                 json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v))
            else:
                rows.append(("case", case["name"], key,
                             json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value))
    for i, entry in enumerate(man["uncertainty"], start=1):
        rows.append(("uncertainty", "", f"[{i}]", json.dumps(entry, ensure_ascii=False)))
    return pd.DataFrame(rows, columns=["section", "case", "key", "value"])


def write_xlsx(results: Results, path: str | Path) -> Path:
    """One workbook: a sheet per table of ``results.tables()``, then ``inputs`` (the manifest), ``sources`` (the
    sources of the rows used) and ``estimates`` (rows marked estimate, with their notes). Written all or nothing.

    Needs openpyxl (``pip install "corridor[xlsx]"``).
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        from .errors import InputError

        raise InputError("--xlsx needs the openpyxl package: pip install 'corridor[xlsx]'") from None
    from ._files import write_all
    from ._sources import used_sources

    path = Path(path)
    sources, estimates = used_sources(results)
    sheets = dict(results.tables()) | {"inputs": inputs_table(results), "sources": sources, "estimates": estimates}

    def fill(tmp: Path) -> None:
        with pd.ExcelWriter(tmp / path.name, engine="openpyxl") as xw:
            for name, df in sheets.items():
                sheet = name[:SHEET_CHARS]
                df.to_excel(xw, sheet_name=sheet, index=False)
                ws = xw.sheets[sheet]
                ws.freeze_panes = "A2"
                for i, col in enumerate(df.columns, start=1):
                    width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
                    ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(8, width + 2))

    return write_all(path.parent if str(path.parent) else Path("."), fill)[0]
