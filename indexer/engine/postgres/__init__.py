"""The PostgreSQL backend: a library's builds as generations of partitioned tables (schema.py), written by every
build process with COPY (writer.py), published by pointing the library at the new generation in one transaction,
and searched with a tsquery over GIN plus BM25 per field in SQL (tsquery.py, search.py).

A library is named by the index folder setting as given (`var/index`): web machines with the same setting share it,
tests' temporary folders stay apart. Builds are written on SOURCECHECK_SEARCH_URL (the primary) under an advisory
lock; searches may go to SOURCECHECK_SEARCH_READ_URL (a streaming standby), which sees a generation once it has
replayed the transaction that published it.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ...errors import BuildError, BuildLockedError
from . import schema
from .connect import SearchDatabaseError, connect_raw, engine, failure
from .search import PostgresIndex
from .writer import PassageWriter

__all__ = ["Generation", "PostgresCatalog", "SearchDatabaseError"]


@dataclass(frozen=True)
class Generation:
    """One build of a library: its generation number in the database."""

    library: str
    id: int

    @property
    def name(self) -> str:
        return f"generation-{self.id}"

    def __str__(self) -> str:
        return f"{self.library} ({self.name})"


class PostgresDocuments:
    """A generation's documents, read from search_documents."""

    def __init__(self, catalog: PostgresCatalog, generation: int) -> None:
        self.catalog, self.generation = catalog, generation

    def entries(self) -> dict[str, list]:
        rows = self.catalog._rows(
            "SELECT doc_id, title, counts, checksum, source FROM search_documents WHERE generation = :g ORDER BY seq",
            g=self.generation,
        )
        return {row.doc_id: [row.title, row.counts, row.checksum, row.source] for row in rows}

    def line(self, doc_id: str) -> bytes | None:
        rows = self.catalog._rows(
            "SELECT line FROM search_documents WHERE generation = :g AND doc_id = :id", g=self.generation, id=doc_id
        )
        return bytes(rows[0].line) if rows else None

    def lines(self) -> Iterator[bytes]:
        """Every line in build order, a batch a query (no transaction is held open between batches, so a reader
        that stops half-way holds up no build's DETACH)."""
        after = -1
        while True:
            rows = self.catalog._rows(
                "SELECT seq, line FROM search_documents WHERE generation = :g AND seq > :after ORDER BY seq LIMIT 500",
                g=self.generation,
                after=after,
            )
            for row in rows:
                yield bytes(row.line)
            if len(rows) < 500:
                return
            after = rows[-1].seq


