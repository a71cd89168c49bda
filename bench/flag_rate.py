"""Share of MedQuAD sentences the checker flags, and the rules behind the flags.

MedQuAD's answers come from NIH websites, so nearly every `inaccurate` or `unsupported` flag on them is a false
flag: the share measures the checker's precision on authoritative text (target: at most 0.5%).

    python -m bench.flag_rate [--corpus PATH] [--limit N] [--examples K] [--format text|json]
    python -m bench.flag_rate --speed [--limit N]     # the checker alone: sentences per CPU second

The corpus is read from ../shared/benchmark/medquad/documents.jsonl.gz by default and never copied.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from indexer import FLAGGED, Checker, DocumentError, check_document
from indexer.documents.loading import document_from_text

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "benchmark" / "medquad" / "documents.jsonl.gz"


def checks(corpus: Path, limit: int | None, checker: Checker):
    """(document id, sentence check) pairs, cleaned, split and checked exactly as the index build does."""
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                return
            record = json.loads(line)
            try:
                doc = document_from_text(record["text"], record["id"], title=record.get("title") or "")
            except DocumentError:
                continue  # an answer with no text left after cleaning has no sentences to check
            for passage in check_document(doc, checker).passages:
                for check in passage.checks:
                    yield doc.id, check


def measure(corpus: Path, limit: int | None = None, examples: int = 3) -> dict:
    statuses: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    samples: dict[str, list[str]] = defaultdict(list)
    docs: set[str] = set()
    started = time.perf_counter()
    for doc_id, check in checks(corpus, limit, Checker()):
        docs.add(doc_id)
        statuses[check.status] += 1
        if check.status in FLAGGED:
            by_rule[check.rule] += 1
            if len(samples[check.rule]) < examples and check.text not in samples[check.rule]:
                samples[check.rule].append(check.text)
    total = sum(statuses.values())
    flagged = sum(statuses[s] for s in FLAGGED)
    return {
        "corpus": str(corpus),
        "documents": len(docs),
        "sentences": total,
        "flagged": flagged,
        "flag_rate": flagged / total if total else 0.0,
        "statuses": dict(statuses),
        "seconds": round(time.perf_counter() - started, 1),
        "rules": [{"rule": r, "flagged": n, "examples": samples[r]} for r, n in by_rule.most_common()],
    }


def checker_speed(corpus: Path, limit: int | None) -> dict:
    """Sentences per CPU second of `Checker.check` alone, on sentences split beforehand (no caching of verdicts)."""
    checker = Checker()
    texts = [check.text for _, check in checks(corpus, limit, checker)]
    started = time.process_time()
    for text in texts:
        checker.check(text)
    seconds = time.process_time() - started
    return {"sentences": len(texts), "cpu_seconds": round(seconds, 2), "per_second": round(len(texts) / seconds)}


def as_text(result: dict) -> str:
    lines = [
        f"{result['documents']:,} documents, {result['sentences']:,} sentences cleaned, split and checked in "
        f"{result['seconds']} s ({result['sentences'] / max(result['seconds'], 0.001):,.0f} sentences/s, one process)",
        f"flagged inaccurate or unsupported: {result['flagged']:,} ({result['flag_rate']:.3%})",
        "statuses: " + ", ".join(f"{k} {v:,}" for k, v in sorted(result["statuses"].items())),
        "",
        "flags by rule (commonest first):",
    ]
    for item in result["rules"]:
        lines.append(f"  {item['flagged']:6,}  {item['rule']}")
        lines += [f"          e.g. {text[:160]}" for text in item["examples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="MedQuAD documents.jsonl.gz")
    parser.add_argument("--limit", type=int, help="check only the first N documents")
    parser.add_argument("--examples", type=int, default=3, help="example sentences per rule")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--speed", action="store_true", help="time the checker alone instead")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"Error: corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    if args.speed:
        speed = checker_speed(args.corpus, args.limit)
        text = f"{speed['sentences']:,} sentences checked in {speed['cpu_seconds']} CPU s: {speed['per_second']:,}/s"
        print(json.dumps(speed) if args.format == "json" else text)
        return 0
    result = measure(args.corpus, args.limit, args.examples)
    print(json.dumps(result, indent=2) if args.format == "json" else as_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
