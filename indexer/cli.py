"""The `cables` command line: each command parses options, calls one library function, renders.

No Whoosh here: the library modules own it.

Kept in one module (~750 lines): one short Click command per library function, with the
shared options and the error handling they all use; splitting it would scatter `--help`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

# numpy's OpenBLAS starts a thread per core when numpy is imported, and on 2 cores that
# thread's start-up competes with the command itself: ~70 ms of every one-shot `cables
# search` here. Nothing of cables runs BLAS (float matrix products), so a command runs it on
# one thread; a value the user set is kept. (Before any import of numpy: cli.py imports
# none, its commands do.)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from . import __version__
from .cable import ReadError
from .errors import CablesError, QueryError

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

DEFAULT_CORPUS = "corpus"
DEFAULT_INDEX = "index"


def index_option(f: F) -> F:
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: os.environ.get("CABLES_INDEX", DEFAULT_INDEX),
        show_default="index/ or $CABLES_INDEX",
        help="Folder of the index.",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (see README).")(f)


def quiet_option(f: F) -> F:
    return click.option("-q", "--quiet", is_flag=True, help="No progress bar on stderr.")(f)


class QueryCommand(click.Command):
    """A command whose QUERY may start with `-` (`cables search -iraq`: everything but Iraq).

    Click would read `-iraq` as options (`-i`, or `-n` with the value `uclear` for
    `-nuclear`). An argument that starts with one `-` and a letter, and is not one of the
    command's own short options (alone or with a number glued on, `-n5`), is moved behind a
    `--`, which makes it the query. `cables search -- -iraq` works too."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            return super().parse_args(ctx, args)
        short = {
            opt
            for param in self.params
            for opt in getattr(param, "opts", []) + getattr(param, "secondary_opts", [])
            if len(opt) == 2 and opt.startswith("-")
        } | {"-h"}
        options: list[str] = []
        queries: list[str] = []
        for arg in args:
            looks_negated = len(arg) > 2 and arg[0] == "-" and arg[1].isalpha()
            own = arg[:2] in short and (len(arg) == 2 or arg[2:].isdigit())
            (queries if looks_negated and not own else options).append(arg)
        if not queries:
            return super().parse_args(ctx, args)
        return super().parse_args(ctx, [*options, "--", *queries])


class BadQuery(click.ClickException):
    """A malformed query: one line like every error, but exit status 2 (a usage error)."""

    exit_code = 2


def fail(exc: CablesError) -> click.ClickException:
    """Library error -> one-line CLI error (bad queries exit 2, the rest 1)."""
    if isinstance(exc, QueryError):
        return BadQuery(str(exc))
    return click.ClickException(str(exc))


