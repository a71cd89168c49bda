"""The whoosh schema: the only module that knows the index's field names and analyzer."""

from __future__ import annotations

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .text import stem

# Titles and headings say what a passage is about, so a match there counts for more (BM25F field boosts).
TITLE_BOOST = 2.0
HEADING_BOOST = 1.5
SEARCH_FIELDS = ("text", "title", "heading")


def analyzer():
    """Words, lower-cased, English stop words dropped, Snowball-stemmed like the checker's rules."""
    return (
        RegexTokenizer(r"\w+(?:[.'’]\w+)*")
        | LowercaseFilter()
        | StopFilter()
        | StemFilter(stemfn=stem, cachesize=-1)
    )


def build_schema() -> Schema:
    text_analyzer = analyzer()
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        title=TEXT(analyzer=text_analyzer, stored=True, field_boost=TITLE_BOOST),
        heading=TEXT(analyzer=text_analyzer, stored=True, field_boost=HEADING_BOOST),
        text=TEXT(analyzer=text_analyzer, stored=True, spelling=True),
        status=ID(stored=True),
        topics=KEYWORD(stored=True, commas=True, lowercase=True),
        position=NUMERIC(stored=True),
        start=NUMERIC(stored=True),
        end=NUMERIC(stored=True),
        sentences=STORED(),
    )
