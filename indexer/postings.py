"""The postings of one new segment, held in memory as documents arrive and written once through whoosh's codec.

whoosh's SegmentWriter puts every posting into a pool of tuples, sorts them all (spilling sorted runs to disk and
merging them) and hands them one at a time to the codec's field writer, which checks and buffers each one. Documents
arrive in docnum order, so a list per term is already sorted: only the terms are sorted, once, at the end, and each
term's list is encoded in one piece (posting_lists.py) and added to whoosh's term index.

Text fields analysed by the schema's WordAnalyzer are inverted here directly (the same terms, positions and weights
as whoosh's `Positions.word_values`); every other indexed field goes through its whoosh field type's `index()`.
tests/indexer/test_segments.py compares everything whoosh reads from such a segment with what its own writer makes.
"""

from __future__ import annotations

from whoosh import formats
from whoosh.analysis import STOP_WORDS
from whoosh.system import pack_ushort

from .posting_lists import PostingListEncoder
from .schema import MIN_WORD, TOKEN, WordAnalyzer
from .text import stem


class _Terms(dict):
    """Index term of each word as written (None for a stop word), as WordAnalyzer makes it; filled on first use."""

    def __missing__(self, word: str) -> str | None:
        lower = word.lower()
        term = None if len(lower) < MIN_WORD or lower in STOP_WORDS else stem(lower)
        self[word] = term
        return term


class _Positions:
    """Encoded posting values of a Positions field; one position (most postings) is encoded once per position."""

    def __init__(self, fmt: formats.Positions) -> None:
        self._encode = fmt.encode
        self._single: dict[int, bytes] = {}

    def __call__(self, positions: list[int]) -> bytes:
        if len(positions) > 1:
            return self._encode(positions)
        pos = positions[0]
        value = self._single.get(pos)
        if value is None:
            value = self._single[pos] = self._encode(positions)
        return value


class FieldPostings:
    """One field's postings: term -> flat list [docnum, weight, value, docnum, weight, value, ...] in docnum order."""

    def __init__(self, name: str, field) -> None:
        self.name, self.field = name, field
        self.terms: dict = {}
        self.lengths: dict[int, int] | None = {} if field.scorable else None  # docnum -> length
        fmt = field.format
        self.words = _Positions(fmt) if _inverts_words(field) else None
        self._boost = fmt.field_boost
        self._weights = [float(freq) * fmt.field_boost for freq in range(64)]

    def add(self, docnum: int, value, terms: _Terms) -> int:
        """Add one document's value; returns its length (whoosh's: the sum of term frequencies if scorable)."""
        if self.words is not None and isinstance(value, str):
            length = self._add_words(docnum, value, terms)
        else:
            length = self._add_items(docnum, value)
        if length and self.lengths is not None:
            # whoosh gives the writer each length as it reads it back from the lengths column (one byte: long
            # lengths approximate), but the writer only keeps lengths as that byte: the exact length gives the same
            self.lengths[docnum] = length
        return length if self.lengths is not None else 0

    def _add_words(self, docnum: int, text: str, terms: _Terms) -> int:
        analysed = [*map(terms.__getitem__, TOKEN.findall(text))]
        first = 0  # WordAnalyzer numbers the first word kept by its place among all words, the rest one by one
        while first < len(analysed) and analysed[first] is None:
            first += 1
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate([t for t in analysed if t is not None], first):
            at = positions.get(term)
            if at is None:
                positions[term] = [pos]
            else:
                at.append(pos)
        postings, weights, encode = self.terms, self._weights, self.words
        length = 0
        for term, at in positions.items():
            freq = len(at)
            length += freq
            weight = weights[freq] if freq < 64 else float(freq) * self._boost
            posting = postings.get(term)
            if posting is None:
                postings[term] = [docnum, weight, encode(at)]
            else:
                posting += (docnum, weight, encode(at))
        return length

    def _add_items(self, docnum: int, value) -> int:
        postings = self.terms
        length = 0
        for btext, freq, weight, vbytes in self.field.index(value):
            length += freq
            # whoosh multiplies by the document's boost (1.0, a float) and writes a missing value as b""
            item = (docnum, weight * 1.0, vbytes or b"")
            posting = postings.get(btext)
            if posting is None:
                postings[btext] = [*item]
            else:
                posting += item
        return length

    def sorted_terms(self) -> list[tuple[bytes, list]]:
        """(term bytes, flat postings) in the term order of whoosh's term index."""
        return sorted((t.encode("utf-8") if isinstance(t, str) else t, p) for t, p in self.terms.items())


def _inverts_words(field) -> bool:
    """True if this module inverts the field's text itself: WordAnalyzer words with positions."""
    return type(field.format) is formats.Positions and isinstance(field.analyzer, WordAnalyzer)


class Postings:
    """Every indexed field's postings of one segment."""

    def __init__(self, schema) -> None:
        self.schema = schema
        self.fields: dict[str, FieldPostings] = {}
        self.terms = _Terms()
        for name, field in schema.items():
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {name!r}: spelling and vector fields are not supported by this writer")

    def add(self, name: str, field, docnum: int, value) -> int:
        """Add the value of field `name` of document `docnum`; returns the length to record for it."""
        postings = self.fields.get(name)
        if postings is None:
            postings = self.fields[name] = FieldPostings(name, field)
        return postings.add(docnum, value, self.terms)

    def write(self, fieldwriter) -> None:
        """Write every field's terms and postings through whoosh's field writer (W3FieldWriter)."""
        postfile, term_index = fieldwriter._postfile, fieldwriter._tindex
        for name in sorted(self.fields):  # whoosh numbers the fields in the order written: by name, like its pool
            postings = self.fields[name]
            if not postings.terms:
                continue
            fieldwriter.start_field(name, postings.field)
            encoder = PostingListEncoder(fieldwriter._codec, postings.field.format)
            prefix = pack_ushort(fieldwriter._fieldid)
            lengths = postings.lengths
            for btext, flat in postings.sorted_terms():
                ids = flat[0::3]
                doc_lengths = None if lengths is None else [*map(lengths.__getitem__, ids)]
                data, info = encoder.encode(postfile.tell(), ids, flat[1::3], flat[2::3], doc_lengths)
                postfile.write(data)
                term_index.add(prefix + btext, info)
            fieldwriter.finish_field()
