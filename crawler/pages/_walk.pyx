# cython: language_level=3
"""``lines.page_lines`` compiled: the same walk, reading libxml2's nodes through lxml's C API.

The Python function in ``lines.py`` is the reference; this twin must give the same lines and
spans for every tree (``tests/test_walk.py`` compares the two). Only block elements get an
lxml proxy (the lines and spans hold them); text, tails and attributes are read off the nodes.
"""

from cpython.object cimport PyObject, PyTypeObject
from libc.string cimport strcmp
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport (
    LXML_VERSION_STRING, _Document, _Element, _isElement, attributeValueFromNsName,
    elementFactory, import_lxml__etree, tailOf, textOf,
)

from urllib.parse import urlsplit

import lxml

if lxml.__version__.split(".")[0] != (<bytes>LXML_VERSION_STRING).decode().split(".")[0]:
    # Built against another lxml: its structures may differ. lines.py falls back on Python.
    raise ImportError(f"crawler.pages._walk was built for lxml {LXML_VERSION_STRING.decode()}, "
                      f"not {lxml.__version__}")
import_lxml__etree()

cdef tuple _NO_ARGS = ()
cdef const char* _BLOCKS[64]
cdef Py_ssize_t _NBLOCKS = 0
# What this walk shares with lines.py, which imports this module: read at the first call, so
# that either module can be imported first.
cdef object Anchor, Line, _folder, _page_url, _site_url, _squash
cdef tuple _BLOCK_NAMES  # owns _BLOCKS' bytes


cdef int _bind() except -1:
    global Anchor, Line, _folder, _page_url, _site_url, _squash, _BLOCK_NAMES, _NBLOCKS
    from crawler.pages import lines

    Anchor, Line, _folder, _page_url, _site_url, _squash = (
        lines.Anchor, lines.Line, lines._folder, lines._page_url, lines._site_url,
        lines._squash)
    _BLOCK_NAMES = tuple(tag.encode() for tag in lines.BLOCK_TAGS)
    assert len(_BLOCK_NAMES) <= 64
    for i in range(len(_BLOCK_NAMES)):
        _BLOCKS[i] = <bytes>_BLOCK_NAMES[i]
    _NBLOCKS = len(_BLOCK_NAMES)
    return 0


cdef inline bint _plain(tree.xmlNode* node) noexcept:
    """An element whose tag is its bare name (no namespace)."""
    return node.type == tree.XML_ELEMENT_NODE and (node.ns is NULL or node.ns.href is NULL)


cdef bint _is_block(tree.xmlNode* node) noexcept:
    """``element.tag in BLOCK_TAGS``."""
    cdef const char* name
    cdef int i
    if not _plain(node):
        return False
    name = <const char*>node.name
    for i in range(_NBLOCKS):
        if _BLOCKS[i][0] == name[0] and strcmp(_BLOCKS[i], name) == 0:
            return True
    return False


cdef inline bint _named(tree.xmlNode* node, const char* name) noexcept:
    return _plain(node) and strcmp(<const char*>node.name, name) == 0


cdef inline tree.xmlNode* _first_child(tree.xmlNode* node) noexcept:
    """The first child lxml's iterator visits: none below a comment or entity reference."""
    cdef tree.xmlNode* child
    if node.type != tree.XML_ELEMENT_NODE:
        return NULL
    child = node.children
    while child is not NULL and not _isElement(child):
        child = child.next
    return child


cdef inline tree.xmlNode* _next_sibling(tree.xmlNode* node) noexcept:
    node = node.next
    while node is not NULL and not _isElement(node):
        node = node.next
    return node


cdef object _text(tree.xmlNode* node):
    """``element.text`` as lxml gives it, for comments, processing instructions and entity
    references too (``Document.root`` has none of them; ``raw_root`` may)."""
    if node.type == tree.XML_ELEMENT_NODE:
        return textOf(node)
    if node.type == tree.XML_ENTITY_REF_NODE:
        return f"&{(<bytes>node.name).decode()};"
    return "" if node.content is NULL else (<bytes>node.content).decode("utf-8")


cdef enum:  # what a run of text nodes (an element's text, or its tail) holds
    _NONE  # no text node: lxml gives None
    _EMPTY  # text nodes, all empty: ''
    _BLANK  # ASCII whitespace, which str.isspace() and str.split() take as such
    _OTHER  # anything else