class _Commands(click.Group):
    """The command group: a library error met outside a command's own `try` (a command
    imports the library lazily, and importing it checks the Whoosh version:
    `indexer.whoosh_private.UnsupportedWhoosh`) is one line too, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CablesError as exc:
            raise fail(exc) from None


@click.group(cls=_Commands, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="cables")
def main() -> None:
    """Search the Cablegate diplomatic cables.

    \b
    Quick start:
      cables index                 # index the cables in corpus/ into index/
      cables search "mek defector" # ranked, highlighted matches
      cables parse corpus --json   # the parsed cables, one JSON object per line

    Every command has -h/--help with examples.
    """


@main.command()
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False)
)
@json_option
def parse(paths: tuple[Path, ...], as_json: bool) -> None:
    """Parse cables and print them, one line each (or JSON Lines with --json).

    PATHS are files or folders (read recursively). Every format is recognised by its
    content: the WikiLeaks page text layout, Cablegate release HTML, cables.csv, JSON lines
    (mongoexport), JSONP, <pre> text extracts, pdftotext output, PDFs.

    Bad records are reported on stderr as `path[:record]: reason` and never stop the run;
    the exit status is 1 when any record failed, 0 otherwise. Files that hold no cable at
    all (an "Appears in these articles" box cut out of a page, a listing page) are no
    failure: one line on stderr counts them.

    \b
    Examples:
      cables parse corpus/
      cables parse cables.csv --json | jq .subject
    """
    from .parse import no_cable_line, parse_paths, summary_line, write_json_line
    from .readers import NoCable

    failed = no_cable = 0
    out = sys.stdout
    for item in parse_paths(paths):
        if isinstance(item, NoCable):
            no_cable += 1
        elif isinstance(item, ReadError):
            failed += 1
            click.echo(str(item), err=True)
        elif as_json:
            write_json_line(item, out)
        else:
            out.write(summary_line(item) + "\n")
    if no_cable:
        click.echo(no_cable_line(no_cable), err=True)
    if failed:
        sys.exit(1)


def _default_corpus() -> tuple[Path, ...]:
    env = os.environ.get("CABLES_CORPUS")
    if env:
        return tuple(Path(p) for p in env.split(os.pathsep) if p)
    return (Path(DEFAULT_CORPUS),)


@main.command()
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option(
    "--rebuild", is_flag=True, help="Build a fresh index beside the current one, then swap it in."
)
@click.option(
    "--watch", is_flag=True, help="Keep running; index new or changed cables as they land."
)
@click.option(
    "--procs",
    type=click.IntRange(1, 64),
    help="Worker processes [default: one per core for big jobs, 1 for small ones].",
)
@json_option
@quiet_option
def index(
    corpus: tuple[Path, ...],
    index_dir: Path,
    rebuild: bool,
    watch: bool,
    procs: int | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Index the cables under CORPUS (default corpus/ or $CABLES_CORPUS) into --index.

    The first run builds the index. Later runs are incremental: new cables are added,
    changed records replaced, cables whose file disappeared removed, and unchanged files
    are not even read (size and mtime first, a hash only when they differ). Searches keep
    working during an update and always see the old or the new index, never a mix.

    When several records carry the same reference id (several releases or formats), the
    newest release is indexed and the others are kept as its versions (`cables show`).

    Records that fail to parse are listed on stderr as `path[:record]: reason` and do not
    stop the run; the exit status is then 1, and later runs list them again until their
    files change. Files that hold no cable at all are counted in one line, not failures.

    \b
    Examples:
      cables index                          # corpus/ -> index/
      cables index ~/cablegate --index /data/cables-index
      cables index --rebuild                # fresh index, swapped in atomically
      cables index --watch                  # stay up, index new cables as they land
      cables index --json | jq .added
    """
    from .ingest import Terminated, update_index
    from .searching import warm_caches

    folders = list(corpus or _default_corpus())
    if watch:
        _watch(folders, index_dir, procs, as_json)
        return
    with IndexProgress(quiet) as progress:
        try:
            report = update_index(
                folders,
                index_dir,
                rebuild=rebuild,
                procs=procs,
                on_start=progress.start,
                on_progress=progress.update,
                warm=warm_caches,
            )
        except CablesError as exc:
            raise fail(exc) from None
        except Terminated:
            click.echo("stopped: the index is as it was before this run", err=True)
            sys.exit(143)  # 128 + SIGTERM, as a shell reports a process ended by it
    _render_index_report(report, as_json)
    if report.failed:
        sys.exit(1)


def _watch(folders: list[Path], index_dir: Path, procs: int | None, as_json: bool) -> None:
    from .ingest import Terminated
    from .searching import warm_caches
    from .watch import watch_index

    click.echo(f"watching {', '.join(map(str, folders))} (Ctrl-C to stop)", err=True)
    try:
        watch_index(
            folders,
            index_dir,
            lambda r: _render_index_report(r, as_json),
            procs=procs,
            warm=warm_caches,
        )
    except CablesError as exc:
        raise fail(exc) from None
    except (KeyboardInterrupt, Terminated):
        click.echo("stopped", err=True)


