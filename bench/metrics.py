"""Latency percentiles and nDCG@10 over graded judgments."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def latency_summary(seconds: Sequence[float]) -> dict:
    """p50, p95, p99 and mean in milliseconds."""
    return {
        "n": len(seconds),
        **{f"p{p}_ms": round(percentile(seconds, p) * 1000, 3) for p in (50, 95, 99)},
        "mean_ms": round(sum(seconds) / len(seconds) * 1000, 3),
    }


def documents_by_best_passage(doc_ids: Iterable[str]) -> list[str]:
    """Documents ranked by their best-ranked passage (qrels judge whole documents), from passages' doc ids in
    the engine's ranked order: a document's place is that of its first passage."""
    return list(dict.fromkeys(doc_ids))


def ndcg(ranked: Sequence[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains (trec_eval's ndcg_cut); unjudged documents count as not relevant."""
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def tuning_query(qid: str) -> bool:
    """Whether a query is in the half that ranking parameters may be chosen on (odd numbers; the even ones are held
    out, to show what a choice gives on queries it was not made on)."""
    return int(qid) % 2 == 1 if qid.isdigit() else False


def mean_ndcg(runs: dict[str, Sequence[str]], qrels: dict[str, dict[str, int]], k: int = 10) -> dict:
    """Mean nDCG@k over the queries with at least one relevant judged document present in `runs`, and over the
    tuning and held-out halves of them (`tuning_query`)."""
    judged = [q for q, grades in qrels.items() if any(g > 0 for g in grades.values()) and q in runs]
    scores = {q: ndcg(runs[q], qrels[q], k) for q in judged}

    def mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 4) if values else None

    tuning = [v for q, v in scores.items() if tuning_query(q)]
    held_out = [v for q, v in scores.items() if not tuning_query(q)]
    return {
        "queries": len(scores),
        f"ndcg@{k}": mean(list(scores.values())),
        f"ndcg@{k}_tuning": mean(tuning),
        f"ndcg@{k}_held_out": mean(held_out),
        "tuning_queries": len(tuning),
    }