cdef int _run(tree.xmlNode* node) noexcept:
    """What the run of text nodes from ``node`` holds, read without building the string that
    lxml's ``textOf``/``tailOf`` would build for it (as they do, skipping XInclude markers)."""
    cdef int state = _NONE
    cdef const unsigned char* c
    while node is not NULL:
        if node.type == tree.XML_TEXT_NODE or node.type == tree.XML_CDATA_SECTION_NODE:
            if state == _NONE:
                state = _EMPTY
            c = node.content
            if c is not NULL:
                while c[0]:
                    if c[0] == 32 or 9 <= c[0] <= 13 or 28 <= c[0] <= 31:
                        state = _BLANK
                    else:
                        return _OTHER
                    c += 1
        elif node.type != tree.XML_XINCLUDE_START and node.type != tree.XML_XINCLUDE_END:
            break
        node = node.next
    return state


cdef inline object _text_of(tree.xmlNode* node, object text):
    """The node's text: ``text`` when already read, else built now."""
    return textOf(node) if text is None else text


cdef object _get(tree.xmlNode* node, const char* name):
    """``element.get(name)``."""
    if node.type != tree.XML_ELEMENT_NODE:
        return None
    return attributeValueFromNsName(node, NULL, <const unsigned char*>name)


# origin -> {href: lines._site_url(href, origin)}: at most 4 origins of 4096 links each, the
# bound of the lru_cache there (a dict is a fraction of its cost; a full one starts again).
_SITE_URLS: dict = {}


cdef dict _site_urls(str origin):
    cache = _SITE_URLS.get(origin)
    if cache is None:
        if len(_SITE_URLS) >= 4:
            _SITE_URLS.clear()
        cache = _SITE_URLS[origin] = {}
    return cache


cdef str _site_url_of(dict cache, str href, str origin):
    """``lines._site_url``, from a plain dict per origin: a site's navigation links repeat on
    every page."""
    url = cache.get(href)
    if url is None:
        if len(cache) >= 4096:
            cache.clear()
        url = cache[href] = _site_url.__wrapped__(href, origin)
    return url


cdef object _line(object block):
    """``Line(block)``, without running its ``__init__`` in the interpreter."""
    line = (<PyTypeObject*>Line).tp_new(Line, <PyObject*>_NO_ARGS, NULL)
    line.block = block
    line.text = ""
    line.link_chars = 0
    line.anchors = []
    line.images = ()
    return line


cdef object _anchor(object url, object text, object title):
    """``Anchor(url, text, title)``, likewise."""
    anchor = (<PyTypeObject*>Anchor).tp_new(Anchor, <PyObject*>_NO_ARGS, NULL)
    anchor.url = url
    anchor.text = text
    anchor.title = title
    anchor.after = ""
    return anchor


cdef void _close(object current, list texts, list lines):
    """``Line.close``."""
    text = texts[0] if len(texts) == 1 else "".join(texts)
    current.text = " ".join(text.split())
    del texts[:]
    if current.text or current.images:
        for anchor in current.anchors:
            if anchor.after:
                anchor.after = " ".join(anchor.after.split())
        lines.append(current)


cdef void _add(object current, str text, list link_text):
    """``Line.add``."""
    if link_text is not None:
        current.link_chars += len(text.strip())
        link_text.append(text)
    else:
        anchors = current.anchors
        if anchors:
            anchors[-1].after += text


