"""The index: checked documents in, a new build (a folder, or a PostgreSQL generation) out, published atomically.

pipeline     loading, checking and indexing documents over worker processes, each writing its own part
store        each document's cleaned text and checks, one JSON line per document, as the catalog keeps them
vocabulary   the build's words as written, for "did you mean" suggestions
versions     the fingerprint of the code and libraries a build's verdicts depend on (the reuse key)
build        building a new build beside the served one, reusing unchanged documents' checks, publishing, opening
"""
