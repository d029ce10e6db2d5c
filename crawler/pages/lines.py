"""The page as a sequence of visual lines: text split at block elements and ``<br>``.

Every layer reads the page through this one linearisation, built once per page: headline,
header line, body, related links and list links are all runs of lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from lxml import etree

if TYPE_CHECKING:
    from lxml.etree import _Element as HtmlElement

BLOCK_TAGS = frozenset(
    {"p", "div", "td", "th", "tr", "table", "tbody", "thead", "tfoot", "li", "ul", "ol", "dl",
     "dd", "dt", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2",
     "h3", "h4", "h5", "h6", "blockquote", "center", "form", "pre", "hr", "body", "figure",
     "figcaption", "address", "fieldset", "caption", "html"}
)


@dataclass(slots=True)
class Anchor:
    url: str  #: absolute URL (``href`` resolved against the page)
    text: str  #: the link text, whitespace-normalised
    title: str  #: the ``title`` attribute, '' when absent
    after: str = ""  #: the text that follows the link on the same line, up to the next link


class Line:
    """One visual line of text, with the block element that holds it."""

    __slots__ = ("anchors", "block", "images", "link_chars", "text")

    def __init__(self, block: HtmlElement) -> None:
        self.block = block
        self.text = ""
        self.link_chars = 0  #: characters of link text
        self.anchors: list[Anchor] = []
        self.images: list[tuple[str, str]] = []  #: (url, alt) in the line

    @property
    def link_ratio(self) -> float:
        return self.link_chars / max(len(self.text), 1)


def _squash(text: str) -> str:
    """``normalize_space`` for text of a ``Document`` tree, which has no zero-width spaces."""
    return " ".join(text.split())


def _absolute(href: str, origin: str, base_url: str) -> str:
    """``href`` made absolute; the common forms without ``urljoin``'s cost."""
    href = href.strip()
    if href.startswith(("http://", "https://")):
        return href
    if href.startswith("/") and not href.startswith("//") and "/." not in href:
        return origin + href
    return urljoin(base_url, href)


def _flush(line: Line, texts: list[str], lines: list[Line]) -> None:
    text = line.text = _squash(texts[0] if len(texts) == 1 else "".join(texts))
    texts.clear()
    if text or line.images:
        for anchor in line.anchors:
            if anchor.after:
                anchor.after = _squash(anchor.after)
        lines.append(line)


def page_lines(root: HtmlElement, base_url: str) -> list[Line]:
    """All visual lines of the page under ``root``, in document order.

    One pass of lxml's event walk (no Python recursion): an element's text, then its
    children, then its tail. This is the hot loop of every page, hence one flat function.
    """
    body = root.find("body")
    top = body if body is not None else root
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    absolute: dict[str, str] = {}  # href -> URL, each href resolved once per page
    lines: list[Line] = []
    blocks: list[HtmlElement] = []
    current: Line | None = None  # the line being filled
    texts: list[str] = []  # its text so far
    anchor: Anchor | None = None  # the link being read, when its text has elements in it
    anchor_owner: HtmlElement | None = None
    anchor_text: list[str] = []  # that link's text, which may run over several lines
    closes: list[bool] = []  # per open element, whether its end closes a block
    block_tags = BLOCK_TAGS
    for event, element in etree.iterwalk(top, events=("start", "end")):
        if event == "start":
            tag = element.tag
            if tag in block_tags:
                closes.append(True)
                if current is not None:
                    _flush(current, texts, lines)
                    current = None
                blocks.append(element)
            else:
                closes.append(False)
                if tag == "a":
                    href = element.get("href")
                    if href is not None and anchor is None:
                        title = element.get("title")
                        url = absolute.get(href)
                        if url is None:
                            url = absolute[href] = _absolute(href, origin, base_url)
                        link = Anchor(url, "", _squash(title) if title else "")
                        if current is None:
                            current = Line(blocks[-1])
                        current.anchors.append(link)
                        text = element.text
                        if len(element):  # text with elements in it: read on to the end
                            anchor, anchor_owner, anchor_text = link, element, []
                        else:  # the common link, text only: read here
                            if text:
                                texts.append(text)
                                link.text = _squash(text)
                                current.link_chars += len(text.strip())
                            continue
                elif tag == "br":
                    if current is not None:
                        _flush(current, texts, lines)
                        current = None
                elif tag == "img":
                    src = element.get("src") or element.get("data-src") or element.get("original")
                    if src and not src.startswith("data:"):
                        if current is None:
                            current = Line(blocks[-1])
                        alt = _squash(element.get("alt") or "")
                        current.images.append((_absolute(src, origin, base_url), alt))
            text = element.text
        else:
            if closes.pop():
                if current is not None:
                    _flush(current, texts, lines)
                    current = None
                blocks.pop()
                if not blocks:  # the end of the top element, whose tail is not the page's
                    break
            elif element is anchor_owner and anchor is not None:
                anchor.text = _squash("".join(anchor_text))
                anchor = anchor_owner = None
            text = element.tail
        if not text:
            continue
        if current is None:
            if text.isspace():
                continue
            current = Line(blocks[-1])
        texts.append(text)
        if anchor is not None:
            current.link_chars += len(text.strip())
            anchor_text.append(text)
        elif current.anchors:
            current.anchors[-1].after += text
    if current is not None:
        _flush(current, texts, lines)
    return lines