def page_lines(_Element root not None, str base_url, dict spans=None):
    """``lines.page_lines``: the same walk and the same lines, with the node tree walked by
    its pointers (each node's start, then its end once its last child has ended)."""
    if not _NBLOCKS:
        _bind()
    cdef _Document doc = root._doc
    cdef tree.xmlNode* top = root._c_node
    cdef tree.xmlNode* node
    cdef tree.xmlNode* link_node
    cdef tree.xmlNode* child
    cdef tree.xmlNode* nxt
    cdef bint is_block, leaf
    cdef int state, tail
    cdef Py_ssize_t start
    child = _first_child(top)
    while child is not NULL:
        if _named(child, "body"):
            top = child
            break
        child = _next_sibling(child)
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    folder = _folder(base_url)
    page_url, squash = _page_url, _squash
    cdef dict site_urls = _site_urls(origin)
    cdef list lines = []
    cdef list blocks = []  # the open blocks' proxies, innermost last
    cdef list starts = []
    cdef dict runs = {} if spans is None else spans
    current = None
    cdef list texts = []
    anchor = None
    cdef tree.xmlNode* anchor_owner = NULL
    cdef list anchor_text = None
    node = top
    while True:
        is_block = _is_block(node)
        leaf = _first_child(node) is NULL
        text = None
        if node.type == tree.XML_ELEMENT_NODE:
            state = _run(node.children)
        else:  # a comment or processing instruction: its content is its text
            text = _text(node)
            state = _OTHER if text else _EMPTY if text is not None else _NONE
        if is_block:
            if current is not None:
                _close(current, texts, lines)
                current = None
            element = elementFactory(doc, node)
            blocks.append(element)
            starts.append(len(lines))
            if state == _OTHER:
                text = _text_of(node, text)
            if anchor is None and (state == _NONE or state == _BLANK
                                   or state == _OTHER and text.isspace()):
                link_node = _first_child(node)
                if link_node is not NULL and _next_sibling(link_node) is NULL \
                        and _named(link_node, "a") and _first_child(link_node) is NULL:
                    link_text = textOf(link_node)
                    tail = _run(link_node.next)
                    if link_text and (tail == _NONE or tail == _BLANK
                                      or tail == _OTHER and tailOf(link_node).isspace()):
                        href = _get(link_node, "href")
                        if href is not None:
                            title = _get(link_node, "title")
                            url = _site_url_of(site_urls, href, origin) \
                                or page_url(href, base_url, origin, folder)
                            line = _line(element)
                            line.text = " ".join(link_text.split())
                            if line.text:
                                line.anchors.append(_anchor(url, line.text,
                                                            squash(title) if title else ""))
                                line.link_chars = len(link_text.strip())
                                lines.append(line)
                            leaf = True
                            state = _NONE
        elif _named(node, "a"):
            href = _get(node, "href")
            if href is not None and anchor is None:
                title = _get(node, "title")
                url = _site_url_of(site_urls, href, origin) \
                    or page_url(href, base_url, origin, folder)
                link = _anchor(url, "", squash(title) if title else "")
                if current is None:
                    current = _line(blocks[-1])
                current.anchors.append(link)
                if not leaf:
                    anchor, anchor_text = link, []
                    anchor_owner = node
                elif state == _BLANK or state == _OTHER:
                    text = _text_of(node, text)
                    texts.append(text)
                    link.text = " ".join(text.split())
                    current.link_chars += len(text.strip())
                    state = _NONE
        elif _named(node, "br"):
            if current is not None:
                _close(current, texts, lines)
                current = None
        elif _named(node, "img"):
            src = _get(node, "src") or _get(node, "data-src") or _get(node, "original")
            if src and not src.startswith("data:"):
                if current is None:
                    current = _line(blocks[-1])
                alt = squash(_get(node, "alt") or "")
                current.add_image(_site_url_of(site_urls, src, origin)
                                  or page_url(src, base_url, origin, folder), alt)
        if state == _OTHER or state == _BLANK and current is not None:
            text = _text_of(node, text)
            if current is not None or not text.isspace():
                if current is None:
                    current = _line(blocks[-1])
                texts.append(text)
                _add(current, text, anchor_text)
        if not leaf:
            node = _first_child(node)
            continue
        nxt = NULL
        while True:  # the node ends, and so may the nodes it closes
            if blocks and (<_Element>blocks[-1])._c_node is node:  # a block ends
                if current is not None:
                    _close(current, texts, lines)
                    current = None
                element = blocks.pop()
                start = starts.pop()
                if start != len(lines):
                    runs[element] = (start, len(lines))
                if not blocks:  # the end of the top element, whose tail is not the page's
                    break
            elif node is anchor_owner and anchor is not None:
                anchor.text = squash("".join(anchor_text))
                anchor = anchor_text = None
                anchor_owner = NULL
            if node is top:
                break
            state = _run(node.next)
            if state == _OTHER or state == _BLANK and current is not None:
                text = tailOf(node)
                if current is not None or not text.isspace():
                    if current is None:
                        current = _line(blocks[-1])
                    texts.append(text)
                    _add(current, text, anchor_text)
            nxt = _next_sibling(node)
            if nxt is not NULL:
                break
            node = node.parent
        if nxt is NULL:  # the top element has ended
            break
        node = nxt
    if current is not None:
        _close(current, texts, lines)
    return lines
