"""The page as a sequence of visual lines: text split at block elements and ``<br>``.

Every layer reads the page through this one linearisation, built once per page: headline,
header line, body, related links and list links are all runs of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.processors import normalize_space

if TYPE_CHECKING:
    from lxml.etree import _Element as HtmlElement

BLOCK_TAGS = frozenset(
    {"p", "div", "td", "th", "tr", "table", "tbody", "thead", "tfoot", "li", "ul", "ol", "dl",
     "dd", "dt", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2",
     "h3", "h4", "h5", "h6", "blockquote", "center", "form", "pre", "hr", "body", "figure",
     "figcaption", "address", "fieldset", "caption", "html"}
)


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
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.joined: dict[str, str] = {}
        self.lines: list[Line] = []
        self.current: Line | None = None
        self.blocks: list[HtmlElement] = []
        self.anchor: Anchor | None = None
        self.anchor_text: list[str] = []  # text inside the current link, across lines

    def resolve(self, href: str) -> str:
        """``href`` made absolute; the common forms without ``urljoin``'s cost."""
        href = href.strip()
        url = self.joined.get(href)
        if url is None:
            if href.startswith(("http://", "https://")):
                url = href
            elif href.startswith("/") and not href.startswith("//") and "/." not in href:
                url = self.origin + href
            else:
                url = urljoin(self.base_url, href)
            self.joined[href] = url
        return url

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
            self.anchor_text.append(text)
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

    def walk(self, top: HtmlElement) -> None:
        """One pass of lxml's event walk (no Python recursion): text, then children, then
        the tail, in document order."""
        anchor_owner: HtmlElement | None = None
        anchor_start = 0
        # The hot loop of every page: names bound locally, empty text skipped inline.
        flush, add_text, blocks, block_tags = self.flush, self.add_text, self.blocks, BLOCK_TAGS
        for event, element in etree.iterwalk(top, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag in block_tags:
                    flush()
                    blocks.append(element)
                elif tag == "br":
                    flush()
                elif tag == "img":
                    self.image(element)
                elif tag == "a" and anchor_owner is None and element.get("href") is not None:
                    anchor_owner = element
                    self.anchor = Anchor(url=self.resolve(element.get("href") or ""), text="",
                                         title=normalize_space(element.get("title") or ""))
                    self.line().anchors.append(self.anchor)
                    anchor_start = len(self.anchor_text)
                if element.text:
                    add_text(element.text)
                continue
            if element is anchor_owner and self.anchor is not None:
                self.anchor.text = normalize_space("".join(self.anchor_text[anchor_start:]))
                self.anchor, anchor_owner = None, None
            if tag in block_tags:
                flush()
                blocks.pop()
            if element.tail and element is not top:
                add_text(element.tail)

    def image(self, element: HtmlElement) -> None:
        src = element.get("src") or element.get("data-src") or element.get("original")
        if src and not src.startswith("data:"):
            alt = normalize_space(element.get("alt") or "")
            self.line().images.append((self.resolve(src), alt))


def page_lines(root: HtmlElement, base_url: str) -> list[Line]:
    """All visual lines of the page under ``root``, in document order."""
    walker = _Walker(base_url)
    body = root.find("body")
    start = body if body is not None else root
    walker.walk(start)
    walker.flush()
    return walker.lines
