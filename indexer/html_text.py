"""Visible text of an HTML page as heading and paragraph blocks, without scripts, styles or navigation."""

from __future__ import annotations

from html.parser import HTMLParser

_SKIP = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "iframe",
         "button", "select", "head"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {"p", "div", "li", "br", "tr", "section", "article", "blockquote", "pre", "dd", "dt",
                       "td", "th", "ul", "ol", "table", "main", "figcaption", "hr"}
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

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            self.blocks.append(("heading" if self._heading else "paragraph", text))

    def handle_starttag(self, tag: str, attrs) -> None:
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
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    parser._flush()
    title = parser.title
    if not title and parser.blocks and parser.blocks[0][0] == "heading":
        title = parser.blocks.pop(0)[1]
    elif title and parser.blocks and " ".join(parser.blocks[0][1].lower().split()) == title.lower():
        parser.blocks.pop(0)
    return title, parser.blocks
