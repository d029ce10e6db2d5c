"""The page as a sequence of visual lines: text split at block elements and ``<br>``.

Every layer reads the page through this one linearisation, built once per page: headline,
header line, body, related links and list links are all runs of lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlparse, urlsplit

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

    def close(self, texts: list[str], lines: list[Line]) -> None:
        """The line is complete: its text (read into ``texts``) squashed, and the line kept if
        it shows anything."""
        self.text = " ".join((texts[0] if len(texts) == 1 else "".join(texts)).split())
        texts.clear()
        if self.text or self.images:
            for anchor in self.anchors:
                if anchor.after:
                    anchor.after = _squash(anchor.after)
            lines.append(self)


def _squash(text: str) -> str:
    """``normalize_space`` for text of a ``Document`` tree, which has no zero-width spaces
    (written out in the hot loop and ``Line.close``, where the call costs more than the work)."""
    return " ".join(text.split())


@lru_cache(maxsize=16384)  # a site's navigation links repeat on every page: resolved once
def _site_url(href: str, origin: str) -> str:
    """``href`` made absolute when the page's own URL plays no part (a full URL, a path from
    the site's root), without ``urljoin``'s cost; '' for a path relative to the page, and for
    a full URL that urllib cannot parse (``http://[x``), which ``_page_url`` then refuses."""
    href = href.strip()
    if href.startswith(("http://", "https://")):
        if not href.isascii() or "[" in href or "]" in href:  # else urllib cannot refuse it
            try:
                urlsplit(href)
            except ValueError:
                return ""
        return href
    if href.startswith("/") and not href.startswith("//") and "/." not in href:
        return origin + href
    return ""


# What ``_page_url`` writes out: a path relative to the page's folder, with no scheme, no
# parameters (";"), nothing urllib strips or drops (controls, spaces first; tabs, line breaks).
_FOLDER_PATH_RE = re.compile(r"[^\x00-\x20/?#:;][^:;\t\r\n]*")


def _folder(base_url: str) -> list[str] | None:
    """The segments a path relative to ``base_url``'s folder starts from, as ``urljoin``
    splits them; None for a base that is not http(s)."""
    parts = urlparse(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    folder = parts.path.split("/")
    if folder[-1]:
        del folder[-1]
    return folder


def _page_url(href: str, base_url: str, origin: str, folder: list[str] | None) -> str:
    """``urljoin(base_url, href.strip())``, or '' where urllib cannot parse it (a link to
    nowhere: one such link must not cost the page). The commonest relative link, a path from
    the page's folder (``list.shtml``, ``../../200502/index.htm?id=1``), is resolved here as
    ``urljoin`` does it, at a fraction of its cost (``origin`` and ``folder``: the base's)."""
    href = href.strip()
    if folder is None or not _FOLDER_PATH_RE.fullmatch(href):
        try:
            return urljoin(base_url, href)
        except ValueError:  # "Invalid IPv6 URL", a host that NFKC turns into "a:b", ...
            return ""
    path, _, fragment = href.partition("#")
    path, _, query = path.partition("?")
    segments = folder + path.split("/")
    segments[1:-1] = filter(None, segments[1:-1])  # as urljoin: no empty segment within
    resolved: list[str] = []
    for segment in segments:
        if segment == "..":
            if resolved:
                resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    if segments[-1] in (".", ".."):
        resolved.append("")
    path = "/".join(resolved) or "/"
    url = origin + (path if path[0] == "/" else "/" + path)
    return url + ("?" + query if query else "") + ("#" + fragment if fragment else "")


def page_lines(root: HtmlElement, base_url: str,
               spans: dict[HtmlElement, tuple[int, int]] | None = None) -> list[Line]:
    """All visual lines of the page under ``root``, in document order. A block's lines (its
    own and those of the blocks in it) are one run of them: ``spans``, when given, receives
    each block that holds lines with its run (start, end), as ``range`` takes them.

    One pass of lxml's element iterator, one step per element (no Python recursion, no end
    events): an element's start and text when it is reached; its end and tail at once for an
    element without children, else when its last child has ended (a count of the children
    still open is kept per open element). A block holding nothing but one text-only link
    takes one step for both. This is the hot loop of every page, hence one flat function;
    ``_walk.pyx`` is the same function compiled, which runs in its place where it is built.
    """
    body = root.find("body")
    top = body if body is not None else root
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    folder = _folder(base_url)
    site_url, page_url = _site_url, _page_url  # names local to the hot loop
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
    block_tags = BLOCK_TAGS
    skip: HtmlElement | None = None  # a link already read with the block that holds it
    for element in top.iter():
        if element is skip:
            continue
        tag = element.tag
        children = len(element)
        text = element.text
        is_block = tag in block_tags
        if is_block:
            if current is not None:
                current.close(texts, lines)
                current = None
            blocks.append(element)
            starts.append(len(lines))
            if children == 1 and anchor is None and (text is None or text.isspace()):
                # The commonest line of a page, <li><a href="...">text</a></li>: read the
                # link here and end the block now, without visiting the link on its own.
                link_element = element[0]
                link_text = link_element.text
                if link_element.tag == "a" and link_text and not len(link_element) \
                        and (link_element.tail is None or link_element.tail.isspace()) \
                        and (href := link_element.get("href")) is not None:
                    title = link_element.get("title")
                    url = site_url(href, origin) or page_url(href, base_url, origin, folder)
                    line = Line(element)
                    line.text = " ".join(link_text.split())
                    if line.text:
                        line.anchors.append(Anchor(url, line.text,
                                                   _squash(title) if title else ""))
                        line.link_chars = len(link_text.strip())
                        lines.append(line)
                    skip, children, text = link_element, 0, None
        elif tag == "a":
            href = element.get("href")
            if href is not None and anchor is None:
                title = element.get("title")
                url = site_url(href, origin) or page_url(href, base_url, origin, folder)
                link = Anchor(url, "", _squash(title) if title else "")
                if current is None:
                    current = Line(blocks[-1])
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
                    current = Line(blocks[-1])
                alt = _squash(element.get("alt") or "")
                current.add_image(site_url(src, origin) or page_url(src, base_url, origin, folder),
                                  alt)
        if text and (current is not None or not text.isspace()):
            current = current or Line(blocks[-1])
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
                anchor = anchor_owner = anchor_text = None
            text = element.tail
            if text and (current is not None or not text.isspace()):
                current = current or Line(blocks[-1])
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



#: The walk above. ``page_lines`` is its compiled twin (``_walk.pyx``, built by ``setup.py``)
#: where that was built, and this function where it was not; ``tests/test_walk.py`` holds the
#: two to the same lines and spans.
python_page_lines = page_lines
# ImportError: not built (no C compiler at install), or built for another lxml.
with suppress(ImportError):
    from crawler.pages._walk import page_lines  # type: ignore[no-redef]
COMPILED_WALK = page_lines is not python_page_lines
