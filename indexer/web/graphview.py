"""The cable page's citation graph, drawn on the server as SVG (no script, no build step):
one column per citation step, older cables on the left (a REF line names older cables), newer
on the right, the cable itself in the middle. Values reach the SVG through the template
(autoescaped); this module makes only numbers and path data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..graph import CENTER, CITES, CitationGraph, GraphNode
from .state import REFID_RE, cable_url, fmt_date

#: SVG units: a cable's box, the space between columns and between rows, the caption row
NODE_W = 150
NODE_H = 40
COL_GAP = 46
ROW_GAP = 10
CAPTION_H = 22
PAD = 6
#: characters of the subject that fit on a box's second line
SUBJECT_CHARS = 21


@dataclass(frozen=True)
class GraphBox:
    refid: str
    label: str  # the second line: subject (cut) or "not in index"
    title: str  # the tooltip: whole subject and date
    url: str | None  # None: not in the index
    css: str  # center / cites / cited_by, plus missing
    x: float
    y: float


@dataclass(frozen=True)
class GraphColumn:
    x: float  # centre of the column
    caption: str


@dataclass(frozen=True)
class GraphView:
    width: int
    height: int
    node_w: int
    node_h: int
    boxes: list[GraphBox]
    paths: list[str]  # SVG path data of the edges, citing cable -> cited cable
    columns: list[GraphColumn]
    omitted: int
    cites: int  # cables shown on each side
    cited_by: int


def _column_key(node: GraphNode) -> int:
    """Columns left to right: cites (furthest first), the cable, cited by (nearest first)."""
    if node.side == CENTER:
        return 0
    return -node.distance if node.side == CITES else node.distance


def _caption(key: int) -> str:
    if key == 0:
        return "this cable"
    if key == -1:
        return "it cites"
    if key == 1:
        return "cite it"
    steps = abs(key)
    return f"{steps} steps back" if key < 0 else f"{steps} steps on"


def _box_label(node: GraphNode) -> str:
    if not node.in_index:
        return "not in index"
    subject = node.subject or "(no subject)"
    if len(subject) > SUBJECT_CHARS:
        subject = subject[: SUBJECT_CHARS - 1].rstrip() + "…"
    return subject


def _curve(x1: float, y1: float, c1: float, c2: float, x2: float, y2: float) -> str:
    """SVG path data: a cubic curve leaving and arriving horizontally."""
    return f"M{x1:.1f},{y1:.1f} C{c1:.1f},{y1:.1f} {c2:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def _edge_path(a: GraphBox, b: GraphBox) -> str:
    """A curve from the citing box `a` to the cited box `b`, ending at its edge (where the
    arrowhead goes)."""
    ay, by = a.y + NODE_H / 2, b.y + NODE_H / 2
    if a.x > b.x:  # the usual way: to an older cable on the left
        x1, x2 = a.x, b.x + NODE_W
        bend = (x1 - x2) / 2
        return _curve(x1, ay, x1 - bend, x2 + bend, x2, by)
    if a.x < b.x:  # a REF line naming a newer cable (dates in the releases are not perfect)
        x1, x2 = a.x + NODE_W, b.x
        bend = (x2 - x1) / 2
        return _curve(x1, ay, x1 + bend, x2 - bend, x2, by)
    # within one column: a loop into the gap on the centre's side (the outer side may be the
    # drawing's edge)
    if a.css.startswith(CITES):
        x, bend = a.x + NODE_W, COL_GAP * 0.8
    else:
        x, bend = a.x, -COL_GAP * 0.8
    return _curve(x, ay, x + bend, x + bend, x, by)


def graph_view(graph: CitationGraph, q: str = "") -> GraphView | None:
    """The SVG drawing of a citation graph; None when the cable cites and is cited by nothing."""
    if len(graph.nodes) <= 1:
        return None
    columns: dict[int, list[GraphNode]] = {}
    for node in graph.nodes:
        columns.setdefault(_column_key(node), []).append(node)
    keys = sorted(columns)
    rows = max(len(nodes) for nodes in columns.values())
    plot_h = rows * NODE_H + (rows - 1) * ROW_GAP
    boxes: dict[str, GraphBox] = {}
    captions = []
    for i, key in enumerate(keys):
        nodes = columns[key]
        x = PAD + i * (NODE_W + COL_GAP)
        top = CAPTION_H + (plot_h - (len(nodes) * NODE_H + (len(nodes) - 1) * ROW_GAP)) / 2
        captions.append(GraphColumn(x + NODE_W / 2, _caption(key)))
        for j, node in enumerate(nodes):
            when = fmt_date(node.created)
            title = f"{node.refid}: {node.subject or '(no subject)'} ({when})"
            boxes[node.refid] = GraphBox(
                refid=node.refid,
                label=_box_label(node),
                title=title if node.in_index else f"{node.refid}: not in the index",
                url=(
                    cable_url(node.refid, q)
                    if node.in_index and node.side != CENTER and REFID_RE.match(node.refid)
                    else None
                ),
                css=node.side + ("" if node.in_index else " missing"),
                x=float(x),
                y=round(top + j * (NODE_H + ROW_GAP), 1),
            )
    paths = [
        _edge_path(boxes[e.source], boxes[e.target])
        for e in graph.edges
        if e.source in boxes and e.target in boxes
    ]
    return GraphView(
        width=math.ceil(2 * PAD + len(keys) * NODE_W + (len(keys) - 1) * COL_GAP),
        height=math.ceil(CAPTION_H + plot_h + PAD),
        node_w=NODE_W,
        node_h=NODE_H,
        boxes=list(boxes.values()),
        paths=paths,
        columns=captions,
        omitted=graph.omitted,
        cites=sum(1 for n in graph.nodes if n.side == CITES),
        cited_by=sum(1 for n in graph.nodes if n.side not in (CENTER, CITES)),
    )
