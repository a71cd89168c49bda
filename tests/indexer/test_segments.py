"""A segment written by SegmentBuilder reads exactly like one whoosh's own SegmentWriter writes of the same documents:
the same terms, postings (ids, weights, values, positions, blocks), term figures, field lengths, stored fields and
columns, and the same search results."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import UnknownFieldError
from whoosh.scoring import BM25F
from whoosh.writing import SegmentWriter

from indexer import check_document, default_knowledge_base, load_document
from indexer.checking.analysis import VerdictCache
from indexer.checking.evidence import Checker
from indexer.engine.pins import pinned_versions_installed
from indexer.engine.whoosh.schema import build_schema, passage_fields
from indexer.engine.whoosh.scoring import Norms, PostingCache, flat_terms, top_documents
from indexer.engine.whoosh.segments import COMPRESSION, SegmentBuilder, commit_segments
from indexer.search.query import parse_query

pytestmark = pytest.mark.skipif(
    not pinned_versions_installed(), reason="the engine internals are written for the pinned whoosh and NLTK"
)

# Words that exercise the analyzer: stop words (also first, which shifts positions), short words, unicode (whose
# lower case is longer: "İ"), numbers, contractions, and words repeated often enough to fill several blocks.
WORDS = (
    "the a of to and is in it I x be miscarriage miscarriages pregnancy IUI ICI insemination risk Risk RISK "
    "heart disease treatment symptoms cause causes café Über naïve İstanbul ΣΊΣΥΦΟΣ 東京 don't it's e.g. U.S. "
    "10.5mg 2nd 3 ½ — early loss stress after"
).split()
STATUSES = ("supported", "unverified", "no_claim", "inaccurate", "unsupported", "")


def synthetic(n: int, seed: int = 7) -> list[dict]:
    """`n` passages' fields with varied values: empty and missing headings, long and repetitive texts, unicode."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        words = rng.choices(WORDS, k=rng.choice((0, 1, 3, 12, 47, 90, 400))) + ["pregnant"] * (i % 5 > 0)
        if i % 17 == 0:
            words += ["again"] * 70  # a frequency past any small table
        heading = rng.choice((None, "", "Symptoms", "the of a", " ".join(rng.choices(WORDS, k=4))))
        docs.append(
            {
                "passage_id": f"doc{i // 3}:{i % 3}",
                "doc_id": f"doc{i // 3}",
                "title": rng.choice(("", "Heart disease", "Über café", " ".join(rng.choices(WORDS, k=6)))),
                **({} if heading is None else {"heading": heading}),
                "text": " ".join(words),
                "status": rng.choice(STATUSES),
                "topics": rng.choice(("", "Cardiology", "fertility,Pregnancy", "a, B ,c")),
                "position": i % 3,
                "start": i,
                "end": i + len(words),
                "sentences": [{"text": w, "status": rng.choice(STATUSES)} for w in words[:3]],
            }
        )
    return docs


@pytest.fixture(scope="module")
def seed_passages(seeds_dir) -> list[dict]:
    checker = VerdictCache(Checker(default_knowledge_base()))
    checked = [check_document(load_document(p), checker) for p in sorted(seeds_dir.glob("*.txt"))]
    return [fields for doc in checked for fields in passage_fields(doc)]


