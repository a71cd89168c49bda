"""How fast the checker alone checks real sentences: MedQuAD answers split as the build splits them, then every
sentence checked, timed in CPU seconds of one process (the split is not timed).

    python -m bench.checker_speed [--corpus PATH] [--limit N] [--repeat K]

Prints sentences per CPU second for each of K passes over the same sentences (the first pass also compiles the
knowledge base's patterns, so the later ones are the steady rate). The corpus is read from ../shared and never
copied.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from indexer import Checker, DocumentError, document_from_text, split_passages

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "benchmark" / "medquad" / "documents.jsonl.gz"


def sentences(corpus: Path, limit: int) -> list[str]:
    out = []
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= limit:
                break
            record = json.loads(line)
            try:
                doc = document_from_text(record["text"], record["id"], title=record.get("title") or "")
            except DocumentError:
                continue
            out += [s.text for p in split_passages(doc) for s in p.sentences]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=2000, help="documents to read (default 2000)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.corpus.is_file():
        raise SystemExit(f"Error: corpus not found: {args.corpus}")
    texts = sentences(args.corpus, args.limit)
    checker = Checker()
    for number in range(1, args.repeat + 1):
        started = time.process_time()
        for text in texts:
            checker.check(text)
        seconds = time.process_time() - started
        print(
            f"pass {number}: {len(texts):,} sentences in {seconds:.2f} CPU s: {len(texts) / seconds:,.0f} sentences/s"
        )


if __name__ == "__main__":
    main()
