"""The citation graph around one cable: the cables it cites and the cables citing it, a few
steps out in each direction, as frozen records (the web's cable page draws it).

A REF line names older cables, so the graph has two sides: `cites` (what the centre cites,
and what those cite, ...) and `cited_by` (what cites the centre, and what cites those, ...).
Each cable appears once, at its shortest distance from the centre; the edges are every
citation among the cables shown, including ones between two cables of the same side.
Cited cables missing from the index appear too (`in_index` false), as REF lines name them.
A step holding more than `max_per_step` cables keeps the first ones (in REF-line order on the
`cites` side, newest first on the `cited_by` side) and counts the rest in `omitted`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import postings
from .errors import NotFound
from .searching import Searchable, open_index

#: cables kept per step and side: enough for a reader to follow, few enough to draw
MAX_PER_STEP = 12

CENTER, CITES, CITED_BY = "center", "cites", "cited_by"


@dataclass(frozen=True)
class GraphNode:
    refid: str
    #: None when the cable is not in the index
    subject: str | None
    created: datetime | None  # UTC
    in_index: bool
    #: "center", "cites" (the centre cites it, directly or through others) or "cited_by"
    side: str
    #: citation steps from the centre (0 for the centre)
    distance: int


@dataclass(frozen=True)
class GraphEdge:
    source: str  # the citing cable
    target: str  # the cable its REF line names


@dataclass(frozen=True)
class CitationGraph:
    center: str
    depth: int
    #: the centre first, then by side and distance
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    #: cables left out because a step held more than `max_per_step`
    omitted: int


@contextmanager
def _opened(index: Path | Searchable) -> Iterator[Searchable]:
    if isinstance(index, Searchable):
        yield index
        return
    s = open_index(Path(index))
    try:
        yield s
    finally:
        s.close()


class _Lookup:
    """Stored facts about cables by refid, read once each."""

    def __init__(self, s: Searchable) -> None:
        self.s = s
        self._stored: dict[str, dict[str, Any] | None] = {}

    def stored(self, refid: str) -> dict[str, Any] | None:
        if refid not in self._stored:
            docnum = self.s.docnum(refid)
            self._stored[refid] = (
                None if docnum is None else dict(self.s.searcher.stored_fields(docnum))
            )
        return self._stored[refid]

    def references(self, refid: str) -> list[str]:
        stored = self.stored(refid)
        if stored is None:
            return []
        return list(dict.fromkeys(str(stored.get("references") or "").split()))

    def citing(self, refid: str) -> list[str]:
        """The live cables whose REF line names `refid`, newest first."""
        live = self.s.arrays.live
        created = self.s.arrays.created
        found: list[int] = []
        for leaf, offset in self.s.reader.leaf_readers():
            got = postings.read(leaf, "references", refid)
            if got is not None:
                ids = got.ids + offset
                found.extend(int(d) for d in ids[live[ids]])
        found.sort(key=lambda d: (-int(created[d]), d))
        refids = [str(self.s.searcher.stored_fields(d).get("refid") or "") for d in found]
        return [r for r in refids if r and r != refid]

    def node(self, refid: str, side: str, distance: int) -> GraphNode:
        stored = self.stored(refid)
        created = stored.get("created") if stored else None
        return GraphNode(
            refid=refid,
            subject=None if stored is None else str(stored.get("subject") or ""),
            created=created.replace(tzinfo=UTC) if isinstance(created, datetime) else None,
            in_index=stored is not None,
            side=side,
            distance=distance,
        )


def citation_graph(
    index: Path | Searchable, refid: str, depth: int = 2, max_per_step: int = MAX_PER_STEP
) -> CitationGraph:
    """The cables around `refid` up to `depth` citation steps out, both ways."""
    refid = refid.strip().upper()
    with _opened(index) as s:
        look = _Lookup(s)
        if look.stored(refid) is None:
            raise NotFound(
                f"no cable {refid} in the index - check the id, or search for it: "
                f"cables search 'id:{refid}*'"
            )
        placed: dict[str, GraphNode] = {refid: look.node(refid, CENTER, 0)}
        omitted = 0
        for side, step in ((CITES, look.references), (CITED_BY, look.citing)):
            frontier = [refid]
            for distance in range(1, depth + 1):
                found: list[str] = []
                for current in frontier:
                    for other in step(current):
                        if other not in placed and other not in found:
                            found.append(other)
                omitted += max(0, len(found) - max_per_step)
                frontier = found[:max_per_step]
                for other in frontier:
                    placed[other] = look.node(other, side, distance)
        edges = [
            GraphEdge(source, target)
            for source in placed
            for target in look.references(source)
            if target in placed and target != source
        ]
    return CitationGraph(
        center=refid,
        depth=depth,
        nodes=tuple(placed.values()),
        edges=tuple(edges),
        omitted=omitted,
    )


def graph_to_dict(graph: CitationGraph) -> dict[str, Any]:
    """The JSON form (`/api/graph/REFID`): dates as ISO strings."""
    data = asdict(graph)
    for node in data["nodes"]:
        created = node["created"]
        node["created"] = created.isoformat() if created else None
    return data


__all__ = ["CitationGraph", "GraphEdge", "GraphNode", "citation_graph", "graph_to_dict"]
