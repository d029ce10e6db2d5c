"""The template layer: where known CMS templates put an article's body.

A rule names the body element of one family of templates. When it matches and holds text,
the body comes from it; when no rule matches, the generic layer finds the body.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree

if TYPE_CHECKING:
    from lxml.etree import _Element as HtmlElement


class Template(NamedTuple):
    name: str
    classes: frozenset[str] = frozenset()  #: any of these class names marks the body
    ids: frozenset[str] = frozenset()  #: or any of these ids


TEMPLATES: tuple[Template, ...] = (
    Template("trs-wcm", classes=frozenset({"TRS_Editor"})),
    Template("trs-ueditor", classes=frozenset({"TRS_UEDITOR"})),
    Template("ucap", ids=frozenset({"UCAP-CONTENT"})),
    Template("zoom", ids=frozenset({"zoom", "Zoom", "fontzoom", "fontZoom"})),
    Template("article-content", classes=frozenset({"article-content", "pages_content",
                                                   "TRS_Content"})),
)
_CLASSES = {name for t in TEMPLATES for name in t.classes}
# Every class attribute's value, in document order, as plain strings: a rule's class is then
# looked for once in their joined text, where ``contains()`` per name and attribute in the
# XPath, or a Python test per attribute, cost several times more on pages with many classes.
_CLASS_VALUES = etree.XPath("descendant-or-self::*/@class", smart_strings=False)
# Joined by NULs, which no attribute holds; a class is a word between spaces or NULs.
_CLASS_WORD_RE = re.compile(r"(?<![^\s\x00])(?:" + "|".join(map(re.escape, sorted(_CLASSES)))
                            + r")(?![^\s\x00])")
_NAMED_CLASS = etree.XPath("(descendant-or-self::*/@class[. = $value])[1]")
# Ids from the parser's index of them (``id()``): no walk over the tree at all.
_WITH_ID = etree.XPath("id($ids)")


def template_body(root: HtmlElement) -> tuple[str, HtmlElement] | None:
    """The first known template whose body element is on the page, with that element.

    Nested matches (TRS nests ``TRS_Editor`` divs) resolve to the outermost one.
    """
    joined = "\x00".join(_CLASS_VALUES(root))
    first: dict[str, int] = {}  # a rule's class -> where in ``joined`` it first names one
    for match in _CLASS_WORD_RE.finditer(joined):
        first.setdefault(match.group(), match.start())
    for template in TEMPLATES:
        if template.classes:
            found = [first[name] for name in template.classes if name in first]
            if found:  # the element of the first attribute naming one: the outermost
                at = min(found)
                value = joined[joined.rfind("\x00", 0, at) + 1:].partition("\x00")[0]
                return template.name, _NAMED_CLASS(root, value=value)[0].getparent()
        if template.ids:
            for element in _WITH_ID(root, ids=" ".join(sorted(template.ids))):
                if _in_tree(element, root):  # the index keeps ids of elements dropped since
                    return template.name, element
    return None


def _in_tree(element: HtmlElement, root: HtmlElement) -> bool:
    while (parent := element.getparent()) is not None:
        element = parent
    return element is root
