"""Scoring plain keyword queries term at a time: whoosh's BM25F scores, without whoosh's per-posting overhead.

Most searches are a few words, each OR-ed across text, title and heading (plus synonyms). whoosh scores such a
query one document at a time through a tree of matcher objects, several Python calls per posting, and then runs the
query a second time to count the matches. Here each term's postings are decoded once into arrays (and kept for
frequent terms) and added into one score array with numpy, which also gives the exact count.

The scores are whoosh's: BM25 per field with the field boosts in the posting weights, idf and average field
lengths from the whole index, field lengths as whoosh stores them, and the coordination bonus of an OR group with a
scale (`OrGroup.factory(0.9)`). One difference is deliberate: whoosh re-counts the query's terms for that bonus as
posting lists run out mid-search, so its bonus drifts with the order of traversal; here a term counts if the
segment has it. Anything that is not a flat OR of plain terms (phrases, AND/NOT, boosts), or that needs filtering,
goes through whoosh as before.

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


def flat_terms(q: wq.Query) -> tuple[list[tuple[str, str]], float | None] | None:
    """The (field, text) terms and coordination scale of a flat OR of unboosted terms, else None."""
    if isinstance(q, wq.Term):
        subqueries, scale = [q], None
    elif type(q) is wq.Or and q.boost == 1.0 and not q.minmatch:
        subqueries, scale = q.subqueries, q.scale
    else:
        return None
    if not subqueries or not all(type(s) is wq.Term and s.boost == 1.0 for s in subqueries):
        return None
    return [(s.fieldname, s.text) for s in subqueries], scale


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
    """Per segment and field, each document's BM25 length normalisation K1 * (1 - B + B * length / average).

    Computed once per build and shared by every thread (the lengths are whoosh's stored, quantised ones).
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
                norms = self._norms[key] = self.K1 * ((1 - self.B) + self.B * lengths / average)
        return norms


def top_documents(
    searcher, terms: list[tuple[str, str]], scale: float | None, limit: int, norms: Norms, cache: PostingCache
):
    """(number of documents matched, [(score, docnum)] best first) for an OR of `terms`, or None if whoosh must
    do it (a segment with deleted documents)."""
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
        # whoosh's CoordMatcher._sqr: (sum + (matching terms - 1) * bonus) * shrink; adding the bonus with every
        # posting and taking one off at the end gives the same, without counting matches per document
        coord = bool(scale) and len(present) != scale
        bonus = 1.0 / (len(present) - scale) ** 2 if coord else 0.0
        shrink = (len(present) - 1) / len(present) if coord else (0.0 if scale else 1.0)
        scores = np.zeros(reader.doc_count_all())
        matched = np.zeros(len(scores), dtype=bool)
        for fieldname, btext in present:
            ids, weights = cache.get(reader, fieldname, btext)
            weights = weights.astype(np.float64)
            factor = searcher.idf(fieldname, btext) * k1
            # the same operations, in the same order, as whoosh's bm25() on each posting; a term's docnums are unique
            scores[ids] += factor * weights / (weights + norms.get(searcher, leaf, fieldname)[ids]) + bonus
            matched[ids] = True
        docnums = np.flatnonzero(matched)
        total += len(docnums)
        candidates = scores[docnums]
        if len(docnums) > limit:  # keep everything tied with the limit-th best, so ties can go in document order
            threshold = np.partition(candidates, len(candidates) - limit)[len(candidates) - limit]
            keep = candidates >= threshold
            docnums, candidates = docnums[keep], candidates[keep]
        order = np.lexsort((docnums, -candidates))[:limit]  # best first, ties in document order (as whoosh)
        best = [(-((float(candidates[i]) - bonus) * shrink), int(docnums[i]) + offset) for i in order]
        top = heapq.nsmallest(limit, top + best)
    return total, [(-s, d) for s, d in top]
