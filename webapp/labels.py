"""How each evidence status is shown to people: its words, its icon and what it means (the About page's data)."""

from __future__ import annotations

from dataclasses import dataclass

from indexer import FLAGGED


@dataclass(frozen=True)
class StatusLabel:
    status: str
    label: str
    icon: str  # name of an icon in templates/_icons.html
    badge: bool  # results carry a badge for this status
    meaning: str

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "label": self.label,
            "badge": self.badge,
            "meaning": self.meaning,
            "flagged": self.status in FLAGGED,
        }


LABELS: dict[str, StatusLabel] = {
    label.status: label
    for label in (
        StatusLabel(
            "inaccurate",
            "Inaccurate",
            "cross",
            True,
            "The sentence contradicts what authoritative sources say. We show what the sources say instead "
            "(the correction) and link to them.",
        ),
        StatusLabel(
            "unsupported",
            "Unsupported",
            "alert",
            True,
            "The sentence makes a health claim that goes beyond the evidence or leans on evidence nobody can "
            "check, such as \u201cstudies show\u201d without naming a study, or a promise of success.",
        ),
        StatusLabel(
            "unverified",
            "Not yet verified",
            "dot",
            False,
            "A health claim our knowledge base does not cover yet. It is not marked right or wrong; read it "
            "with care and check it with a clinician.",
        ),
        StatusLabel(
            "supported",
            "Supported",
            "check",
            True,
            "The sentence agrees with an authoritative source, which we cite.",
        ),
        StatusLabel(
            "no_claim",
            "No claim",
            "none",
            False,
            "The sentence makes no checkable health claim: feelings, encouragement, stories, questions.",
        ),
    )
}


def label(status: str) -> StatusLabel:
    return LABELS[status]
