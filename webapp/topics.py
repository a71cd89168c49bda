"""The data behind the topics page and /api/v1/topics: per knowledge-base topic, the supported statements
support staff can quote (with a ready-to-copy citation) and, apart, the flagged passages with their corrections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indexer import FLAGGED, STATUSES, Hit, SentenceCheck

from .library import get_library
from .reading import passage_url
from .urls import absolute

PASSAGE_LIMIT = 200  # passages read per topic: far more than a person can use on one page


@dataclass(frozen=True)
class Statement:
    """A supported sentence, where it is, and how to cite it."""

    check: SentenceCheck
    hit: Hit

    @property
    def citation(self) -> str:
        """The sentence, the page it was first published on when known (else only our copy), and its sources."""
        sources = "; ".join(f"{s.publisher}, \u201c{s.title}\u201d, {s.url}" for s in self.check.sources)
        original = self.hit.source.citation()
        ours = absolute(passage_url(self.hit.doc_id, self.hit.position))
        where = f"\u201c{self.hit.title}\u201d. {original + '. ' if original else ''}Our copy: {ours}."
        return f"\u201c{self.check.text.strip()}\u201d From {where} Source: {sources}"


@dataclass(frozen=True)
class TopicView:
    id: str
    title: str
    kind: str
    summary: str
    query: str
    supported: tuple[Statement, ...]
    flagged: tuple[tuple[Hit, tuple[SentenceCheck, ...]], ...]  # passages and their flagged sentences on the topic

    def as_dict(self) -> dict[str, Any]:
        def where(hit: Hit) -> dict[str, Any]:
            return {
                "passage_id": hit.passage_id,
                "doc_id": hit.doc_id,
                "title": hit.title,
                "url": passage_url(hit.doc_id, hit.position),
                "source": hit.source.as_dict(),
            }

        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "summary": self.summary,
            "query": self.query,
            "supported": [{**where(s.hit), **s.check.as_dict(), "citation": s.citation} for s in self.supported],
            "flagged": [
                {**where(hit), "status": hit.status, "text": hit.text, "sentences": [c.as_dict() for c in checks]}
                for hit, checks in self.flagged
            ],
        }


def topic_views() -> tuple[TopicView, ...]:
    """Every knowledge-base topic, specific topics first, with its supported statements and flagged passages."""
    library = get_library()
    views = []
    for topic in sorted(library.kb.topics, key=lambda t: (t.kind != "topic", t.title.lower())):
        hits = library.passages_by_topic(topic.id, STATUSES, PASSAGE_LIMIT)
        supported = tuple(
            Statement(c, hit) for hit in hits for c in hit.sentences if c.topic == topic.id and c.status == "supported"
        )
        flagged = tuple(
            (hit, checks)
            for hit in hits
            if (checks := tuple(c for c in hit.sentences if c.topic == topic.id and c.status in FLAGGED))
        )
        views.append(TopicView(topic.id, topic.title, topic.kind, topic.summary, topic.query, supported, flagged))
    return tuple(views)
