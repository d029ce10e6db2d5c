"""The template layer: where known CMS templates put an article's body.

A rule names the body element of one family of templates. When it matches and holds text,
the body comes from it; when no rule matches, the generic layer finds the body.
"""

from __future__ import annotations

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
_IDS = {name for t in TEMPLATES for name in t.ids}
_NAMES = tuple(_CLASSES | _IDS)
# One pass over the tree for every rule (an XPath per rule would walk it once each).
_MARKED = etree.XPath("//*[@class or @id]")


def template_body(root: HtmlElement, html: str) -> tuple[str, HtmlElement] | None:
    """The first known template whose body element is on the page, with that element.

    ``html`` is the page's source: a page that never names a rule's class or id is passed
    over without walking its tree. Nested matches (TRS nests ``TRS_Editor`` divs) resolve to
    the outermost one.
    """
    if not any(name in html for name in _NAMES):
        return None
    found = [element for element in _MARKED(root)
             if element.get("id") in _IDS
             or _CLASSES.intersection((element.get("class") or "").split())]
    for template in TEMPLATES:
        for element in found:  # document order: the outermost match comes first
            classes = set((element.get("class") or "").split())
            if classes & template.classes or element.get("id") in template.ids:
                return template.name, element
    return None
