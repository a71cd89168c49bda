"""The MedQuAD benchmark corpus, read from the shared folder (never copied into the repository).

Subsets of N documents always contain every judged document (so nDCG means the same thing at every size) plus a
seeded random sample of the rest, kept in the file's order.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from indexer import SourceText

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmark" / "medquad"
DOCUMENTS = "documents.jsonl.gz"
SEED = 20190511  # the subsets are the same in every run


def corpus_dir() -> Path:
    """`SOURCECHECK_MEDQUAD` if set, else ../shared/benchmark/medquad next to the repository."""
    return Path(os.environ.get("SOURCECHECK_MEDQUAD") or DEFAULT_DIR)


def doc_id(medquad_id: str) -> str:
    """Our document id for a MedQuAD id (as the library makes ids from file names: "GHR_0000804_Sec2.txt")."""
    stem = medquad_id.rsplit(".", 1)[0]
    return re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-")[:80] or "doc"


@dataclass(frozen=True)
class Corpus:
    folder: Path
    chosen: frozenset[int] | None  # line numbers of the documents in this subset; None: all
    queries: dict[str, str]  # qid -> query
    qrels: dict[str, dict[str, int]]  # qid -> {our doc id: grade}

    def records(self):
        """The chosen documents in file order, each with our unique "doc_id" added (read lazily)."""
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


def load(size: int | None = None, folder: Path | None = None) -> Corpus:
    """A subset of `size` documents (all 16,407 when size is None)."""
    folder = folder or corpus_dir()
    if not (folder / DOCUMENTS).is_file():
        raise FileNotFoundError(f"{folder}: no {DOCUMENTS} (set SOURCECHECK_MEDQUAD to the MedQuAD folder)")
    qrels = read_qrels(folder)
    everything = Corpus(folder, None, read_queries(folder), qrels)
    ids = [r["doc_id"] for r in everything.records()]
    if size is None or size >= len(ids):
        return everything
    judged = {d for grades in qrels.values() for d in grades}
    must = [n for n, d in enumerate(ids) if d in judged]
    rest = [n for n, d in enumerate(ids) if d not in judged]
    chosen = must[:size] + random.Random(SEED).sample(rest, max(0, size - len(must)))
    return Corpus(folder, frozenset(chosen), everything.queries, qrels)
