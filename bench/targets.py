"""The performance targets of issues 6 and 15, checked against one run's figures (at its largest MedQuAD corpus)."""

from __future__ import annotations

BUILD_PASSAGES_PER_S = 3000
P50_RATIO = 1.0  # library p50 <= FTS5 p50
P95_RATIO = 1.5  # library p95 <= 1.5 x FTS5 p95
NDCG = 0.57  # issue 15: nDCG@10 on the judged queries, at least tantivy's
HTTP_P95_MS = 60
HTTP_REQUESTS_PER_S = 100
HTTP_WORKERS = 2
WORKER_RSS_MB = 300


def _target(name: str, measured, limit, met: bool | None, unit: str = "") -> dict:
    return {"target": name, "measured": measured, "limit": limit, "unit": unit, "met": met}


def _at_least(value, *limits) -> bool | None:
    """value >= every limit; None when a figure was not measured (an nDCG left out of the run)."""
    if value is None or None in limits:
        return None
    return all(value >= limit for limit in limits)


def evaluate(results: dict) -> list[dict]:
    """Each target with the measured figure, the limit and whether it was met (None: not measured), at the largest
    corpus of the run that is not grown by copies (the targets are set for MedQuAD itself)."""
    plain = [s for s in results["sizes"] if s.get("copies", 1) == 1] or results["sizes"]
    largest = max(plain, key=lambda s: s["build"]["passages"])
    b, q = largest["build"], largest["query"]
    out = [
        _target(
            "build incl. checking, passages/s",
            b["passages_per_s"],
            f">= {BUILD_PASSAGES_PER_S}",
            b["passages_per_s"] >= BUILD_PASSAGES_PER_S,
        ),
        _target("library p50 / FTS5 p50", q["ratio"]["p50"], f"<= {P50_RATIO}", q["ratio"]["p50"] <= P50_RATIO),
        _target("library p95 / FTS5 p95", q["ratio"]["p95"], f"<= {P95_RATIO}", q["ratio"]["p95"] <= P95_RATIO),
        _target(
            "nDCG@10 ours vs FTS5",
            f"{q['library']['ndcg@10']} vs {q['fts5']['ndcg@10']}",
            ">= FTS5",
            _at_least(q["library"]["ndcg@10"], q["fts5"]["ndcg@10"]),
        ),
    ]
    if "tantivy" in q:
        ours, theirs = q["library"]["ndcg@10"], q["tantivy"]["ndcg@10"]
        out.append(
            _target(
                "nDCG@10 ours vs tantivy",
                f"{ours} vs {theirs}",
                f">= {NDCG} and >= tantivy",
                _at_least(ours, NDCG, theirs),
            )
        )
    served = next(
        (h for h in largest["http"] if h["workers"] == HTTP_WORKERS and h.get("backend", "whoosh") == "whoosh"), None
    )
    if served is None:
        out += [_target(f"/api/v1/search with {HTTP_WORKERS} workers", None, "", None)]
        return out
    api = served["api"]
    rss = max(served["worker_rss_mb"], default=0)
    out += [
        _target(
            f"/api/v1/search p95, {HTTP_WORKERS} workers",
            api["p95_ms"],
            f"<= {HTTP_P95_MS}",
            api["p95_ms"] <= HTTP_P95_MS,
            "ms",
        ),
        _target(
            f"/api/v1/search throughput, {HTTP_WORKERS} workers, no errors",
            api["requests_per_s"],
            f">= {HTTP_REQUESTS_PER_S}",
            api["requests_per_s"] >= HTTP_REQUESTS_PER_S and not any(api["errors"].values()),
            "req/s",
        ),
        _target("search-only memory per worker", rss, f"<= {WORKER_RSS_MB}", rss <= WORKER_RSS_MB, "MB"),
    ]
    return out
