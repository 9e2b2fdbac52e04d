"""The texts of the charts: route and element labels, node names, titles and subtitles."""

from __future__ import annotations

import textwrap

from ..legs import short_name

WRAP = 44  # characters per line of a route label
TITLE_WRAP = 95      # characters per line of a figure title
SUBTITLE_WRAP = 110  # and of a subtitle


def plain(text: str) -> str:
    """``text`` with ``$`` escaped, so that matplotlib does not read "US$25 ... US$15" as mathematics."""
    return str(text).replace("$", r"\$")


def route_tick(results, case: str, rank: int, *, wrap: int | None = WRAP, numbered: bool = True) -> str:
    """``"1. Sharyn Gol › Naushki › Rajin port › Pohang"`` (``Results.routes.route``), wrapped at ``wrap``
    characters."""
    text = plain(results.routes.at[(case, rank), "route"])
    if numbered:
        text = f"{rank}. {text}"
    if wrap:
        text = "\n".join(textwrap.wrap(text, wrap, break_on_hyphens=False, subsequent_indent="   "))
    return text


def node_name(nodes, node: str) -> str:
    """The short display name of ``node`` (its id if the table does not have it)."""
    return plain(short_name(nodes.at[node, "name"]) if node in nodes.index else node)


def case_subtitle(results, case: str) -> str:
    """``"25,000 t from Tavan Tolgoi to Tianjin; closed: RU"`` for one case."""
    c = results.scenario.case(case)
    nodes = c.network.nodes
    ship = c.shipment
    text = f"{ship.tonnes:,.0f} t from {node_name(nodes, ship.origin)} to {node_name(nodes, ship.destination)}"
    vot = c.settings.value_of_time_usd_per_t_day
    if vot:
        text += f"; value of time {vot:g} USD/t-day"
    if c.closed:
        text += f"; closed: {plain(', '.join(c.closed))}"
    return text


def titles(fig, title: str, subtitle: str = "", *, ax=None, subtitle_wrap: int = SUBTITLE_WRAP) -> None:
    """A bold figure title; ``subtitle`` goes in smaller type above ``ax`` (the top axes). Long ones are wrapped
    (the subtitle at ``subtitle_wrap`` characters: less over a narrow axes such as a map's)."""
    fig.suptitle(textwrap.fill(plain(title), TITLE_WRAP, break_on_hyphens=False), fontsize=12.5, fontweight="bold")
    if subtitle and ax is not None:
        lines = [textwrap.fill(line, subtitle_wrap, break_on_hyphens=False) for line in subtitle.split("\n")]
        ax.set_title("\n".join(lines), fontsize=9.5, color="#333333", pad=10)  # built from plain() parts


def element_label(nodes, kind: str, element_id: str, links=None) -> str:
    """A short name of a capacity element: ``"Khasan – Tumangang (rail 1520)"``, ``"Rajin port: rail1520 → sea"``,
    ``"Tianjin port"``."""
    if kind == "link" and links is not None and element_id in links.index:
        lk = links.loc[element_id]
        mode = {"rail1520": "rail 1520", "rail1435": "rail 1435"}.get(lk["mode"], lk["mode"])
        return f"{node_name(nodes, lk['from'])} – {node_name(nodes, lk['to'])} ({mode})"
    if kind == "transfer":
        node, _, modes = element_id.partition(":")
        src, _, dst = modes.partition(">")
        return f"{node_name(nodes, node)}: {src} → {dst}"
    if kind == "node":
        return node_name(nodes, element_id)
    return plain(element_id)


def flow_subtitle(results, case: str) -> str:
    """``"20.0 Mt/yr wanted, 11.5 delivered, 8.5 unserved; average 93.1 USD/t; closed: KP"`` for one case."""
    t = results.allocations[case].totals
    text = (f"{t['demand_mt_per_year']:.1f} Mt/yr wanted, {t['delivered_mt_per_year']:.1f} delivered"
            + (f", {t['unserved_mt_per_year']:.1f} unserved" if t["unserved_mt_per_year"] > 1e-9 else "")
            + f"; average {t['average_cost_usd_per_t']:.1f} USD/t delivered"
            + f"; total {t['total_cost_usd_per_year'] / 1e6:,.0f} M USD/yr"
            + (" with the unserved penalty" if t["unserved_mt_per_year"] > 1e-9 else ""))
    closed = results.scenario.case(case).closed
    if closed:
        text += f"; closed: {plain(', '.join(closed))}"
    return text
