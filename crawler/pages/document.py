"""Decoding a response body and parsing it once into the lxml tree every page layer shares."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from urllib.parse import urlsplit

from lxml import etree
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.pages.lines import Line, page_lines
from crawler.text import INVISIBLE_SPACES, normalize_space
from crawler.urls import join_url

# GB2312 and GBK pages routinely use characters only GB18030 (their superset) defines.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
              "euc-cn": "gb18030", "hz-gb-2312": "gb18030", "big5": "big5hkscs",
              "iso-8859-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}
_SNIFF_ORDER = ("utf-8", "gb18030", "big5hkscs")
_ASCII_COMPATIBLE = frozenset({"utf-8", "gb18030", "big5hkscs", "cp1252"})
# C0 control characters but tab and line breaks (XML has no place for them): those Python
# splits words at (\x0b, \x0c, \x1c-\x1f) become spaces, the others (NUL, \x08, ...) go.
_CONTROLS = {code: " " if chr(code).isspace() else None for code in range(32)
             if chr(code) not in "\t\n\r"}
_CONTROL_BYTES = tuple(bytes([code]) for code in _CONTROLS)
# Pages wrapped in a CleanEval-style container: <text id="URL" title="..." encoding="gb2312">.
_WRAPPER_RE = re.compile(rb"^\s*<text\b[^>]*?\bencoding=\"([^\"]+)\"", re.I)
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                           huge_tree=False, encoding="utf-8")
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*>")
_STRAY_END_RE = re.compile(r"</html\s*>", re.I)
_CONTENT_AFTER_RE = re.compile(r"<(?:body|div|p|table|h[1-6]|article|section|span|a)\b", re.I)
_END_TAGS_RE = re.compile(r"</(?:html|body)\s*>", re.I)
_TAG_RUN_RE = re.compile(r"(<(?:div|span|font|table|tr|td|p|b|i|center|ul|li)\b[^>]*>)"
                         r"(?:\s*<(?:div|span|font|table|tr|td|p|b|i|center|ul|li)\b[^>]*>){100,}")
# Attribute nodes, not elements: libxml2 finds these several times faster; from the elements
# (``descendant-or-self::*``), not every node (``//``): text nodes have no attributes.
_STYLES = etree.XPath("descendant-or-self::*/@style")
_HIDDEN = etree.XPath("descendant-or-self::*/@hidden")
_DECLARING_TAGS = ("meta", "link", "base", "title", "time", "script")
_DROP_TAGS = ("title", "script", "style", "noscript", "template", "iframe", "object", "embed",
              "svg", "select", "textarea", "button", "input")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(canonical, canonical)


def _errors(text: str) -> int:
    return text.count("\ufffd")


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes as a browser would, GB2312/GBK read as GB18030. Returns (text, codec).

    Order: BOM; bytes that are strictly valid UTF-8; the Content-Type charset, the in-page
    declaration, then a sniff, where a declared charset that does not fit the bytes
    (undecodable sequences) loses to one that does.

    >>> decode_html("质量".encode("gbk"))
    ('质量', 'gb18030')
    >>> decode_html("质量".encode("gbk"), "text/html; charset=utf-8")
    ('质量', 'gb18030')
    >>> decode_html(b'<meta charset="gb2312">' + "兴市".encode("gbk"))[1]
    'gb18030'
    """
    text, codec, _ = _decode(body, content_type)
    return text, codec


