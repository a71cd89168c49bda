"""Knowledge: the curated facts and rules sentences are checked against, and the language they are written in.

patterns     the rule pattern language, compiled to regular expressions over stemmed text
quantities   numbers in claims (durations, proportions) and the measures that judge them
relations    claims read as relations between concepts, judged against the facts
schema       the declared shape of the knowledge files (pydantic models) and their JSON Schemas
facts        loading relations.toml and each topic's concepts.toml and facts.toml into a relation reader
base         the knowledge base: sources, terms, topics and rules, loaded and validated (`load_knowledge_base`)
data/        the knowledge files themselves: topics, relations, terms, sources, and schema/ (for editors)
"""
