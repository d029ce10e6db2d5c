"""The list page: a channel's article links, its pagination and the site's navigation."""

from __future__ import annotations

import re
from functools import cached_property
from posixpath import dirname
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from crawler.dates import day_of
from crawler.pages.document import Document
from crawler.pages.generic import title_parts
from crawler.pages.lines import page_lines
from crawler.pages.markers import (
    LAST_PAGE_TEXTS,
    LIST_SERIES_RE,
    NEXT_PAGE_TEXTS,
    NOT_A_CHANNEL,
    PAGE_COUNT_RE,
    PAGE_PARAM_RE,
    PAGER_TEXTS,
    POSTBACK_RE,
    WIDGET_LINK_RE,
    is_breadcrumb,
    looks_like_article_url,
)
from crawler.pages.pagers import (
    ApiList,
    Jpage,
    ScriptPager,
    api_list,
    datastore_records,
    jpage,
    records_html,
    script_pager,
    series_number,
)
from crawler.urls import canonical_url, clean_url, host_of

if TYPE_CHECKING:
    from crawler.pages.lines import Anchor, Line

MIN_TITLE = 5  # an article link's text is a headline, not a word


class ListedArticle(NamedTuple):
    url: str
    title: str
    date: str | None  #: ``YYYY-MM-DD`` printed beside the link, None when none


def _pager_label(anchor: Anchor) -> str:
    """A link's text as a pager reads it; its title where the text says nothing (an arrow
    or an image whose ``title`` is 下一页).

    >>> from crawler.pages.lines import Anchor
    >>> _pager_label(Anchor("u", "", "下一页")), _pager_label(Anchor("u", "[2]", ""))
    ('下一页', '2')
    """
    text = anchor.text.lower().strip(" []【】")
    title = anchor.title.lower().strip()
    if title in PAGER_TEXTS and not (text in PAGER_TEXTS or text.isdigit()):
        return title
    return text


def _is_next(label: str) -> bool:
    """Whether a pager label (``_pager_label``) leads to the next page: 下一页, next, » …"""
    return label in NEXT_PAGE_TEXTS or label.startswith(("下一页", "下页"))


def _page_number(url: str) -> int | None:
    """The page number a paginated URL carries: ``index_3.html`` -> 3, ``?page=3`` -> 3."""
    parts = urlsplit(url)
    if match := LIST_SERIES_RE.search(parts.path):
        return int(match.group(1))
    if match := PAGE_PARAM_RE.search(parts.query):
        return int(match.group(1))
    return None


