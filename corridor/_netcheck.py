"""Warnings about a network that loads but may not do what its author meant (``corridor validate``): places where a
route cannot go although the data seems to say it can.

- a node where links of two modes meet and one mode ends there (its only link at the node) with no transfer row to
  or from that mode: routes on that link cannot go on from the node, so a new line joined there silently carries
  nothing (a dual-gauge line, whose gauges both run through the node, is fine);
- a dead-end link: one of its ends has no other link and no ``stock`` transfer (no route can start or end there),
  so no route can use it.
"""

from __future__ import annotations

from .schema import STOCK


def network_warnings(net) -> list[str]:
    """One line per suspicious place, in node order; empty for a clean network."""
    links, transfers = net.links, net.transfers
    out = []
    at: dict[str, dict[str, list[str]]] = {}  # node -> mode -> links
    degree: dict[str, int] = {}
    for lid, a, b, mode in zip(links.index, links["from"], links["to"], links["mode"]):
        for n in (a, b):
            at.setdefault(n, {}).setdefault(mode, []).append(lid)
            degree[n] = degree.get(n, 0) + 1
    touched = {(n, m) for n, f, t in zip(transfers["node"], transfers["from_mode"], transfers["to_mode"])
               for m in (f, t)}
    stock = {n for n, m in touched if m == STOCK}
    for node in net.nodes.index:
        by_mode = at.get(node, {})
        for mode, ids in sorted(by_mode.items()):
            others = sorted(m for m in by_mode if m != mode)
            if len(ids) == 1 and others and (node, mode) not in touched:
                out.append(f"node '{node}': link '{ids[0]}' is its only {mode} link and meets {', '.join(others)} "
                           f"links there, but transfers.csv has no {mode} row at '{node}', so no route on it goes "
                           f"on from '{node}' (add a transfer row if cargo changes mode there)")
    for lid, a, b in zip(links.index, links["from"], links["to"]):
        for end in (a, b):
            if degree.get(end, 0) == 1 and end not in stock:
                out.append(f"link '{lid}': its end '{end}' has no other link and no {STOCK} transfer (no route starts "
                           f"or ends there), so no route can use the link")
    return out
