"""Feed storage that never shows a half-written file: write aside, fsync, rename into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.extensions.feedexport import FileFeedStorage

from crawler.state import state_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler


def write_atomic(path: Path, data: bytes) -> None:
    """Write a small file aside, fsync it, and rename it into place."""
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


class AtomicFileFeedStorage(FileFeedStorage):
    """Local feed file written under a hidden temporary name in the same folder and renamed
    into place when the feed closes. A run that dies leaves at most a ``.<name>.*.tmp`` file,
    which no ``*.jsonl`` reader picks up. ``-o`` (append) copies the old file first, so the
    append is atomic too. With a crawl state, each file is a state batch: its records become
    known once it is in place (``FEED_EXPORT_BATCH_ITEM_COUNT`` files make a long run
    resumable)."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None,
                 crawler: Crawler | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler = crawler
        self.temp: Path | None = None
        self.batch: str | None = None  #: the state batch whose records this file holds

    @classmethod
    def from_crawler(cls, crawler: Crawler, uri: str, *,
                     feed_options: dict[str, Any] | None = None) -> Self:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        final = Path(self.path).resolve()
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
        self.temp = Path(name)
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as a plainly created file would be, not mkstemp's 0600
        file = os.fdopen(fd, "wb")
        if self.write_mode == "ab" and final.exists():
            with final.open("rb") as old:
                shutil.copyfileobj(old, file)
        state = state_for(self.crawler) if self.crawler else None
        if state is not None:
            state.begin_batch(str(final))
            self.batch = state.batch
        return file

    def store(self, file: IO[bytes]) -> None:
        assert self.temp is not None
        file.flush()
        os.fsync(file.fileno())
        file.close()
        final = Path(self.path).resolve()
        os.replace(self.temp, final)
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        state = state_for(self.crawler) if self.crawler else None
        if state is not None and self.batch:  # the file is in place: its records are known
            state.settle(self.batch)