def whoosh_build(folder, segments: list[list[dict]]):
    """The index whoosh's own writer makes: one segment per list of documents, as our build's workers do."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    for docs in segments:
        writer = SegmentWriter(ix, codec=W3Codec(compression=COMPRESSION), compound=False)
        for fields in docs:
            writer.add_document(**fields)
        writer.commit(merge=False)
    return whoosh_index.open_dir(str(folder))


def lean_build(folder, segments: list[list[dict]]):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    builders = [SegmentBuilder(whoosh_index.open_dir(str(folder))) for _ in segments]
    for builder, docs in zip(builders, segments, strict=True):
        for fields in docs:
            builder.add_document(**fields)
    commit_segments(ix, [b.finish() for b in builders])
    return whoosh_index.open_dir(str(folder))


def postings(reader, fieldname: str, btext: bytes, fmt) -> list[tuple]:
    """Every posting with its decoded value and the figures of the block it is in (which show where blocks end)."""
    m = reader.postings(fieldname, btext)
    out = []
    while m.is_active():
        value = m.value()
        decoded = fmt.decode_positions(value) if fmt.supports("positions") else None
        out.append(
            (
                m.id(),
                m.weight(),
                value,
                decoded,
                m.block_max_id(),
                m.block_max_weight(),
                m.block_min_length(),
                m.block_max_length(),
            )
        )
        m.next()
    return out


def min_max_length(reader, name: str):
    try:
        return reader.min_field_length(name), reader.max_field_length(name)
    except TypeError:  # whoosh's answer when no document has a length in the field
        return None


def contents(ix) -> list[dict]:
    """What a reader sees of each segment, field by field."""
    segments = []
    with ix.reader() as top:
        for reader, _ in top.leaf_readers():
            schema, docs = reader.schema, range(reader.doc_count_all())
            seen = {
                "doc_count": reader.doc_count(),
                "doc_count_all": reader.doc_count_all(),
                "stored": [reader.stored_fields(d) for d in docs],
                "fields_with_terms": sorted(reader.indexed_field_names()),
            }
            for name, field in schema.items():
                seen[name, "lengths"] = [reader.doc_field_length(d, name) for d in docs]
                seen[name, "length"] = reader.field_length(name)
                if field.scorable:
                    seen[name, "min_max"] = min_max_length(reader, name)
                if field.column_type:
                    seen[name, "column"] = list(reader.column_reader(name)) if reader.has_column(name) else None
                if not field.indexed:
                    continue
                terms = list(reader.lexicon(name))
                seen[name, "terms"] = terms
                for btext in terms:
                    info = reader.term_info(name, btext)
                    seen[name, btext] = (
                        reader.doc_frequency(name, btext),
                        reader.frequency(name, btext),
                        info.min_length(),
                        info.max_length(),
                        info.max_weight(),
                        info.min_id(),
                        info.max_id(),
                        postings(reader, name, btext, field.format),
                    )
            segments.append(seen)
    return segments


def assert_same(a: list[dict], b: list[dict]) -> None:
    assert len(a) == len(b)
    for seg_a, seg_b in zip(a, b, strict=True):
        assert seg_a.keys() == seg_b.keys()
        for key in seg_a:
            assert seg_a[key] == seg_b[key], key


QUERIES = (
    "miscarriage",
    "IUI",
    "stress after loss",
    '"early pregnancy"',
    '"heart disease" treatment',
    "café",
    "title:symptoms",
    "risk AND cause",
    "disease NOT heart",
    "insemin*",
    "again",
    "Über",
    "10.5mg",
)


def results(ix) -> dict[str, tuple]:
    kb = default_knowledge_base()
    found = {}
    with ix.searcher() as searcher:
        for text in QUERIES:
            q = parse_query(text, searcher.schema, kb, searcher.reader()).query
            hits = searcher.search(q, limit=None)
            flat = flat_terms(q)
            fast = top_documents(searcher, flat, 50, Norms(BM25F().B, BM25F().K1), PostingCache()) if flat else None
            found[text] = ([(h["passage_id"], h.score) for h in hits], fast)
    return found


@pytest.mark.parametrize("split", [1, 2])
def test_segments_read_exactly_like_whoosh_writes_them(tmp_path, seed_passages, split):
    docs = seed_passages + synthetic(600)
    parts = [docs] if split == 1 else [docs[::2], docs[1::2]]
    ours, theirs = lean_build(tmp_path / "lean", parts), whoosh_build(tmp_path / "whoosh", parts)
    mine, reference = contents(ours), contents(theirs)
    assert_same(mine, reference)
    longest = max(len(found[-1]) for seg in mine for key, found in seg.items() if isinstance(key[1], bytes))
    assert longest > 3 * 128 // split  # terms of several posting blocks were compared
    assert results(ours) == results(theirs)
    assert any(hits for hits, _ in results(ours).values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "passage_id": st.text(max_size=4),
                "text": st.text(max_size=40) | st.lists(st.sampled_from(WORDS)).map(" ".join),
                "title": st.text(max_size=8),
                "status": st.sampled_from(STATUSES),
                "topics": st.text(",aB ", max_size=6),
            }
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_documents_read_alike(tmp_path_factory, docs):
    folder = tmp_path_factory.mktemp("any")
    assert_same(contents(lean_build(folder / "lean", [docs])), contents(whoosh_build(folder / "whoosh", [docs])))


def test_a_builder_without_documents_gives_no_segment(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    assert SegmentBuilder(ix).finish() is None


def test_unknown_fields_are_refused(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    builder = SegmentBuilder(ix)
    with pytest.raises(UnknownFieldError, match="colour"):
        builder.add_document(passage_id="a", colour="red")
    builder.abandon()
