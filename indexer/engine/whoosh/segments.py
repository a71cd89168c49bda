"""Writing one index from several processes: each writes its own whoosh segment, the parent commits them all.

The modules that touch whoosh's writer internals are this one, postings.py and blocks.py (all in indexer/engine): a
SegmentBuilder writes a segment through whoosh's W3Codec (its per-document writer, its field writer and term index)
without whoosh's posting pool, a segment whoosh reads exactly as one its own SegmentWriter wrote; the parent then
commits the segments as whoosh's multi-process writer (`whoosh.multiproc.MpWriter` with `multisegment=True`) does.
That is why whoosh-reloaded is pinned to one version in pyproject.toml (and the path runs only with it:
engine/pins.py); tests/indexer/test_segments.py compares
everything whoosh reads from a segment with what its own writer makes of the same documents.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import UnknownFieldError
from whoosh.writing import SegmentWriter

from .postings import Postings

# zlib level of posting blocks: whoosh's default (3) spent a twentieth of indexing time compressing
COMPRESSION = 1


class SegmentBuilder:
    """Writes one new segment of `ix` without taking the index lock (the committing process holds it).

    Takes documents like whoosh's `add_document(**fields)`, without its `_boost` and `_stored_<field>` arguments.
    A document whose fields fail (an unknown field, a value the field cannot index) leaves the builder unusable.
    """

    def __init__(self, ix) -> None:
        self.schema = ix.schema
        self.codec = W3Codec(compression=COMPRESSION)
        self.storage = ix.storage
        self.segment = self.codec.new_segment(self.storage, ix.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.fieldwriter = self.codec.field_writer(self.storage, self.segment)
        self.postings = Postings(self.schema)
        self.docnum = 0
        # per field: (field, its postings if indexed, whether stored, its column type if any)
        self._fields = {
            name: (field, self.postings.field(name).add if field.indexed else None, field.stored, field.column_type)
            for name, field in self.schema.items()
        }

    def add_document(self, **fields) -> None:
        """Add one document (field name -> value; None: no value), as whoosh's SegmentWriter.add_document does."""
        perdoc, docnum, plan = self.perdoc, self.docnum, self._fields
        perdoc.start_doc(docnum)
        for name in sorted(fields):  # whoosh's order: the stored fields' dict is pickled in it
            value = fields[name]
            if value is None:
                continue
            if name not in plan:
                raise UnknownFieldError(f"No field named {name!r} in {self.schema}")
            field, add_postings, stored, column = plan[name]
            length = add_postings(docnum, value) if add_postings else 0
            perdoc.add_field(name, field, value if stored else None, length)
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self):
        """The finished segment, or None if no document was added. Leaves the shared temp folder to commit()."""
        if not self.docnum:
            self.abandon()
            return None
        self.perdoc.close()  # also gives the segment each field's total length
        self.postings.write(self.fieldwriter)
        self.fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        return self.segment

    def abandon(self) -> None:
        if not self.perdoc.is_closed:
            self.perdoc.close()
        if not self.fieldwriter.is_closed:
            self.fieldwriter.close()


def commit_segments(ix, segments: list) -> None:
    """Make `segments` (written by SegmentBuilders of `ix`) the index's content, in the order given."""
    writer = SegmentWriter(ix)  # takes the index lock
    try:
        writer._close_segment()  # its own segment stays empty
        writer._commit_toc([s for s in segments if s is not None])
    finally:
        writer._finish()  # releases the lock and removes the temporary folder every writer used
