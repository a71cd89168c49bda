"""The index: checked documents in, a build folder that can be served out, swapped in atomically.

pipeline     loading, checking and indexing documents over worker processes, each writing its own part
store        each document's cleaned text and checks, one JSON line per document, read by offset
vocabulary   the build's words as written, for "did you mean" suggestions
versions     the fingerprint of the code and libraries a build's verdicts depend on (the reuse key)
build        building into a fresh folder, reusing unchanged documents' checks, the atomic swap, opening
"""
