"""Pipelines on records: repeats out, dates ISO, bad records dropped, one record per article."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector

from crawler.items import Article
from crawler.pipelines import (
    DateNormalizationPipeline,
    ParagraphDedupPipeline,
    UniqueArticlePipeline,
    ValidationPipeline,
)

BODY = ["8月22日，国家质检总局党组书记李传卿在出席无锡质量立市动员大会上要求，各级质检部门要积极推动质量兴市。",
        "李传卿充分肯定了无锡市近年来在质量工作方面取得的成效，要求进一步加强质量基础建设。",
        "会议由无锡市市长主持，市有关部门负责人和企业代表共三百余人参加了会议。"]


def test_a_body_printed_twice_keeps_one_copy(stats: MemoryStatsCollector) -> None:
    twice = [*BODY, "责任编辑：王明", *[p.replace("，", "， ") for p in BODY]]
    item = ParagraphDedupPipeline(stats).process_item(Article(url="u", paragraphs=twice))
    assert item.paragraphs == [*BODY, "责任编辑：王明"]
    assert stats.get_value("dedup/paragraphs_removed") == 3


def test_a_repeated_block_goes_and_a_long_paragraph_repeated_alone(
        stats: MemoryStatsCollector) -> None:
    lead = "导语：" + "质量强市建设推进会总结了上半年的质量工作，部署了下一阶段的重点任务，" * 6
    paragraphs = [lead, *BODY[:2], "相关阅读", BODY[2], *BODY[:2], lead]
    item = ParagraphDedupPipeline(stats).process_item(Article(url="u", paragraphs=paragraphs))
    assert item.paragraphs == [lead, *BODY[:2], "相关阅读", BODY[2]]


def test_short_lines_that_repeat_on_purpose_stay(stats: MemoryStatsCollector) -> None:
    interview = ["记者：这次检查覆盖了多少企业？", "答：全部重点企业。", "记者：下一步怎么做？",
                 "答：继续抽查。", "记者：这次检查覆盖了多少企业？", "答：全部重点企业。"]
    code = ["def check(x):", "    return x", "}", "def audit(y):", "    return x", "}"]
    pipeline = ParagraphDedupPipeline(stats)
    assert pipeline.process_item(Article(url="u", paragraphs=interview)).paragraphs == interview
    assert pipeline.process_item(Article(url="u", paragraphs=code)).paragraphs == code
    blank = pipeline.process_item(Article(url="u", paragraphs=["正文。", " \u3000", "正文。"]))
    assert blank.paragraphs == ["正文。", "正文。"]  # an empty paragraph goes, a short one stays


def test_dates_split_out_of_related_titles_and_repeats_dropped(
        stats: MemoryStatsCollector) -> None:
    item = Article(url="u", published_at_raw="2007年08月23日 10:12", paragraphs=[
        "正文。", "2007-08-23", "（2007年8月23日）", "8月22日，李传卿要求。"], related=[
        {"url": "http://a/1", "title": "四川成都市开展活动(2023-07-28)", "date": None},
        {"url": "http://a/1", "title": "四川成都市开展活动", "date": None},
        {"url": "http://a/2", "title": "质量提升", "date": "2018年3月27日"},
    ])
    item = DateNormalizationPipeline(stats).process_item(item)
    assert item.published_at == "2007-08-23T10:12:00+08:00"
    assert item.related == [
        {"url": "http://a/1", "title": "四川成都市开展活动", "date": "2023-07-28"},
        {"url": "http://a/2", "title": "质量提升", "date": "2018-03-27"},
    ]
    assert item.paragraphs == ["正文。", "8月22日，李传卿要求。"]
    assert stats.get_value("dedup/related_removed") == 1


@pytest.mark.parametrize(("item", "reason"), [
    (Article(url="u", title=None, paragraphs=["正文。"]), "no_title"),
    (Article(url="u", title="标题", paragraphs=[]), "no_body"),
    (Article(url="u", title="标题", paragraphs=[], attachments=[{"url": "f", "title": "f"}]),
     "no_body"),
])
def test_validation_drops_with_reason(item: Article, reason: str,
                                      stats: MemoryStatsCollector) -> None:
    with pytest.raises(DropItem, match=reason):
        ValidationPipeline(stats).process_item(item)
    assert stats.get_value(f"validation/dropped/{reason}") == 1


def test_validation_passes_a_complete_record() -> None:
    item = Article(url="u", title="标题", paragraphs=["正文。"])
    assert ValidationPipeline().process_item(item) is item


def test_unique_article_once_per_crawl(stats: MemoryStatsCollector) -> None:
    pipeline = UniqueArticlePipeline(stats)
    pipeline.process_item(Article(url="http://a/1", title="一", pages=["http://a/1"]))
    pipeline.process_item(Article(url="http://a/2", title="二", pages=["http://a/2"]))
    with pytest.raises(DropItem):
        pipeline.process_item(Article(url="http://a/1", title="一改", pages=["http://a/print/1"]))
    assert stats.get_value("dedup/articles_removed") == 1


def test_unique_article_catches_a_copy_under_another_url() -> None:
    pipeline = UniqueArticlePipeline()
    body = {"title": "标题", "published_at_raw": "2023-07-28", "paragraphs": ["正文。"]}
    pipeline.process_item(Article(url="http://a/1", **body))  # type: ignore[arg-type]
    with pytest.raises(DropItem):
        pipeline.process_item(Article(url="http://a/print.jsp?id=1", **body))  # type: ignore[arg-type]


def test_validation_keeps_photo_news() -> None:
    item = Article(url="u", title="图片新闻", images=[{"url": "http://a/p.jpg", "caption": None}])
    assert ValidationPipeline().process_item(item) is item
