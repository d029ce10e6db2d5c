"""The generic layer: headline, header line and body of a page no template rule knows.

Signals, not selectors: the body is the block whose lines carry the most punctuated,
unlinked text; the headline is the line before it that best matches ``<title>``; the header
line (date, source, author) is what stands between the two.
"""

from __future__ import annotations

import re
from collections import defaultdict
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from crawler.dates import ParsedDate, find_date
from crawler.pages.markers import (
    AUTHOR_LABELS,
    DATE_LABELS,
    EDITOR_LABELS,
    LABEL_RE,
    NOT_AN_OUTLET_RE,
    OUTLET_RE,
    PAGE_FRAME_RE,
    PAGE_FRAME_TAGS,
    PUNCT_RE,
    SOURCE_LABELS,
    VALUE_END_RE,
    label_of,
)

if TYPE_CHECKING:
    from lxml.etree import _Element as HtmlElement

    from crawler.pages.lines import Line

TITLE_SEPARATOR_RE = re.compile(r"\s*(?:_|\||｜|丨|--|—|–|::|-\s|\s-)\s*")
HEADING_TAGS = frozenset({"h1", "h2", "h3"})
TITLE_MARK_RE = re.compile(r"title|tit\b|headline|biaoti|\bbt\b|wzbt|article_?t", re.I)
# A line counts towards the body when it has at least this much unlinked text.
MIN_BODY_LINE = 8
MIN_SIBLING_CHARS = 80  # a block beside the body joins it with this much unlinked text
LEAD_POINTS = 5.0  # a paragraph above the body block with these points is its lead
SKIPPED_INSERT_CHARS = 300  # a block this short between two parts of the body is an insert
SKIPPED_SIBLING_CHARS = 40  # a linkless block this short beside the body is stepped over
HEADER_LINES = 6  # header line(s) sit within this many lines of the headline


def line_points(line: Line) -> float:
    """How much a line looks like body text: unlinked length and sentence punctuation."""
    own = len(line.text) - line.link_chars
    if own < MIN_BODY_LINE or line.link_chars / max(len(line.text), 1) > 0.35:
        return 0.0
    weight = 0.3 if line.block.tag in ("li", "dd", "dt") else 1.0
    punctuation = min(len(PUNCT_RE.findall(line.text)), 10)
    return weight * (1.0 + punctuation + min(own / 60, 5))


def _container(line: Line) -> HtmlElement:
    block = line.block
    if block.tag in {"p", "h4", "h5", "h6", "blockquote", "pre", "center", "li", "dd"}:
        parent = block.getparent()
        return parent if parent is not None else block
    return block


def inside(spans: dict[HtmlElement, tuple[int, int]], *elements: HtmlElement) -> list[int]:
    """Indices of the lines within any of ``elements``: a block's are its run in ``spans``
    (from ``page_lines``), another element's those of the blocks in it."""
    if len(elements) == 1 and elements[0] in spans:  # a block: most calls
        return list(range(*spans[elements[0]]))
    found: set[int] = set()
    for element in elements:
        span = spans.get(element)
        if span is not None:
            found.update(range(*span))
            continue
        for node in element.iter():
            span = spans.get(node)
            if span is not None:
                found.update(range(*span))
    return sorted(found)


def body_container(lines: list[Line],
                   spans: dict[HtmlElement, tuple[int, int]]) -> HtmlElement | None:
    """The element holding the page's main text: paragraph votes, discounted by links."""
    votes: dict[HtmlElement, float] = defaultdict(float)
    furniture: dict[HtmlElement, bool] = {}
    for line in lines:
        if len(line.text) - line.link_chars < MIN_BODY_LINE:
            continue  # most lines (navigation): no call at all
        points = line_points(line)
        if points:
            container = _container(line)
            if container not in furniture:
                parent = container.getparent()
                furniture[container] = is_page_frame(container) or (
                    parent is not None and parent.tag in PAGE_FRAME_TAGS)
            if furniture[container]:
                continue  # a footer's or a sidebar's text votes for nothing
            votes[container] += points
            parent = container.getparent()
            if parent is not None:
                votes[parent] += points / 2
    # A score is the votes discounted by the share of link text, so never above the votes:
    # candidates are taken by votes, and the link share is counted only while one can win.
    order = {element: i for i, element in enumerate(votes)}  # ties go to the first voted
    best: tuple[float, int] | None = None
    chosen = None
    for element in sorted(votes, key=votes.__getitem__, reverse=True):
        if best is not None and votes[element] < best[0]:
            break
        held = [lines[i] for i in inside(spans, element)]
        text = sum(len(line.text) for line in held)
        score = votes[element] * (1 - sum(line.link_chars for line in held) / max(text, 1))
        if best is None or (score, -order[element]) > best:
            best, chosen = (score, -order[element]), element
    return chosen


