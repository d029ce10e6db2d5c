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
# One pass over the tree for every rule, over attribute nodes (libxml2 filters those several
# times faster than elements): class attributes naming a rule's class, ids equal to a rule's.
_MARKED = etree.XPath(
    "descendant-or-self::*/@class["
    + " or ".join(f"contains(., '{name}')" for name in sorted(_CLASSES)) + "]"
    + "|descendant-or-self::*/@id[" + " or ".join(f". = '{name}'" for name in sorted(_IDS)) + "]"
)


def template_body(root: HtmlElement) -> tuple[str, HtmlElement] | None:
    """The first known template whose body element is on the page, with that element.

    Nested matches (TRS nests ``TRS_Editor`` divs) resolve to the outermost one.
    """
    found = [(attribute.attrname, str(attribute), attribute.getparent())
             for attribute in _MARKED(root)]  # document order
    for template in TEMPLATES:
        for name, value, element in found:  # the outermost match comes first
            if (template.classes.intersection(value.split()) if name == "class"
                    else value in template.ids):
                return template.name, element
    return None
