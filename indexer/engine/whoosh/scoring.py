"""Scoring: BM25 per field, summed with the field boosts (`FieldBM25`), and plain keyword queries scored with it
term at a time, without whoosh's per-posting overhead.

The model is Lucene's and tantivy's multi-field BM25: each (field, term) match is scored with BM25 on that field's
statistics (term frequency, the passage's field length, the field's average length and the term's idf), multiplied
by the field's boost, and the matches are added up; an OR of words has no coordination bonus. whoosh's own
`BM25F` puts the boost inside the saturation instead (the boosted weight, tf x boost, is what saturates), so a word
in a title counted for little more than one in the text: on MedQuAD that ranked 0.06 nDCG@10 below tantivy
(BENCHMARKS.md). Both engine paths score with `FieldBM25`: whoosh's searcher through it, the fast path below with
the same arithmetic.

Most searches are a few words, each OR-ed across text, title and heading (plus synonyms). whoosh scores such a
query one document at a time through a tree of matcher objects, several Python calls per posting, and then runs the
query a second time to count the matches. Here each term's postings are decoded once into arrays (and kept for
frequent terms) and added into one score array with numpy, which also gives the exact count: `FieldBM25`'s scores,
with idf and average field lengths from the whole index and field lengths as whoosh stores them. Anything that is
not a flat OR of plain terms (phrases, AND/NOT, boosts), or that needs filtering, goes through whoosh's searcher.

Reads whoosh's posting blocks directly (W3LeafMatcher internals), one reason whoosh-reloaded is pinned;
tests/indexer/test_scoring.py compares the results with whoosh's own searches.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from collections import OrderedDict
from itertools import accumulate, repeat

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F, BM25FScorer, WeightScorer, bm25


class FieldBM25(BM25F):
    """BM25 per field, times the field's boost, summed over the fields a query's terms match in.

    The index keeps whoosh's postings, whose weights are tf x the field boost (`field_boost` of the schema); the
    scorer divides the boost out of the weight, so the term frequency is what saturates, and multiplies the field's
    BM25 score by it. K1, B and the idf (whoosh's, log(N / (df + 1)) + 1) are whoosh's defaults.
    """

    def scorer(self, searcher, fieldname, text, qf=1):
        field = searcher.schema[fieldname]
        if not field.scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        return FieldBM25Scorer(searcher, fieldname, text, B, self.K1, field.format.field_boost, qf=qf)


class FieldBM25Scorer(BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, boost, qf=1):
        self.boost = boost  # before BM25FScorer's set-up, which scores the best posting with _score
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)

    def _score(self, weight, length):
        return self.boost * bm25(self.idf, weight / self.boost, length, self.avgfl, self.B, self.K1)


def flat_terms(q: wq.Query) -> list[tuple[str, str]] | None:
    """The (field, text) terms of a term or a flat OR of unboosted terms (no coordination bonus), else None."""
    if isinstance(q, wq.Term):
        subqueries = [q]
    elif type(q) is wq.Or and q.boost == 1.0 and not q.minmatch and not q.scale:
        subqueries = q.subqueries
    else:
        return None
    if not subqueries or not all(type(s) is wq.Term and s.boost == 1.0 for s in subqueries):
        return None
    return [(s.fieldname, s.text) for s in subqueries]


def _blocks(m):
    """(ids, weights) of a term's postings, a block at a time (whoosh's own decoding, minus the positions)."""
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            m._read_data()
            ids, weights = m._data[0], m._data[1]
            if not m._byteids:
                ids = accumulate(ids)  # stored as gaps
            if weights is None or isinstance(weights, float):  # all equal: stored once, or not at all for 1.0
                weights = repeat(weights or 1.0, m._blocklength)
            yield ids, weights
            m._next_block()
    else:  # postings inlined in the term dictionary (a term in one document): few, read one by one
        while m.is_active():
            yield (m.id(),), (m.weight(),)
            m.next()


class PostingCache:
    """Decoded (docnums, weights) arrays of recently used terms, shared by the threads of a process for one build.

    Decoding whoosh's posting blocks (unpickling them with their positions, decompressing) cost more than scoring;
    frequent words recur in most searches. Bounded by the number of postings held (8 bytes each: whoosh's own
    32-bit weights, widened to 64 bits only while scoring, so the arithmetic is whoosh's).
    """

    def __init__(self, max_postings: int = 4_000_000) -> None:
        self.max_postings = max_postings
        self.size = 0
        self._lock = threading.Lock()
        self._terms: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def has(self, reader, fieldname: str, btext: bytes) -> bool:
        """Whether the segment has the term (a term already cached needs no look-up in the term file)."""
        return (reader.segment().segment_id(), fieldname, btext) in self._terms or (fieldname, btext) in reader

    def get(self, reader, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        key = (reader.segment().segment_id(), fieldname, btext)
        with self._lock:
            found = self._terms.get(key)
            if found is not None:
                self._terms.move_to_end(key)
                return found
        ids, weights = array("i"), array("f")
        for block_ids, block_weights in _blocks(reader.postings(fieldname, btext)):
            ids.extend(block_ids)
            weights.extend(block_weights)
        found = np.frombuffer(ids, dtype=np.intc), np.frombuffer(weights, dtype=np.float32)
        with self._lock:
            if key not in self._terms:
                self._terms[key] = found
                self.size += len(ids)
                while self.size > self.max_postings and len(self._terms) > 1:
                    _, (old, _) = self._terms.popitem(last=False)
                    self.size -= len(old)
        return found


class Norms:
    """Per segment and field, each document's BM25 length normalisation in units of the stored weights (tf x the
    field boost): boost * K1 * (1 - B + B * length / average).

    Computed once per build and shared by every thread (the lengths are whoosh's stored, quantised ones). With the
    boost in it, weight / (weight + norm) is FieldBM25's tf / (tf + K1 * (...)) without dividing every weight.
    """

    def __init__(self, B: float, K1: float) -> None:
        self.B, self.K1 = B, K1
        self._lock = threading.Lock()
        self._norms: dict[tuple[str, str], np.ndarray] = {}

    def get(self, searcher, leaf, fieldname: str) -> np.ndarray:
        key = (leaf.reader().segment().segment_id(), fieldname)
        norms = self._norms.get(key)
        if norms is None:
            with self._lock:
                reader = leaf.reader()
                length = reader.doc_field_length
                lengths = np.array([length(d, fieldname, 1) or 1 for d in range(reader.doc_count_all())], float)
                average = searcher.avg_field_length(fieldname) or 1
                boost = searcher.schema[fieldname].format.field_boost
                norms = self._norms[key] = boost * self.K1 * ((1 - self.B) + self.B * lengths / average)
        return norms


def top_documents(searcher, terms: list[tuple[str, str]], limit: int, norms: Norms, cache: PostingCache, allowed=None):
    """(number of documents matched, [(score, docnum)] best first) for an OR of `terms` scored with `FieldBM25`,
    or None if whoosh must do it (a segment with deleted documents); `allowed`, if given, is a boolean array by
    document number of the documents a filter lets through (the others are not matched)."""
    schema = searcher.schema
    top: list[tuple[float, int]] = []
    total = 0
    k1 = norms.K1 + 1
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if reader.has_deletions():
            return None
        present = []
        for fieldname, text in terms:
            if fieldname in schema:
                btext = schema[fieldname].to_bytes(text)
                if cache.has(reader, fieldname, btext):
                    present.append((fieldname, btext))
        if not present:
            continue
        scores = np.zeros(reader.doc_count_all())
        matched = np.zeros(len(scores), dtype=bool)
        for fieldname, btext in present:
            ids, weights = cache.get(reader, fieldname, btext)
            weights = weights.astype(np.float64)
            factor = schema[fieldname].format.field_boost * searcher.idf(fieldname, btext) * k1
            # FieldBM25Scorer._score on each posting: boost * idf * tf * k1 / (tf + norm), with tf = weight / boost
            # and the norm in weight units (Norms); a term's docnums are unique
            scores[ids] += factor * weights / (weights + norms.get(searcher, leaf, fieldname)[ids])
            matched[ids] = True
        if allowed is not None:
            matched &= allowed[offset : offset + len(matched)]
        docnums = np.flatnonzero(matched)
        total += len(docnums)
        candidates = scores[docnums]
        if len(docnums) > limit:  # keep everything tied with the limit-th best, so ties can go in document order
            threshold = np.partition(candidates, len(candidates) - limit)[len(candidates) - limit]
            keep = candidates >= threshold
            docnums, candidates = docnums[keep], candidates[keep]
        order = np.lexsort((docnums, -candidates))[:limit]  # best first, ties in document order (as whoosh)
        best = [(-float(candidates[i]), int(docnums[i]) + offset) for i in order]
        top = heapq.nsmallest(limit, top + best)
    return total, [(-s, d) for s, d in top]
