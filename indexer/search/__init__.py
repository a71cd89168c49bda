"""Search: a request in, a page of ranked, labelled, highlighted passages out.

query     what a person typed, turned into an engine query (lenient parsing, synonyms, capped wildcards)
results   the request, its hits, their snippets and the page of results
library   the searchable library an index folder names (reopened when a new build is published)
"""
