"""Turn the real-page claims catalogue's variant phrasings into a labelled development set (JSONL).

    python scripts/catalogue_variants.py ../shared/reference/claims-catalogue.md > tests/data/catalogue_labels.jsonl

Each variant takes its claim type's verdict ("propose `unverified`" verdicts become `unverified`), or the verdict
the catalogue gives that variant alone ("*(this variant: unsupported)*").
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_CLAIM = re.compile(r"^#### `([a-z0-9-]+)`")
_VERDICT = re.compile(r"^- \*\*Verdict:\*\* (.*)$")
_VARIANT = re.compile(r"^  \d+\. (.*)$")
_OVERRIDE = re.compile(r"\s*\*\(this variant: ([^)]*)\)\*\s*$")
# "not to be flagged" variants are sound statements the catalogue gives no exact status: scored as unverified,
# which counts them among the sentences that must not be flagged.
_OVERRIDES = {
    "inaccurate": "inaccurate",
    "unsupported": "unsupported",
    "supported": "supported",
    "not to be flagged": "unverified",
}


def verdict_label(text: str) -> str:
    if "propose `unverified`" in text:
        return "unverified"
    return text.split()[0].strip("`*,")


def variants(catalogue: str):
    claim = verdict = None
    in_variants = False
    for line in catalogue.splitlines():
        if m := _CLAIM.match(line):
            claim, verdict, in_variants = m.group(1), None, False
        elif m := _VERDICT.match(line):
            verdict = verdict_label(m.group(1))
        elif line.startswith("- **Variant phrasings:**"):
            in_variants = True
        elif in_variants and (m := _VARIANT.match(line)):
            sentence, label = m.group(1).strip(), verdict
            if override := _OVERRIDE.search(sentence):
                sentence, label = sentence[: override.start()].strip(), _OVERRIDES[override.group(1)]
            yield {
                "doc": f"catalogue/{claim}",
                "sentence": sentence,
                "label": label,
                "reason": f"catalogue claim type {claim}",
            }
        elif line.startswith("- **"):
            in_variants = False


def main(path: str) -> None:
    for row in variants(Path(path).read_text(encoding="utf-8")):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
