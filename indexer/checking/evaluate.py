"""Scoring the checker against hand-labelled sentences: per-status and flagged-vs-not precision and recall.

A label file is JSON Lines, one `{"doc", "sentence", "label"}` object a line (other keys, such as "reason", are
kept for the reader and ignored here). With a documents folder, each sentence is looked up in the named document
and scored as `sourcecheck check` labels it there; without one, the sentence is checked on its own.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..documents.loading import load_document
from ..errors import DocumentError, SourcecheckError
from ..knowledge.base import STATUSES, KnowledgeBase
from .analysis import check_document
from .evidence import FLAGGED, Checker, SentenceCheck


class LabelFileError(SourcecheckError):
    """A label file cannot be read or a line in it is invalid; the message names the file and line."""


@dataclass(frozen=True)
class Label:
    line: int
    doc: str
    sentence: str
    label: str


@dataclass(frozen=True)
class Outcome:
    label: Label
    check: SentenceCheck

    @property
    def predicted(self) -> str:
        return self.check.status


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores of one run; `as_dict()` for JSON, `as_text()` for people."""

    path: str
    outcomes: list[Outcome] = field(default_factory=list)

    def confusion(self) -> dict[str, dict[str, int]]:
        """counts[gold][predicted] over the five statuses."""
        counts = {gold: dict.fromkeys(STATUSES, 0) for gold in STATUSES}
        for o in self.outcomes:
            counts[o.label.label][o.predicted] += 1
        return counts

    def per_status(self) -> dict[str, dict[str, float]]:
        gold = Counter(o.label.label for o in self.outcomes)
        predicted = Counter(o.predicted for o in self.outcomes)
        hits = Counter(o.predicted for o in self.outcomes if o.predicted == o.label.label)
        out = {}
        for status in STATUSES:
            p, r = _ratio(hits[status], predicted[status]), _ratio(hits[status], gold[status])
            out[status] = {
                "precision": p,
                "recall": r,
                "f1": _f1(p, r),
                "support": gold[status],
                "predicted": predicted[status],
            }
        return out

    def flagged(self) -> dict[str, float]:
        """Flagged (inaccurate or unsupported) versus not: the product's main promise."""
        pairs = [(o.label.label in FLAGGED, o.predicted in FLAGGED) for o in self.outcomes]
        tp = sum(g and p for g, p in pairs)
        gold, pred = sum(g for g, _ in pairs), sum(p for _, p in pairs)
        sound = len(pairs) - gold
        false_flags = pred - tp
        p, r = _ratio(tp, pred), _ratio(tp, gold)
        return {
            "precision": p,
            "recall": r,
            "f1": _f1(p, r),
            "flagged_gold": gold,
            "flagged_predicted": pred,
            "sound": sound,
            "sound_flagged": false_flags,
            "sound_flagged_rate": _ratio(false_flags, sound),
        }

    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.predicted != o.label.label]

    def as_dict(self) -> dict:
        return {
            "labels": self.path,
            "sentences": len(self.outcomes),
            "accuracy": _ratio(len(self.outcomes) - len(self.misses()), len(self.outcomes)),
            "flagged": self.flagged(),
            "per_status": self.per_status(),
            "confusion": self.confusion(),
            "misses": [
                {
                    "line": o.label.line,
                    "doc": o.label.doc,
                    "sentence": o.label.sentence,
                    "label": o.label.label,
                    "predicted": o.predicted,
                    "rule": o.check.rule,
                }
                for o in self.misses()
            ],
        }

    def as_text(self) -> str:
        data = self.as_dict()
        f = data["flagged"]
        lines = [
            f"{data['labels']}: {data['sentences']} sentences, {data['accuracy']:.1%} labelled exactly right",
            "",
            f"Flagged (inaccurate or unsupported) vs not: precision {f['precision']:.3f}, recall {f['recall']:.3f}, "
            f"F1 {f['f1']:.3f}",
            f"  {f['flagged_gold']} labelled flagged, {f['flagged_predicted']} flagged by the checker; "
            f"{f['sound_flagged']} of {f['sound']} sound sentences flagged ({f['sound_flagged_rate']:.1%})",
            "",
            f"{'status':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'labelled':>8} {'checker':>8}",
        ]
        for status, s in data["per_status"].items():
            lines.append(
                f"{status:<12} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
                f"{s['support']:>8} {s['predicted']:>8}"
            )
        header = " " * 12 + "".join(f"{s[:10]:>11}" for s in STATUSES)
        lines += ["", "Confusion (rows: label, columns: checker)", header]
        for gold, row in data["confusion"].items():
            lines.append(f"{gold:<12}" + "".join(f"{row[s]:>11}" for s in STATUSES))
        lines += ["", f"Misses ({len(data['misses'])}):"]
        for m in data["misses"]:
            flag = "  FLAG" if (m["label"] in FLAGGED) != (m["predicted"] in FLAGGED) else "      "
            lines.append(
                f"{flag} line {m['line']}: {m['label']} -> {m['predicted']} ({m['rule'] or '-'}): {m['sentence']}"
            )
        return "\n".join(lines)


def read_labels(path: str | Path) -> list[Label]:
    """Parse a label file; raises LabelFileError naming the file and line of the first bad entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LabelFileError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from e
    labels = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{path}: line {number}"
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as e:
            raise LabelFileError(f"{where}: not valid JSON ({e.msg})") from e
        if not isinstance(item, dict):
            raise LabelFileError(f"{where}: expected an object with doc, sentence and label")
        for key in ("doc", "sentence", "label"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise LabelFileError(f"{where}: '{key}' must be a non-empty string")
        if item["label"] not in STATUSES:
            raise LabelFileError(f"{where}: label '{item['label']}' must be one of {', '.join(STATUSES)}")
        labels.append(Label(number, item["doc"], item["sentence"], item["label"]))
    if not labels:
        raise LabelFileError(f"{path}: no labels")
    return labels


def _squash(text: str) -> str:
    return " ".join(text.split())


def _document_checks(docs_dir: Path, name: str, checker: Checker, where: str) -> dict[str, SentenceCheck]:
    path = docs_dir / name
    if not path.is_file():
        raise LabelFileError(f"{where}: document '{name}' not found in {docs_dir}")
    try:
        checked = check_document(load_document(path), checker)
    except DocumentError as e:
        raise LabelFileError(f"{where}: document '{name}' cannot be used: {e.reason}") from e
    return {_squash(c.text): c for p in checked.passages for c in p.checks}


def evaluate_labels(
    labels_path: str | Path, docs_dir: str | Path | None = None, kb: KnowledgeBase | None = None
) -> Report:
    """Check every labelled sentence (in its document when `docs_dir` is given) and score the verdicts."""
    labels = read_labels(labels_path)
    checker = Checker(kb)
    report = Report(str(labels_path))
    documents: dict[str, dict[str, SentenceCheck]] = {}
    for label in labels:
        if docs_dir is None:
            report.outcomes.append(Outcome(label, checker.check(label.sentence)))
            continue
        where = f"{labels_path}: line {label.line}"
        if label.doc not in documents:
            documents[label.doc] = _document_checks(Path(docs_dir), label.doc, checker, where)
        check = documents[label.doc].get(_squash(label.sentence))
        if check is None:
            raise LabelFileError(f"{where}: sentence not found in document '{label.doc}': {label.sentence[:60]!r}")
        report.outcomes.append(Outcome(label, check))
    return report