def with_siblings(lines: list[Line], spans: dict[HtmlElement, tuple[int, int]],
                  container: HtmlElement) -> list[HtmlElement]:
    """The body block and the run of siblings next to it that read as body too: a lead
    paragraph set apart, a table that continues the text (link-poor, punctuated text)."""
    parent = container.getparent()
    # A cell alone in its row is the row, and so on up: its siblings are the row's.
    while parent is not None and parent.tag != "body" \
            and sum(1 for s in parent if isinstance(s.tag, str)) == 1:
        container, parent = parent, parent.getparent()
    if parent is None:
        return [container]
    siblings = [s for s in parent if isinstance(s.tag, str)]
    at = siblings.index(container)

    def reads_as_body(element: HtmlElement) -> bool | None:
        """True: body; False: not; None: no text at all (skipped over)."""
        if is_page_frame(element):
            return False  # a footer, a sidebar, comments: never the article, however worded
        own = [lines[i] for i in inside(spans, element)]
        chars = sum(len(line.text) for line in own)
        links = sum(line.link_chars for line in own)
        if not chars:
            return None  # no text at all: stepped over
        if chars < SKIPPED_SIBLING_CHARS and not links:
            return None  # a caption, a credit, a subheading, an editor line: a gap
        return chars - links >= MIN_SIBLING_CHARS and links < 0.25 * chars \
            and any(PUNCT_RE.search(line.text) for line in own)

    def small(element: HtmlElement) -> bool:
        return sum(len(lines[i].text) for i in inside(spans, element)) < SKIPPED_INSERT_CHARS

    chosen = [container]
    for step in (-1, 1):
        i, pending = at + step, 0  # blocks stepped over since the last body block
        while 0 <= i < len(siblings):
            verdict = reads_as_body(siblings[i])
            if verdict is False:  # an insert (an ad, a teaser) may interrupt the text once
                if pending > 1 or not small(siblings[i]):
                    break
                pending += 1
            elif verdict is None:
                if any(lines[j].text for j in inside(spans, siblings[i])):
                    pending += 1  # a short line between: only body text goes on after it
            elif verdict:
                if pending and not any(line_points(lines[j]) >= LEAD_POINTS
                                       for j in inside(spans, siblings[i])):
                    break  # after an insert, only paragraphs of body text go on with it
                chosen.append(siblings[i])
                pending = 0
            i += step
    return chosen


def is_page_frame(element: HtmlElement) -> bool:
    """Whether an element is page furniture (a footer, a sidebar, comments) by its tag, class
    or id: never the article's text, however it is worded."""
    return element.tag in PAGE_FRAME_TAGS or bool(PAGE_FRAME_RE.search(
        f"{element.get('class') or ''} {element.get('id') or ''}"))


def frame_lines(spans: dict[HtmlElement, tuple[int, int]],
                elements: list[HtmlElement]) -> set[int]:
    """Lines of page furniture inside the body's elements (a body block chosen wide, the
    page's ``<body>`` itself, holds the footer too)."""
    found: set[int] = set()
    for element in elements:
        for node in element.iterdescendants():
            if isinstance(node.tag, str) and is_page_frame(node):
                found.update(inside(spans, node))
    return found