class PostgresCatalog:
    """The generations of library `library` in the database at `url`; searches on `read_url`."""

    def __init__(self, url: str, library: str, read_url: str | None = None) -> None:
        self.url, self.library, self.read_url = url, library, read_url or url
        self.where = f"library {library!r} in the search database"
        self._ready = False

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_ready": False}

    def for_reading(self) -> PostgresCatalog:
        """This library as searched: on the read address (a standby cannot create the schema)."""
        return self if self.read_url == self.url else _ReadCatalog(self.read_url, self.library)

    # connections

    @contextmanager
    def _connect(self, url: str, begin: bool = False):
        try:
            with engine(url).connect() as conn:
                if begin:
                    with conn.begin():
                        yield conn
                else:
                    yield conn
        except (sa.exc.OperationalError, sa.exc.InternalError) as e:  # unreachable; read-only (a standby)
            raise failure(url, e, self._setting(url)) from e

    @contextmanager
    def _raw(self, autocommit: bool = False):
        """A psycopg connection of its own (COPY, VACUUM, DETACH CONCURRENTLY), its errors named as the setting's."""
        conn = connect_raw(self.url)
        try:
            conn.autocommit = autocommit
            yield conn
        except psycopg.Error as e:
            raise failure(self.url, e, self._setting(self.url)) from e
        finally:
            conn.close()

    def _setting(self, url: str) -> str:
        return "SOURCECHECK_SEARCH_URL" if url == self.url else "SOURCECHECK_SEARCH_READ_URL"

    def _schema(self) -> None:
        if not self._ready:
            with self._connect(self.url, begin=True) as conn:
                schema.ensure(conn)
            self._ready = True

    def _rows(self, sql: str, **params) -> list:
        self._schema()
        with self._connect(self.url) as conn:
            return list(conn.execute(sa.text(sql), params))

    # the catalog

    @contextmanager
    def lock(self, wait: float = 0.0):
        self._schema()
        key = zlib.crc32(self.library.encode()) - 2**31  # the two-key advisory lock: (schema's key, library's)
        deadline = time.monotonic() + wait
        with self._connect(self.url) as conn:
            while not conn.execute(
                sa.text("SELECT pg_try_advisory_lock(:a, :b)"), {"a": schema._LOCK, "b": key}
            ).scalar():
                conn.rollback()
                if time.monotonic() >= deadline:
                    raise BuildLockedError(f"{self.where}: another build is running; try again when it has finished")
                time.sleep(0.2)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:a, :b)"), {"a": schema._LOCK, "b": key})
                conn.commit()

    def current(self) -> Generation | None:
        try:
            rows = self._rows("SELECT current FROM search_libraries WHERE name = :name", name=self.library)
        except sa.exc.ProgrammingError:  # a standby before the primary made the schema
            return None
        return Generation(self.library, rows[0].current) if rows and rows[0].current is not None else None

    def manifest(self, build: Generation) -> dict:
        rows = self._rows("SELECT manifest FROM search_generations WHERE id = :g", g=build.id)
        return (rows[0].manifest if rows else None) or {}

    def begin(self) -> Generation:
        self._schema()
        with self._connect(self.url, begin=True) as conn:
            g = conn.execute(
                schema.generations.insert().values(library=self.library).returning(schema.generations.c.id)
            ).scalar_one()
            schema.create_partitions(conn, g)
        return Generation(self.library, g)

    def writer(self, build: Generation) -> PassageWriter:
        return PassageWriter(self.url, build.id)

    def commit(self, build: Generation, parts: Sequence) -> None:
        """The parts' term statistics into search_terms, the field totals into the generation; then ANALYZE, so the
        planner knows the new partitions before anyone searches them."""
        totals: dict[tuple[str, str], list[int]] = {}
        passages, lengths = 0, {}
        for part in parts:
            if part is None:
                continue
            passages += part.passages
            for field, n in part.lengths.items():
                lengths[field] = lengths.get(field, 0) + n
            for key, (df, freq) in part.terms.items():
                entry = totals.setdefault(key, [0, 0])
                entry[0] += df
                entry[1] += freq
        with self._raw() as conn:
            with conn.cursor() as cur:
                terms = f"search_terms_g{build.id}"
                with cur.copy(f"COPY {terms} (generation, field, term, df, freq) FROM STDIN") as copy:
                    for (field, term), (df, freq) in totals.items():
                        copy.write_row((build.id, field, term, df, freq))
                stats = json.dumps({"passages": passages, "lengths": lengths})
                cur.execute("UPDATE search_generations SET stats = %s WHERE id = %s", (stats, build.id))
            conn.commit()
        self._attach(build)

    def _attach(self, build: Generation) -> None:
        """VACUUM and ANALYZE the generation's tables (the planner knows them before anyone searches them, and the
        postings are read from their index alone), then attach them."""
        with self._raw(autocommit=True) as conn:
            for name in schema.partition_names(build.id):  # VACUUM too: index-only scans of the postings
                conn.execute(f"VACUUM (ANALYZE) {name}")
        with self._connect(self.url, begin=True) as conn:
            schema.attach_partitions(conn, build.id)

    def write_documents(self, build: Generation, records: Iterable, paths: Mapping[str, str]) -> None:
        with self._raw() as conn:
            columns = "generation, seq, doc_id, title, checksum, counts, source, line, path"
            table = f"search_documents_g{build.id}"
            with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for seq, record in enumerate(records):
                    copy.write_row(
                        (
                            build.id,
                            seq,
                            record.doc_id,
                            record.title,
                            record.checksum,
                            json.dumps(record.counts),
                            json.dumps(record.source, ensure_ascii=False),
                            record.line,
                            paths.get(record.doc_id, ""),
                        )
                    )
            conn.commit()

    def documents(self, build: Generation) -> PostgresDocuments:
        return PostgresDocuments(self, build.id)

    def ids(self, build: Generation | None) -> dict[str, str]:
        if build is None:
            return {}
        rows = self._rows("SELECT doc_id, path FROM search_documents WHERE generation = :g ORDER BY seq", g=build.id)
        return {row.doc_id: row.path for row in rows}

    def write_vocabulary(self, build: Generation, counts: Mapping[str, int]) -> None:
        with self._connect(self.url, begin=True) as conn:
            conn.execute(
                schema.generations.update()
                .where(schema.generations.c.id == build.id)
                .values(vocabulary=dict(sorted(counts.items())))
            )

    def vocabulary(self, build: Generation) -> dict[str, int]:
        rows = self._rows("SELECT vocabulary FROM search_generations WHERE id = :g", g=build.id)
        return (rows[0].vocabulary if rows else None) or {}

    def publish(self, build: Generation, manifest: dict) -> None:
        """One transaction: the manifest, and the library pointed at the generation."""
        libraries = schema.libraries
        with self._connect(self.url, begin=True) as conn:
            conn.execute(
                schema.generations.update().where(schema.generations.c.id == build.id).values(manifest=manifest)
            )
            upsert = insert(libraries).values(name=self.library, current=build.id)
            conn.execute(upsert.on_conflict_do_update(index_elements=[libraries.c.name], set_={"current": build.id}))

    def discard(self, build: Generation) -> None:
        try:
            self._drop([build.id])
        except (SearchDatabaseError, sa.exc.SQLAlchemyError):
            pass  # the database is gone: the generation was never published, and the next prune drops it

    def prune(self, keep: set) -> None:
        kept = [g.id for g in keep]
        rows = self._rows(
            "SELECT id FROM search_generations WHERE library = :library AND NOT (id = ANY(:kept))",
            library=self.library,
            kept=kept,
        )
        self._drop([row.id for row in rows])

    def _drop(self, ids: list[int]) -> None:
        """Drop generations: each table detached CONCURRENTLY first (searches of the other generations go on, and a
        hot standby replays no lock on the parents), then dropped."""
        for g in ids:
            with self._connect(self.url) as conn:
                attached = schema.attached(conn, g)
            with self._raw(autocommit=True) as raw:
                for table in schema.PARTITIONED:
                    name = schema.partition(table, g)
                    if name in attached:
                        raw.execute(f"ALTER TABLE {table.name} DETACH PARTITION {name} CONCURRENTLY")
                    raw.execute(f"DROP TABLE IF EXISTS {name}")
                raw.execute("DELETE FROM search_generations WHERE id = %s", (g,))

    def copy_from(self, library: str) -> Generation:
        """Serve a copy of the build library `library` serves (copied inside the database, as a new generation)."""
        source = PostgresCatalog(self.url, library).current()
        if source is None:
            raise BuildError(f"library {library!r} in the search database has no build to copy")
        with self.lock():
            build = self.begin()
            copies = [
                f"INSERT INTO {schema.partition(table, build.id)} ({', '.join(c.name for c in table.columns)}) "
                f"SELECT :new, {', '.join(c.name for c in table.columns if c.name != 'generation')} "
                f"FROM {table.name} WHERE generation = :old"
                for table in schema.PARTITIONED
            ]
            with self._connect(self.url, begin=True) as conn:
                for sql in copies:
                    conn.execute(sa.text(sql), {"new": build.id, "old": source.id})
                conn.execute(
                    sa.text(
                        "UPDATE search_generations SET vocabulary = old.vocabulary, stats = old.stats "
                        "FROM search_generations old WHERE search_generations.id = :new AND old.id = :old"
                    ),
                    {"new": build.id, "old": source.id},
                )
            self._attach(build)
            self.publish(build, self.manifest(source))
        return build

    def open(self, build: Generation) -> PostgresIndex:
        rows = self._rows("SELECT stats FROM search_generations WHERE id = :g", g=build.id)
        if not rows or rows[0].stats is None:
            raise BuildError(f"{self.where}: {build.name} is not a finished build")
        return PostgresIndex(engine(self.read_url), build.id, rows[0].stats)


class _ReadCatalog(PostgresCatalog):
    """A library as searched on a standby: reads only (the schema must have come from the primary)."""

    def _schema(self) -> None:
        self._ready = True

    def _setting(self, url: str) -> str:
        return "SOURCECHECK_SEARCH_READ_URL"