def _decode(body: bytes, content_type: str | None) -> tuple[str, str, bool]:
    """``decode_html``, and whether the text is exactly the bytes read as UTF-8."""
    bom, bom_bytes = read_bom(body)
    if bom:
        codec = _codec(bom) or "utf-8"
        return body[len(bom_bytes or b""):].decode(codec, "replace"), codec, False
    try:  # strictly valid UTF-8 with non-ASCII text is UTF-8 whatever the page claims
        return body.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    head = body[:4096]
    wrapper = _WRAPPER_RE.match(head)
    declared = [
        _codec(http_content_type_encoding(content_type) if content_type else None),
        _codec(wrapper.group(1).decode("ascii", "replace") if wrapper else None),
        _codec(html_body_declared_encoding(head)),
    ]
    candidates = [c for c in declared if c] + [c for c in _SNIFF_ORDER if c not in declared]
    best: tuple[int, str, str] | None = None
    for codec in candidates:
        # Not final: a body cut short (a lying Content-Length) may end inside a character,
        # which is left out rather than turned into a replacement character.
        text = codecs.getincrementaldecoder(codec)("replace").decode(body, final=False)
        errors = _errors(text)
        if errors == 0:
            return text, codec, False
        if best is None or errors < best[0]:
            best = (errors, text, codec)
    assert best is not None
    return best[1], best[2], False


