"""`sourcecheck kb`: for the experts who write the knowledge base.

sourcecheck kb lint              validate every file; warn of facts without examples, unused sources
sourcecheck kb test [TOPIC]      run the rules' and facts' own examples and counterexamples
sourcecheck kb explain SENTENCE  concepts found, relations read, facts and rules matched, each clause's verdict
sourcecheck kb schema [--out DIR]  write the JSON Schema of relations.toml, concepts.toml and facts.toml
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .checking.evidence import Checker
from .checking.explain import explain, explanation_text, self_test
from .errors import SourcecheckError
from .knowledge.base import DEFAULT_DIR, load_knowledge_base
from .knowledge.schema import json_schemas

KNOWLEDGE_HELP = "Knowledge base folder (default: built in)."


def _load(knowledge_dir: str | None):
    try:
        return load_knowledge_base(knowledge_dir)
    except SourcecheckError as e:
        raise click.ClickException(str(e)) from e


@click.group()
def kb() -> None:
    """Write and check the knowledge base (topics as concepts, facts and sources)."""


@kb.command()
@click.option("--knowledge-dir", type=click.Path(file_okay=False), help=KNOWLEDGE_HELP)
def lint(knowledge_dir) -> None:
    """Validate every knowledge file; warn of facts without examples and sources nothing cites."""
    base = _load(knowledge_dir)
    facts = base.reader.facts if base.reader else ()
    measures = base.reader.measures if base.reader else ()
    cited = {s.id for r in base.rules for s in r.sources} | {s.id for f in (*facts, *measures) for s in f.sources}
    cited |= {s.id for c in base.clarifications for s in c.sources}
    for fact in facts:
        if not fact.examples:
            click.echo(f"Warning: fact {fact.id} ({fact.topic}): no examples", err=True)
    for source in sorted(set(base.sources) - cited):
        click.echo(f"Warning: source {source}: cited by no rule, fact or clarification", err=True)
    concepts = len(base.reader.concepts) if base.reader else 0
    click.echo(
        f"OK: {concepts} concepts, {len(facts)} facts, {len(measures)} measures, {len(base.rules)} rules, "
        f"{len(base.sources)} sources "
        f"(fingerprint {base.fingerprint})"
    )


@kb.command(name="test")
@click.argument("topic", required=False)
@click.option("--knowledge-dir", type=click.Path(file_okay=False), help=KNOWLEDGE_HELP)
def test_examples(topic, knowledge_dir) -> None:
    """Run the examples and counterexamples of every rule and fact (or only TOPIC's)."""
    base = _load(knowledge_dir)
    topics = {r.topic for r in base.rules}
    if base.reader:
        topics |= {f.topic for f in (*base.reader.facts, *base.reader.measures)}
    if topic and topic not in topics:
        raise click.ClickException(f"no topic '{topic}' (topics: {', '.join(sorted(topics))})")
    result = self_test(base, topic)
    for failure in result.failures:
        click.echo(failure)
    click.echo(f"{result.checked} examples checked, {len(result.failures)} failed")
    if result.failures:
        raise SystemExit(1)


@kb.command(name="explain")
@click.argument("sentence")
@click.option("--referent", default="", help="What an opening 'It' refers to (the sentence before named it).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--knowledge-dir", type=click.Path(file_okay=False), help=KNOWLEDGE_HELP)
def explain_command(sentence, referent, fmt, knowledge_dir) -> None:
    """Show why SENTENCE gets its label: concepts, relations, facts and rules, each clause's verdict."""
    report = explain(Checker(_load(knowledge_dir)), sentence, referent)
    click.echo(json.dumps(report, indent=2, ensure_ascii=False) if fmt == "json" else explanation_text(report))


@kb.command()
@click.option("--out", type=click.Path(file_okay=False), default=str(DEFAULT_DIR / "schema"), show_default=True)
def schema(out) -> None:
    """Write the JSON Schema of each knowledge file kind (editors validate TOML against it as people type)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in json_schemas().items():
        path = folder / name.replace(".toml", ".schema.json")
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        click.echo(f"Wrote {path}")
