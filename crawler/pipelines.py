"""Item pipelines: per-record cleaning and validation, then once-per-crawl uniqueness.

Each pipeline works on items through ``ItemAdapter`` and takes plain values in ``__init__``,
so ``python -m crawler.extract`` and the tests run them without a crawler.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.processors import day_of, find_date, paragraph_key, split_trailing_date

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class _StatsPipeline:
    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(key, count)


class ParagraphDedupPipeline(_StatsPipeline):
    """Drop repeated paragraphs (a body printed twice, a paragraph repeated), compared without
    whitespace; the first occurrence stays, in order. Counts ``dedup/paragraphs_removed``."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        seen: set[str] = set()
        kept: list[str] = []
        for paragraph in adapter.get("paragraphs") or []:
            key = paragraph_key(paragraph)
            if key and key not in seen:
                seen.add(key)
                kept.append(paragraph)
        self.inc("dedup/paragraphs_removed", len(adapter.get("paragraphs") or []) - len(kept))
        adapter["paragraphs"] = kept
        return item


class DateNormalizationPipeline(_StatsPipeline):
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
    parsed = find_date(paragraph)
    if parsed is None:
        return False
    return len(paragraph.replace(parsed.raw, "").strip(" ()（）[]【】")) <= 2


class ValidationPipeline(_StatsPipeline):
    """Drop a record without title or body, logging its URL and reason, counting
    ``validation/dropped/<reason>``."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for field, reason in (("title", "no_title"), ("paragraphs", "no_body")):
            if not adapter.get(field):
                self.inc(f"validation/dropped/{reason}")
                raise DropItem(f"{reason}: {adapter.get('url')}")
        return item


class UniqueArticlePipeline(_StatsPipeline):
    """Write each canonical article once per crawl, whichever URLs reached it."""

    def __init__(self, stats: StatsCollector | None = None) -> None:
        super().__init__(stats)
        self.seen: set[str] = set()

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        keys = {adapter["url"], *(adapter.get("pages") or [])[:1]}
        if keys & self.seen:
            self.inc("dedup/articles_removed")
            raise DropItem(f"duplicate: {adapter['url']}", log_level="DEBUG")
        self.seen.update(keys)
        return item
