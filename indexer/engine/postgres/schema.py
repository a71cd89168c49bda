"""The PostgreSQL search schema, declared with SQLAlchemy Core, created or upgraded idempotently under a recorded
version, and the partitions of each generation.

    search_schema        the schema's version (one row)
    search_libraries     a library (named by its index folder setting) and the generation it serves
    search_generations   each build: its library, manifest (set when published), vocabulary, field statistics
    search_documents     per generation (LIST partitions): each document's summary, stored JSON line and file path
    search_passages      per generation (LIST), each generation by HASH(doc_id): stored fields (jsonb), status,
                         topics, the analyzer's stems as a weighted tsvector (title A, heading B, text D; GIN), each
                         field's term frequencies and length (BM25)
    search_terms         per generation (LIST): each field's terms with document frequency and total frequency
                         (idf, wildcards, "is this word known")

A generation's rows live in partitions of their own, so a build creates them and pruning drops them whole.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from ...errors import SourcecheckError

VERSION = 1
HASH_PARTITIONS = 4  # passages of a generation, by document: spreads one table over several (and, later, disks)
# the passages' and terms' keys compare byte-wise (COLLATE "C"), as whoosh orders its terms
metadata = sa.MetaData()
passage_seq = sa.Sequence("search_passage_seq", metadata=metadata)  # passages in the order written: ties' order

schema_version = sa.Table("search_schema", metadata, sa.Column("version", sa.Integer, nullable=False))

libraries = sa.Table(
    "search_libraries",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("current", sa.BigInteger),
)

generations = sa.Table(
    "search_generations",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("library", sa.Text, nullable=False, index=True),
    sa.Column("created", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column("manifest", JSONB),  # null until published
    sa.Column("vocabulary", JSONB),
    sa.Column("stats", JSONB),  # passages, and each field's total length
)

documents = sa.Table(
    "search_documents",
    metadata,
    sa.Column("generation", sa.BigInteger, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("doc_id", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("checksum", sa.Text, nullable=False),
    sa.Column("counts", JSONB, nullable=False),
    sa.Column("source", JSONB, nullable=False),
    sa.Column("line", sa.LargeBinary, nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("generation", "doc_id"),
    postgresql_partition_by="LIST (generation)",
)

passages = sa.Table(
    "search_passages",
    metadata,
    sa.Column("generation", sa.BigInteger, nullable=False),
    sa.Column("seq", sa.BigInteger, server_default=passage_seq.next_value(), nullable=False),
    sa.Column("passage_id", sa.Text(collation="C"), nullable=False),
    sa.Column("doc_id", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("topics", ARRAY(sa.Text), nullable=False),
    sa.Column("fields", JSONB, nullable=False),
    sa.Column("tsv", TSVECTOR, nullable=False),
    sa.Column("tf", JSONB, nullable=False),  # "x:term" (text), "t:term" (title), "h:term" (heading) -> frequency
    sa.Column("len_text", sa.Integer, nullable=False),
    sa.Column("len_title", sa.Integer, nullable=False),
    sa.Column("len_heading", sa.Integer, nullable=False),
    sa.Index("search_passages_tsv", "tsv", postgresql_using="gin"),
    sa.Index("search_passages_seq", "generation", "seq"),
    sa.Index("search_passages_id", "generation", "passage_id"),
    sa.Index("search_passages_topics", "topics", postgresql_using="gin"),
    postgresql_partition_by="LIST (generation)",
)

terms = sa.Table(
    "search_terms",
    metadata,
    sa.Column("generation", sa.BigInteger, nullable=False),
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("term", sa.Text(collation="C"), nullable=False),
    sa.Column("df", sa.Integer, nullable=False),
    sa.Column("freq", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("generation", "field", "term"),
    postgresql_partition_by="LIST (generation)",
)

PARTITIONED = (documents, passages, terms)
_LOCK = 0x53435348  # "SCSH": the advisory lock key of schema changes (and, with a library's hash, of builds)


class SchemaError(SourcecheckError):
    """The database's search schema is newer than this code."""


def ensure(connection: sa.Connection) -> None:
    """Create the schema, or upgrade it, to VERSION (in the caller's transaction; concurrent callers wait)."""
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    metadata.create_all(connection, checkfirst=True)
    found = connection.execute(sa.select(schema_version.c.version)).scalar()
    if found is None:
        connection.execute(schema_version.insert().values(version=VERSION))
    elif found > VERSION:
        raise SchemaError(f"the search schema is version {found}, newer than this Sourcecheck's ({VERSION})")
    elif found < VERSION:  # upgrades from older versions go here, one step a version
        connection.execute(schema_version.update().values(version=VERSION))


def partition_names(generation: int) -> list[str]:
    """The tables a generation's rows live in (the passages' hash partitions are dropped with their parent)."""
    return [f"{table.name}_g{int(generation)}" for table in PARTITIONED]


def create_partitions(connection: sa.Connection, generation: int) -> None:
    g = int(generation)
    for table in (documents, terms):
        connection.execute(sa.text(f"CREATE TABLE {table.name}_g{g} PARTITION OF {table.name} FOR VALUES IN ({g})"))
    connection.execute(
        sa.text(
            f"CREATE TABLE search_passages_g{g} PARTITION OF search_passages FOR VALUES IN ({g}) "
            "PARTITION BY HASH (doc_id)"
        )
    )
    for remainder in range(HASH_PARTITIONS):
        connection.execute(
            sa.text(
                f"CREATE TABLE search_passages_g{g}_h{remainder} PARTITION OF search_passages_g{g} "
                f"FOR VALUES WITH (MODULUS {HASH_PARTITIONS}, REMAINDER {remainder})"
            )
        )


def drop_partitions(connection: sa.Connection, generation: int) -> None:
    for name in partition_names(generation):
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