class ListPage:
    """Links of a page read as a list: articles, pages of the same list, everything else."""

    def __init__(self, document: Document, lines: list[Line]) -> None:
        self.document = document
        self.url = document.url
        self.lines = lines
        self.host = host_of(document.url)

    def _anchors(self) -> list[tuple[Line, Anchor]]:
        """Every link of the page, hidden ones last: they count for discovery (pagers behind
        a 加载更多 button), never for the body."""
        return [(line, a) for line in (*self.lines, *self.document.hidden_lines)
                for a in line.anchors if a.url.startswith(("http://", "https://"))]

    @cached_property
    def articles(self) -> list[ListedArticle]:
        """Links to articles: a headline-length link with a date beside it, or with an
        article-shaped URL; page order, each once."""
        found: dict[str, ListedArticle] = {}
        lines = [*self.lines, *self.record_lines]
        for index, line in enumerate(lines):
            if not line.anchors:
                continue
            # A table row puts the date in the next cell, which is a line of its own.
            following = lines[index + 1] if index + 1 < len(lines) else None
            beside = following.text if following is not None and not following.anchors \
                and len(following.text) <= 25 else ""
            for anchor in line.anchors:
                if anchor.url.startswith(("http://", "https://")):
                    self._add_article(found, line, anchor, beside)
        return list(found.values())

    def _add_article(self, found: dict[str, ListedArticle], line: Line, anchor: Anchor,
                     beside: str) -> None:
        title = anchor.title if len(anchor.title) > len(anchor.text) else anchor.text
        if len(anchor.text) >= MIN_TITLE and anchor.text not in PAGER_TEXTS:
            single = len(line.anchors) == 1
            date = day_of(anchor.after) or day_of(anchor.card) \
                or (day_of(line.text) if single else None) \
                or (day_of(beside) if single else None)
            if date or looks_like_article_url(anchor.url):
                found.setdefault(canonical_url(anchor.url),
                                 ListedArticle(clean_url(anchor.url), title, date))

    @cached_property
    def record_lines(self) -> list[Line]:
        """The lines of list items a script holds for a pager to draw: Hanweb jpage's
        ``<datastore>`` records (the page shows none of them without the script)."""
        records = datastore_records(self.document.script_text)
        if not records:
            return []
        document = Document.from_bytes(self.url, records_html(records))
        return page_lines(document.root, document.base_url)

    @cached_property
    def jpage(self) -> Jpage | None:
        """The Hanweb jpage list this page sets up, if any: its further record groups."""
        return jpage(self.document.script_text, self.url)

    @cached_property
    def api(self) -> ApiList | None:
        """The JSON list API this column page's scripts fill its list from, if any."""
        return api_list(self.document.text, self.document.script_text, self.url)

    @cached_property
    def dated_links(self) -> int:
        """How many article links carry a date: the evidence that this page is a list."""
        return sum(1 for item in self.articles if item.date)

    @cached_property
    def script_pager(self) -> ScriptPager | None:
        """The pager a script draws (TRS's ``createPageHTML`` and kin), if any."""
        return script_pager(self.document.script_text, self.url)

    @cached_property
    def script_pages(self) -> list[str]:
        """Pages drawn by a pager script: ``index.html``, ``index_1.html`` ..."""
        return [clean_url(url) for url in self.script_pager.urls] if self.script_pager else []

    def number(self, url: str) -> int | None:
        """The page number ``url`` carries in this list: a known series (``index_3.html``),
        a page parameter (``?page=3``), or this page's own series whatever its name
        (``fg_3.shtml``)."""
        number = _page_number(url)
        return number if number is not None else series_number(self.url, url)

    @cached_property
    def postback_next(self) -> tuple[str, str] | None:
        """An ASP.NET pager's next page: the (``__EVENTTARGET``, ``__EVENTARGUMENT``) its
        下一页 link posts back with the page's form, None when it has none."""
        for line in (*self.lines, *self.document.hidden_lines):
            for anchor in line.anchors:
                label = _pager_label(anchor)
                if _is_next(label) and (match := POSTBACK_RE.search(anchor.url)):
                    return match.group(1), match.group(2)
        return None

    @cached_property
    def page_number(self) -> int:
        """This page's number in its list, 0 for the first page. ``index_958.html`` is the
        first page of the ``index_958_N`` series when its pager names them, else page 958."""
        number = _page_number(self.url)
        if number is not None:
            return number
        stem = urlsplit(self.url).path.rsplit("/", 1)[-1].rpartition(".")[0]
        suffix = re.search(r"_(\d+)$", stem)
        if not suffix or any(urlsplit(url).path.rsplit("/", 1)[-1].startswith(stem + "_")
                             for url in self.pages):
            return 0
        return int(suffix.group(1))

    @cached_property
    def unfollowed_pager(self) -> str | None:
        """What shows a pager this page names no page of (``共35页``, ``goPage('2','35')``),
        None when there is none or its pages were found: the channel's older articles are
        then out of reach, which the crawl warns about."""
        if self.pages or self.postback_next or self.api or self.jpage:
            return None
        for line in self.lines:
            if match := PAGE_COUNT_RE.search(line.text):
                return match.group(0)
        match = PAGE_COUNT_RE.search(self.document.script_text)
        return match.group(0) if match else None

    @cached_property
    def mechanism(self) -> str | None:
        """How this list names its other pages, for the stats: the script pager's form, a
        下一页 link, numbered pager links; None when it shows no other page."""
        if self.api:
            return self.api.kind
        if self.jpage:
            return "hanweb-jpage"
        if self.postback_next and not self.pages:
            return "aspnet-postback"
        if self.script_pager:
            return f"script-{self.script_pager.form}"
        if not self.pages:
            return None
        return "next-link" if self._next_link else "numbered-links"
    @cached_property
    def pages(self) -> list[str]:
        """Other pages of this list (pager links, numbered links, script pagers), in page order
        where known; never the page itself."""
        own_dir = dirname(urlsplit(self.url).path)
        found: dict[str, int] = {}
        for line, anchor in self._anchors():
            text = _pager_label(anchor)
            numbered = text.isdigit() and len(text) <= 4
            if not (numbered or text in PAGER_TEXTS or _is_next(text)):
                continue
            if is_breadcrumb(line.text):
                continue  # 当前位置：首页 > 栏目: the site's home, not the list's first page
            target = urlsplit(anchor.url)
            series = self.number(anchor.url) is not None
            same_place = host_of(anchor.url) == self.host and dirname(target.path) == own_dir
            pager_word = not numbered
            if (same_place and (series or pager_word or (numbered and len(line.anchors) >= 2))) \
                    or (series and host_of(anchor.url) == self.host):
                number = int(text) if numbered else self.number(anchor.url) or 0
                found.setdefault(clean_url(anchor.url), number)
        for number, url in enumerate(self.script_pages):
            found.setdefault(url, number)
        own, unique = canonical_url(self.url), dict[str, str]()
        for url in sorted(found, key=lambda url: found[url]):
            if canonical_url(url) != own:
                unique.setdefault(canonical_url(url), url)
        return list(unique.values())

    @cached_property
    def _next_link(self) -> str | None:
        """The 下一页 link, if the page has one."""
        own = canonical_url(self.url)
        for _, anchor in self._anchors():
            text = _pager_label(anchor)
            if _is_next(text) and text not in LAST_PAGE_TEXTS and host_of(anchor.url) == self.host \
                    and canonical_url(anchor.url) != own:
                return clean_url(anchor.url)
        return None

    @cached_property
    def next_page(self) -> str | None:
        """The page after this one: the 下一页 link, else the next of the series."""
        return self._next_link or self._first_after(self.page_number)

    def page_after(self, url: str) -> str | None:
        """The page of this list that follows ``url`` in its series, None when none does: where
        ``url`` is missing (a gap, or a guessed numbering), a walk goes on there."""
        number = self.number(url)
        return None if number is None else self._first_after(number)

    def _first_after(self, number: int) -> str | None:
        later = [url for url in self.pages if (self.number(url) or 0) > number]
        return min(later, key=lambda url: self.number(url) or 0) if later else None

    @cached_property
    def name(self) -> str | None:
        """The channel's name: the last breadcrumb, else the first part of ``<title>``."""
        for line in self.lines[:80]:
            if is_breadcrumb(line.text):
                crumbs = [a.text for a in line.anchors if a.text and a.text not in NOT_A_CHANNEL]
                tail = re.split(r"[>»›→]", line.text)[-1].strip()
                if tail and tail not in NOT_A_CHANNEL and len(tail) <= 12 and ":" not in tail:
                    return tail
                if crumbs:
                    return crumbs[-1]
        parts = title_parts(self.document.title_tag)
        return parts[0] if len(parts) > 1 and len(parts[0]) <= 12 else None

    @cached_property
    def links(self) -> list[tuple[str, str]]:
        """Every page link on the page as (URL to request, link text), page order, each page
        once (by canonical URL); print, share and close widgets left out."""
        seen: dict[str, tuple[str, str]] = {}
        for _, anchor in self._anchors():
            if not WIDGET_LINK_RE.match(anchor.text):
                seen.setdefault(canonical_url(anchor.url), (clean_url(anchor.url), anchor.text))
        return list(seen.values())
