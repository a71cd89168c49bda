"""The postings of one new segment, held in memory as documents arrive and written once through whoosh's codec.

whoosh's SegmentWriter puts every posting into a pool of tuples, sorts them all (spilling sorted runs to disk and
merging them) and hands them one at a time to the codec's field writer, which checks and buffers each one. Documents
arrive in docnum order, so a list per term is already sorted: only the terms are sorted, once, at the end, and each
term's list is encoded in one piece (blocks.py) and added to whoosh's term index.

Text fields analysed by the schema's WordAnalyzer are inverted here directly (the same terms, positions and weights
as whoosh's `Positions.word_values`); every other indexed field goes through its whoosh field type's `index()`.
tests/indexer/test_segments.py compares everything whoosh reads from such a segment with what its own writer makes.
"""

from __future__ import annotations

from whoosh import formats
from whoosh.analysis import STOP_WORDS, IDTokenizer
from whoosh.fields import FieldType
from whoosh.system import pack_ushort

from ...language.text import stem
from .blocks import PostingListEncoder
from .schema import MIN_WORD, TOKEN, WordAnalyzer

ANALYSED_VALUES = 10_000  # values of a field remembered with their terms (cleared when full)


class _Terms(dict):
    """Index term of each word as written (None for a stop word), as WordAnalyzer makes it; filled on first use."""

    def __missing__(self, word: str) -> str | None:
        lower = word.lower()
        term = None if len(lower) < MIN_WORD or lower in STOP_WORDS else stem(lower)
        self[word] = term
        return term


class FieldPostings:
    """One field's postings: term -> flat list [docnum, weight, value, docnum, weight, value, ...] in docnum order.

    `add(docnum, value)` takes one document's value and returns its length (whoosh's: the sum of the frequencies of
    its terms, 0 for a field that is not scorable). Terms are kept as str for fields whose terms are UTF-8 (those
    inverted here), as whoosh's bytes otherwise.
    """

    def __init__(self, field, terms: _Terms) -> None:
        self.field = field
        self.terms: dict = {}
        self.lengths: dict[int, int] | None = {} if field.scorable else None  # docnum -> length
        fmt = field.format
        self._boost = fmt.field_boost
        if _inverts_words(field):
            self.add, self._words, self._str_terms = self._add_words, terms, True
            self._encode = fmt.encode
            self._weights = [float(freq) * fmt.field_boost for freq in range(64)]
            self._single: list[bytes] = []  # the value of one position, by position: most postings have one
        elif _is_whole_value(field):
            self.add, self._str_terms = self._add_whole, True
            self._whole = float(fmt.field_boost)  # Existence's weight, times the document's boost (1.0)
        else:
            self.add, self._str_terms = self._add_items, False
        self._analysed: dict[str, list[tuple]] = {}

    def _add_words(self, docnum: int, text) -> int:
        if type(text) is not str:  # a list of words: whoosh takes them as they are, without the analyzer
            return self._add_items(docnum, text)
        analysed = [*map(self._words.__getitem__, TOKEN.findall(text))]
        kept = [term for term in analysed if term is not None]
        first = 0  # WordAnalyzer numbers the first word kept by its place among all words, the rest one by one
        if kept and analysed[0] is None:
            while analysed[first] is None:
                first += 1
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate(kept, first):
            at = positions.get(term)
            if at is None:
                positions[term] = [pos]
            else:
                at.append(pos)
        if len(self._single) < first + len(kept):
            self._single += [self._encode([pos]) for pos in range(len(self._single), 2 * (first + len(kept)))]
        postings, weights, single, once = self.terms, self._weights, self._single, self._weights[1]
        for term, at in positions.items():
            if len(at) == 1:
                item = (docnum, once, single[at[0]])
            else:
                freq = len(at)
                item = (docnum, weights[freq] if freq < 64 else float(freq) * self._boost, self._encode(at))
            posting = postings.get(term)
            if posting is None:
                postings[term] = [*item]
            else:
                posting += item
        return self._length(docnum, len(kept))

    def _add_whole(self, docnum: int, value) -> int:
        if type(value) is not str:
            return self._add_items(docnum, value)
        posting = self.terms.get(value)
        if posting is None:
            self.terms[value] = [docnum, self._whole, b""]
        else:
            posting += (docnum, self._whole, b"")
        return self._length(docnum, 1)

    def _add_items(self, docnum: int, value) -> int:
        items = self._analysed.get(value) if type(value) is str else None
        if items is None:
            items = self._analyse(value)
        postings = self.terms
        length = 0
        for term, weight, vbytes, freq in items:
            length += freq
            posting = postings.get(term)
            if posting is None:
                postings[term] = [docnum, weight, vbytes]
            else:
                posting += (docnum, weight, vbytes)
        return self._length(docnum, length)

    def _analyse(self, value) -> list[tuple]:
        """(term, weight, value bytes, frequency) of each term of a value, by whoosh's field type; remembered for
        str values, which repeat (a document's topics, a status)."""
        str_terms = self._str_terms
        # whoosh multiplies each weight by the document's boost (1.0, a float) and writes a missing value as b""
        items = [
            (btext.decode("utf-8") if str_terms else btext, weight * 1.0, vbytes or b"", freq)
            for btext, freq, weight, vbytes in self.field.index(value)
        ]
        if type(value) is str:
            if len(self._analysed) >= ANALYSED_VALUES:
                self._analysed.clear()
            self._analysed[value] = items
        return items

    def _length(self, docnum: int, length: int) -> int:
        if self.lengths is None:
            return 0
        if length:
            # whoosh gives the writer each length as it reads it back from the lengths column (one byte: long
            # lengths approximate), but the writer only keeps lengths as that byte: the exact length gives the same
            self.lengths[docnum] = length
        return length

    def sorted_terms(self) -> list[tuple[bytes, list]]:
        """(term bytes, flat postings) in the term order of whoosh's term index."""
        terms = self.terms
        if self._str_terms:  # str order is UTF-8 byte order, and sorting str is faster than sorting pairs
            return [(term.encode("utf-8"), terms[term]) for term in sorted(terms)]
        return [(term, terms[term]) for term in sorted(terms)]


