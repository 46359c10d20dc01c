"""The citation graph (`indexer.graph`), `sort="cited"` and filters as query objects, on small
indexes written by `cables index`'s own writer (`update_index` over a tmp corpus folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.errors import NotFound, QueryError
from indexer.graph import CITED_BY, CITES, citation_graph, graph_to_dict
from indexer.ingest import update_index
from indexer.searching import facet_filter, iter_all, open_index, search


def ref_cable(
    refid: str,
    subject: str,
    day: str,
    refs: tuple[str, ...] = (),
    *,
    tags: str = "PREL IZ",
    body: str = "The embassy reported on the talks.",
) -> str:
    """A cable in the WikiLeaks page text layout with its own REF line, TAGS and text."""
    ref = " ".join(f"{chr(65 + i)}. {r}" for i, r in enumerate(refs))
    return (
        f"WikiLeaks: {subject}\n"
        "Reference ID | Created | Classification | Origin |\n---|---|---|---|\n"
        f"{refid} | {day} 16:48 | CONFIDENTIAL | Embassy Baghdad |\n"
        "VZCZCXRO7948 PP RUEHBC DE RUEHGB #0113/01 0151648 ZNY CCCCC ZZH P 151648Z JAN 09 "
        "FM AMEMBASSY BAGHDAD TO RUEHC/SECSTATE WASHDC PRIORITY 1244\n"
        "C O N F I D E N T I A L BAGHDAD 000113 SIPDIS E.O. 12958: DECL: 01/14/2018 "
        f"TAGS: {tags} SUBJECT: {subject} {'REF: ' + ref + ' ' if refs else ''}"
        "Classified By: Acting Counselor Philip Kosnett for reasons 1.4 (b) and (d). "
        f"1. (C) {body} BUTENIS"
    )


#: refid -> (subject, day, cited refids); 07BAGHDAD1 is three steps back from 09BAGHDAD113,
#: 09BAGHDAD400 three steps on; 08BAGHDAD4006 is cited but not in the index
GRAPH: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "07BAGHDAD1": ("OLDEST REPORT", "2007-03-01", ()),
    "08BAGHDAD10": ("OLDER REPORT", "2008-03-01", ("07 BAGHDAD 1",)),
    "09BAGHDAD3": ("CAMP ASHRAF SECURITY", "2009-01-02", ("08 BAGHDAD 10",)),
    "09BAGHDAD113": ("MEK UPDATE", "2009-01-15", ("09 BAGHDAD 3", "08 BAGHDAD 4006")),
    "09BAGHDAD200": ("FIRST FOLLOW-UP", "2009-02-01", ("09 BAGHDAD 113",)),
    "09BAGHDAD201": ("SECOND FOLLOW-UP", "2009-02-02", ("09 BAGHDAD 113",)),
    "09BAGHDAD202": ("THIRD FOLLOW-UP", "2009-02-03", ("09 BAGHDAD 113", "09 BAGHDAD 200")),
    "09BAGHDAD300": ("LATER NOTE", "2009-05-01", ("09 BAGHDAD 200",)),
    "09BAGHDAD400": ("LATEST NOTE", "2009-08-01", ("09 BAGHDAD 300",)),
    "09BAGHDAD500": ("UNRELATED", "2009-09-01", ()),
}


def write_graph_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for refid, (subject, day, refs) in GRAPH.items():
        (folder / f"{refid}.txt").write_text(ref_cable(refid, subject, day, refs), "utf-8")
    return folder


def build_graph_index(tmp: Path) -> Path:
    root = tmp / "index"
    update_index([write_graph_corpus(tmp / "corpus")], root, procs=1)
    return root


@pytest.fixture(scope="module")
def graph_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_graph_index(tmp_path_factory.mktemp("graph"))


# --- the graph ---------------------------------------------------------------------------------


def test_graph_two_steps_both_ways(graph_index: Path) -> None:
    graph = citation_graph(graph_index, "09baghdad113")
    nodes = {n.refid: n for n in graph.nodes}
    assert graph.nodes[0].refid == graph.center == "09BAGHDAD113"
    assert {r: (n.side, n.distance) for r, n in nodes.items() if r != graph.center} == {
        "09BAGHDAD3": (CITES, 1),
        "08BAGHDAD4006": (CITES, 1),
        "08BAGHDAD10": (CITES, 2),
        "09BAGHDAD200": (CITED_BY, 1),
        "09BAGHDAD201": (CITED_BY, 1),
        "09BAGHDAD202": (CITED_BY, 1),
        "09BAGHDAD300": (CITED_BY, 2),
    }
    # three steps out and unrelated cables stay out
    assert not {"07BAGHDAD1", "09BAGHDAD400", "09BAGHDAD500"} & set(nodes)
    assert nodes["08BAGHDAD4006"].in_index is False and nodes["08BAGHDAD4006"].subject is None
    assert nodes["09BAGHDAD3"].subject == "CAMP ASHRAF SECURITY"
    assert nodes["09BAGHDAD3"].created is not None and nodes["09BAGHDAD3"].created.day == 2
    # every citation among the cables shown, also between two of one side
    assert {(e.source, e.target) for e in graph.edges} == {
        ("09BAGHDAD113", "09BAGHDAD3"),
        ("09BAGHDAD113", "08BAGHDAD4006"),
        ("09BAGHDAD3", "08BAGHDAD10"),
        ("09BAGHDAD200", "09BAGHDAD113"),
        ("09BAGHDAD201", "09BAGHDAD113"),
        ("09BAGHDAD202", "09BAGHDAD113"),
        ("09BAGHDAD202", "09BAGHDAD200"),
        ("09BAGHDAD300", "09BAGHDAD200"),
    }
    assert graph.omitted == 0


def test_graph_depth_and_cap(graph_index: Path) -> None:
    one = citation_graph(graph_index, "09BAGHDAD113", depth=1)
    assert max(n.distance for n in one.nodes) == 1
    capped = citation_graph(graph_index, "09BAGHDAD113", depth=1, max_per_step=2)
    citing = [n.refid for n in capped.nodes if n.side == CITED_BY]
    assert citing == ["09BAGHDAD202", "09BAGHDAD201"]  # the newest first
    assert capped.omitted == 1


def test_graph_of_an_isolated_cable_and_an_unknown_one(graph_index: Path) -> None:
    alone = citation_graph(graph_index, "09BAGHDAD500")
    assert [n.refid for n in alone.nodes] == ["09BAGHDAD500"] and alone.edges == ()
    with pytest.raises(NotFound, match="no cable 09NOWHERE1"):
        citation_graph(graph_index, "09NOWHERE1")


def test_graph_json(graph_index: Path) -> None:
    data = json.loads(json.dumps(graph_to_dict(citation_graph(graph_index, "09BAGHDAD3"))))
    assert set(data) == {"center", "depth", "nodes", "edges", "omitted"}
    first = data["nodes"][0]
    assert first["refid"] == "09BAGHDAD3" and first["created"].startswith("2009-01-02T")
    assert {"source": "09BAGHDAD3", "target": "08BAGHDAD10"} in data["edges"]


# --- sort="cited" ------------------------------------------------------------------------------


def test_sort_cited_puts_the_most_cited_first(graph_index: Path) -> None:
    result = search(graph_index, "embassy", sort="cited", limit=10)
    refids = [h.refid for h in result.hits]
    # 09BAGHDAD113 is cited three times, 09BAGHDAD200 twice; one citation each for the next
    # four, newest first; then the uncited, newest first
    assert refids == [
        "09BAGHDAD113",
        "09BAGHDAD200",
        "09BAGHDAD300",
        "09BAGHDAD3",
        "08BAGHDAD10",
        "07BAGHDAD1",
        "09BAGHDAD500",
        "09BAGHDAD400",
        "09BAGHDAD202",
        "09BAGHDAD201",
    ]
    assert result.total == 10
    assert [h.refid for h in iter_all(graph_index, "embassy", sort="cited")] == refids
    with open_index(graph_index) as s:
        cited = s.cited
        assert cited[s.docnum("09BAGHDAD113")] == 3 and cited[s.docnum("09BAGHDAD500")] == 0


def test_sort_cited_counts_only_live_cables(tmp_path: Path) -> None:
    root = build_graph_index(tmp_path)
    # a corrected 09BAGHDAD201 no longer cites 09BAGHDAD113: its old document is deleted
    (tmp_path / "corpus" / "09BAGHDAD201.txt").write_text(
        ref_cable("09BAGHDAD201", "SECOND FOLLOW-UP", "2009-02-02"), "utf-8"
    )
    assert update_index([tmp_path / "corpus"], root, procs=1).updated == 1
    with open_index(root) as s:
        assert s.cited[s.docnum("09BAGHDAD113")] == 2
        assert s.cited[s.docnum("09BAGHDAD200")] == 2
    hits = search(root, "embassy", sort="cited", limit=2).hits
    assert [h.refid for h in hits] == ["09BAGHDAD200", "09BAGHDAD113"]  # 2 each: newest first


def test_cli_sort_cited(graph_index: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "embassy", "--sort", "cited", "--json", "--index", str(graph_index)]
    )
    assert result.exit_code == 0, result.output
    assert [h["refid"] for h in json.loads(result.stdout)["hits"]][:2] == [
        "09BAGHDAD113", "09BAGHDAD200"
    ]


# --- filters as query objects ------------------------------------------------------------------


def build_filter_index(tmp: Path) -> Path:
    """Cables about Iran or Iraq, with or without the TAG PTER."""
    corpus = tmp / "corpus"
    corpus.mkdir()
    cables = {
        "09BAGHDAD1": ("PREL IR", "Talks with Iran went on."),  # iran, no PTER
        "09BAGHDAD2": ("PTER IR", "Talks with Iran went on."),  # iran, PTER
        "09BAGHDAD4": ("PTER IZ", "Talks in Iraq went on."),  # iraq, PTER
        "09BAGHDAD5": ("PREL IZ", "Talks in Iraq went on."),  # iraq, no PTER
        "09BAGHDAD6": ("PTER", "Talks in Kuwait went on."),  # neither, PTER
    }
    for i, (refid, (tags, body)) in enumerate(cables.items()):
        text = ref_cable(refid, "TALKS", f"2009-03-0{i + 1}", tags=tags, body=body)
        (corpus / f"{refid}.txt").write_text(text, "utf-8")
    root = tmp / "index"
    update_index([corpus], root, procs=1)
    return root


@pytest.fixture(scope="module")
def filter_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_filter_index(tmp_path_factory.mktemp("filters"))


def refids_of(index: Path, q: str, filters: tuple[str, ...] = ()) -> set[str]:
    return {h.refid for h in search(index, q, limit=100, filters=filters).hits}


def test_filter_cannot_be_spliced_into_the_query(filter_index: Path) -> None:
    """`iran) OR (iraq` with a TAG filter: spliced as text it read `iran OR (iraq AND
    tags:pter)` (09BAGHDAD1 in); as query objects it is (the query) AND (the filter)."""
    tag = facet_filter("tags", "PTER")
    q = "iran) OR (iraq"
    try:
        found = refids_of(filter_index, q, (tag,))
    except QueryError:
        return  # refusing the query is right too; finding the spliced meaning is not
    assert found == refids_of(filter_index, q) & refids_of(filter_index, tag)
    assert found == {"09BAGHDAD2", "09BAGHDAD4"}


@pytest.mark.parametrize(
    ("q", "filters", "expected"),
    [
        ("talks", ("tag:PTER",), {"09BAGHDAD2", "09BAGHDAD4", "09BAGHDAD6"}),
        ("talks", ("tag:PTER", "tag:IR"), {"09BAGHDAD2"}),
        ("iran OR iraq", ("tag:PREL",), {"09BAGHDAD1", "09BAGHDAD5"}),
        ("", ("tag:IZ",), {"09BAGHDAD4", "09BAGHDAD5"}),  # filters alone
        ("iran", ("NOT tag:PTER",), {"09BAGHDAD1"}),
    ],
)
def test_filters_narrow_the_query(
    filter_index: Path, q: str, filters: tuple[str, ...], expected: set[str]
) -> None:
    assert refids_of(filter_index, q, filters) == expected
    assert {h.refid for h in iter_all(filter_index, q, filters=filters)} == expected


def test_filter_errors_and_highlights(filter_index: Path) -> None:
    with pytest.raises(QueryError, match="unbalanced quote"):
        search(filter_index, "talks", filters=('tag:"PTER',))
    # only the user's words are marked, not the filter's
    result = search(filter_index, "iran", filters=("body:talks",))
    assert result.total == 2
    assert result.terms.words == frozenset({"iran"})