class IndexProgress:
    """Progress over files to read, on stderr (TTY only, not with --quiet)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self._bar: Any = None
        self._done = 0
        self._stack: Any = None

    def __enter__(self) -> IndexProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stack is not None:
            self._stack.__exit__(*exc)

    def start(self, total: int) -> None:
        from .progress import progressbar

        if total == 0:
            return
        self._stack = progressbar(total, "reading cables", quiet=self.quiet)
        self._bar = self._stack.__enter__()

    def update(self, done: int) -> None:
        if self._bar is not None and done > self._done:
            self._bar.update(done - self._done)
            self._done = done


def _render_index_report(report: Any, as_json: bool) -> None:
    from . import alerts
    from .parse import no_cable_line

    for line in report.errors:
        click.echo(line, err=True)
    if report.no_cable:
        click.echo(no_cable_line(report.no_cable), err=True)
    try:
        counts = alerts.alert_counts(Path(report.index))
    except CablesError as exc:  # the index is fine; only the saved searches could not be read
        click.echo(f"saved searches not checked: {exc}", err=True)
        counts = ()
    if as_json:
        from dataclasses import asdict

        data = asdict(report)
        data["errors"] = list(report.errors)
        data["seconds"] = round(report.seconds, 3)
        data["alerts"] = alerts.counts_to_list(counts)
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(
        f"{report.cables} {'cable' if report.cables == 1 else 'cables'} in {report.index}: "
        f"{report.added} added, "
        f"{report.updated} updated, {report.removed} removed, {report.unchanged} unchanged, "
        f"{report.failed} failed ({report.seconds:.1f} s)"
    )
    for count in counts:
        if count.new:
            click.echo(alerts.count_line(count))


# --- search side ---------------------------------------------------------------------------


@main.command(cls=QueryCommand)
@click.argument("query")
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("-p", "--page", default=1, show_default=True, type=click.IntRange(1))
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest", "oldest", "cited"]),
    default="relevance",
    show_default=True,
    help="Order of the hits; cited: most cited by indexed cables first.",
)
@click.option(
    "--facet",
    "facets",
    multiple=True,
    type=click.Choice(["origin", "classification", "year", "tags"]),
    help="Facets to count (repeatable; default all four).",
)
@click.option("--all", "export_all", is_flag=True, help="Stream every hit (see --format).")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="Format of --all.",
)
@json_option
def search(
    query: str,
    index_dir: Path,
    limit: int,
    page: int,
    sort: str,
    facets: tuple[str, ...],
    export_all: bool,
    export_format: str,
    as_json: bool,
) -> None:
    """Search the index: ranked, highlighted matches with facet counts.

    \b
    Query syntax (see README, "Query syntax"):
      mek defector            all words (subject, title, TAGS and body; stemmed)
      al-qaeda  chávez  US     hyphens join, accents fold, upper-case US is the country
      iran OR iraq, NOT x, -x  boolean operators; -iraq alone: every cable but those
      "not guilty"            phrase (every word counts); "camp ashraf"~3  within 3 moves
      negotiat*  gr?y  baghdda~   prefix, wildcard, fuzzy (~ or ~2), over words
      gaddafi  =gaddafi       every spelling of a name / this spelling only
      subject:ashraf  tag:pter  origin:baghdad  from:"Embassy Baghdad"  origin:unknown
      class:secret  id:09baghdad113  signer:butenis  cites:08baghdad4006  citedby:ID
      created:2009  created:[2008-01 TO 2009-06]  created:>2009-01-15  year:2009
      *                       every cable, newest first

    \b
    Examples:
      cables search "camp ashraf" --sort newest
      cables search "camp ashraf" --sort cited     # the most cited cables first
      cables search 'tag:pter origin:baghdad' --facet year --json
      cables search 'mek' --all --format csv > mek.csv
    """
    # the modules of a search only, not the `indexer.searching` facade (which loads those
    # of `show`, `similar`, `stats` and the rest): start-up is most of a one-shot search
    from . import render
    from .facets import FACET_FIELDS
    from .hits import export, search
    from .output import write_csv, write_jsonl

    try:
        if export_all:
            found = export(index_dir, query, sort=sort)
            for warning in found.warnings:
                click.echo(f"warning: {warning}", err=True)
            write = write_csv if export_format == "csv" else write_jsonl
            write(found.hits, sys.stdout)
            return
        result = search(
            index_dir,
            query,
            limit=limit,
            page=page,
            sort=sort,
            facets=facets or FACET_FIELDS,
        )
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        render.write_result_json(result, sys.stdout)
    else:
        render.write_result(result, sys.stdout, render.use_color(sys.stdout))


@main.command()
@click.argument("refid")
@index_option
@click.option("-q", "--query", help="Highlight these query terms in the text.")
@json_option
def show(refid: str, index_dir: Path, query: str | None, as_json: bool) -> None:
    """Show one cable: metadata, subject, paragraphs, what it cites and what cites it.

    \b
    Examples:
      cables show 09BAGHDAD113
      cables show 09baghdad113 --query "camp ashraf"
      cables show 09BAGHDAD113 --json | jq .cited_by
    """
    from . import render
    from . import searching as lib

    try:
        view = lib.show(index_dir, refid, query=query)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        _echo_json(lib.view_to_dict(view))
    else:
        render.write_view(view, sys.stdout, render.use_color(sys.stdout))


@main.command()
@click.argument("refid")
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@json_option
def similar(refid: str, index_dir: Path, limit: int, as_json: bool) -> None:
    """Cables most like REFID (more-like-this on its subject and body).

    \b
    Example:
      cables similar 09BAGHDAD113 -n 5
    """
    from . import render
    from . import searching as lib

    try:
        hits = lib.similar(index_dir, refid, limit=limit)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        render.write_hits_json(hits, sys.stdout)
    else:
        render.write_hits(hits, sys.stdout, render.use_color(sys.stdout))


@main.command(cls=QueryCommand)
@click.argument("passage")
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@json_option
def quote(passage: str, index_dir: Path, limit: int, as_json: bool) -> None:
    """The cable a PASSAGE (copied from an article) comes from, best first.

    Case, punctuation and line breaks do not matter; `...` may stand for skipped words, and a
    word changed or missing or a few words added at either end still find the cable. Each
    hit shows the matched span and how much of the passage was found in it, in order.

    \b
    Examples:
      cables quote "the defector claimed ... a contingency plan for mass suicide"
      pbpaste | xargs -0 cables quote --json
    """
    from . import quote as lib
    from . import render

    try:
        result = lib.quote(index_dir, passage, limit=limit)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        _echo_json(lib.result_to_dict(result))
    else:
        render.write_quote(result, sys.stdout, render.use_color(sys.stdout))


@main.command()
@index_option
@json_option
def stats(index_dir: Path, as_json: bool) -> None:
    """What the index holds: cables, date span, counts by classification/origin/year, size.

    \b
    Examples:
      cables stats
      cables stats --json | jq .by_year
    """
    from . import render
    from . import searching as lib

    try:
        result = lib.stats(index_dir)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        _echo_json(lib.stats_to_dict(result))
    else:
        render.write_stats(result, sys.stdout)


@main.command()
@index_option
@json_option
def tags(index_dir: Path, as_json: bool) -> None:
    """Every TAGS code in the index with its meaning and how many cables carry it.

    Codes come most frequent first; a code whose meaning is not known has none (free-form
    words and names that drafters put on the TAGS line).

    \b
    Examples:
      cables tags | head
      cables tags --json | jq '.tags[] | select(.meaning == null)'
    """
    from . import tagcodes

    try:
        counts = tagcodes.tag_counts(index_dir)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        tagcodes.write_tag_counts_json(counts, sys.stdout)
    else:
        tagcodes.write_tag_counts(counts, sys.stdout)


@main.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@index_option
@click.option("-n", "--limit", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
def batch(file: Any, index_dir: Path, limit: int, fmt: str) -> None:
    """Run one query per line of FILE ("-" for stdin): total hits and top refids per line.

    Blank lines and lines starting with # are skipped. A malformed query gives a row with
    its error and the batch goes on; the exit status is then 1.

    \b
    Examples:
      cables batch names.txt > hits.csv
      printf 'butenis\nashraf\n' | cables batch - --format jsonl
    """
    from . import render
    from . import searching as lib

    try:
        failed = render.write_batch(lib.batch(index_dir, file, limit=limit), sys.stdout, fmt)
    except CablesError as exc:
        raise fail(exc) from None
    if failed:
        sys.exit(1)


@main.command()
@click.argument("refid")
@index_option
@json_option
def diff(refid: str, index_dir: Path, as_json: bool) -> None:
    """Redaction history of REFID: its versions in release order, and between each two the
    words the later release removed (redacted) and added (restored), wdiff style:
    [-removed-] {+added+}.

    The indexed version's text comes from the index; the other versions are read again from
    their source files (a file that changed or vanished since `cables index` is reported).

    \b
    Examples:
      cables diff 09ISLAMABAD3037
      cables diff 09ISLAMABAD3037 --json | jq '.changes[].hunks[].removed'
    """
    from . import diff as lib
    from . import render

    try:
        result = lib.cable_diff(index_dir, refid)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        _echo_json(lib.diff_to_dict(result))
    else:
        lib.write_diff(result, sys.stdout, render.use_color(sys.stdout))


@main.group(context_settings=CONTEXT_SETTINGS)
def alert() -> None:
    """Saved searches: be told of new or changed cables that match them.

    `cables index` ends with a line per saved search that has new matches; `alert check`
    lists them and marks them seen. `cables serve` shows them at /alerts, with an Atom feed
    per saved search (/alerts/NAME.atom).

    \b
    Examples:
      cables alert add ashraf 'camp ashraf'
      cables index                  # ... 3 new cables match "camp ashraf" (ashraf)
      cables alert check            # list them, mark them seen
      cables alert check ashraf --json
    """


@alert.command("add")
@click.argument("name")
@click.argument("query")
@index_option
@json_option
def alert_add(name: str, query: str, index_dir: Path, as_json: bool) -> None:
    """Save QUERY as NAME. Its current matches count as seen: `alert check` reports the
    cables added or changed from now on. A malformed query is refused (exit status 2).

    \b
    Example:
      cables alert add ashraf '"camp ashraf" OR subject:mek'
    """
    from . import alerts

    try:
        saved = alerts.add_alert(index_dir, name, query)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        _echo_json(alerts.saved_to_dict(saved))
    else:
        click.echo(f'saved "{saved.query}" as {saved.name}')


@alert.command("list")
@index_option
@json_option
def alert_list(index_dir: Path, as_json: bool) -> None:
    """The saved searches: name, query, last check.

    \b
    Example:
      cables alert list --json | jq -r '.[].name'
    """
    from . import alerts

    try:
        saved = alerts.list_alerts(index_dir)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        _echo_json([alerts.saved_to_dict(s) for s in saved])
    else:
        alerts.write_list(saved, sys.stdout)


@alert.command("remove")
@click.argument("name")
@index_option
def alert_remove(name: str, index_dir: Path) -> None:
    """Forget the saved search NAME.

    \b
    Example:
      cables alert remove ashraf
    """
    from . import alerts

    try:
        saved = alerts.remove_alert(index_dir, name)
    except CablesError as exc:
        raise fail(exc) from None
    click.echo(f'removed {saved.name} ("{saved.query}")')


@alert.command("check")
@click.argument("name", required=False)
@index_option
@json_option
def alert_check(name: str | None, index_dir: Path, as_json: bool) -> None:
    """List, per saved search (or just NAME), the cables that match it and were added or
    changed since it was last checked (the first time: since it was saved), newest first;
    then mark them seen.

    \b
    Examples:
      cables alert check
      cables alert check ashraf --json | jq '.alerts[0].new[].refid'
    """
    from . import alerts, render

    try:
        results = alerts.check_alerts(index_dir, name)
    except CablesError as exc:
        raise fail(exc) from None
    if as_json:
        _echo_json(alerts.results_to_dict(results))
    else:
        alerts.write_results(results, sys.stdout, render.use_color(sys.stdout))


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Searches run at the same time (threads); a slow one holds up only its own.",
)
@click.option(
    "--time-limit",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds a request may take; past it the visitor is told so (503).",
)
def serve(index_dir: Path, host: str, port: int, workers: int, time_limit: float) -> None:
    """Serve the search web page (read-only over the index) until Ctrl-C.

    Listens on localhost only, unless --host says otherwise (e.g. --host 0.0.0.0 to let
    other machines in). Pages: / (search), /cable/REFID; JSON: /api/search?q=...,
    /api/cable/REFID, /api/graph/REFID, /api/stats.

    \b
    Examples:
      cables serve                     # http://127.0.0.1:8000/
      cables serve --index /data/cables-index --port 8080
      cables serve --workers 8 --time-limit 5
    """
    from .web import run_server

    click.echo(f"serving {index_dir} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    run_server(index_dir, host=host, port=port, workers=workers, time_limit=time_limit)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
