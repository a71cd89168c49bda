"""The second reference: tantivy (a compiled engine, BM25) over the same passages as our index.

The passages come from our build's document store (bench/fts5.py reads them), so every engine searches exactly the
same text. Fields are analysed by tantivy's English stemmer (`en_stem`: lower-cased, Snowball English); a query's
words are lower-cased, stop words removed (whoosh's list, as ours), and OR-ed over text, title and heading, with
title and heading boosted as our field boosts; tantivy scores each field's term with BM25 (its own statistics per
field, the boost multiplying the field's score) and adds them up. A results page gets a highlighted snippet of the
text, as ours and FTS5's do.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import tantivy
from whoosh.analysis import STOP_WORDS

from indexer.engine.whoosh.schema import HEADING_BOOST, TITLE_BOOST

from .fts5 import passages

_WORD = re.compile(r"\w+")
FIELDS = ("text", "title", "heading")
BOOSTS = {"title": TITLE_BOOST, "heading": HEADING_BOOST}
WRITER_HEAP = 128_000_000  # bytes of tantivy's indexing buffer


def _schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("passage_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    for name in FIELDS:
        builder.add_text_field(name, stored=name == "text", tokenizer_name="en_stem")
    return builder.build()


def build(index_build: Path, folder: Path) -> dict:
    """Create the tantivy index from our build's passages (one segment); its size and indexing rate."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rows = list(passages(index_build))  # read first, so only tantivy's indexing is timed
    started = time.perf_counter()
    index = tantivy.Index(_schema(), path=str(folder))
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    for passage_id, doc_id, title, heading, text in rows:
        writer.add_document(
            tantivy.Document(passage_id=passage_id, doc_id=doc_id, title=title, heading=heading or "", text=text)
        )
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    return {
        "documents": len({row[1] for row in rows}),
        "passages": len(rows),
        "seconds": round(seconds, 3),
        "passages_per_s": round(len(rows) / seconds, 1),
        "index_mb": round(size / 1024 / 1024, 2),
    }


def query_text(query: str) -> str:
    """The query's words, lower-cased, without stop words, each quoted (so nothing is read as tantivy syntax)."""
    words = [w for w in _WORD.findall(query.lower()) if len(w) >= 2 and w not in STOP_WORDS]
    return " ".join(f'"{w}"' for w in words)


class Baseline:
    """Searches the tantivy index: the top passages with a highlighted text, like a results page."""

    def __init__(self, folder: Path) -> None:
        self.index = tantivy.Index.open(str(folder))
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema

    def search(self, query: str, limit: int = 10, snippets: bool = True) -> list[tuple]:
        """(passage_id, doc_id, highlighted text, score) of the best `limit` passages."""
        text = query_text(query)
        if not text:
            return []
        q = self.index.parse_query(text, list(FIELDS), field_boosts=BOOSTS)
        found = self.searcher.search(q, limit).hits
        generator = tantivy.SnippetGenerator.create(self.searcher, q, self.schema, "text") if snippets else None
        out = []
        for score, address in found:
            doc = self.searcher.doc(address)
            snippet = generator.snippet_from_doc(doc).to_html() if generator else ""
            out.append((doc["passage_id"][0], doc["doc_id"][0], snippet, score))
        return out
