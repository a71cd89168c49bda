"""Loading documents (.txt, .md, .html) and cleaning them into titled blocks of headings and paragraphs.

The cleaned text is what offsets point into: blocks are joined by blank lines, so a sentence's (start, end)
highlights it in place on the document page. One document's work is bounded: a file over MAX_BYTES is skipped, and
text past MAX_DOCUMENT_SENTENCES sentences and headings is cut off with a warning naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

from ..errors import DocumentError
from .html_text import html_document
from .provenance import MANIFEST_NAMES, Provenance, front_matter, manifest_entries, validated
from .tables import is_markdown_row, markdown_rows, row_paragraphs

SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
_KINDS = set(SUFFIXES.values())
MAX_BYTES = 5_000_000
# A document is checked up to its first MAX_DOCUMENT_SENTENCES sentences and headings, the rest cut off with a
# warning: a file of ". " repeated was 950,000 sentences, a build of minutes and gigabytes, a page of 133 MB.
MAX_DOCUMENT_SENTENCES = 10_000
# Bump when cleaning or sentence splitting changes what a file becomes: a build made before is then not reused.
CLEANING_VERSION = 4  # 3: front matter removed, provenance read; 4: list items are paragraphs, not headings
# Page debris seen on blogs: whole lines that carry no content.
_DEBRIS_LINES = re.compile(
    r"^(leave a (reply|comment)|share this( post)?:?|related posts?:?|click to share.*|posted in .*|"
    r"tags?:.*|categories:.*|read more|skip to content|comments?( \(\d+\))?|you may also like:?)$",
    re.I,
)
_LABEL_PREFIX = re.compile(r"^(blog post|summary|article|post)\s*:\s*", re.I)
_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
LINK_SKIPPED = "a symbolic link: links found inside a folder are not followed (name the file itself to index it)"
# "- ", "* ", "\u2022 ", "\u2013 " opening a list item (not a "* * *" separator)
_BULLET = re.compile(r"^(?:[-+*\u2022\u2013\u25aa\u25cf]|\u2014)\s+(?=[^\W_]|[\"'(\u201c])")
_TERMINAL = (".", "!", "?", ":", ";", '"', "\u201d", ")", ",")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidi embeddings, overrides and isolates: invisible, and one left open reverses the text after it on the page
# ("\u202e" makes "gpj.exe" read "exe.jpg"). The marks (LRM, RLM, ALM) open nothing and are kept.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_WORDLIKE = re.compile(r"[^\W_]")  # a letter or digit: text without one has nothing to check
_SENTENCE_ENDS = re.compile(r"[.?!]")  # every sentence but a paragraph's last ends at one (Punkt's end marks)


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" or "paragraph"
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    id: str
    path: str
    title: str
    text: str
    blocks: tuple[Block, ...]
    checksum: str
    warnings: tuple[str, ...] = field(default_factory=tuple)
    source: Provenance = field(default_factory=Provenance)  # where it was first published (provenance.py)


def decode(data: bytes, path: str) -> tuple[str, list[str]]:
    """Text of `data`: UTF-8 (or UTF-16 with a BOM), else cp1252 with a warning; binary raises DocumentError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as e:
            raise DocumentError(path, f"invalid UTF-16 ({e.reason})") from e
    if b"\x00" in data[:65536]:
        raise DocumentError(path, "binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if len(_CONTROL.findall(text[:65536])) > max(64, len(text[:65536]) // 20):
            raise DocumentError(path, "binary file (mostly control characters)")
        return text, []
    text = data.decode("cp1252", errors="replace")
    if text.count("\ufffd") > max(8, len(text) // 100) or len(_CONTROL.findall(text[:65536])) > 64:
        raise DocumentError(path, "binary file (not valid text in UTF-8 or cp1252)")
    return text, [f"{path}: not valid UTF-8; read as cp1252"]


def _plain_blocks(text: str, markdown: bool) -> list[tuple[str, str]]:
    blocks = []
    table: list[str] = []  # the Markdown table rows read so far: a table ends at the first other line
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if markdown and is_markdown_row(line):
            table.append(line)
            continue
        if table:
            rows = row_paragraphs(*markdown_rows([_MD_LINK.sub(r"\1", row) for row in table]))
            blocks += [("paragraph", _plain_line(row)) for row in rows]
            table = []
        if not line:
            continue
        kind = ""
        if line.startswith("**") and line.rstrip(":").endswith("**"):
            kind = "heading"
        bullet = _BULLET.match(line)
        if bullet:  # a list item is part of the text, however short: "- you smoke" is not a heading
            line, kind = line[bullet.end() :], "paragraph"
        if markdown:
            if line.startswith("#"):
                line, kind = line.lstrip("#").strip(), "heading"
            line = _MD_LINK.sub(r"\1", line)
        line = _plain_line(line)
        if line:
            blocks.append((kind or _guess_kind(line), line))
    return blocks


def _plain_line(line: str) -> str:
    """`line` without emphasis marks, its spaces collapsed."""
    if "*" in line or "_" in line:  # emphasis marks are all _MARKUP removes; most lines have none
        line = _MARKUP.sub("", line)
    return " ".join(line.split())


def _guess_kind(line: str) -> str:
    """Headings in plain text are short lines without closing punctuation ("1. Restore your body")."""
    if line.endswith("?") and len(line.split()) <= 12:
        return "heading"
    if line.endswith(_TERMINAL) or len(line.split()) > 14:
        return "paragraph"
    return "heading"


def _norm(line: str) -> str:
    return " ".join(_LABEL_PREFIX.sub("", line).lower().split())


def _without_bidi(line: str) -> str:
    """`line` without bidi embedding, override and isolate controls (the spaces around one collapsed)."""
    kept = line.translate(_BIDI_CONTROLS)
    return kept if len(kept) == len(line) else " ".join(kept.split())


def clean(raw_blocks: list[tuple[str, str]], title: str | None) -> tuple[str, list[tuple[str, str]]]:
    """Title and content blocks with page debris removed (labels, debris lines, the title repeated, bidi
    controls)."""
    blocks = [(k, t) for k, t in ((k, _without_bidi(t)) for k, t in raw_blocks) if t and not _DEBRIS_LINES.match(t)]
    lone = title is None and len(blocks) == 1
    if title is None and blocks:
        # a lone paragraph is the content, not a title: name the document by its opening words instead
        title = " ".join(blocks[0][1].split()[:10]) if lone else blocks.pop(0)[1]
    title = _LABEL_PREFIX.sub("", _without_bidi(title or "")).strip() or "Untitled"
    kept = []
    title_key = _norm(title)
    for kind, line in blocks:
        if not lone and _norm(line) == title_key:
            continue  # the title repeated mid-text by the page template
        line = _LABEL_PREFIX.sub("", line).strip()
        if line:
            kept.append((kind, line))
    return title, kept


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:80] or "doc"


def document_id(path: Path) -> str:
    """A stable id from the file name, so a document keeps its id (and its reviews) across edits and rebuilds."""
    return _slug(path.stem)


def parse(text: str, kind: str) -> tuple[str | None, list[tuple[str, str]], dict[str, str], str]:
    """(title, blocks, the file's own provenance fields, where they were found)."""
    if kind == "html":
        return (*html_document(text), "in its HTML metadata")
    meta, text = front_matter(text)
    return None, _plain_blocks(text, markdown=kind == "markdown"), meta, "in its front matter"


def load_document(
    path: str | Path,
    max_bytes: int = MAX_BYTES,
    doc_id: str | None = None,
    follow_links: bool = True,
    warnings: tuple[str, ...] = (),
    source: Provenance | None = None,
) -> Document:
    """Read and clean one file; raises DocumentError naming the file when it must be skipped (with
    `follow_links=False`, when it is a symbolic link). `source` (from a manifest) wins over the file's own."""
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DocumentError(str(path), f"unsupported file type '{path.suffix}' (use .txt, .md or .html)")
    data = _read(path, max_bytes, follow_links)
    if not data.strip():
        raise DocumentError(str(path), "empty file")
    text, decoded = decode(data, str(path))
    return document_from_text(
        text,
        doc_id or document_id(path),
        str(path),
        kind,
        checksum=hashlib.sha256(data).hexdigest(),
        warnings=(*warnings, *decoded),
        source=source,
    )


def _read(path: Path, max_bytes: int, follow_links: bool) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, checked on the open file (it cannot be swapped for a
    link or a pipe between the check and the read); DocumentError naming the file otherwise."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)  # a pipe must not block the build
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP and not follow_links:
            raise DocumentError(str(path), LINK_SKIPPED) from e
        raise DocumentError(str(path), f"cannot read ({e.strerror or e})") from e
    with open(fd, "rb") as f:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise DocumentError(str(path), "not a regular file (a pipe, device or folder)")
            size = info.st_size
            if size <= max_bytes:
                data = f.read(max_bytes + 1)
                size = len(data)
        except OSError as e:
            raise DocumentError(str(path), f"cannot read ({e.strerror or e})") from e
    if size > max_bytes:  # checked again after reading: the file may have grown
        raise DocumentError(str(path), f"too large ({size:,} bytes; the limit is {max_bytes:,})")
    return data


def document_from_text(
    text: str,
    doc_id: str,
    path: str = "",
    kind: str = "text",
    title: str | None = None,
    checksum: str | None = None,
    warnings: tuple[str, ...] = (),
    source: Provenance | Mapping[str, str] | None = None,
) -> Document:
    """Clean `text` (kind "text", "markdown" or "html") into a Document, as if read from a file.

    For documents that do not come from files (a corpus dump, a database); `title`, if given, is used instead of
    the first line. `source` (url, publisher, author, date) wins over what the text itself says, field by field.
    Raises DocumentError when nothing is left after cleaning.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(sorted(_KINDS))}, not {kind!r}")
    parsed_title, raw_blocks, meta, found_in = parse(text, kind)
    own, dropped = validated(meta, f"{path or doc_id}: {found_in}")
    if source is not None and not isinstance(source, Provenance):
        source, given = validated(source, f"{path or doc_id}: in the source given")
        dropped += given
    warnings = (*warnings, *dropped)
    title, blocks = clean(raw_blocks, title if title is not None else parsed_title)
    if not blocks:
        raise DocumentError(path or doc_id, "no text left after cleaning")
    if not any(_WORDLIKE.search(line) for _, line in blocks):
        raise DocumentError(path or doc_id, "no words to check (only punctuation and symbols)")
    blocks, cut = _bounded(blocks)
    body, spans, pos = [], [], 0
    for block_kind, line in blocks:
        body.append(line)
        spans.append(Block(block_kind, pos, pos + len(line)))
        pos += len(line) + 2
    checksum = checksum or hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    if cut:
        warnings = (
            *warnings,
            f"{path or doc_id}: too many sentences (the limit is {MAX_DOCUMENT_SENTENCES:,} sentences "
            f"and headings); only the first {pos - 2:,} characters of its text were checked and indexed",
        )
    return Document(
        id=doc_id,
        path=path,
        title=title,
        text="\n\n".join(body),
        blocks=tuple(spans),
        checksum=checksum,
        warnings=tuple(warnings),
        source=source.over(own) if source else own,
    )


def _bounded(blocks: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """The blocks up to MAX_DOCUMENT_SENTENCES sentences and headings, and whether any were cut off.

    Counted without splitting: a paragraph is at most one sentence more than its sentence-end marks (a mark ends a
    sentence only with text after it), so one cut right after a mark keeps no more sentences than the marks kept.
    """
    left = MAX_DOCUMENT_SENTENCES
    for i, (kind, line) in enumerate(blocks):
        cost = 1 if kind == "heading" else 1 + line.count(".") + line.count("?") + line.count("!")
        if cost <= left:
            left -= cost
            continue
        kept = blocks[:i]
        if kind == "paragraph" and left:
            ends = _SENTENCE_ENDS.finditer(line)
            for _ in range(left - 1):
                next(ends)
            kept.append((kind, line[: next(ends).end()]))
        return kept, True
    return blocks, False


def _walk(paths: list[str | Path]) -> Iterator[tuple[Path, bool] | DocumentError]:
    """(file, whether it was given itself) for every document file under `paths`, or a DocumentError for a path
    that does not exist and for each symbolic link found inside a folder (neither a linked file nor a linked
    folder is followed: a link in a corpus folder could point anywhere, a secret key included)."""
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path, True
        elif path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                for name in sorted(d for d in dirs if os.path.islink(os.path.join(root, d))):
                    yield DocumentError(os.path.join(root, name), LINK_SKIPPED)
                dirs.sort()
                for name in sorted(f for f in files if Path(f).suffix.lower() in SUFFIXES):
                    file = Path(root) / name
                    yield DocumentError(str(file), LINK_SKIPPED) if file.is_symlink() else (file, False)
        else:
            yield DocumentError(str(path), "no such file or folder")


def find_files(paths: list[str | Path]) -> tuple[list[Path], list[DocumentError]]:
    """Document files under `paths` (files or folders, recursively), and the paths skipped: missing ones, and
    symbolic links found inside folders (not followed)."""
    found, problems = [], []
    for item in _walk(paths):
        if isinstance(item, DocumentError):
            problems.append(item)
        else:
            found.append(item[0])
    return found, problems


@dataclass(frozen=True)
class SourceFile:
    """A document file to load, with the id it will have (made unique within one corpus)."""

    path: Path
    doc_id: str
    follow_links: bool = True  # False for a file found inside a folder: a link is skipped, even one made later
    warnings: tuple[str, ...] = ()
    source: Provenance | None = None  # from the manifest beside the file: wins over what the file says

    def load(self, max_bytes: int = MAX_BYTES) -> Document:
        return load_document(self.path, max_bytes, self.doc_id, self.follow_links, self.warnings, self.source)


@dataclass(frozen=True)
class SourceText:
    """A document's text that does not come from a file (a corpus dump, a database row); cleaned when loaded."""

    text: str
    doc_id: str
    title: str | None = None
    kind: str = "text"
    path: str = ""
    source: Mapping[str, str] | None = None  # url, publisher, author, date: wins over what the text says

    def load(self, max_bytes: int = MAX_BYTES) -> Document:
        if len(self.text) > max_bytes:
            raise DocumentError(self.path or self.doc_id, f"too large ({len(self.text):,} characters)")
        return document_from_text(
            self.text, self.doc_id, self.path or self.doc_id, self.kind, self.title, source=self.source
        )


def corpus_files(paths: list[str | Path], previous_ids: Mapping[str, str] | None = None):
    """Yield a SourceFile, or a DocumentError for a path skipped, for every file under `paths` (each file once).

    A file's id comes from its name. A file the previous build indexed (`previous_ids`: id -> absolute path) keeps
    its id; a newcomer whose name gives an id another file has gets that id with a suffix made from its path, and a
    warning naming both files, so one document never takes over another's id (and its reviews).
    """
    files: dict[str, tuple[Path, bool]] = {}
    for item in _walk(paths):
        if isinstance(item, DocumentError):
            yield item
        else:
            files.setdefault(os.path.abspath(item[0]), item)
    sources = _Manifests(files)
    kept = {path: doc_id for doc_id, path in (previous_ids or {}).items() if path in files}
    owners = {doc_id: files[path][0] for path, doc_id in kept.items()}  # id -> the file that has it
    for absolute, (path, given) in files.items():
        doc_id, warnings = kept.get(absolute), ()
        if doc_id is None:
            doc_id = base = document_id(path)
            for n in count(1):
                if doc_id not in owners:
                    break
                salt = str(path) if n == 1 else f"{path}#{n}"  # the first: the suffix ids have always had
                doc_id = f"{base}-{hashlib.sha1(salt.encode()).hexdigest()[:6]}"
            if doc_id != base:
                warnings = (
                    f"{path}: its name gives the id '{base}', which {owners[base]} has; it was given the id '{doc_id}'",
                )
            owners[doc_id] = path
        source, noted = sources.of(path)
        yield SourceFile(path, doc_id, follow_links=given, warnings=(*warnings, *noted), source=source)


class _Manifests:
    """The manifest (sources.json, else manifest.json) of each folder holding documents, read once a folder."""

    def __init__(self, files: Mapping[str, tuple[Path, bool]]) -> None:
        self._names: dict[Path, set[str]] = {}
        for path, _ in files.values():
            self._names.setdefault(path.parent, set()).add(path.name)
        self._read: dict[Path, tuple[Path | None, dict[str, dict]]] = {}

    def of(self, path: Path) -> tuple[Provenance | None, list[str]]:
        """The manifest's fields for `path`, validated, and warnings (the folder's own come with its first file)."""
        folder, warnings = path.parent, []
        if folder not in self._read:
            manifest, entries, warnings = self._load(folder)
            self._read[folder] = (manifest, entries)
        manifest, entries = self._read[folder]
        entry = entries.get(path.name)
        if entry is None:
            return None, warnings
        source, dropped = validated(entry, f"{path}: in {manifest}")
        return source, [*warnings, *dropped]

    def _load(self, folder: Path) -> tuple[Path | None, dict[str, dict], list[str]]:
        for name in MANIFEST_NAMES:
            manifest = folder / name
            if not manifest.exists() and not manifest.is_symlink():
                continue
            try:  # not followed if a link, like a document found in a folder
                data = _read(manifest, MAX_BYTES, follow_links=False)
            except DocumentError as e:
                return manifest, {}, [f"{e.path}: the document sources in it were not read: {e.reason}"]
            entries, warnings = manifest_entries(data, str(manifest))
            names = self._names.get(folder, set())
            warnings += [f"{manifest}: {n!r} names no document in {folder}" for n in entries if n not in names]
            return manifest, entries, warnings
        return None, {}, []


def load_corpus(paths: list[str | Path], max_bytes: int = MAX_BYTES):
    """Yield a Document or a DocumentError (a skipped file and why) for every file under `paths`."""
    for item in corpus_files(paths):
        if isinstance(item, DocumentError):
            yield item
            continue
        try:
            yield item.load(max_bytes)
        except DocumentError as e:
            yield e
