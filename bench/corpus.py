"""The MedQuAD benchmark corpus, read from the shared folder (never copied into the repository).

Subsets of N documents always contain every judged document (so nDCG means the same thing at every size) plus a
seeded random sample of the rest, kept in the file's order. A corpus can also be grown k times: after the chosen
documents come k - 1 more copies of them under new ids (`copy_id`); the judgments still name the originals, so a
ranking is read with every copy mapped back to its original (`original_id`).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from indexer import SourceText

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmark" / "medquad"
DOCUMENTS = "documents.jsonl.gz"
SEED = 20190511  # the subsets are the same in every run
_COPY = re.compile(r"-copy(\d+)$")  # doc_id() never makes it: MedQuAD's repeats are numbered "-2", "-3", ...


def corpus_dir() -> Path:
    """`SOURCECHECK_MEDQUAD` if set, else ../shared/benchmark/medquad next to the repository."""
    return Path(os.environ.get("SOURCECHECK_MEDQUAD") or DEFAULT_DIR)


def doc_id(medquad_id: str) -> str:
    """Our document id for a MedQuAD id (as the library makes ids from file names: "GHR_0000804_Sec2.txt")."""
    stem = medquad_id.rsplit(".", 1)[0]
    return re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-")[:80] or "doc"


def copy_id(doc: str, copy: int) -> str:
    """The id of the `copy`-th copy (2, 3, ...) of a document when the corpus is grown; copy 1 is the original."""
    return doc if copy == 1 else f"{doc}-copy{copy}"


def original_id(doc: str) -> str:
    """The document a copy was made from (a document that is no copy is its own original)."""
    return _COPY.sub("", doc)


def parse_size(spec: str) -> tuple[int, int]:
    """A run's corpus from its command-line form: "5000" (documents), "16407x8" (those documents, 8 copies each)."""
    documents, x, copies = spec.strip().lower().partition("x")
    try:
        size, times = int(documents), int(copies if x else 1)
    except ValueError:
        raise ValueError(f"--sizes: {spec!r} is not DOCUMENTS or DOCUMENTSxCOPIES (such as 16407x8)") from None
    if size < 1 or times < 1:
        raise ValueError(f"--sizes: {spec!r}: documents and copies must be 1 or more")
    return size, times


@dataclass(frozen=True)
class Corpus:
    folder: Path
    chosen: frozenset[int] | None  # line numbers of the documents in this subset; None: all
    queries: dict[str, str]  # qid -> query
    qrels: dict[str, dict[str, int]]  # qid -> {our doc id: grade}
    copies: int = 1  # the chosen documents, then copies - 1 more copies of them under new ids

    def records(self):
        """The chosen documents in file order, each with our unique "doc_id" added (read lazily), and then each
        further copy of them in the same order (the file read again: nothing held in memory)."""
        for copy in range(1, self.copies + 1):
            for r in self._originals():
                yield r if copy == 1 else {**r, "id": f"copy{copy}/{r['id']}", "doc_id": copy_id(r["doc_id"], copy)}

    def _originals(self):
        seen: dict[str, int] = defaultdict(int)
        with gzip.open(self.folder / DOCUMENTS, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f):
                r = json.loads(line)
                base = doc_id(r["id"])
                seen[base] += 1  # MedQuAD repeats 8 ids for different answers: number the repeats
                if self.chosen is None or n in self.chosen:
                    yield {**r, "doc_id": base if seen[base] == 1 else f"{base}-{seen[base]}"}

    def sources(self):
        """The documents as the indexer takes them: answer text titled with its question, cleaned in workers."""
        for r in self.records():
            yield SourceText(r["text"], r["doc_id"], r["title"], "text", r["id"])


def read_queries(folder: Path) -> dict[str, str]:
    with open(folder / "queries.tsv", encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f if line.strip())


def read_qrels(folder: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with open(folder / "qrels.tsv", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                qid, medquad_id, grade = line.split("\t")
                qrels[qid][doc_id(medquad_id)] = int(grade)
    return dict(qrels)


def load(size: int | None = None, folder: Path | None = None, copies: int = 1) -> Corpus:
    """A subset of `size` documents (all 16,407 when size is None), grown to `copies` copies of each."""
    folder = folder or corpus_dir()
    if not (folder / DOCUMENTS).is_file():
        raise FileNotFoundError(f"{folder}: no {DOCUMENTS} (set SOURCECHECK_MEDQUAD to the MedQuAD folder)")
    qrels = read_qrels(folder)
    everything = Corpus(folder, None, read_queries(folder), qrels)
    ids = [r["doc_id"] for r in everything.records()]
    if size is None or size >= len(ids):
        return replace(everything, copies=copies)
    judged = {d for grades in qrels.values() for d in grades}
    must = [n for n, d in enumerate(ids) if d in judged]
    rest = [n for n, d in enumerate(ids) if d not in judged]
    chosen = must[:size] + random.Random(SEED).sample(rest, max(0, size - len(must)))
    return Corpus(folder, frozenset(chosen), everything.queries, qrels, copies)
