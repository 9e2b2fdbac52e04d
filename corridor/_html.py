"""The pieces of the HTML report: escaping, tables, inline SVG charts, and the page around them (its style sheet is
for screens, phones and print; the page loads nothing from elsewhere and runs no script)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable

CSS = """
:root { --ink: #1d2329; --muted: #5b6670; --rule: #d9dee3; --band: #f5f7f9; --accent: #1f4e9c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
       sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 0 16px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding: 20px 0 12px; margin-bottom: 8px; }
h1 { font-size: 1.6em; line-height: 1.25; margin: 0 0 6px; }
h2 { font-size: 1.3em; margin: 2em 0 0.4em; padding-top: 0.4em; border-top: 1px solid var(--rule); }
h3 { font-size: 1.05em; margin: 1.4em 0 0.4em; }
p, li { max-width: 75ch; }
.question { font-size: 1.05em; }
.meta { color: var(--muted); font-size: 0.85em; }
.meta code { font-size: 0.95em; }
code { overflow-wrap: anywhere; word-break: break-all; }
nav.toc { background: var(--band); padding: 8px 14px; border-radius: 6px; margin: 12px 0; font-size: 0.95em; }
nav.toc ol { margin: 4px 0; padding-left: 1.4em; columns: 2 16em; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.6em 0 1em; }
table { border-collapse: collapse; font-size: 0.88em; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.route { min-width: 16em; }
dl.inputs { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0.5em 0; font-size: 0.92em; }
dl.inputs dt { color: var(--muted); }
dl.inputs dd { margin: 0; }
figure { margin: 1em 0 1.6em; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 100%; }
figcaption { color: var(--muted); font-size: 0.85em; margin-top: 4px; }
.failure { color: #9e2a2b; font-weight: 600; }
.note { color: var(--muted); font-size: 0.88em; }
a { color: var(--accent); }
footer { margin-top: 3em; color: var(--muted); font-size: 0.82em; border-top: 1px solid var(--rule); padding-top: 8px; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  main { padding: 0 10px 32px; }
  h1 { font-size: 1.3em; }
  nav.toc ol { columns: 1; }
  dl.inputs { grid-template-columns: 1fr; }
  dl.inputs dd { margin-bottom: 6px; }
}
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-before: page; page-break-before: always; border-top: none; }
  h2.first { break-before: auto; page-break-before: auto; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  figure svg { max-height: 24cm; }
  a { color: inherit; text-decoration: none; }
}
"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def table(header: list[str], rows: Iterable[list], *, numeric: Iterable[int] = (), route: Iterable[int] = (),
          raw: Iterable[int] = ()) -> str:
    """An HTML table in a horizontally scrolling box; columns ``numeric`` right-aligned, ``raw`` not escaped."""
    numeric, route, raw = set(numeric), set(route), set(raw)

    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ' class="route"' if i in route else ""

    head = "".join(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{c if i in raw else esc(c)}</td>" for i, c in enumerate(row))
                   + "</tr>\n" for row in rows)
    return f'<div class="scroll"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>\n'


def definition_list(items: list[tuple[str, str]]) -> str:
    return ('<dl class="inputs">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items)
            + "</dl>\n")


_ID = re.compile(r'\bid="([^"]+)"')


def svg_chart(fig, key: str, title: str) -> str:
    """``fig`` as an inline ``<svg>`` element that scales with the page: the XML prologue dropped, the fixed size
    replaced by its view box, every id prefixed with ``key`` so that the charts of one page never share an id (and
    numbered where matplotlib wrote one group id on several elements)."""
    from .plot import save

    buf = io.BytesIO()
    save(fig, buf, "svg", text_as_text=True)
    text = buf.getvalue().decode("utf-8")
    text = text[text.index("<svg"):]
    ids = set(_ID.findall(text))
    if ids:
        refs = re.compile(r'#(' + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r')(?=["\)])')
        text = refs.sub(lambda m: f"#{key}-{m.group(1)}", text)
        seen: dict[str, int] = {}

        def unique(m: re.Match) -> str:
            n = seen[m.group(1)] = seen.get(m.group(1), 0) + 1
            return f'id="{key}-{m.group(1)}"' if n == 1 else f'id="{key}-{m.group(1)}-{n}"'

        text = _ID.sub(unique, text)
    text = re.sub(r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"', r"<svg\1", text, count=1)
    text = text.replace("<svg", f'<svg role="img" aria-label="{esc(title)}" data-chart="{esc(key)}"', 1)
    return text


def page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"corridor\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n"
            "</body>\n</html>\n")
