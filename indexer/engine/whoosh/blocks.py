"""Encoding one term's postings in whoosh's W3 format, the bytes whoosh's own postings writer writes.

whoosh's `W3PostingsWriter` takes postings one by one (`add_posting`, with its type checks and statistics) and
encodes a block of up to 128 with a dozen Python calls; `W3TermInfo` then packs the term's figures. Here a whole
posting list is encoded at once from plain lists, with the same pickles, the same zlib level and the same block
and term-info layout (whoosh 2.7.5, `whoosh/codec/whoosh3.py`: `_write_block`, `_mini_*`, `W3TermInfo.to_bytes`).
The bytes are whoosh's but for two things that read back the same: small blocks are not compressed (see
MIN_COMPRESSED), and a posting value shared by several postings (postings.py encodes a one-position value once) is
pickled once per block and referred to after.
"""

from __future__ import annotations

import zlib
from array import array
from operator import sub
from pickle import dumps

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long
from whoosh.util.numeric import length_to_byte

_TERM_INFO = W3TermInfo._struct
# Pickle protocol of a block's (ids, weights, values): whoosh writes protocol 2, which has no bytes type and pickles
# each posting value (bytes) as a call to codecs.encode on a str: ten times the time of protocol 3's native bytes,
# twice the size, and as slow again to read. whoosh's reader unpickles whatever protocol it finds.
DATA_PROTOCOL = 3
# Blocks whose pickle is shorter are written uncompressed (the block says so; whoosh's reader then skips zlib):
# below this zlib's header and checksum outweigh what it saves (measured on MedQuAD: the postings file is smaller),
# and two thirds of the blocks are this small (terms of one or two passages). whoosh's writer meant to do the same
# below 20 bytes (`_write_block`: "If the pickle is less than 20 bytes, don't bother compressing"), but its next
# line compresses anyway.
MIN_COMPRESSED = 128


class PostingListEncoder:
    """Encodes the posting lists of one field, for a codec's block size and compression level."""

    def __init__(self, codec, fmt) -> None:
        self.limit = codec._blocklimit
        self.level = codec._compression
        # values of a fixed size are joined into one string, of no size dropped, of any size kept as a tuple
        self.value_size = fmt.fixed_value_size()

    def encode(
        self, offset: int, ids: list[int], weights: list[float], values: list[bytes], lengths: list[int] | None
    ) -> tuple[bytes, bytes]:
        """(posting list bytes to write at `offset` of the postings file, term info bytes for the term index).

        `ids` ascending; `lengths` the stored field length of each posting's document, None for a field without
        lengths (whoosh reads 0 for those, which it leaves out of the length figures).
        """
        limit, level = self.limit, self.level
        count = len(ids)
        parts = [WHOOSH3_HEADER_MAGIC]
        total_weight, top_weight = 0, 0
        min_length, max_length = None, 0
        for start in range(0, count, limit):
            end = start + limit
            block_ids = ids[start:end]
            block_weights = weights[start:end]
            if block_weights.count(1.0) == len(block_weights):  # most blocks: whoosh stores no weights then
                total_weight += float(len(block_weights))
                mini_weights = None
            else:
                stored_weights = array("f", block_weights)  # whoosh keeps weights as 32-bit floats
                total_weight += sum(stored_weights)
                mini_weights = _mini_weights(stored_weights)
            block_top = max(block_weights)
            block_top = block_top if block_top > 0 else 0
            top_weight = max(top_weight, block_top)
            if lengths is None:
                block_min, block_max = None, 0
            else:
                block_lengths = lengths[start:end]
                block_min, block_max = min(block_lengths), max(block_lengths)
                min_length = block_min if min_length is None else min(min_length, block_min)
                max_length = max(max_length, block_max)
            data = (
                tuple(map(sub, block_ids, [0, *block_ids[:-1]])),  # ids as deltas
                mini_weights,
                self._mini_values(values[start:end]),
            )
            data_bytes = dumps(data, DATA_PROTOCOL)
            compression = level if len(data_bytes) >= MIN_COMPRESSED else 0
            if compression:
                data_bytes = zlib.compress(data_bytes, compression)
            info = dumps(
                (
                    len(block_ids),
                    block_ids[-1],
                    block_top,
                    compression,
                    _LENGTH_BYTE[block_min],
                    _LENGTH_BYTE[block_max],
                ),
                2,
            )
            size = len(info) + len(data_bytes)
            parts += (pack_int(-size if end >= count else size), info, data_bytes)  # the last block's is negative
        postings = b"".join(parts)
        term_info = (
            _TERM_INFO.pack(
                False,
                total_weight,
                count,
                _LENGTH_BYTE[min_length],
                _LENGTH_BYTE[max_length],
                top_weight,
                ids[0],
                ids[-1],
            )
            + pack_long(offset)
            + pack_int(len(postings))
        )
        return postings, term_info

    def _mini_values(self, values: list[bytes]):
        size = self.value_size
        if size == 0:
            return None
        kept = filter(None, values)  # add_posting keeps non-empty values only
        return tuple(kept) if size is None or size < 0 else b"".join(kept)


class _LengthBytes(dict):
    """whoosh's byte for a field length (None: no length, byte 0), computed once per length."""

    def __missing__(self, length: int | None) -> int:
        self[length] = found = length_to_byte(length)
        return found


_LENGTH_BYTE = _LengthBytes()


def _mini_weights(weights: array):
    count = len(weights)
    if weights.count(1.0) == count:
        return None
    if weights.count(weights[0]) == count:
        return weights[0]
    return tuple(weights)