def lead_lines(lines: list[Line], start: int, title_tag: str) -> list[int]:
    """Paragraphs between the headline and the body block that belong to the body: a lead
    set apart by a table of contents, a share bar or a picture (``start``: the block's first
    line). Only where a heading that matches ``<title>`` stands within 60 lines above."""
    heading = next((i for i in range(start - 1, max(-1, start - 60), -1)
                    if lines[i].block.tag in HEADING_TAGS
                    and similarity(lines[i].text, title_tag, floor=0.6) >= 0.6), None)
    if heading is None:
        return []
    return [i for i in range(heading + 1, start) if not lines[i].link_chars
            and line_points(lines[i]) >= LEAD_POINTS and PUNCT_RE.search(lines[i].text)]


def title_parts(title_tag: str) -> list[str]:
    """``<title>`` split at its separators: headline, channel and site name in some order.

    >>> title_parts("大力推进质量兴市工作_质量兴市_中国质量新闻网")
    ['大力推进质量兴市工作', '质量兴市', '中国质量新闻网']
    """
    return [part for part in TITLE_SEPARATOR_RE.split(title_tag) if part]


def similarity(text: str, title_tag: str, floor: float = 0.0) -> float:
    """How well a line matches the page title: shared run relative to both lengths; 0.0 when
    it cannot reach ``floor``.

    >>> round(similarity("大力推进质量兴市工作", "大力推进质量兴市工作_质量兴市_网"), 2)
    1.0
    >>> similarity("当前位置：首页 > 质量兴市 > 正文", "大力推进质量兴市工作_质量兴市_网") < 0.5
    True
    """
    if not text or not title_tag:
        return 0.0
    main = _main_part_length(title_tag)
    longest = min(len(text), len(title_tag))  # the longest run there could be
    if (longest / len(text)) * min(1.0, longest / main) < floor:
        return 0.0  # a paragraph is far longer than any title
    chars = set(text)
    if len(chars & _characters(title_tag)) < min(4, len(chars)):  # cheap test: too few shared
        return 0.0
    size = longest_shared_run(text, title_tag)
    return (size / len(text)) * min(1.0, size / main)


def longest_shared_run(text: str, other: str) -> int:
    """Length of the longest run of characters found in both strings.

    >>> longest_shared_run("国家质检总局召开会议", "质检总局_中国质量新闻网")
    4
    >>> longest_shared_run("abc", "xyz"), longest_shared_run("", "abc")
    (0, 0)
    """
    return SequenceMatcher(None, text, other, autojunk=False).find_longest_match().size


@lru_cache(maxsize=64)  # one title, every line of a page compared with it
def _characters(title_tag: str) -> frozenset[str]:
    return frozenset(title_tag)


@lru_cache(maxsize=64)
def _main_part_length(title_tag: str) -> int:
    return max(len(part) for part in title_parts(title_tag) or [title_tag])


class Headline(NamedTuple):
    text: str
    line: int  #: index of the headline's line, -1 when it came from ``<title>``


def find_headline(lines: list[Line], title_tag: str, body_start: int) -> Headline | None:
    """The headline: the line before (or at the top of) the body that best matches ``<title>``,
    else the nearest ``<h1>``/``<h2>`` before the body, else the longest ``<title>`` part."""
    scored: list[tuple[float, int]] = []
    main = max((len(part) for part in title_parts(title_tag)), default=0)
    linked_min = max(6, 0.8 * main)
    for i in range(max(0, body_start - 60), min(len(lines), body_start + 3)):
        line = lines[i]
        text = line.text
        size = len(text)
        if not 4 <= size <= 160 or _CRUMBS_RE.match(text):
            continue  # 首页 - 新闻动态: where the page sits, never its headline
        if line.link_chars > 0.6 * size:  # a linked headline (blogs) is most of <title>, verbatim
            if size >= linked_min and text in title_tag:
                scored.append((1.0, i))
            continue
        bonus = 0.05 * (line.block.tag in HEADING_TAGS)
        score = similarity(text, title_tag, floor=0.6 - bonus) + bonus
        if score >= 0.6:
            scored.append((score, i))
    if scored:  # the best match; among near-equals the one nearest the body
        top = max(score for score, _ in scored)
        index = max(i for score, i in scored if score >= top - 0.02)
        return Headline(lines[index].text, index)
    for tags in ({"h1", "h2"}, {"h3", "h4", "h5", "h6"}):
        for i in reversed(range(max(0, body_start - 40), body_start)):
            if lines[i].block.tag in tags and len(lines[i].text) >= 4 \
                    and not _CRUMBS_RE.match(lines[i].text):
                return Headline(lines[i].text, i)
    for i in reversed(range(max(0, body_start - 15), body_start)):
        line = lines[i]
        if 5 <= len(line.text) <= 100 and line.link_ratio < 0.5 and _titled(line.block) \
                and not _CRUMBS_RE.match(line.text):
            return Headline(line.text, i)
    parts = [p for p in title_parts(title_tag) if len(p) >= 4]
    return Headline(max(parts, key=len), -1) if parts else None


