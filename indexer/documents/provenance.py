"""Where a document was first published: its original URL, publisher, author and date, and how they are read.

Three places may say it; per field, the first that gives a valid value wins:
    1. the manifest beside the documents (`sources.json`, else `manifest.json`: file name -> {url, publisher, ...})
    2. the file itself: front matter at the top of a .md or .txt file, or an HTML page's metadata
       (<link rel="canonical">, og:url; og:site_name; <meta name="author">; article:published_time, else
       article:modified_time, else the first <time datetime>)
Document text is untrusted, so every value is checked: `url` must be an http(s) address and `date` a real day
(normalised to YYYY-MM-DD); a bad one is dropped with a warning naming the file and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import urlsplit

FIELDS = ("url", "publisher", "author", "date")
MANIFEST_NAMES = ("sources.json", "manifest.json")  # the first found in a document's folder is read
MAX_URL = 2000
MAX_NAME = 200
_FRONT_MATTER_LINES = 100  # a block longer than this is not front matter: text that happens to start with ---
_FRONT_LINE = re.compile(r"\s*$|\s*#|\s+\S|-\s|[A-Za-z_][\w-]*\s*:")  # a YAML-ish line: blank, comment, nested, key
_KEY_VALUE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")  # controls and bidi overrides never kept
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")


@dataclass(frozen=True)
class Provenance:
    """A document's original publication; an empty string is a field nobody gave."""

    url: str = ""
    publisher: str = ""
    author: str = ""
    date: str = ""  # YYYY-MM-DD

    def __bool__(self) -> bool:
        return any(getattr(self, f) for f in FIELDS)

    def as_dict(self) -> dict[str, str]:
        """Only the fields present."""
        return {f: v for f in FIELDS if (v := getattr(self, f))}

    @classmethod
    def from_dict(cls, data: Mapping[str, str] | None) -> Provenance:
        return cls(**{f.name: str(data[f.name]) for f in fields(cls) if data and data.get(f.name)})

    def over(self, other: Provenance) -> Provenance:
        """These fields, and `other`'s where these are missing."""
        return Provenance(**{f: getattr(self, f) or getattr(other, f) for f in FIELDS})

    def citation(self) -> str:
        """A line like `Originally published by P (date), written by A, URL`, only the parts known ("" if none)."""
        if not self:
            return ""
        words = "Originally published" + (f" by {self.publisher}" if self.publisher else "")
        words += f" ({self.date})" if self.date else ""
        words += f", written by {self.author}" if self.author else ""
        return f"{words}, {self.url}" if self.url else words


def normal_date(value: str) -> str | None:
    """`value` as YYYY-MM-DD (an ISO date or date-time, 2024/03/05, 5 March 2024, March 5, 2024), else None."""
    value = " ".join(value.split())
    try:
        # a date-time keeps the day it was written in (its own time zone): the day the page says
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def validated(raw: Mapping[str, object], where: str) -> tuple[Provenance, list[str]]:
    """The valid fields of `raw` (unknown keys ignored) and a warning for each dropped; `where` starts each
    warning ("PATH: ... in its front matter")."""
    kept: dict[str, str] = {}
    warnings = []
    for name in FIELDS:
        value = raw.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            warnings.append(f"{where}: {name} is not text; it was dropped")
            continue
        value = " ".join(_UNSAFE.sub(" ", value).split())
        if not value:
            continue
        if name == "url":
            parts = urlsplit(value)
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in value:
                warnings.append(f"{where}: url {_shown(value)} is not an http(s) address; it was dropped")
                continue
            if len(value) > MAX_URL:
                warnings.append(f"{where}: url is longer than {MAX_URL:,} characters; it was dropped")
                continue
        elif name == "date":
            day = normal_date(value)
            if day is None:
                warnings.append(f"{where}: date {_shown(value)} is not a date (use YYYY-MM-DD); it was dropped")
                continue
            value = day
        elif len(value) > MAX_NAME:
            value = value[: MAX_NAME - 1].rstrip() + "\u2026"
        kept[name] = value
    return Provenance(**kept), warnings


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """(keys, the rest of the text): a block of `key: value` lines between `---` lines at the very top is read
    and removed; text without one comes back whole. Values may be quoted; nested or list lines are skipped."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n", _FRONT_MATTER_LINES + 2)
    if lines[0].rstrip() != "---":
        return {}, text
    found: dict[str, str] = {}
    for n, line in enumerate(lines[1 : _FRONT_MATTER_LINES + 2], 1):
        line = line.rstrip("\r")
        if line.rstrip() in ("---", "..."):
            return found, "\n".join(lines[n + 1 :]) if n + 1 < len(lines) else ""
        if not _FRONT_LINE.match(line):
            return {}, text  # prose: the opening --- was a rule, not front matter
        pair = _KEY_VALUE.match(line)
        if pair:
            key, value = pair[1].lower(), pair[2].strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            found.setdefault(key, value)
    return {}, text


def manifest_entries(data: bytes, path: str) -> tuple[dict[str, dict], list[str]]:
    """File name -> its raw fields, from a manifest's bytes; warnings naming `path` for what cannot be used."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        return {}, [f"{path}: not valid JSON ({e}); the document sources in it were not read"]
    if not isinstance(parsed, dict):
        return {}, [f"{path}: not an object of file names; the document sources in it were not read"]
    entries, warnings = {}, []
    for name, entry in parsed.items():
        if isinstance(entry, dict):
            entries[name] = entry
        else:
            warnings.append(f"{path}: the entry for {_shown(name)} is not an object of url, publisher, author, date")
    return entries, warnings
