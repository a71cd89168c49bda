"""The PostgreSQL search schema, declared with SQLAlchemy Core, created or upgraded idempotently under a recorded
version, and the partitions of each generation.

    search_schema        the schema's version (one row)
    search_libraries     a library (named by its index folder setting) and the generation it serves
    search_generations   each build: its library, manifest (set when published), vocabulary, field statistics
    search_documents     per generation (LIST partitions): each document's summary, stored JSON line and file path
    search_passages      per generation (LIST), each generation by HASH(doc_id): stored fields (jsonb), status,
                         topics, the analyzer's stems as a weighted tsvector (title A, heading B, text D; GIN), each
                         field's term frequencies and length (BM25)
    search_postings      per generation (LIST): each passage's terms, one a row, for scoring keyword queries term
                         at a time
    search_terms         per generation (LIST): each field's terms with document frequency and total frequency
                         (idf, wildcards, "is this word known")

A generation's rows live in partitions of their own, so a build creates them and pruning drops them whole.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from ...errors import SourcecheckError

VERSION = 2
HASH_PARTITIONS = 4  # passages of a generation, by document: spreads one table over several (and, later, disks)
# the passages' and terms' keys compare byte-wise (COLLATE "C"), as whoosh orders its terms
metadata = sa.MetaData()
# each build process's writer takes a number; its passages are numbered (writer << 32) + n, in the order written,
# which breaks ties between equal scores as whoosh's document numbers do
writer_seq = sa.Sequence("search_writer_seq", metadata=metadata)

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
    sa.Column("seq", sa.BigInteger, nullable=False),
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

# Each passage's terms one a row ("x:term" as in `tf`, its frequency and the field's length): a plain keyword query,
# most queries, is scored term at a time from these (an index-only scan of its terms' rows, summed per passage)
# instead of reading every matching passage's `tf`
postings = sa.Table(
    "search_postings",
    metadata,
    sa.Column("generation", sa.BigInteger, nullable=False),
    sa.Column("key", sa.Text(collation="C"), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("tf", sa.Integer, nullable=False),
    sa.Column("len", sa.Integer, nullable=False),
    sa.Index("search_postings_key", "generation", "key", postgresql_include=["seq", "tf", "len"]),
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

PARTITIONED = (documents, passages, postings, terms)
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
    elif found < VERSION:  # version 1 had no postings: its builds are dropped, the next build makes a new one
        for (g,) in connection.execute(sa.text("SELECT id FROM search_generations")).all():
            for table in PARTITIONED:
                connection.execute(sa.text(f"DROP TABLE IF EXISTS {partition(table, g)}"))
        connection.execute(sa.text("UPDATE search_libraries SET current = NULL"))
        connection.execute(sa.text("DELETE FROM search_generations"))
        metadata.create_all(connection, checkfirst=True)
        connection.execute(schema_version.update().values(version=VERSION))


def partition_names(generation: int) -> list[str]:
    """The tables a generation's rows live in (the passages' hash partitions go with their parent)."""
    return [partition(table, generation) for table in PARTITIONED]


def partition(table: sa.Table, generation: int) -> str:
    return f"{table.name}_g{int(generation)}"


def create_partitions(connection: sa.Connection, generation: int) -> None:
    """The generation's tables, not yet attached: a build writes into them while searches run on the parents
    (creating a partition in place takes an ACCESS EXCLUSIVE lock on the parent, which waits for every search and
    holds up the next ones; on a hot standby it would cancel long queries). `attach_partitions` adds them."""
    g = int(generation)
    for table in PARTITIONED:
        sub = " PARTITION BY HASH (doc_id)" if table is passages else ""
        connection.execute(
            sa.text(
                f"CREATE TABLE {partition(table, g)} (LIKE {table.name} INCLUDING DEFAULTS, "
                f"CHECK (generation = {g})){sub}"
            )
        )
    for remainder in range(HASH_PARTITIONS):
        connection.execute(
            sa.text(
                f"CREATE TABLE {partition(passages, g)}_h{remainder} PARTITION OF {partition(passages, g)} "
                f"FOR VALUES WITH (MODULUS {HASH_PARTITIONS}, REMAINDER {remainder})"
            )
        )


def attach_partitions(connection: sa.Connection, generation: int) -> None:
    """Attach a written generation's tables (SHARE UPDATE EXCLUSIVE: searches go on; the CHECK constraint spares the
    scan, and the parents' indexes are built on the loaded rows now)."""
    g = int(generation)
    for table in PARTITIONED:
        connection.execute(
            sa.text(f"ALTER TABLE {table.name} ATTACH PARTITION {partition(table, g)} FOR VALUES IN ({g})")
        )


def attached(connection, generation: int) -> list[str]:
    """The generation's tables that are partitions of their parents now."""
    rows = connection.execute(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = ANY(:names)"
        ),
        {"names": partition_names(generation)},
    )
    return [row.relname for row in rows]
