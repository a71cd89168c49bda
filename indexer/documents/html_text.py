"""Visible text of an HTML page as heading and paragraph blocks, without scripts, styles or navigation, and the
page's own publication metadata (canonical URL, site name, author, dates) as raw strings."""

from __future__ import annotations

from html.parser import HTMLParser

from .tables import row_paragraphs

_SKIP = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
    "head",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {
    "p",
    "div",
    "li",
    "br",
    "tr",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "td",
    "th",
    "ul",
    "ol",
    "table",
    "main",
    "figcaption",
    "hr",
}
# <meta> names and properties -> the metadata field they give, in order of preference
_META = {
    "og:url": "og_url",
    "og:site_name": "publisher",
    "author": "author",
    "article:published_time": "published",
    "article:modified_time": "modified",
}
_QUESTION_WORDS = 3  # a button asking a question of at least this many words is an FAQ heading
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.title: str | None = None
        self._buffer: list[str] = []
        self._skip: list[str] = []
        self._button: list[str] = []  # the text of a <button> outside any other skipped element
        self._heading = 0
        self._in_title = False
        self.meta: dict[str, str] = {}  # the first value of each: a page repeating a tag does not override it
        # a table being read: its rows of cells, the row and cell being read, and whether a row is all headers
        self._rows: list[tuple[list[str], bool]] | None = None
        self._row: list[str] | None = None
        self._row_headers = True
        self._cell: list[str] | None = None

    def _meta(self, tag: str, attrs) -> None:
        values = {k.lower(): v for k, v in attrs if v is not None}
        if tag == "link" and "canonical" in values.get("rel", "").lower().split() and "href" in values:
            self.meta.setdefault("canonical", values["href"])
        elif tag == "meta" and "content" in values:
            key = _META.get((values.get("property") or values.get("name") or "").strip().lower())
            if key:
                self.meta.setdefault(key, values["content"])
        elif tag == "time" and "datetime" in values:
            self.meta.setdefault("time", values["datetime"])

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            self.blocks.append(("heading" if self._heading else "paragraph", text))

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("link", "meta", "time"):
            self._meta(tag, attrs)
        if tag in _VOID:
            if tag in _BLOCKS:
                self._flush()
            return
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            self._skip.append(tag)
        elif self._skip:
            return
        elif tag == "table" and self._rows is None:
            self._flush()
            self._rows = []
        elif self._rows is not None:
            self._table_start(tag)
        elif tag in _BLOCKS:
            self._flush()
            self._heading += tag in _HEADINGS

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()
            if tag == "button" and not self._skip:
                self._question_button()
        elif self._skip:
            return
        elif self._rows is not None:
            self._table_end(tag)
        elif tag in _BLOCKS:
            self._flush()
            if tag in _HEADINGS and self._heading:
                self._heading -= 1

    def _question_button(self) -> None:
        """A button that asks a question is an FAQ accordion's heading ("Can stress cause a miscarriage?"): its
        answer is read with it. Any other button ("Read more", "Accept") is page furniture."""
        text = " ".join("".join(self._button).split())
        self._button = []
        if text.endswith("?") and len(text.split()) >= _QUESTION_WORDS and self._rows is None:
            self._flush()
            self.blocks.append(("heading", text))

    def _table_start(self, tag: str) -> None:
        if tag == "tr":
            self._end_row()
            self._row, self._row_headers = [], True
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row, self._row_headers = [], True
            self._cell = []
            self._row_headers = self._row_headers and tag == "th"
        elif tag in _BLOCKS and self._cell is not None:
            self._cell.append(" ")  # a <p> or <br> inside a cell separates words, not blocks

    def _table_end(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_row()
            rows = self._rows or []
            self._rows = None
            header = rows[0][0] if rows and rows[0][1] and len(rows) > 1 else []
            body = [cells for cells, _ in (rows[1:] if header else rows)]
            self.blocks += [("paragraph", p) for p in row_paragraphs(header, body)]

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row and self._rows is not None:
            self._rows.append((self._row, self._row_headers))
        self._row = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = " ".join(((self.title or "") + " " + data).split())
        elif self._skip:
            if self._skip == ["button"]:
                self._button.append(data)
        elif self._cell is not None:
            self._cell.append(data)
        elif self._rows is None:
            self._buffer.append(data)


def html_blocks(html: str) -> tuple[str | None, list[tuple[str, str]]]:
    """(title, blocks): the <title> (or None) and the visible text split at block elements."""
    title, blocks, _ = html_document(html)
    return title, blocks


def html_document(html: str) -> tuple[str | None, list[tuple[str, str]], dict[str, str]]:
    """(title, blocks, metadata): html_blocks and the page's url, publisher, author and date as written (not
    validated): the canonical link, else og:url; og:site_name; <meta name="author">; article:published_time, else
    article:modified_time, else the first <time datetime>."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    if parser._rows is not None:  # a table never closed: what was read of it still counts
        parser.handle_endtag("table")
    parser._flush()
    title = parser.title
    if not title and parser.blocks and parser.blocks[0][0] == "heading":
        title = parser.blocks.pop(0)[1]
    elif title and parser.blocks and " ".join(parser.blocks[0][1].lower().split()) == title.lower():
        parser.blocks.pop(0)
    found = parser.meta
    meta = {
        "url": found.get("canonical") or found.get("og_url"),
        "publisher": found.get("publisher"),
        "author": found.get("author"),
        "date": found.get("published") or found.get("modified") or found.get("time"),
    }
    return title, parser.blocks, {k: v for k, v in meta.items() if v}
