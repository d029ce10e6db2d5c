"""Output files: a file that fails to be written is never put in place, and the articles
whose records it held never become known."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawler.feeds import AtomicFileFeedStorage
from crawler.items import Article
from crawler.state import state_for
from crawler.state.pipeline import StatePipeline

URL = "http://www.a.gov.cn/zjyw/t20230728_1.html"


@pytest.mark.parametrize("previous", [None, b'{"url": "kept"}\n'])
def test_a_file_that_fails_to_write_leaves_the_articles_unknown(
        tmp_path: Path, previous: bytes | None) -> None:
    crawler = get_crawler(settings_dict={"STATE_URI": str(tmp_path / "s.sqlite3")})
    crawler.stats.set_value("pages/start_requested", 1)
    crawler.stats.set_value("pages/start_ok", 1)
    state = state_for(crawler)
    assert state is not None
    final = tmp_path / "out.jsonl"
    if previous is not None:
        final.write_bytes(previous)
    StatePipeline(state, crawler.stats).process_item(
        Article(url=URL, title="标题", paragraphs=["正文。"]))
    storage = AtomicFileFeedStorage(str(final), crawler=crawler)
    file = storage.open(None)  # type: ignore[arg-type]
    file.write(b'{"url": "first"}\n')

    def full(data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    file.file.write = full  # type: ignore[attr-defined]
    with pytest.raises(OSError, match="No space left"):
        file.write(b'{"url": "second"}\n')
    with pytest.raises(OSError, match="was not written"):
        storage.store(file)
    assert (final.read_bytes() if final.exists() else None) == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert crawler.stats.get_value("output/failed") == 1
    assert state.discard_unstored() == 1  # what the state extension does at the end
    assert state.known(URL) is None  # fetched again by the next run


def test_a_file_that_cannot_be_opened_is_counted(tmp_path: Path) -> None:
    crawler = get_crawler()
    (tmp_path / "taken").write_text("a file where the folder should be")
    storage = AtomicFileFeedStorage(str(tmp_path / "taken" / "out.jsonl"), crawler=crawler)
    with pytest.raises(OSError):
        storage.open(None)  # type: ignore[arg-type]
    assert crawler.stats.get_value("output/failed") == 1
