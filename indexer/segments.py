"""Writing one index from several processes: each writes its own whoosh segment, the parent commits them all.

The only module that touches whoosh's writer internals. It makes the calls whoosh's own multi-process writer
(`whoosh.multiproc.MpWriter` with `multisegment=True`) makes, which is why whoosh-reloaded is pinned to one version
in pyproject.toml; tests/indexer/test_segments.py checks the result against a one-writer build.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, _lenfield
from whoosh.writing import SegmentWriter

# zlib level of posting blocks: whoosh's default (3) spent a twentieth of indexing time compressing
COMPRESSION = 1
# Postings held in memory before they are spilled to a sorted run on disk, per writer process.
LIMIT_MB = 256


class _Lengths:
    """Field lengths for the postings flush, read once per field instead of once per posting.

    whoosh looks each posting's document length up in the column file again, and for a field that has no lengths
    (ids, keywords) it looks for the column on disk again for every posting: together a third of indexing time.
    """

    def __init__(self, reader) -> None:
        self._reader = reader
        self._lengths: dict[str, list | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        try:
            lengths = self._lengths[fieldname]
        except KeyError:
            lengths = self._lengths[fieldname] = self._read(fieldname, default)
        return default if lengths is None else lengths[docnum]

    def _read(self, fieldname: str, default: int) -> list | None:
        reader = self._reader
        if not reader.has_column(_lenfield(fieldname)):
            return None
        return [reader.doc_field_length(d, fieldname, default) for d in range(reader.doc_count_all())]

    def close(self) -> None:
        self._reader.close()


class SegmentBuilder(SegmentWriter):
    """Writes one new segment of `ix` without taking the index lock (the committing process holds it)."""

    def __init__(self, ix, limitmb: int = LIMIT_MB) -> None:
        # compound=False: whoosh reads a compound segment file through an mmap, but copies each part it opens into
        # memory (BytesIO), which made every search process hold a private copy of the index
        super().__init__(ix, _lk=False, limitmb=limitmb, codec=W3Codec(compression=COMPRESSION), compound=False)

    def _flush_segment(self) -> None:
        # whoosh's SegmentWriter._flush_segment, with _Lengths around the per-document reader
        self.perdocwriter.close()
        lengths = _Lengths(self.per_document_reader()) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths:
            lengths.close()

    def finish(self):
        """The finished segment, or None if no document was added. Leaves the shared temp folder to commit()."""
        if not self._added:
            self._close_segment()
            return None
        return self._finalize_segment()

    def abandon(self) -> None:
        self._close_segment()


def commit_segments(ix, segments: list) -> None:
    """Make `segments` (written by SegmentBuilders of `ix`) the index's content, in the order given."""
    writer = SegmentWriter(ix)  # takes the index lock
    try:
        writer._close_segment()  # its own segment stays empty
        writer._commit_toc([s for s in segments if s is not None])
    finally:
        writer._finish()  # releases the lock and removes the temporary folder every writer used
