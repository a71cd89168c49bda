"""Visible text of an HTML page as heading and paragraph blocks, without scripts, styles or navigation, and the
page's own publication metadata (canonical URL, site name, author, dates) as raw strings."""

from __future__ import annotations

from html.parser import HTMLParser

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
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.title: str | None = None
        self._buffer: list[str] = []
        self._skip: list[str] = []
        self._heading = 0
        self._in_title = False
        self.meta: dict[str, str] = {}  # the first value of each: a page repeating a tag does not override it

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
        elif tag in _BLOCKS and not self._skip:
            self._flush()
            self._heading += tag in _HEADINGS

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()
        elif tag in _BLOCKS and not self._skip:
            self._flush()
            if tag in _HEADINGS and self._heading:
                self._heading -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = " ".join(((self.title or "") + " " + data).split())
        elif not self._skip:
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
