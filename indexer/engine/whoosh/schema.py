"""The whoosh schema: the index's fields and their analyzer, declared once.

Every field is declared here and filled by `passage_fields`; the search layer names the few it filters and reads by
(status, doc_id, topics, passage_id: search/library.py) and the ones it searches (SEARCH_FIELDS).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import STOP_WORDS, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token, Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from ...language.text import stem

# Titles and headings say what a passage is about, so a match there counts for more (BM25F field boosts).
TITLE_BOOST = 2.0
HEADING_BOOST = 1.5
SEARCH_FIELDS = ("text", "title", "heading")


TOKEN = re.compile(r"\w+(?:[.'’]\w+)*")
MIN_WORD = 2  # StopFilter's default: shorter tokens are dropped like stop words


class WordAnalyzer(Tokenizer):
    """Words, lower-cased, English stop words dropped, Snowball-stemmed like the checker's rules.

    Gives exactly what `RegexTokenizer(TOKEN) | LowercaseFilter() | StopFilter() | StemFilter(stem)` gives (positions
    renumbered over the words kept, stop words flagged instead of dropped when asked), in one pass instead of four
    chained generators: analysis was a fifth of indexing time. tests/indexer/test_schema.py compares the two.
    """

    def __eq__(self, other):
        return self.__class__ is other.__class__

    __hash__ = Tokenizer.__hash__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = TOKEN.finditer(value) if tokenize else [_Whole(value)]
        kept = None  # position of the last word kept (StopFilter numbers kept words consecutively)
        for i, m in enumerate(matches):
            original = m.group(0)
            word = original.lower()
            stopped = len(word) < MIN_WORD or word in STOP_WORDS
            if stopped and removestops:
                continue
            t.boost = 1.0
            t.stopped = stopped
            if keeporiginal:
                t.original = original
            if positions:
                if stopped:
                    t.pos = start_pos + i
                else:
                    kept = start_pos + i if kept is None else kept + 1
                    t.pos = kept
            if chars:
                t.startchar = start_char + m.start()
                t.endchar = start_char + m.end()
            t.text = word if stopped else stem(word)
            yield t


class _Whole:
    """The whole value as one match (analysis with tokenize=False)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def group(self, _n: int = 0) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


def analyzer():
    """The analyzer of every searchable field (and of queries)."""
    return WordAnalyzer()


def chained_analyzer():
    """The same analysis as whoosh's standard chain: WordAnalyzer is checked against it."""
    return (
        RegexTokenizer(TOKEN.pattern)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=MIN_WORD)
        | StemFilter(stemfn=stem, cachesize=-1)
    )


def term_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(index term, start, end) of each word of `text` the analyzer keeps, without whoosh's token machinery
    (for highlighting: the same terms the analyzer gives, several times faster)."""
    for m in TOKEN.finditer(text):
        word = m.group().lower()
        if len(word) >= MIN_WORD and word not in STOP_WORDS:
            yield stem(word), m.start(), m.end()


def build_schema() -> Schema:
    text_analyzer = analyzer()
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        title=TEXT(analyzer=text_analyzer, stored=True, field_boost=TITLE_BOOST),
        heading=TEXT(analyzer=text_analyzer, stored=True, field_boost=HEADING_BOOST),
        # spelling suggestions come from the build's vocabulary (index/vocabulary.py), not a whoosh spelling field
        text=TEXT(analyzer=text_analyzer, stored=True),
        status=ID(stored=True, sortable=True),  # a column: ranking by evidence reads it without stored fields
        topics=KEYWORD(stored=True, commas=True, lowercase=True),
        # offsets are only displayed, never searched or sorted on: stored, not indexed as numeric terms
        position=STORED(),
        start=STORED(),
        end=STORED(),
        sentences=STORED(),
    )


def passage_fields(checked) -> Iterator[dict]:
    """The fields of each passage of a CheckedDocument, as whoosh's add_document takes them."""
    doc = checked.document
    for passage in checked.passages:
        yield {
            "passage_id": passage.id,
            "doc_id": doc.id,
            "title": doc.title,
            "heading": passage.heading,
            "text": doc.text[passage.start : passage.end],
            "status": passage.status,
            "topics": ",".join(passage.topics),
            "position": passage.position,
            "start": passage.start,
            "end": passage.end,
            "sentences": [s.as_dict() for s in passage.checks],
        }
