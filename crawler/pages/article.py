"""The article page: one record's fields from one page, by template rules, metadata, then
the generic layer. Pure: (url, bytes, headers) in, fields out; no requests, no I/O."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from posixpath import dirname
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lxml import etree

from crawler.dates import (
    ParsedDate,
    cascade_day,
    date_in_url,
    day_of,
    find_date,
    partial_date,
)
from crawler.items import Article, Attachment, Image, RelatedLink
from crawler.pages.generic import (
    HEADER_LINES,
    LEAD_POINTS,
    HeaderFields,
    Headline,
    body_container,
    find_headline,
    frame_lines,
    header_text,
    inside,
    labelled_source,
    lead_lines,
    line_points,
    outlet_name,
    parse_header,
    similarity,
    with_siblings,
)
from crawler.pages.lines import Line, page_lines
from crawler.pages.markers import (
    ATTACHMENT_LINE_RE,
    BODY_END_LINE_RE,
    BODY_END_RE,
    CREDIT_LINE_RE,
    CRUMB_SEPARATOR_RE,
    DATE_LABELS,
    DELETED_RE,
    IMAGE_EXTENSIONS,
    LABEL_RE,
    NOT_A_CHANNEL,
    PAGE_PARAM_RE,
    PUNCT_RE,
    RELATED_HEADING_RE,
    SENTENCE_END_RE,
    SOURCE_CLASSES,
    SOURCE_IDS,
    WIDGET_RE,
    editor_line,
    extension,
    is_binary,
    is_breadcrumb,
    label_of,
    looks_like_article_url,
    source_line,
)
from crawler.pages.metadata import Metadata, read_metadata
from crawler.pages.pagers import script_pager
from crawler.pages.templates import template_body
from crawler.urls import canonical_url, clean_url, host_of

if TYPE_CHECKING:
    from lxml.etree import _Element

    from crawler.pages.document import Document

MAX_PARAGRAPHS = 2000  # per page: a bound on what a hostile page can make a record hold
MAX_LINKS = 200  # related links, images, attachments per page
MAX_CAPTION = 60
SENTENCE_PUNCT_RE = re.compile(r"[，。；！？]")
_LIST_STEM_RE = re.compile(r"node_\d+|list|more|default", re.I)
_SPLIT_PAGE_RE = re.compile(r"^(?P<stem>.+?)_(?P<n>\d{1,3})\.(?P<ext>s?html?|php|aspx?|jsp)$", re.I)


def is_page_link(url: str) -> bool:
    """Whether a link may lead to another web page (http(s), not a file, not a script).

    >>> is_page_link("javascript:void(0)"), is_page_link("http://a.cn/f.pdf")
    (False, False)
    >>> is_page_link("http://a.cn/zlxw/t20230728_1.html")
    True
    """
    return url.startswith(("http://", "https://")) and not is_binary(url)


@dataclass
class Body:
    paragraphs: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None


class ArticlePage:
    """Fields of one article page. Each property is computed once, from one parsed tree."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.url = document.url
        #: each block holding lines, with the run of them it holds (``page_lines``)
        self.spans: dict[_Element, tuple[int, int]] = {}
        self.lines: list[Line] = page_lines(document.root, document.base_url, self.spans)

    # --- layers ------------------------------------------------------------------------

    @cached_property
    def metadata(self) -> Metadata:
        return read_metadata(self.document)

    @cached_property
    def _body_lines(self) -> tuple[str, list[int]]:
        """(layer, indices of the lines of the body block)."""
        spans = self.spans
        found = template_body(self.document.root)
        if found:
            indices = inside(spans, found[1])
            if any(line_points(self.lines[i]) for i in indices):
                return "template", indices
        container = body_container(self.lines, spans)
        if container is None:
            return "generic", []
        blocks = with_siblings(self.lines, spans, container)
        furniture = frame_lines(spans, blocks)
        indices = [i for i in inside(spans, *blocks) if i not in furniture]
        lead = lead_lines(self.lines, indices[0], self.document.title_tag) if indices else []
        return "generic", [i for i in lead if not is_header_like(self.lines[i].text)] + indices

    @property
    def template_matched(self) -> bool:
        return self._body_lines[0] == "template"

    @cached_property
    def body_start(self) -> int:
        """Index of the first line of real body text (after any headline and header inside
        the body block)."""
        indices = self._body_lines[1]
        for i in indices:
            line = self.lines[i]
            if line_points(line) and PUNCT_RE.search(line.text) and not is_header_like(line.text) \
                    and similarity(line.text, self.document.title_tag, floor=0.6) < 0.6:
                return i
        for i in indices:  # no punctuated text: the first line that is not a header line
            if self.lines[i].text and not is_header_like(self.lines[i].text):
                return i
        return indices[-1] + 1 if indices else len(self.lines)  # the "body" was a header

    @cached_property
    def headline(self) -> Headline | None:
        return find_headline(self.lines, self.document.title_tag, self.body_start)

    @cached_property
    def header_indices(self) -> list[int]:
        """Lines of the header block: the non-empty lines between headline and body, and
        labelled lines just above the headline; above the body when no headline line."""
        lines, stop = self.lines, self.body_start
        if self.headline is None or self.headline.line < 0:
            return [i for i in range(max(0, stop - 30), stop)
                    if is_header_like(lines[i].text)][-HEADER_LINES:]
        top = self.headline.line
        after = [i for i in range(top + 1, min(stop, top + 1 + 4 * HEADER_LINES))
                 if lines[i].text and is_header_like(lines[i].text)][:HEADER_LINES]
        above = [i for i in range(max(0, top - 8), top) if lines[i].text][-2:]
        return after + [i for i in above if LABEL_RE.search(lines[i].text)
                        or _is_bare_date(lines[i].text)]

    @cached_property
    def header_line(self) -> str:
        """The header block's lines joined, as its labels are read."""
        return header_text([self.lines[i] for i in self.header_indices])

    @cached_property
    def header(self) -> HeaderFields:
        return parse_header(self.header_line)

    @cached_property
    def trailer_lines(self) -> list[Line]:
        """Labelled lines just after the body: the info box some sites print at the foot
        (发布日期：… 来源：…)."""
        indices = self._body_lines[1]
        if not indices:
            return []
        return [line for line in self.lines[indices[-1] + 1: indices[-1] + 1 + TRAILER_LINES]
                if len(line.text) <= 120 and LABEL_RE.search(line.text)]

    @cached_property
    def trailer_date(self) -> ParsedDate | None:
        """A labelled publication date printed just after the body (发布日期：… at the foot)."""
        for line in self.trailer_lines:
            for match in LABEL_RE.finditer(line.text):
                if label_of(match) in DATE_LABELS:
                    parsed = find_date(line.text[match.end():])
                    if parsed:
                        return parsed
        return None

    @cached_property
    def trailer_source(self) -> str | None:
        """A labelled 来源 printed just after the body."""
        return parse_header(header_text(self.trailer_lines)).source if self.trailer_lines \
            else None

    @cached_property
    def outlet(self) -> str | None:
        """The outlet printed without a label next to the header's date: on the date's line
        (``2019年09月07日 04:04 北京日报``, ``中国网 2019-11-25 10:37``), or alone on the
        line above a labelled date (an account's name over ``发布时间：10-08 12:00``)."""
        lines = self.lines
        top = self.headline.line if self.headline and self.headline.line >= 0 else -1
        for i in self.header_indices:
            text = lines[i].text
            labels = [label_of(match) for match in LABEL_RE.finditer(text)]
            if labels:  # a labelled line labels its source: a name alone sits above it
                if labels[0] in DATE_LABELS and i > top:
                    above = next((j for j in range(i - 1, top, -1) if lines[j].text), None)
                    name = outlet_name(lines[above].text) if above is not None else None
                    if name and len(name) <= 12:
                        return name
                continue
            parsed = find_date(text)
            if parsed is not None:
                before, _, after = text.partition(parsed.raw)
                for token in (*after.split()[:1], *before.split()[-1:]):
                    if name := outlet_name(token):
                        return name
        return None

    @cached_property
    def hinted_source(self) -> str | None:
        """The source an element's id or class names (``class="source"``, ``id="js_name"``),
        hidden blocks included (a 百度 crawler block)."""
        root = self.document.root
        for element in (*_SOURCE_XPATH(root), *_SOURCE_XPATH(self.document.hidden_root)):
            if found := labelled_source("".join(element.itertext())):
                return found
        return None

    @cached_property
    def header_date(self) -> ParsedDate | None:
        """The header line's date. One printed without its year (``10-08 12:00``) takes the
        year from a date of that month and day the page declares, or that htmldate finds."""
        if self.header.date is not None or not self.header_indices:
            return self.header.date
        text = self.header_line
        labelled = [match for match in LABEL_RE.finditer(text) if label_of(match) in DATE_LABELS]
        if not labelled and len(text) > 40:
            return None
        value = text[labelled[0].end():] if labelled else text
        if not _PARTIAL_HINT_RE.search(value):
            return None
        day = self.htmldate_day
        return partial_date(value, [*self.metadata.dates, *([ParsedDate(day, day)] if day
                                                            else [])])

    @cached_property
    def header_date_broken(self) -> bool:
        """Whether the header labels a date that is none (2023-02-30, 0000-00-00, next year):
        the page's date is then unknown, not guessed from elsewhere on it."""
        if self.header.date is not None or not self.header_indices:
            return False
        text = self.header_line
        return any(label_of(match) in DATE_LABELS and _FULL_DATE_RE.match(text, match.end())
                   for match in LABEL_RE.finditer(text))

    @cached_property
    def htmldate_day(self) -> str | None:
        """The publication day htmldate's cascade finds for the whole page."""
        return cascade_day(self.document.text, self.url if "://" in self.url else None)

    @cached_property
    def page_date(self) -> ParsedDate | None:
        """The date of a page whose header line shows none: the publication time it states
        for search engines (Open Graph, JSON-LD), else htmldate's day for the whole page (as
        a date of that day the page declares, when one is); where htmldate finds none, the
        declared publication date, else the one a script writes, else the URL's."""
        if self.metadata.published is not None:  # stated for search engines, to the minute
            return self.metadata.published
        url_date = date_in_url(self.url)
        day = self.htmldate_day
        if day is None:
            return self.metadata.date or self.metadata.script_date or url_date
        return next((found for found in (*self.metadata.dates, url_date)
                     if found is not None and found.iso[:10] == day), ParsedDate(day, day))

    @cached_property
    def related_indices(self) -> list[int]:
        """Lines of 相关新闻-like lists: a heading line, then the link lines that follow it in
        the block that holds both (the next block of links is another list)."""
        found: list[int] = []
        lines = self.lines
        # Cheap test first: every RELATED_HEADING_RE match has one of these.
        for i in [i for i, line in enumerate(lines) if "相关" in line.text or "阅读" in line.text]:
            line = lines[i]
            lead = line.text
            if line.anchors:
                lead = line.text.split(line.anchors[0].text, 1)[0] if line.anchors[0].text else ""
            if not (lead and len(lead) <= 16 and RELATED_HEADING_RE.match(lead)):
                continue
            found.append(i)
            scope: set[_Element] | None = None
            for j in range(i + 1, min(len(lines), i + 1 + MAX_LINKS)):
                following = lines[j]
                if scope is None and following.anchors:
                    scope = _common_block(line.block, following.block)
                if scope is not None and following.block not in scope:
                    break
                if following.anchors:
                    found.append(j)
                elif len(following.text) <= 14 and (not following.text
                                                    or find_date(following.text)):
                    found.append(j)  # a date or blank printed on a line of its own
                else:
                    break
        return found

    # --- fields ------------------------------------------------------------------------

    @cached_property
    def body(self) -> Body:
        body = Body()
        skip = set(self.related_indices) | set(self.header_indices)
        if self.headline and self.headline.line >= 0:
            skip.add(self.headline.line)
        title_key = self.title or ""
        last_image_line = -2
        indices = self._body_lines[1]
        # The editor line often closes the body just outside the body block.
        after = [i for i in range(indices[-1] + 1, min(len(self.lines), indices[-1] + 4))
                 if editor_line(self.lines[i].text)] if indices else []
        strong = [i for i in indices if line_points(self.lines[i]) >= LEAD_POINTS]
        resume = -1  # after a box inside the article, the body resumes at this line
        for i in indices + after:
            line = self.lines[i]
            text = line.text
            if i < resume:
                continue
            if i in skip or (i < self.body_start and not (line.images or i - last_image_line == 1)):
                continue
            for url, alt in line.images[:MAX_LINKS]:
                if extension(url) in IMAGE_EXTENSIONS or not extension(url):
                    body.images.append({"url": url, "caption": alt or None})
                    last_image_line = i
            files = [a for a in line.anchors if is_binary(a.url)] if line.anchors else ()
            for anchor in files:
                name = anchor.text or urlsplit(anchor.url).path.rsplit("/", 1)[-1]
                body.attachments.append({"url": anchor.url, "title": name})
            if not text:
                continue
            if files and (ATTACHMENT_LINE_RE.match(text) or line.link_ratio > 0.5):
                continue
            if match := editor_line(text):
                body.editor = match.group("name").strip()
                text = text[: match.start()].strip().rstrip("(（[【").strip()
                if not text:
                    continue
            if match := source_line(text):
                body.source = body.source or match.group("name").strip()
                continue
            if (len(text) < 40 and WIDGET_RE.search(text)) or line.link_ratio > 0.6:
                continue
            if body.paragraphs and ((len(text) <= MAX_BODY_END and BODY_END_RE.match(text))
                                    or BODY_END_LINE_RE.match(text)):
                # Related posts, an author box, comments: the article has ended, unless
                # paragraphs of text follow (a box inside the article): then only the box goes.
                later = [k for k in strong if k > i]
                if len(later) < 2:
                    break
                resume = later[0]
                continue
            if len(text) <= MAX_CAPTION and CREDIT_LINE_RE.match(text):
                continue
            if text == title_key or _is_bare_date(text):
                continue
            if (i - last_image_line <= 1 and len(text) <= MAX_CAPTION and body.images
                    and not SENTENCE_END_RE.search(text)):
                body.images[-1]["caption"] = text
                continue
            body.paragraphs.append(text)
            if len(body.paragraphs) >= MAX_PARAGRAPHS:
                break
        if not body.paragraphs and not body.images and self.header_indices:
            # Photo news: no text block at all, the picture right under the header is the body.
            first = max(self.header_indices) + 1
            for line in self.lines[first: first + 8]:
                if line.link_ratio > 0.5:
                    break
                body.images += [{"url": url, "caption": alt or None} for url, alt in line.images
                                if extension(url) in IMAGE_EXTENSIONS or not extension(url)]
        body.images = body.images[:MAX_LINKS]
        body.attachments = body.attachments[:MAX_LINKS]
        return body

    @cached_property
    def title(self) -> str | None:
        if self.headline and self.headline.line >= 0:
            return self.headline.text
        return self.metadata.title or (self.headline.text if self.headline else None)

    @cached_property
    def related(self) -> list[RelatedLink]:
        links: list[RelatedLink] = []
        own = canonical_url(self.url)
        for i in self.related_indices:
            for anchor in self.lines[i].anchors:
                if not is_page_link(anchor.url) or not anchor.text \
                        or canonical_url(anchor.url) == own:  # "#top" and the like
                    continue
                title = anchor.text
                shown = title.rstrip("…. ")
                if anchor.title and len(anchor.title) > len(shown) and \
                        anchor.title.startswith(shown[:4]):
                    title = anchor.title
                links.append({"url": canonical_url(anchor.url), "title": title,
                              "date": day_of(anchor.after)})
        return links[:MAX_LINKS]

    @cached_property
    def channel(self) -> str | None:
        for line in self.lines[: self.body_start]:
            if line.anchors and (is_breadcrumb(line.text) or (  # crumbs are links
                len(line.anchors) >= 2 and line.anchors[0].text in NOT_A_CHANNEL
                and CRUMB_SEPARATOR_RE.search(line.text)
            )):
                crumbs = [a.text for a in line.anchors if a.text and a.text not in NOT_A_CHANNEL]
                if crumbs:
                    return crumbs[-1]
        return None

    @cached_property
    def nav_channel(self) -> str | None:
        """The navigation link whose folder holds this article (``/dfdt/`` for
        ``/dfdt/show.php?id=3``): channels are folders on most CMSs. Deepest folder wins."""
        own = urlsplit(self.url)
        origin = f"{own.scheme}://{own.netloc}"
        own_folder = origin + dirname(own.path).rstrip("/") + "/"
        if len(own_folder) <= len(origin) + 1:
            return None  # an article at the site's root is in no folder
        top_folder = own_folder[: own_folder.index("/", len(origin) + 1) + 1]
        best: tuple[int, str] | None = None
        # Cheap test first: a channel's folder holds this article's.
        for anchor in [a for line in self.lines for a in line.anchors
                       if a.url.startswith(top_folder)]:
            if not 2 <= len(anchor.text) <= 10 or anchor.text in NOT_A_CHANNEL or anchor.card:
                continue  # a card (a link holding blocks) is an article, not a channel
            folder = _folder(anchor.url)
            if (len(folder) > len(origin) + 1 and own_folder.startswith(folder)
                    and (best is None or len(folder) > best[0])
                    and not looks_like_article_url(anchor.url)):
                best = (len(folder), anchor.text)
        return best[1] if best else None

    @cached_property
    def canonical(self) -> str:
        """The article's URL: its canonical link when that stays on the same host."""
        declared = self.metadata.canonical
        if declared and declared.startswith(("http://", "https://")) \
                and host_of(declared) == host_of(self.url) \
                and urlsplit(canonical_url(declared)).path.strip("/"):  # not "every page is home"
            return canonical_url(declared)
        return canonical_url(self.url)

    # --- page structure ----------------------------------------------------------------

    @cached_property
    def split_pages(self) -> list[str]:
        """URLs of the other pages of a 分页 article (``stem_2.htm`` ...), in page order;
        [] when it has one page."""
        own = urlsplit(self.url)
        stem, _, ext = own.path.rpartition("/")[2].rpartition(".")
        if _LIST_STEM_RE.fullmatch(stem):
            return []  # node_12_2.htm beside node_12.htm is the list's page 2, not the article's
        numbered: dict[int, str] = {}
        own_path = own.path
        for line in self.lines:
            for anchor in line.anchors:
                if stem not in anchor.url and own_path not in anchor.url:
                    continue  # cheap test first: only links naming this page can be its pages
                target = urlsplit(anchor.url)
                if target.netloc != own.netloc or dirname(target.path) != dirname(own.path):
                    continue
                name = target.path.rpartition("/")[2]
                match = _SPLIT_PAGE_RE.match(name)
                if match and match.group("stem") == stem and match.group("ext") == ext:
                    numbered[int(match.group("n"))] = clean_url(anchor.url)
                elif (target.path == own.path and target.query != own.query
                      and (page := PAGE_PARAM_RE.search(target.query))):
                    numbered[int(page.group(1))] = clean_url(anchor.url)
        pager = script_pager(self.document.script_text, self.url)
        if pager and pager.urls[0].rpartition("/")[2] == f"{stem}.{ext}":
            for n, url in enumerate(pager.urls[1:], start=1):
                numbered.setdefault(n, clean_url(url))
        own_url = canonical_url(self.url)
        return [url for _, url in sorted(numbered.items()) if canonical_url(url) != own_url]

    @cached_property
    def first_page(self) -> str | None:
        """For page N>1 of a 分页 article, the URL of page 1 when the page links to it."""
        own = urlsplit(self.url)
        match = _SPLIT_PAGE_RE.match(own.path.rpartition("/")[2])
        if not match:
            return None
        first = f"{match.group('stem')}.{match.group('ext')}"
        for line in self.lines:
            for anchor in line.anchors:
                if first not in anchor.url:
                    continue
                target = urlsplit(anchor.url)
                if target.netloc == own.netloc and target.path.rpartition("/")[2] == first \
                        and dirname(target.path) == dirname(own.path):
                    return clean_url(anchor.url)
        return None

    @property
    def deleted(self) -> bool:
        """A 200 page that says the article was removed (该信息已删除)."""
        if self.body_chars >= 300:
            return False
        return any(DELETED_RE.search(line.text) for line in self.lines if line.link_ratio < 0.5)

    @cached_property
    def body_links(self) -> int:
        """Headline links standing between paragraphs of the body block: many of them make
        the "body" a list of article summaries (related lists excluded)."""
        related = set(self.related_indices)
        kinds = []
        for i in self._body_lines[1]:
            line = self.lines[i]
            if i in related:
                continue
            if any(len(a.text) >= 5 and not a.card and is_page_link(a.url) for a in line.anchors):
                kinds.append("L")
            elif line_points(line):
                kinds.append("P")
        text = "".join(kinds)
        return len(re.findall(r"(?<=P)L+(?=P)", text))

    @property
    def body_chars(self) -> int:
        return sum(len(p) for p in self.body.paragraphs)

    def _stated(self, date: ParsedDate) -> str:
        """A date's ISO form as the page states it: a time without an offset is a portal's
        (+08:00) only on a Chinese page; elsewhere it stays a local time, with no offset."""
        if "T" in date.iso and not self.chinese and not _OFFSET_RE.search(date.raw):
            return date.iso[:19]
        return date.iso

    @cached_property
    def chinese(self) -> bool:
        """Whether the page is written in Chinese (a third of its title and body's letters
        at least): the unlabelled 来源 rules read Chinese sites' habits, nobody else's."""
        text = (self.title or "") + "".join(self.body.paragraphs[:5])
        letters = sum(map(str.isalpha, text))
        return letters > 0 and len(_CJK_RE.findall(text)) >= letters / 3

    # --- the record ----------------------------------------------------------------------

    def to_article(self, *, channel: str | None = None, fetched_at: str | None = None) -> Article:
        """The record of this page alone; ``channel`` is the list's name when the page has none."""
        header, meta, body = self.header, self.metadata, self.body
        layers: dict[str, str] = {}

        def pick(name: str, *candidates: tuple[str, Callable[[], str | None]]) -> str | None:
            """The first layer's non-empty value, computed only when the ones before fail."""
            for layer, value in candidates:
                if found := value():
                    layers[name] = layer
                    return found
            return None

        date, date_layer = self.header_date or self.trailer_date, "generic"
        if date is None and not self.header_date_broken:
            date = self.page_date
            date_layer = "metadata" if date in meta.dates else "generic"
        if date is not None and "T" not in date.iso:  # a day: a declared time of that day
            timed = next((found for found in meta.dates
                          if found.iso[:10] == date.iso and "T" in found.iso), None)
            date, date_layer = (timed, "metadata") if timed else (date, date_layer)
        if self.title:
            layers["title"] = "generic" if self.headline and self.headline.line >= 0 \
                else "metadata"
        if body.paragraphs:
            layers["paragraphs"] = self._body_lines[0]
        if date:
            layers["published_at"] = date_layer
        article = Article(
            url=self.canonical,
            title=self.title,
            published_at=self._stated(date) if date else None,
            published_at_raw=date.raw if date else None,
            source=pick("source", ("generic", lambda: header.source),
                        ("generic", lambda: body.source), ("generic", lambda: self.trailer_source),
                        ("generic", lambda: (self.chinese and self.outlet) or None),
                        ("metadata", lambda: meta.source),
                        ("generic", lambda: (self.chinese and self.hinted_source) or None)),
            author=pick("author", ("generic", lambda: header.author),
                        ("metadata", lambda: meta.author)),
            editor=pick("editor", ("generic", lambda: body.editor),
                        ("generic", lambda: header.editor)),
            channel=pick("channel", ("generic", lambda: self.channel),
                         ("metadata", lambda: meta.channel), ("generic", lambda: self.nav_channel),
                         ("crawl", lambda: channel)),
            paragraphs=list(body.paragraphs),
            images=list(body.images),
            attachments=list(body.attachments),
            related=list(self.related),
            pages=[canonical_url(self.url)],
            extracted_by=layers,
            fetched_at=fetched_at,
        )
        return article


