"""The page as a sequence of visual lines: text split at block elements and ``<br>``.

Every layer reads the page through this one linearisation, built once per page: headline,
header line, body, related links and list links are all runs of lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.pages.markers import SCRIPT_URL_RE
from crawler.urls import join_url

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
    url: str  #: absolute URL (``href`` resolved against the page); '' if urllib cannot parse it
    text: str  #: the link text, whitespace-normalised
    title: str  #: the ``title`` attribute, '' when absent
    after: str = ""  #: the text that follows the link on the same line, up to the next link
    #: All the text of a link that holds blocks (a card: headline, summary, date), whose
    #: ``text`` is then its first line's; '' for a link within one line.
    card: str = ""


class Line:
    """One visual line of text, with the block element that holds it."""

    __slots__ = ("anchors", "block", "images", "link_chars", "text")

    def __init__(self, block: HtmlElement) -> None:
        self.block = block
        self.text = ""
        self.link_chars = 0  #: characters of link text
        self.anchors: list[Anchor] = []
        # A tuple until there is an image to hold: most lines have none, and an empty list
        # per line costs more than the rest of the line.
        self.images: Sequence[tuple[str, str]] = ()  #: (url, alt) in the line

    @property
    def link_ratio(self) -> float:
        return self.link_chars / max(len(self.text), 1)

    def add_image(self, url: str, alt: str) -> None:
        if isinstance(self.images, list):
            self.images.append((url, alt))
        else:
            self.images = [(url, alt)]

    def add(self, text: str, link_text: list[str] | None) -> None:
        """Bookkeeping for text read into this line (``texts`` of ``page_lines`` holds the
        text itself): ``link_text`` collects the text of the link being read, if any."""
        if link_text is not None:
            self.link_chars += len(text.strip())
            link_text.append(text)
        elif self.anchors:
            self.anchors[-1].after += text

    def close(self, texts: list[str], lines: list[Line]) -> bool:
        """The line is complete: its text (read into ``texts``) squashed, and the line kept if
        it shows anything (True)."""
        self.text = " ".join((texts[0] if len(texts) == 1 else "".join(texts)).split())
        texts.clear()
        if self.text or self.images:
            for anchor in self.anchors:
                if anchor.after:
                    anchor.after = _squash(anchor.after)
            lines.append(self)
            return True
        return False


def _squash(text: str) -> str:
    """``normalize_space`` for text of a ``Document`` tree, which has no zero-width spaces."""
    return " ".join(text.split())


def link_target(href: str | None, onclick: str | None) -> str | None:
    """Where a link leads: its ``href``, or, for a link to nowhere (none, ``#``,
    ``javascript:``), the page a script handler names in a quoted argument
    (``onclick="queryArticleByCondition(this,'/xw/list-2.shtml')"``).

    >>> link_target("#", "isDownLoad(this,'/files/2023/通知.pdf')")
    '/files/2023/通知.pdf'
    >>> link_target("javascript:void(0)", "goPage('2','35')")  # no page named: as it was
    'javascript:void(0)'
    """
    if href is not None and href.strip() not in ("", "#") \
            and not href.strip().lower().startswith("javascript:"):
        return href
    for script in (href, onclick):
        if script and (match := SCRIPT_URL_RE.search(script)):
            return match.group(1)
    return href


def page_lines(root: HtmlElement, base_url: str,
               spans: dict[HtmlElement, tuple[int, int]] | None = None) -> list[Line]:
    """All visual lines of the page under ``root``, in document order. A block's lines (its
    own and those of the blocks in it) are one run of them: ``spans``, when given, receives
    each block that holds lines with its run (start, end), as ``range`` takes them.

    One pass of lxml's element iterator, one step per element (no Python recursion, no end
    events): an element's start and text when it is reached; its end and tail at once for an
    element without children, else when its last child has ended (a count of the children
    still open is kept per open element).
    """
    body = root.find("body")
    top = body if body is not None else root
    lines: list[Line] = []
    blocks: list[HtmlElement] = []  # the open block elements, innermost last
    starts: list[int] = []  # per open block, the index of its first line
    runs = {} if spans is None else spans
    open_: list[list[Any]] = []  # per open element with children: [element, children left, block?]
    current: Line | None = None  # the line being filled
    texts: list[str] = []  # its text so far
    anchor: Anchor | None = None  # the link being read, when its text has elements in it
    anchor_owner: HtmlElement | None = None
    anchor_text: list[str] | None = None  # the text of that link so far
    card: Anchor | None = None  # a link holding blocks, for the next line that shows text
    card_line: Line | None = None  # the line that took it

    def new_line() -> Line:
        nonlocal card, card_line
        line = Line(blocks[-1])
        if card is not None:
            line.anchors.append(card)
            card, card_line = None, line
        return line

    block_tags = BLOCK_TAGS
    for element in top.iter():
        tag = element.tag
        children = len(element)
        text = element.text
        is_block = tag in block_tags
        if is_block:
            if current is not None:
                if not current.close(texts, lines) and anchor is not None \
                        and anchor in current.anchors:
                    card = anchor  # <a><div><h3>headline</h3>...: the headline's line takes it
                current = None
            blocks.append(element)
            starts.append(len(lines))
        elif tag == "a":
            href = link_target(element.get("href"), element.get("onclick"))
            if href is not None and anchor is None:
                title = element.get("title")
                link = Anchor(join_url(base_url, href) or "", "", _squash(title) if title else "")
                if current is None:
                    current = new_line()
                current.anchors.append(link)
                if children:  # text with elements in it: read on to the link's end
                    anchor, anchor_owner, anchor_text = link, element, []
                elif text:  # the common link, text only: read here
                    texts.append(text)
                    link.text = " ".join(text.split())
                    current.link_chars += len(text.strip())
                    text = None
        elif tag == "br":
            if current is not None:
                current.close(texts, lines)
                current = None
        elif tag == "img":
            src = element.get("src") or element.get("data-src") or element.get("original")
            if src and not src.startswith("data:"):
                if current is None:
                    current = new_line()
                alt = _squash(element.get("alt") or "")
                current.add_image(join_url(base_url, src) or "", alt)
        if text and (current is not None or not text.isspace()):
            current = current or new_line()
            texts.append(text)
            current.add(text, anchor_text)
        if children:
            open_.append([element, children, is_block])
            continue
        while True:  # the element ends, and so may the elements it closes
            if is_block:
                if current is not None:
                    current.close(texts, lines)
                    current = None
                blocks.pop()
                start = starts.pop()
                if start != len(lines):
                    runs[element] = (start, len(lines))
                if not blocks:  # the end of the top element, whose tail is not the page's
                    break
            elif element is anchor_owner and anchor is not None:
                anchor.text = _squash("".join(anchor_text or ()))
                if card_line is not None:  # a card: the headline names the link
                    anchor.card, anchor.text = anchor.text, card_line.text or anchor.text
                anchor = anchor_owner = anchor_text = None
                card = card_line = None
            text = element.tail
            if text and (current is not None or not text.isspace()):
                current = current or new_line()
                texts.append(text)
                current.add(text, anchor_text)
            if not open_:
                break
            parent = open_[-1]
            parent[1] -= 1
            if parent[1]:
                break
            element, _, is_block = open_.pop()
    if current is not None:
        current.close(texts, lines)
    return lines

