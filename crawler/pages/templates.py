"""The template layer: where known CMS templates put an article's body.

A rule names the body element of one family of templates. When it matches and holds text,
the body comes from it; when no rule matches, the generic layer finds the body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from lxml.html import HtmlElement


class Template(NamedTuple):
    name: str
    body: str  #: XPath of the body element; the first (outermost) match is used


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


TEMPLATES: tuple[Template, ...] = (
    Template("trs-wcm", f"//div[{_has_class('TRS_Editor')}]"),
    Template("trs-ueditor", f"//div[{_has_class('TRS_UEDITOR')}]"),
    Template("ucap", "//*[@id='UCAP-CONTENT']"),
    Template("zoom", "//*[@id='zoom' or @id='Zoom' or @id='fontzoom' or @id='fontZoom']"),
    Template("article-content", f"//div[{_has_class('article-content')} or "
                                f"{_has_class('pages_content')} or {_has_class('TRS_Content')}]"),
)


def template_body(root: HtmlElement) -> tuple[str, HtmlElement] | None:
    """The first known template whose body element is on the page, with that element.

    Nested matches (TRS nests ``TRS_Editor`` divs) resolve to the outermost one.
    """
    for template in TEMPLATES:
        found = root.xpath(template.body)
        if found:
            return template.name, found[0]
    return None
