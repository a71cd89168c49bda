"""The data behind the About page and /api/v1/about: what the statuses mean and which sources the checks use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from indexer import Source

from .labels import LABELS, StatusLabel
from .library import get_kb


@dataclass(frozen=True)
class About:
    statuses: tuple[StatusLabel, ...]
    sources: tuple[Source, ...]
    clarifications: tuple[Any, ...]
    topics: tuple[Any, ...]
    rules: int
    evidence_ranking: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "statuses": [s.as_dict() for s in self.statuses],
            "sources": [{"id": s.id, **s.as_dict()} for s in self.sources],
            "clarifications": [
                {"terms": list(c.terms), "title": c.title, "note": c.note, "sources": [s.as_dict() for s in c.sources]}
                for c in self.clarifications
            ],
            "topics": [{"id": t.id, "title": t.title, "kind": t.kind, "rules": len(t.rules)} for t in self.topics],
            "rules": self.rules,
            "evidence_ranking": self.evidence_ranking,
        }


def about_data() -> About:
    kb = get_kb()
    return About(
        statuses=tuple(LABELS.values()),
        sources=tuple(sorted(kb.sources.values(), key=lambda s: (s.publisher.lower(), s.title.lower()))),
        clarifications=kb.clarifications,
        topics=kb.topics,
        rules=len(kb.rules),
        evidence_ranking=current_app.config["EVIDENCE_RANKING"],
    )
