"""Feed storage that never shows a half-written file: write aside, fsync, rename into place."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.extensions.feedexport import FileFeedStorage

from crawler.outcome import unreachable
from crawler.state import state_for
from crawler.state.base import temp_path

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a small file aside, fsync it, and rename it into place."""
    temp = path.with_name(f".{path.name}.tmp")
    with temp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


class CheckedFile:
    """The output file as the exporter sees it, remembering a failed write (a full disk):
    such a file is never put in place, so its records are never taken as written."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self.file.write(data)
        except OSError as error:
            self.error = self.error or error
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.file, name)


class AtomicFileFeedStorage(FileFeedStorage):
    """Local feed file written under a hidden temporary name in the same folder and renamed
    into place when the feed closes. A run that dies leaves at most a ``.<name>.*.tmp`` file,
    which no ``*.jsonl`` reader picks up. ``-o`` (append) copies the old file first, so the
    append is atomic too. With a crawl state, each file is a state batch: its records become
    known once it is in place (``FEED_EXPORT_BATCH_ITEM_COUNT`` files make a long run
    resumable), and its temporary name carries the batch, so that the next run can tell a
    file that was put in place from one that was not.

    A file that cannot be opened or written is counted (``output/failed``) and never put in
    place; a run in which no start URL answered leaves the previous output as it was
    (``output/kept_previous``)."""

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
        state = state_for(self.crawler) if self.crawler else None
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            if state is not None:
                batch = state.batch_name(state.batches + 1)
                self.temp = temp_path(final, batch)
                fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            else:
                fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp",
                                            dir=final.parent)
                self.temp = Path(name)
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(fd, 0o666 & ~umask)  # as a plainly created file would be
            file = os.fdopen(fd, "wb")
            if self.write_mode == "ab" and final.exists():
                with final.open("rb") as old:
                    shutil.copyfileobj(old, file)
        except OSError as error:
            self._count("output/failed")
            logger.error("Cannot write the output %s: %s", final, error)
            raise
        if state is not None:
            state.begin_batch(str(final))
            self.batch = state.batch
        return CheckedFile(file)  # type: ignore[return-value]

    def store(self, file: IO[bytes]) -> None:
        assert self.temp is not None
        final = Path(self.path).resolve()
        try:
            error = getattr(file, "error", None)
            if error is None:
                file.flush()
                os.fsync(file.fileno())
            file.close()
        except OSError as caught:
            error = caught
        if error is not None:
            self.temp.unlink(missing_ok=True)
            self._count("output/failed")
            raise OSError(f"the output {final} was not written: {error}") from error
        if self.crawler and self.crawler.stats and unreachable(self.crawler.stats.get_stats()):
            self.temp.unlink(missing_ok=True)
            self._count("output/kept_previous")
            logger.error("No start URL answered: %s left as it was", final)
            return
        os.replace(self.temp, final)
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        state = state_for(self.crawler) if self.crawler else None
        if state is not None and self.batch:  # the file is in place: its records are known
            state.settle(self.batch)

    def _count(self, key: str) -> None:
        if self.crawler and self.crawler.stats:
            self.crawler.stats.inc_value(key)

