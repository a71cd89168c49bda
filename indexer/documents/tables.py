"""Tables as sentences: a cell states its claim only with its row label and column header ("Where sperm goes" x
"ICI" x "directly into the uterus"), so each row becomes one paragraph in which every cell is a sentence that
names both ("ICI, where sperm goes: directly into the uterus."). A row whose first cell is itself a sentence (a
"Myth | Fact" table) is not a label: each of its cells is a sentence of its own after its header ("Myth: ...")."""

from __future__ import annotations

import re

_TERMINAL = (".", "!", "?")
_LABEL_WORDS = 6  # a row label is short ("Where sperm goes", "Success per cycle"); longer, it is a statement
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def is_markdown_row(line: str) -> bool:
    """Whether `line` is a row of a Markdown pipe table ("| a | b |")."""
    return line.startswith("|") and line.count("|") >= 2


def markdown_rows(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of consecutive Markdown table lines; no header when the second line is not a separator."""
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines if not _MD_SEPARATOR.match(line)]
    if len(lines) > 1 and _MD_SEPARATOR.match(lines[1]):
        return cells[0], cells[1:]
    return [], cells


def row_paragraphs(header: list[str], rows: list[list[str]]) -> list[str]:
    """One paragraph per row, each non-empty cell a sentence naming its column header and row label."""
    out = []
    for row in rows:
        cells = [" ".join(c.split()) for c in row]
        if not any(cells):
            continue
        label = cells[0]
        if len(cells) == 1 or _is_statement(label):
            parts = [_named(header[i] if i < len(header) else "", "", c) for i, c in enumerate(cells) if c]
        else:
            parts = [_named(header[i] if i < len(header) else "", label, c) for i, c in enumerate(cells[1:], 1) if c]
            parts = parts or [_sentence(label)]
        out.append(" ".join(parts))
    return out


def _is_statement(text: str) -> bool:
    return len(text.split()) > _LABEL_WORDS or text.endswith(_TERMINAL)


def _named(header: str, label: str, cell: str) -> str:
    """ "ICI, where sperm goes: directly into the uterus." (the label lower-cased after a header, as a phrase)."""
    header = " ".join(header.split())
    if label and header:
        lowered = label[:1].lower() + label[1:] if not label[1:2].isupper() else label  # not "iUI"
        lead = f"{header}, {lowered}"
    else:
        lead = header or label
    return _sentence(f"{lead}: {cell}" if lead else cell)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(_TERMINAL) else text + "."
