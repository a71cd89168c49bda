"""The library's command line: build, search, check, eval and kb (the knowledge base).

The `sourcecheck` console script is this group plus the web app's commands (serve, reviewer), composed in
webapp/cli.py; this module never imports the web app. Library errors become "Error: ..." with exit status 1; no
traceback for a user's mistake.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .checking.analysis import check_document
from .checking.evidence import Checker
from .documents.loading import DocumentError, load_corpus
from .errors import SourcecheckError
from .index.build import build_index, default_index_dir
from .knowledge.base import STATUSES, load_knowledge_base
from .search.library import Library, SearchRequest

INDEX_DIR_HELP = "Index folder (default: $SOURCECHECK_INDEX_DIR or var/index)."


def _fail(error: Exception) -> click.ClickException:
    return click.ClickException(str(error))


def _kb(knowledge_dir: str | None):
    try:
        return load_knowledge_base(knowledge_dir)
    except SourcecheckError as e:
        raise _fail(e) from e


@click.group()
@click.version_option(package_name="sourcecheck")
def main() -> None:
    """Sourcecheck: search health information with every claim checked against authoritative sources."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--index-dir", type=click.Path(file_okay=False), help=INDEX_DIR_HELP)
@click.option("--knowledge-dir", type=click.Path(file_okay=False), help="Knowledge base folder (default: built in).")
@click.option("--wait", type=float, default=0.0, show_default=True, help="Seconds to wait for another build.")
def build(paths, index_dir, knowledge_dir, wait) -> None:
    """Check and index the documents under PATHS (default: seeds/), then swap the new index in."""
    paths = list(paths) or ["seeds"]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise click.ClickException(f"no such file or folder: {missing[0]}")
    kb = _kb(knowledge_dir)
    with click.progressbar(length=_count(paths), label="Checking", file=sys.stderr, show_pos=True) as bar:
        try:
            summary = build_index(paths, index_dir or default_index_dir(), kb, lambda _p: bar.update(1), wait)
        except SourcecheckError as e:
            raise _fail(e) from e
    for skipped in summary.skipped:
        click.echo(f"Skipped {skipped.path}: {skipped.reason}", err=True)
    for warning in summary.warnings:
        click.echo(f"Warning: {warning}", err=True)
    counts = ", ".join(f"{summary.sentences.get(s, 0)} {s}" for s in STATUSES)
    click.echo(
        f"Indexed {summary.documents} documents ({summary.reused} unchanged), {summary.passages} passages, "
        f"sentences: {counts}; skipped {len(summary.skipped)}; {summary.seconds:.1f} s -> {summary.path}"
    )


def _count(paths) -> int:
    from .documents.loading import find_files

    files, problems = find_files(paths)
    return len(files) + len(problems)


@main.command()
@click.argument("query")
@click.option("--index-dir", type=click.Path(file_okay=False), help=INDEX_DIR_HELP)
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="Only passages with this status."
)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def search(query, index_dir, statuses, limit, page, fmt) -> None:
    """Search the index for QUERY."""
    try:
        result = Library(index_dir).search(SearchRequest(query, tuple(statuses), page=page, per_page=limit))
    except SourcecheckError as e:
        raise _fail(e) from e
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{result.total} results for {query!r}"
        + (f" (did you mean: {result.suggestion}?)" if result.suggestion else "")
    )
    for note in result.notes:
        click.echo(f"Note: {note}")
    for hit in result.hits:
        click.echo(
            f"\n[{hit.status.upper()}] {hit.title} / {hit.heading or '-'}  ({hit.passage_id}, score {hit.score:.2f})"
        )
        click.echo("  " + "".join(f"[{f.text}]" if f.match else f.text for s in hit.snippet for f in s.fragments))
        for check in hit.sentences:
            if check.rule:
                click.echo(f"  - {check.status}: {check.rule}: {check.reason}")
                if check.correction:
                    click.echo(f"    Correction: {check.correction}")
                for source in check.sources:
                    click.echo(f"    Source: {source.publisher}, {source.title} <{source.url}>")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--knowledge-dir", type=click.Path(file_okay=False), help="Knowledge base folder (default: built in).")
def check(paths, fmt, knowledge_dir) -> None:
    """Check documents without indexing: one verdict per sentence."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise click.ClickException(f"no such file or folder: {missing[0]}")
    checker = Checker(_kb(knowledge_dir))
    for item in load_corpus(list(paths)):
        if isinstance(item, DocumentError):
            click.echo(f"Skipped {item.path}: {item.reason}", err=True)
            continue
        checked = check_document(item, checker)
        for passage in checked.passages:
            for sentence in passage.checks:
                if fmt == "jsonl":
                    record = {"doc": Path(item.path).name, "passage_id": passage.id, **sentence.as_dict()}
                    click.echo(json.dumps(record, ensure_ascii=False))
                else:
                    click.echo(f"{Path(item.path).name}\t{sentence.status}\t{sentence.rule or '-'}\t{sentence.text}")


@main.command(name="eval")
@click.argument("labels", type=click.Path(dir_okay=False))
@click.option("--docs", "docs_dir", type=click.Path(file_okay=False), help="Folder of the documents the labels name.")
@click.option("--knowledge-dir", type=click.Path(file_okay=False), help="Knowledge base folder (default: built in).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def evaluate(labels, docs_dir, knowledge_dir, fmt) -> None:
    """Score the checker against LABELS.jsonl ({"doc", "sentence", "label"} per line)."""
    from .checking.evaluate import evaluate_labels

    try:
        report = evaluate_labels(labels, docs_dir, _kb(knowledge_dir))
    except SourcecheckError as e:
        raise _fail(e) from e
    click.echo(json.dumps(report.as_dict(), indent=2) if fmt == "json" else report.as_text())


def _add_kb() -> None:
    from .kb_cli import kb

    main.add_command(kb)


_add_kb()
