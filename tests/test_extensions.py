from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions import GcTuning


def test_gc_tuning_holds_while_any_spider_runs_and_is_undone_after() -> None:
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    first, second = GcTuning(12_345), GcTuning(12_345)
    GcTuning(12_345).spider_closed()  # a spider that never opened has nothing to undo
    first.spider_opened()
    try:
        assert gc.get_threshold() == (12_345, *before[1:])
        assert gc.get_freeze_count() > 1000  # start-up's: modules, settings, ...
        second.spider_opened()  # a second crawl in the same process
        first.spider_closed()
        assert gc.get_threshold()[0] == 12_345 and gc.get_freeze_count() > 0
    finally:
        second.spider_closed()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_gc_tuning_reads_its_settings_and_can_be_turned_off() -> None:
    crawler = get_crawler(settings_dict={"GC_TUNING_ENABLED": True, "GC_GEN0_THRESHOLD": 5000})
    assert GcTuning.from_crawler(crawler).threshold == 5000
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(get_crawler(settings_dict={"GC_TUNING_ENABLED": False}))
    with pytest.raises(ValueError, match="GC_GEN0_THRESHOLD must be a positive number"):
        GcTuning.from_crawler(get_crawler(settings_dict={"GC_TUNING_ENABLED": True,
                                                         "GC_GEN0_THRESHOLD": 0}))


def test_the_benchmarks_time_extraction_under_the_crawls_collector_and_restore_it() -> None:
    from bench.instructions import crawl_collector
    from crawler.settings import GC_GEN0_THRESHOLD

    before = gc.get_threshold()
    with pytest.raises(ZeroDivisionError), crawl_collector():
        assert gc.get_threshold() == (GC_GEN0_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 1000
        raise ZeroDivisionError  # an extractor failing mid-pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
