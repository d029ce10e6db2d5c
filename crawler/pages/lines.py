"""The page as a sequence of visual lines: text split at block elements and ``<br>``.

Every layer reads the page through this one linearisation, built once per page: headline,
header line, body, related links and list links are all runs of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from crawler.processors import normalize_space

if TYPE_CHECKING:
    from lxml.html import HtmlElement

BLOCK_TAGS = frozenset(
    {"p", "div", "td", "th", "tr", "table", "tbody", "thead", "tfoot", "li", "ul", "ol", "dl",
     "dd", "dt", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2",
     "h3", "h4", "h5", "h6", "blockquote", "center", "form", "pre", "hr", "body", "figure",
     "figcaption", "address", "fieldset", "caption", "html"}
)
# Tails of these are still inside the parent's line; the element itself breaks it.
LINE_BREAKS = frozenset({"br"})


@dataclass
class Anchor:
    url: str  #: absolute URL (``href`` resolved against the page)
    text: str  #: the link text, whitespace-normalised
    title: str  #: the ``title`` attribute, '' when absent
    after: str = ""  #: the text that follows the link on the same line, up to the next link


@dataclass
class Line:
    """One visual line of text, with the block element that holds it."""

    block: HtmlElement
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    anchors: list[Anchor] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  #: (url, alt) in the line
    text: str = ""

    @property
    def link_ratio(self) -> float:
        return self.link_chars / max(len(self.text), 1)


class _Walker:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.lines: list[Line] = []
        self.current: Line | None = None
        self.blocks: list[HtmlElement] = []
        self.anchor: Anchor | None = None

    def line(self) -> Line:
        if self.current is None:
            self.current = Line(block=self.blocks[-1])
        return self.current

    def add_text(self, text: str | None) -> None:
        if not text or (not text.strip() and self.current is None):
            return
        line = self.line()
        line.parts.append(text)
        if self.anchor is not None:
            line.link_chars += len(text.strip())
        elif line.anchors:
            line.anchors[-1].after += text

    def flush(self) -> None:
        line, self.current = self.current, None
        if line is None:
            return
        line.text = normalize_space("".join(line.parts))
        if line.text or line.images:
            for anchor in line.anchors:
                anchor.after = normalize_space(anchor.after)
            self.lines.append(line)

    def walk(self, element: HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in BLOCK_TAGS:
            self.flush()
            self.blocks.append(element)
        elif tag in LINE_BREAKS:
            self.flush()
        if tag == "img":
            src = element.get("src") or element.get("data-src") or element.get("original")
            if src and not src.startswith("data:"):
                self.line().images.append((urljoin(self.base_url, src.strip()),
                                           normalize_space(element.get("alt") or "")))
        entering_anchor = tag == "a" and self.anchor is None and element.get("href") is not None
        if entering_anchor:
            self.anchor = Anchor(
                url=urljoin(self.base_url, (element.get("href") or "").strip()),
                text=normalize_space(element.text_content()),
                title=normalize_space(element.get("title") or ""),
            )
            self.line().anchors.append(self.anchor)
        self.add_text(element.text)
        for child in element:
            self.walk(child)
            self.add_text(child.tail)
        if entering_anchor:
            self.anchor = None
        if tag in BLOCK_TAGS:
            self.flush()
            self.blocks.pop()


def page_lines(root: HtmlElement, base_url: str) -> list[Line]:
    """All visual lines of the page under ``root``, in document order."""
    walker = _Walker(base_url)
    body = root.find("body")
    start = body if body is not None else root
    walker.blocks.append(start)
    walker.walk(start)
    walker.flush()
    return walker.lines
