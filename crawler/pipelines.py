"""Item pipelines: per-record cleaning and validation, then once-per-crawl uniqueness.

Each pipeline works on items through ``ItemAdapter`` and takes plain values in ``__init__``,
so ``python -m crawler.extract`` and the tests run them without a crawler.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from crawler.dates import day_of, find_date, split_trailing_date
from crawler.items import content_hash
from crawler.seen import DiskSet
from crawler.text import paragraph_key

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: Fields whose absence is counted per run; a jump in a rate means the site changed.
TRACKED_FIELDS = ("published_at", "source", "author", "editor", "channel")


class StatsPipeline:
    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(key, count)


class ParagraphDedupPipeline(StatsPipeline):
    """Drop repeated copies of the body or of a block of it (the body printed twice, a lead
    repeated), compared without whitespace; the first copy stays. Short lines that repeat
    on purpose (an interview's questions, a code listing's ``}``) stay: a copy goes when it
    is a run of paragraphs of ``MIN_REPEATED_RUN`` characters or more, or one paragraph of
    ``MIN_REPEATED_PARAGRAPH``. Counts ``dedup/paragraphs_removed``."""

    MIN_REPEATED_RUN = 40
    MIN_REPEATED_PARAGRAPH = 200

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        paragraphs = list(adapter.get("paragraphs") or [])
        keys = [paragraph_key(p) for p in paragraphs]
        first: dict[str, list[int]] = {}
        kept: list[str] = []
        i = 0
        while i < len(keys):
            run = max((self._run(keys, j, i) for j in first.get(keys[i], [])), default=0)
            size = sum(len(key) for key in keys[i:i + run])
            if not keys[i] or (run and (size >= self.MIN_REPEATED_PARAGRAPH if run == 1
                                        else size >= self.MIN_REPEATED_RUN)):
                i += max(run, 1)  # an empty paragraph, or a copy: dropped
                continue
            first.setdefault(keys[i], []).append(i)
            kept.append(paragraphs[i])
            i += 1
        self.inc("dedup/paragraphs_removed", len(paragraphs) - len(kept))
        adapter["paragraphs"] = kept
        return item

    @staticmethod
    def _run(keys: list[str], earlier: int, at: int) -> int:
        """How many paragraphs from ``at`` repeat those from ``earlier`` in order (the copy
        ends where the original's run would reach it)."""
        run = 0
        while at + run < len(keys) and earlier + run < at and keys[earlier + run] == keys[at + run]:
            run += 1
        return run


class DateNormalizationPipeline(StatsPipeline):
    """Dates to ISO: ``published_at`` from its raw text when missing, related-link dates split
    out of titles, repeated related links dropped, bare dates removed from the body."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        raw = adapter.get("published_at_raw")
        if raw and not adapter.get("published_at"):
            parsed = find_date(raw)
            adapter["published_at"] = parsed.iso if parsed else None
        related, urls = [], set()
        for link in adapter.get("related") or []:
            title, date = split_trailing_date(link["title"])
            if link["url"] in urls or not title:
                self.inc("dedup/related_removed")
                continue
            urls.add(link["url"])
            related.append({"url": link["url"], "title": title,
                            "date": day_of(link.get("date")) or date})
        adapter["related"] = related
        paragraphs = adapter.get("paragraphs") or []
        kept = [p for p in paragraphs if not _is_dateline(p)]
        self.inc("dates/dateline_paragraphs_removed", len(paragraphs) - len(kept))
        adapter["paragraphs"] = kept
        return item


def _is_dateline(paragraph: str) -> bool:
    """A paragraph that is only a date (a dateline leftover), not text mentioning one.

    >>> _is_dateline("2007-08-23"), _is_dateline("（2007年8月23日）")
    (True, True)
    >>> _is_dateline("8月22日，李传卿要求")
    False
    """
    if len(paragraph) > 40:  # the longest date with its time and brackets, and then some
        return False
    parsed = find_date(paragraph)
    if parsed is None:
        return False
    return len(paragraph.replace(parsed.raw, "").strip(" ()（）[]【】")) <= 2


class ValidationPipeline(StatsPipeline):
    """Drop a record without title, or without body text or images, logging its URL and
    reason, counting
    ``validation/dropped/<reason>``. Counts what valid records lack
    (``records/missing/<field>``): a jump is the sign of a redesign."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not adapter.get("title"):
            self.inc("validation/dropped/no_title")
            raise DropItem(f"no_title: {adapter.get('url')}")
        if not (adapter.get("paragraphs") or adapter.get("images")):  # photo news has no text
            self.inc("validation/dropped/no_body")
            raise DropItem(f"no_body: {adapter.get('url')}")
        self.inc("records/valid")
        for field in TRACKED_FIELDS:
            if not adapter.get(field):
                self.inc(f"records/missing/{field}")
        return item


class ExtractionLayerPipeline(StatsPipeline):
    """Count which layer read each field, overall (``extraction/<field>/<layer>``) and per
    channel (``extraction/channel/<channel>/<field>/<layer>``), and warn once per channel
    when pages of a channel whose body the template rules read start needing the generic
    layer: the template changed. The first such URL is kept in ``extraction/example/generic``.
    """

    def __init__(self, stats: StatsCollector | None = None) -> None:
        super().__init__(stats)
        self.template_seen: dict[str, str] = {}  # channel -> a URL the template rules read
        self.warned: set[str] = set()

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        channel = adapter.get("channel") or "(none)"
        layers = adapter.get("extracted_by") or {}
        for field, layer in layers.items():
            self.inc(f"extraction/{field}/{layer}")
            self.inc(f"extraction/channel/{channel}/{field}/{layer}")
        body_layer = layers.get("paragraphs")
        if body_layer == "template":
            self.template_seen.setdefault(channel, adapter["url"])
        elif body_layer == "generic":
            if self.stats is not None and not self.stats.get_value("extraction/example/generic"):
                self.stats.set_value("extraction/example/generic", adapter["url"])
            if channel in self.template_seen and channel not in self.warned:
                self.warned.add(channel)
                logger.warning(
                    "Template rules no longer match in channel %s: %s needed the generic layer "
                    "(the rules read %s); check the template", channel, adapter["url"],
                    self.template_seen[channel])
        return item


class DateWindowPipeline(StatsPipeline):
    """Drop records published outside the crawl's date window (``-a since=``, ``-a until=``,
    either end open), counting ``window/dropped``; undated records are kept and counted
    (``window/undated``), since nothing says they are outside."""

    def __init__(self, since: str | None, until: str | None,
                 stats: StatsCollector | None = None) -> None:
        super().__init__(stats)
        self.since, self.until = since, until

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        since = getattr(crawler.spider, "since", None)
        until = getattr(crawler.spider, "until", None)
        if not since and not until:
            raise NotConfigured
        return cls(since, until, crawler.stats)

    def process_item(self, item: Any) -> Any:
        published = (ItemAdapter(item).get("published_at") or "")[:10]
        if not published:
            self.inc("window/undated")
        elif (self.since and published < self.since) or (self.until and published > self.until):
            self.inc("window/dropped")
            raise DropItem(f"outside the window: {ItemAdapter(item)['url']}", log_level="DEBUG")
        return item


class UniqueArticlePipeline(StatsPipeline):
    """Write each article once per crawl, whichever URLs reached it: by canonical URL, and by
    content for copies that do not say they are one (a print view without a canonical link)."""

    def __init__(self, stats: StatsCollector | None = None) -> None:
        super().__init__(stats)
        self.seen = DiskSet()  # grows with the portal: on disk

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        keys = {adapter["url"], *(adapter.get("pages") or [])[:1], content_hash(item)}
        if self.seen_before(keys):
            self.inc("dedup/articles_removed")
            raise DropItem(f"duplicate: {adapter['url']}", log_level="DEBUG")
        return item

    def seen_before(self, keys: set[str]) -> bool:
        """Whether any of an article's keys was written in this crawl; remembers them all."""
        return not all([self.seen.add(key) for key in keys])

    def close_spider(self) -> None:
        self.seen.close()