@dataclass
class Document:
    """One fetched page: its URL, decoded text and parsed tree (built once, lazily)."""

    url: str
    #: decoded; by ``from_bytes``, without control characters and with zero-width spaces as spaces
    text: str
    encoding: str = "utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    #: ``text`` encoded as UTF-8, when the page came as exactly that: what the parser reads
    utf8: bytes | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_bytes(cls, url: str, body: bytes, headers: dict[str, str] | None = None) -> Document:
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        text, encoding, exact = _decode(body, headers.get("content-type"))
        utf8 = body if exact else None
        # Control characters: lxml refuses them, and a record has no use for them. A search of
        # the bytes is many times faster than one of the text, and in these codecs only a
        # control byte decodes to a control character.
        if encoding not in _ASCII_COMPATIBLE or any(byte in body for byte in _CONTROL_BYTES):
            cleaned = text.translate(_CONTROLS)
            if cleaned != text:
                text, utf8 = cleaned, None
        if (end := _STRAY_END_RE.search(text)) and _CONTENT_AFTER_RE.search(text, end.end()):
            # libxml2 stops reading at </html>: a stray one (templates glued together) would
            # hide the rest of the page, the article often. The tree closes both at the end.
            text, utf8 = _END_TAGS_RE.sub("", text), None
        if "&amp;nbsp;" in text:  # a space escaped twice by the CMS prints as "&nbsp;"
            text, utf8 = text.replace("&amp;nbsp;", "&nbsp;"), None
        for char in INVISIBLE_SPACES:  # zero-width spaces become spaces: text splits on them then
            if char in text:
                text, utf8 = text.replace(char, " "), None
        return cls(url=url, text=text, encoding=encoding, headers=headers, utf8=utf8)

    @cached_property
    def raw_root(self) -> etree._Element:
        """The whole tree, scripts included (pagers are drawn by scripts). Plain lxml
        elements: the ``lxml.html`` element classes cost a lookup per node visited."""
        text = _XML_DECLARATION_RE.sub("", self.text, count=1)
        cut = len(text) != len(self.text)  # a declaration taken off: the bytes are not the text
        root = _parse(text, None if cut else self.utf8)
        if root is not None and any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
            # The parser drops what lies deeper than a few hundred levels: flatten runs of
            # opening tags (hostile or broken pages) and parse again, so that their text survives.
            root = _parse(_TAG_RUN_RE.sub(lambda run: run.group(1), text))
        return root if root is not None else etree.fromstring("<html><body></body></html>",
                                                              _PARSER)

    @cached_property
    def root(self) -> etree._Element:
        """The tree without scripts, styles, comments, form controls and hidden elements.

        This is the same tree object as ``raw_root``; read script text before touching it.
        """
        root = self.raw_root
        self.script_text, self.title_tag  # noqa: B018 - read both before they are dropped
        # In C, tails kept: the text after a dropped element stays where it was.
        etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_DROP_TAGS,
                             with_tail=False)
        hidden = [style.getparent() for style in _STYLES(root)
                  if "display:none" in "".join(style.split()).lower()]
        hidden += [attribute.getparent() for attribute in _HIDDEN(root)]
        # Hidden blocks still name pages (a pager behind a 加载更多 button, other tabs of
        # a list): kept aside for discovery, never for the body.
        hidden_set = set(hidden)
        self.hidden_root = etree.Element("div")
        for element in hidden:
            if any(parent in hidden_set for parent in element.iterancestors()):
                continue  # leaves with the hidden block that holds it
            _drop(element)
            element.tail = None  # _drop left it in the tree
            self.hidden_root.append(element)
        return root

    @cached_property
    def hidden_lines(self) -> list[Line]:
        """The visual lines of the page's hidden blocks (``display:none``, ``hidden``)."""
        self.root  # noqa: B018 - sets hidden_root
        return page_lines(self.hidden_root, self.base_url) if len(self.hidden_root) else []

    @cached_property
    def declared(self) -> dict[str, list[etree._Element]]:
        """The elements a page describes itself with, by tag, in document order: one pass in C
        over the whole tree (a full-tree XPath each would walk it once per question)."""
        found: dict[str, list[etree._Element]] = {tag: [] for tag in _DECLARING_TAGS}
        for element in self.raw_root.iter(*_DECLARING_TAGS):
            found[element.tag].append(element)
        return found

    @cached_property
    def script_text(self) -> str:
        """All inline script source, joined; pagers such as ``createPageHTML(...)`` live here."""
        return "\n".join(s.text or "" for s in self.declared["script"])

    @cached_property
    def title_tag(self) -> str:
        """The ``<title>`` text (or a CleanEval wrapper's title), whitespace-normalised."""
        titles = self.declared["title"]
        if titles:
            return normalize_space("".join(titles[0].itertext()))
        match = re.search(r"<text\b[^>]*\btitle=\"([^\"]*)\"", self.text[:2048])
        return normalize_space(match.group(1)) if match else ""

    @cached_property
    def wrapper_url(self) -> str | None:
        """The page's address as a CleanEval-style wrapper records it (``<text id="URL">``)."""
        match = re.match(r"\s*<text\b[^>]*?\bid=\"(https?://[^\"]+)\"", self.text[:2048])
        return join_url(match.group(1), "") if match else None  # None: no URL urllib parses

    def at_wrapper_url(self) -> Document:
        """This page at the address its CleanEval-style wrapper records, if it has one."""
        url = self.wrapper_url
        return replace(self, url=url) if url else self

    @cached_property
    def base_url(self) -> str:
        """What relative links resolve against: ``<base href>`` when it stays on this host."""
        bases = [b.get("href") for b in self.declared["base"] if b.get("href") is not None]
        if bases:
            base = join_url(self.url, str(bases[0]))
            if base and urlsplit(base).scheme in {"http", "https"} \
                    and urlsplit(base).hostname == urlsplit(self.url).hostname:
                return base
        return self.url

    @cached_property
    def _metas(self) -> dict[str, str]:
        """Each ``<meta>`` name (or property, itemprop), lower-cased, with its first non-empty
        content."""
        found: dict[str, str] = {}
        for element in self.declared["meta"]:
            key = (element.get("name") or element.get("property") or element.get("itemprop")
                   or "").strip().lower()
            if key and key not in found:
                content = normalize_space(element.get("content") or "")
                if content:
                    found[key] = content
        return found

    def meta(self, *names: str) -> str | None:
        """The first non-empty ``<meta name|property=...>`` content among ``names``."""
        metas = self._metas
        return next((metas[key] for key in map(str.lower, names) if key in metas), None)


def _parse(text: str, utf8: bytes | None = None) -> etree._Element | None:
    if not text.strip():
        return None
    try:
        return etree.fromstring(utf8 or text.encode("utf-8"), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _drop(element: etree._Element) -> None:
    """Remove ``element`` but keep its tail text in the tree."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
