"""The state store on its own: known articles, aliases, dead pages, interrupted runs."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector

from crawler.items import Article
from crawler.state import StateError, StateStore, open_state
from crawler.state.pipeline import StatePipeline
from crawler.state.sqlite import SqliteState

URL = "http://www.a.gov.cn/xw/t20230728_1.html"


def test_article_is_known_only_after_its_batch_is_settled(tmp_path: Path) -> None:
    state = SqliteState(tmp_path / "s.sqlite3")
    output = tmp_path / "out.jsonl"
    state.begin_batch(str(output))
    state.add_pending(URL, "hash1", "2023-07-28")
    assert state.known(URL) is None
    output.write_text("{}\n")  # the feed was renamed into place
    assert state.settle(state.batch)
    assert state.known(URL + "?utm_source=x").content_hash == "hash1"  # type: ignore[union-attr]


@pytest.mark.parametrize(("file_in_place", "known"), [(True, True), (False, False)])
def test_a_killed_runs_batch_is_settled_by_the_next_run(
        tmp_path: Path, file_in_place: bool, known: bool) -> None:
    path, output = tmp_path / "s.sqlite3", tmp_path / "out.jsonl"
    killed = SqliteState(path)
    killed.run = "20261127T000000-999999999"  # a process that is gone
    killed.begin_batch(str(output))
    killed.add_pending(URL, "hash1", None)
    if file_in_place:  # killed after the rename, before the commit
        output.write_text("{}\n")
    killed.db.close()
    nxt = open_state(str(path))
    nxt.recover()
    assert (nxt.known(URL) is not None) is known
    assert nxt.counts()["pending"] == 0


def test_aliases_lead_to_a_known_article(tmp_path: Path) -> None:
    state = SqliteState(tmp_path / "s.sqlite3")
    state.add_alias("http://www.a.gov.cn/old/1.html", URL)
    assert state.known("http://www.a.gov.cn/old/1.html") is None  # not written yet
    state.begin_batch(None)
    state.add_pending(URL, "h", None)
    state.settle(state.batch)
    assert state.known("http://www.a.gov.cn/old/1.html") is not None


def test_dead_pages_are_skipped_until_their_recheck_with_backoff(tmp_path: Path) -> None:
    state = SqliteState(tmp_path / "s.sqlite3")
    state.mark_page(URL, "404", timedelta(hours=1))
    first = state.skip_until(URL)
    assert first is not None and 3500 < first - time.time() <= 3600
    state.mark_page(URL, "404", timedelta(hours=1))
    second = state.skip_until(URL)
    assert second is not None and second - time.time() > 7000  # doubled
    state.mark_page("http://a/x", "404", timedelta(seconds=-1))
    assert state.skip_until("http://a/x") is None


def test_recheck_window() -> None:
    assert StateStore.recheck_since(0) is None
    assert StateStore.recheck_since(3, date(2023, 7, 28)) == "2023-07-25"


def test_unusable_state_is_an_error_not_a_fresh_start(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 1000)
    with pytest.raises(StateError, match="cannot use state"):
        open_state(str(bad))
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StateError, match="Redis"):
        open_state(f"redis://127.0.0.1:{port}/0")


@pytest.fixture(params=["sqlite", "redis"])
def any_state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Each state backend: SQLite, and Redis on a redis-server of the test's own."""
    if request.param == "sqlite":
        state = open_state(str(tmp_path / "s.sqlite3"))
    else:
        state = open_state(request.getfixturevalue("redis_url"))
    yield state
    state.close()


def test_an_article_written_before_is_not_written_again_under_a_new_url(
        any_state: Any, stats: MemoryStatsCollector) -> None:
    body = {"title": "质检总局通报", "published_at_raw": "2023年7月28日",
            "paragraphs": ["正文第一段。", "正文第二段。"]}
    any_state.begin_batch(None)  # a run without an output file: nothing to wait for
    first_run = StatePipeline(any_state, stats)
    first_run.process_item(Article(url=URL, **body))  # type: ignore[arg-type]
    any_state.settle(any_state.batch_name(1))  # its file in place: written
    moved = "http://www.a.gov.cn/zt/t20230728_1.html"  # the same article in another channel
    next_run = StatePipeline(any_state, stats)
    with pytest.raises(DropItem, match="a copy of"):
        next_run.process_item(Article(url=moved, **body))  # type: ignore[arg-type]
    assert stats.get_value("state/copy_of_written") == 1
    assert any_state.known(moved) is not None  # the new URL now leads to the written article
    edited = {**body, "paragraphs": ["正文第一段（更正）。", "正文第二段。"]}
    other = "http://www.a.gov.cn/zt/t20230728_2.html"
    assert next_run.process_item(Article(url=other, **edited)).update is False  # type: ignore[arg-type]
