"""Rendering for the terminal and for JSON: search results, cables, stats, batch rows.

Every function writes to a stream it is given (`fp`), so it is testable without the CLI.
Colour only when asked (the CLI asks when stdout is a terminal and NO_COLOR is unset).
"""

from __future__ import annotations

import csv
import json
import os
import textwrap
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

import click

from . import tagcodes
from .highlight import Fragment, mark_all, to_terminal
from .output import hit_to_dict, result_to_dict
from .records import BatchRow, CableView, Hit, SearchResult, Stats

if TYPE_CHECKING:
    # (not imported to run: `cables search` renders without loading the quote finder)
    from .quote import QuoteResult

WIDTH = 100


def use_color(fp: TextIO) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    return "NO_COLOR" not in os.environ and fp.isatty()


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "????-??-??"


def _dim(text: str, color: bool) -> str:
    return click.style(text, dim=True) if color else text


def _bold(text: str, color: bool) -> str:
    return click.style(text, bold=True) if color else text


def hit_lines(number: int, hit: Hit, subject: Fragment, color: bool) -> list[str]:
    head = (
        f"{number:>3}. {_bold(hit.refid, color)}  {_date(hit.created)}  "
        f"{hit.classification}  {hit.origin}"
    )
    lines = [head, "     " + to_terminal(subject, color)]
    for fragment in hit.highlights:
        lines.append(_dim("     … ", color) + to_terminal(fragment, color) + _dim(" …", color))
    return lines


def write_result(result: SearchResult, fp: TextIO, color: bool) -> None:
    """A results page: count, hits with highlights, facets, suggestion, warnings."""
    for warning in result.warnings:
        fp.write(_dim(f"note: {warning}", color) + "\n")
    if result.suggestion:
        fp.write(f"Did you mean: {_bold(result.suggestion, color)}\n")
    noun = "cable matches" if result.total == 1 else "cables match"
    fp.write(
        f"{result.total:,} {noun} {result.query!r}"
        + (f" (page {result.page} of {result.pages})" if result.pages > 1 else "")
        + f"  [{result.seconds * 1000:.0f} ms]\n"
    )
    first = (result.page - 1) * result.limit + 1
    for i, hit in enumerate(result.hits):
        fp.write("\n")
        subject = mark_all(hit.subject or "(no subject)", result.terms)
        fp.write("\n".join(hit_lines(first + i, hit, subject, color)) + "\n")
    if result.facets and result.total:
        fp.write("\n")
        for name, counts in result.facets.items():
            if counts:
                shown = ", ".join(f"{value} ({count:,})" for value, count in counts)
                fp.write(_dim(f"{name}: ", color) + shown + "\n")
    if result.page < result.pages:
        fp.write(_dim(f"\nmore: --page {result.page + 1}", color) + "\n")


def write_result_json(result: SearchResult, fp: TextIO) -> None:
    json.dump(result_to_dict(result), fp, ensure_ascii=False, indent=2)
    fp.write("\n")


# --- show ----------------------------------------------------------------------------------


def write_tag_meanings(tags: Iterable[str], fp: TextIO, color: bool) -> None:
    """Under the TAGS line of `show`: each code that has a meaning, with it."""
    known = [(t, tagcodes.meaning(t)) for t in dict.fromkeys(tags)]
    width = max((len(t) for t, m in known if m), default=0)
    for tag, meaning in known:
        if meaning:
            fp.write(" " * 16 + f"{tag:<{width}}  " + _dim(meaning, color) + "\n")