def _inverts_words(field) -> bool:
    """True if the field's text is inverted here: WordAnalyzer words with positions, UTF-8 terms."""
    return _utf8_terms(field) and type(field.format) is formats.Positions and type(field.analyzer) is WordAnalyzer


def _is_whole_value(field) -> bool:
    """True if the field's one term is its whole value: whoosh's ID field (an IDTokenizer, presence only)."""
    return _utf8_terms(field) and type(field.format) is formats.Existence and type(field.analyzer) is IDTokenizer


def _utf8_terms(field) -> bool:
    return type(field).index is FieldType.index  # whoosh's: the analyzer's token texts, UTF-8 encoded


class Postings:
    """Every indexed field's postings of one segment."""

    def __init__(self, schema) -> None:
        self.schema = schema
        self.fields: dict[str, FieldPostings] = {}
        self.terms = _Terms()
        for name, field in schema.items():
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {name!r}: spelling and vector fields are not supported by this writer")

    def field(self, name: str) -> FieldPostings:
        """The postings of indexed field `name`."""
        postings = self.fields.get(name)
        if postings is None:
            postings = self.fields[name] = FieldPostings(self.schema[name], self.terms)
        return postings

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
            offset = postfile.tell()
            for btext, flat in postings.sorted_terms():
                ids = flat[0::3]
                doc_lengths = None if lengths is None else [*map(lengths.__getitem__, ids)]
                data, info = encoder.encode(offset, ids, flat[1::3], flat[2::3], doc_lengths)
                postfile.write(data)
                offset += len(data)
                term_index.add(prefix + btext, info)
            fieldwriter.finish_field()
