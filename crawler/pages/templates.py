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


# Every element that names a class or an id, in document order: one pass in C, then the
# rules are matched on their attribute values.
_MARKED = etree.XPath("descendant-or-self::*[@class or @id]")


def template_body(root: HtmlElement) -> tuple[str, HtmlElement] | None:
    """The first known template whose body element is on the page, with that element.

    Nested matches (TRS nests ``TRS_Editor`` divs) resolve to the outermost one: the first
    in document order.
    """
    first: dict[str, HtmlElement] = {}  # template name -> its first element
    for element in _MARKED(root):
        classes = set((element.get("class") or "").split())
        element_id = element.get("id")
        for template in TEMPLATES:
            if template.name not in first and (
                    classes & template.classes or element_id in template.ids):
                first[template.name] = element
    return next(((t.name, first[t.name]) for t in TEMPLATES if t.name in first), None)