def write_view(view: CableView, fp: TextIO, color: bool) -> None:
    """The whole cable, readable: metadata, subject, paragraphs, references both ways."""
    c = view.cable
    fp.write(_bold(f"{c.refid}  {c.subject}", color) + "\n")
    rows = [
        ("Created", c.created.strftime("%Y-%m-%d %H:%M UTC") if c.created else "unknown"),
        ("Classification", c.classification),
        ("Origin", c.origin),
        ("TAGS", " ".join(c.tags)),
        ("Signed by", ", ".join(c.signed_by)),
        ("Classified by", c.classified_by or ""),
        ("Declassify", c.declassify or ""),
        ("To", "; ".join(c.recipients)),
        ("Info", "; ".join(c.info)),
        ("Released", c.released.strftime("%Y-%m-%d") if c.released else ""),
        ("Source", f"{c.source.path} ({c.source.format})"),
    ]
    for label, value in rows:
        if value:
            fp.write(_dim(f"{label + ':':<16}", color) + value + "\n")
        if label == "TAGS":
            write_tag_meanings(c.tags, fp, color)
    for note in c.notes:
        fp.write(_dim(f"{'Note:':<16}{note}", color) + "\n")
    for url in c.articles:
        fp.write(_dim(f"{'Article:':<16}", color) + url + "\n")
    fp.write("\n")
    for paragraph in view.paragraphs:
        text = to_terminal(paragraph, color)
        fp.write(textwrap.fill(text, WIDTH, break_long_words=False) if not color else text)
        fp.write("\n\n")
    if view.references:
        fp.write(_bold("Cites", color) + "\n")
        for refid, subject in view.references:
            fp.write(f"  {refid:<22} {subject if subject is not None else '(not in index)'}\n")
    if view.cited_by:
        fp.write(_bold("Cited by", color) + "\n")
        for refid, subject in view.cited_by:
            fp.write(f"  {refid:<22} {subject or ''}\n")
    if len(view.versions) > 1:
        fp.write(_bold("Versions", color) + "\n")
        for v in view.versions:
            mark = "*" if v.indexed else " "
            where = v.path + (f":{v.record}" if v.record is not None else "")
            fp.write(f" {mark} {v.format:<10} {v.released or '':<26} {where}\n")


# --- similar, stats, batch -----------------------------------------------------------------


def write_hits(hits: Iterable[Hit], fp: TextIO, color: bool) -> None:
    for i, hit in enumerate(hits, 1):
        fp.write(
            f"{i:>3}. {_bold(hit.refid, color)}  {_date(hit.created)}  {hit.score:7.2f}  "
            f"{hit.origin}  {hit.subject}\n"
        )


def write_quote(result: QuoteResult, fp: TextIO, color: bool) -> None:
    """Quote hits: each with the share of the passage it holds and the matched span."""
    for warning in result.warnings:
        fp.write(_dim(f"note: {warning}", color) + "\n")
    if not result.hits:
        fp.write("No cable holds the passage's words.\n")
    for i, qh in enumerate(result.hits, 1):
        hit = qh.hit
        fp.write(
            ("\n" if i > 1 else "")
            + f"{i:>3}. {_bold(hit.refid, color)}  {_date(hit.created)}  "
            f"{qh.matched:4.0%} of the passage  {hit.origin}\n"
            f"     {hit.subject or '(no subject)'}\n"
        )
        for fragment in hit.highlights:
            fp.write(_dim("     … ", color) + to_terminal(fragment, color) + _dim(" …", color))
            fp.write("\n")


def write_hits_json(hits: Iterable[Hit], fp: TextIO) -> None:
    json.dump([hit_to_dict(h) for h in hits], fp, ensure_ascii=False, indent=2)
    fp.write("\n")


def write_stats(stats: Stats, fp: TextIO, top: int = 15) -> None:
    fp.write(f"{stats.cables:,} cables, {_date(stats.first)} .. {_date(stats.last)}\n")
    fp.write(f"index size {stats.size_bytes / 1e6:,.1f} MB, ")
    fp.write(f"last update {stats.updated.isoformat() if stats.updated else 'unknown'}\n")
    sections = (
        ("by classification", stats.by_classification),
        ("by year", stats.by_year),
        (f"by origin (top {top})", stats.by_origin[:top]),
    )
    for title, rows in sections:
        fp.write(f"\n{title}\n")
        for value, count in rows:
            fp.write(f"  {value:<40} {count:>9,}\n")


def write_batch(rows: Iterable[BatchRow], fp: TextIO, fmt: str) -> int:
    """CSV (query,total,refids,error,warnings) or JSON Lines; returns the number of failed
    lines."""
    failed = 0
    writer = csv.writer(fp) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(["query", "total", "refids", "error", "warnings"])
    for row in rows:
        failed += row.error is not None
        if writer is not None:
            refids, warnings = " ".join(row.refids), "; ".join(row.warnings)
            writer.writerow([row.query, row.total, refids, row.error or "", warnings])
        else:
            fp.write(
                json.dumps(
                    {
                        "query": row.query,
                        "total": row.total,
                        "refids": list(row.refids),
                        "error": row.error,
                        "warnings": list(row.warnings),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        fp.flush()
    return failed
