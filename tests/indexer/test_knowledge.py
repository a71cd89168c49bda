"""Loading and validating the knowledge base: a broken file fails naming the file, the rule id and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer import KnowledgeBaseError, load_knowledge_base
from indexer.knowledge.base import DEFAULT_DIR
from indexer.knowledge.patterns import PatternError, compile_pattern

GOOD_RULE = """
[[rules]]
id = "test-rule"
status = "inaccurate"
patterns = ["{ici} (is|are) {iui}"]
reason = "A reason."
correction = "A correction."
sources = ["nice-cg156-iui"]
"""


@pytest.fixture()
def kb_dir(tmp_path) -> Path:
    """A copy of the real knowledge folder that a test may break."""
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, folder)
    return folder


def _topic(folder: Path, rule: str, name: str = "zz-test.toml") -> Path:
    path = folder / name
    path.write_text('topic = "zz-test"\ntitle = "Test"\n' + rule, encoding="utf-8")
    return path


def _error(folder: Path) -> str:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(folder)
    return str(caught.value)


def test_the_shipped_knowledge_base_loads():
    kb = load_knowledge_base()
    assert len(kb.rules) >= 40 and kb.clarifications
    assert all(rule.sources for rule in kb.rules)


def test_a_valid_extra_topic_file_loads(kb_dir):
    _topic(kb_dir, GOOD_RULE)
    assert load_knowledge_base(kb_dir).rule("test-rule").topic == "zz-test"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('sources = ["nice-cg156-iui"]', 'sources = ["no-such-source"]'), "unknown source 'no-such-source'"),
        (('correction = "A correction."\n', ""), "needs a 'correction'"),
        (('status = "inaccurate"', 'status = "wrong"'), "status 'wrong'"),
        (("{ici} (is|are) {iui}", "{ici} (is|are) {nope}"), "unknown concept {nope}"),
        (("{ici} (is|are) {iui}", "(a|(b|c))"), "cannot hold groups"),
        (('sources = ["nice-cg156-iui"]', "sources = []"), "at least one source"),
        (('reason = "A reason."', 'reasn = "A reason."'), "unknown field(s) reasn"),
        (('reason = "A reason."', 'reason = ""'), "field 'reason'"),
        (('status = "inaccurate"', 'status = "inaccurate"\nnegated_status = "inaccurate"'), "negated_status"),
    ],
)
def test_a_broken_rule_names_file_rule_and_problem(kb_dir, change, problem):
    path = _topic(kb_dir, GOOD_RULE.replace(*change))
    message = _error(kb_dir)
    assert str(path) in message and "rule test-rule" in message and problem in message


def test_duplicate_rule_ids_are_refused(kb_dir):
    _topic(kb_dir, GOOD_RULE.replace('"test-rule"', '"ici-called-iui"'))
    assert "rule ici-called-iui: duplicate rule id" in _error(kb_dir)


def test_a_bad_rule_id_names_its_position(kb_dir):
    path = _topic(kb_dir, GOOD_RULE.replace('"test-rule"', '"Bad Id"'))
    assert f"{path}: rule #1" in _error(kb_dir)


def test_invalid_toml_names_the_file(kb_dir):
    path = _topic(kb_dir, "[[rules]\nid = ")
    assert str(path) in _error(kb_dir) and "cannot read" in _error(kb_dir)


def test_missing_required_files_and_concepts(kb_dir, tmp_path):
    (kb_dir / "sources.toml").unlink()
    assert "sources.toml: required knowledge file is missing" in _error(kb_dir)
    assert "knowledge folder not found" in _error(tmp_path / "nowhere")


def test_checker_concepts_must_exist(kb_dir):
    terms = kb_dir / "terms.toml"
    terms.write_text(terms.read_text().replace("[concepts.negation]", "[concepts.negation-renamed]"))
    assert "missing concepts the checker needs: ['negation']" in _error(kb_dir)


def test_a_clarification_needs_known_terms_and_sources(kb_dir):
    terms = kb_dir / "terms.toml"
    extra = '\n[[clarifications]]\nterms = ["nope"]\ntitle = "T"\nnote = "N"\nsources = ["mayo-iui"]\n'
    terms.write_text(terms.read_text() + extra)
    assert "clarification #2: 'terms' must name known concepts" in _error(kb_dir)


def test_source_urls_must_be_web_addresses(kb_dir):
    sources = kb_dir / "sources.toml"
    sources.write_text(
        sources.read_text() + '\n[sources.bad]\npublisher = "P"\ntitle = "T"\nurl = "file:///etc/passwd"\n'
    )
    assert "source bad: url must start with http:// or https://" in _error(kb_dir)


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("{ici} ..3 {iui}", "ICI, also IUI", "IUI then ICI"),
        ("place* sperm", "placing sperm", "sperm placed"),
        ("experienc*", "the experience", "an expert"),
        ("therap*", "therapy helps", "the help"),
        ("# week*", "20 weeks", "twenty weeks"),
        ("20 week*", "20% weeks", "21 weeks"),
        ("{iui} <,> or {ici} <,>", "IUI, or ICI, is", "IUI or ICI is"),
        ("(a ..2 b|c)", "a x y b", "a x y z b"),
        ("{iui} & place* & womb", "the womb: IUI places sperm there", "IUI places sperm there"),
        ("^ with (a|the)? $", "with a", "often with a"),
        ("can $", "it can", "it can help"),
    ],
)
def test_pattern_language(pattern, matches, misses):
    from indexer.language.text import claim_line, claim_tokens

    concepts = {"ici": ["ici", "intracervical insemination"], "iui": ["iui"]}
    compiled = compile_pattern(pattern, concepts)
    every_feature = {f for need in compiled.needs for f in need}  # let the prefilter pass: test the regexes
    assert compiled.search(claim_line(claim_tokens(matches)), every_feature)
    assert not compiled.search(claim_line(claim_tokens(misses)), every_feature)


@pytest.mark.parametrize("pattern", ["", ".. ..3", "{missing}", "(a|)", "<x>", "(a|{ici} b)"])
def test_bad_patterns_say_what_is_wrong(pattern):
    with pytest.raises(PatternError):
        compile_pattern(pattern, {"ici": ["ici"]})


def test_every_shipped_pattern_compiles():
    """Regexes compile lazily (fast start-up); this makes sure none of the shipped ones is broken."""
    kb = load_knowledge_base()
    patterns = [p for r in kb.rules for p in (*r.patterns, *r.unless, *r.context)] + list(kb.special.values())
    assert all(p.regex.pattern == p.expression for p in patterns)
    assert all(p.search(" x ", {f for n in p.needs for f in n}) is None for p in patterns)  # together parts too
