"""The engine boundary: the search engine that indexes checked passages and searches them, and the only code that
reaches into a dependency's private internals.

    interface       the search engine's types: a Catalog of one library's builds (lock, current, begin, a
                    PassageWriter a process, commit, documents, vocabulary, publish atomically, discard, prune,
                    open), a SearchIndex and its Searchers (the best matches of a query, stored fields, terms);
                    `catalog()` picks the backend (SOURCECHECK_SEARCH_URL), `default_engine()` is whoosh, embedded
    folder          builds as folders of the index folder, `current` a symlink, the passages in whoosh (Engine)
    postgres/       builds as generations of partitioned PostgreSQL tables: schema, writer (COPY from every build
                    process), tsquery (whoosh's query objects as tsquery), search (GIN, then BM25 per field in SQL)
    pins            ENGINE_INTERNALS and the exact versions: whether the fast paths below are used (`internals`)
    nltk_import     NLTK's stemmer and punkt, NLTK imported without SciPy (0.9 s of every start; pinned NLTK only)
    punkt           NLTK's Punkt sentence boundaries with a fraction of Punkt's work (Punkt's `_lang_vars`,
                    `text_contains_sentbreak`...), or NLTK's own tokenizer
    whoosh/         the whoosh engine: schema (fields and analyzer), segments, postings and blocks (a segment per
                    process, written through W3Codec's writers: `fieldwriter._postfile`, `W3TermInfo._struct`,
                    `SegmentWriter._commit_toc`...), scoring (BM25 per field, term at a time over `W3LeafMatcher`
                    blocks), plain (whoosh's own writer, merging the parts)

Each fast path is tested against the library it replaces, and the suite runs both ways (`.ci/run`): with
SOURCECHECK_ENGINE_INTERNALS=off the passages and verdicts are the same and the search results equivalent.
Layers above (index, search) use the engine through these types and whoosh's public query API (the query language
on both backends).

The boundary has two sides in the layer order (tests/test_architecture.py): nltk_import, pins and punkt sit below
language (the stemmer and the sentence splitter use them), interface, folder, postgres/ and whoosh/ above checking
(whoosh's analyzer stems as language.text does). So this package's __init__ imports nothing: importing punkt does
not load the search engine.
"""
