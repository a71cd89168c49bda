"""Writing one index from several processes: each writes its own whoosh segment, the parent commits them all.

The only module that touches whoosh's writer internals. It makes the calls whoosh's own multi-process writer
(`whoosh.multiproc.MpWriter` with `multisegment=True`) makes, which is why whoosh-reloaded is pinned to one version
in pyproject.toml; tests/indexer/test_segments.py checks the result against a one-writer build.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import _lenfield
from whoosh.writing import SegmentWriter

# Postings held in memory before they are spilled to a sorted run on disk, per writer process.
LIMIT_MB = 96


class _Lengths:
    """Field lengths for the postings flush, remembering which fields have none.

    whoosh looks for a field's length column on disk again for every posting of a field that has no lengths (ids,
    keywords): one stat() per posting, which was a third of the build's indexing time.
    """

    def __init__(self, reader) -> None:
        self._reader = reader
        self._has: dict[str, bool] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        has = self._has.get(fieldname)
        if has is None:
            has = self._has[fieldname] = self._reader.has_column(_lenfield(fieldname))
        return self._reader.doc_field_length(docnum, fieldname, default) if has else default

    def close(self) -> None:
        self._reader.close()


class SegmentBuilder(SegmentWriter):
    """Writes one new segment of `ix` without taking the index lock (the committing process holds it)."""

    def __init__(self, ix, limitmb: int = LIMIT_MB) -> None:
        super().__init__(ix, _lk=False, limitmb=limitmb)

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