_CRUMBS_RE = re.compile(r"^\s*(?:首页|网站首页|主页|home)\s*(?:>>|>|»|›|→|-|/|＞|〉|—)", re.I)


def _titled(element: HtmlElement) -> bool:
    """Whether the element or one of its two parents is marked as a title by class or id."""
    for _ in range(3):
        if element is None:
            return False
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if TITLE_MARK_RE.search(marks):
            return True
        element = element.getparent()
    return False


class HeaderFields(NamedTuple):
    date: ParsedDate | None
    source: str | None
    author: str | None
    editor: str | None


def outlet_name(text: str) -> str | None:
    """``text`` when it reads as an outlet's name printed alone (新京报, GameForce), else None.

    >>> outlet_name(" 北京日报 "), outlet_name("星期五"), outlet_name("我有话说(1307人参与)")
    ('北京日报', None, None)
    """
    text = text.strip()
    return text if OUTLET_RE.match(text) and not NOT_AN_OUTLET_RE.match(text) else None


def labelled_source(text: str) -> str | None:
    """The source a short text names: its 来源 value, or the whole text when it has no label
    and reads as a name; None when it names another field (作者：…).

    >>> labelled_source("来源：求是网参与互动"), labelled_source("作者：张三")
    ('求是网', None)
    >>> labelled_source("新京报")
    '新京报'
    """
    text = " ".join(text.split())
    match = LABEL_RE.search(text)
    if match is None:
        value = _clean_value(text)
        return outlet_name(value) if value else None
    if label_of(match) not in SOURCE_LABELS or text[:match.start()].strip():
        return None
    value = _clean_value(text[match.end():])
    return value if value and len(value) <= 30 else None


def _clean_value(value: str) -> str | None:
    value = VALUE_END_RE.split(value.strip(), maxsplit=1)[0].strip(" :：,，;；")
    return value or None


def parse_header(text: str) -> HeaderFields:
    """Fields of an article header line, by their labels; a bare date when none is labelled.

    >>> h = parse_header("发布时间：2007-08-23 10:12  来源：国家质检总局  作者：李明")
    >>> h.date.iso, h.source, h.author
    ('2007-08-23T10:12:00+08:00', '国家质检总局', '李明')
    >>> parse_header("2023年7月28日 来源: 中国质量报 【字体：大 中 小】").source
    '中国质量报'
    """
    labelled: dict[str, str] = {}
    matches = list(LABEL_RE.finditer(text))
    for match, following in zip(matches, [*matches[1:], None], strict=False):
        end = following.start() if following else len(text)
        labelled.setdefault(label_of(match), text[match.end():end])

    def first(labels: tuple[str, ...]) -> str | None:
        for label in labels:
            if label in labelled:
                value = _clean_value(labelled[label])
                if value:
                    return value
        return None

    date = None
    for label in DATE_LABELS:
        if label in labelled and (date := find_date(labelled[label])):
            break
    return HeaderFields(
        date=date or find_date(text),
        source=first(SOURCE_LABELS),
        author=first(AUTHOR_LABELS),
        editor=first(EDITOR_LABELS),
    )


def header_text(lines: list[Line]) -> str:
    """The header block's lines joined for label parsing; long link lines are navigation."""
    return "  ".join(line.text for line in lines if line.link_ratio < 0.8 or len(line.text) < 40)