MAX_BODY_END = 60  # a line that ends the body is a heading or a label, never a paragraph
_PARTIAL_HINT_RE = re.compile(r"\d[:：]\d")  # a time: a partial date is worth looking for
_FULL_DATE_RE = re.compile(r"\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
_OFFSET_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})\s*$|GMT|UTC", re.I)
_CJK_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TRAILER_LINES = 8  # an info box at the foot sits within this many lines of the body's end
_SOURCE_XPATH = etree.XPath(" | ".join(
    [f"//*[@id='{name}']" for name in SOURCE_IDS]
    + [f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
       for name in SOURCE_CLASSES]))


@lru_cache(maxsize=8192)  # navigation links repeat on every page; bounded memory
def _folder(url: str) -> str:
    """The folder part of a URL: ``http://a.cn/dfdt/`` for ``http://a.cn/dfdt/show.php?id=3``."""
    return url.split("?", 1)[0].split("#", 1)[0].rpartition("/")[0] + "/"


def _common_block(heading: _Element, first_link: _Element) -> set[_Element]:
    """Everything inside the smallest element holding both a heading and its first link."""
    ancestors = {first_link, *first_link.iterancestors()}
    element: _Element | None = heading
    while element is not None and element not in ancestors:
        element = element.getparent()
    return set(element.iter()) if element is not None else set()


def is_header_like(text: str) -> bool:
    """Whether a line reads like an article header line (labelled fields or a date).

    >>> is_header_like("2005-04-05 06:40更新 来源：转载文章")
    True
    >>> is_header_like("8月22日，国家质检总局要求各级质检部门")
    False
    """
    if len(text) >= 120 or len(SENTENCE_PUNCT_RE.findall(text)) > 1:
        return False  # header lines are not sentences
    return bool(LABEL_RE.search(text) or find_date(text))


def _is_bare_date(text: str) -> bool:
    if len(text) > 80:  # a date, its labels and a few characters: never a paragraph
        return False
    parsed = find_date(text)
    if not parsed:
        return False
    rest = LABEL_RE.sub("", text.replace(parsed.raw, ""))
    return len(rest.strip(" ()（）[]【】:：|")) <= 4

