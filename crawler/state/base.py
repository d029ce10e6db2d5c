"""The state store's interface, shared by the SQLite and Redis backends."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path


class StateError(Exception):
    """The state store cannot be used (corrupt, locked, unknown backend): the run must stop
    rather than silently crawl everything again."""


@dataclass(frozen=True)
class Known:
    """A written article, as the state remembers it."""

    content_hash: str
    published_at: str | None


class StateStore(ABC):
    """What a crawl asks of its state. Articles are keyed on their canonical URL.

    Records of a run are *pending* in a batch named after the output file that holds them,
    and become known (``commit_batch``) only once that file is in place. A batch left by a
    killed run is settled by the next run (``recover``): committed if its file exists,
    dropped if not, so its articles are fetched again.
    """

    #: This run's name, and its current batch (one per output file).
    run: str
    batch: str
    batches: int

    def __init__(self) -> None:
        self._complete_at_start: dict[str, bool] = {}  #: per list walked, as the run began
        self._walked: set[str] = set()  #: lists this run walked to a legitimate stop

    def batch_name(self, number: int) -> str:
        """The name of this run's ``number``-th output file's batch (1-based)."""
        return f"{self.run}.{number}"

    @staticmethod
    def recheck_since(days: int, today: date | None = None) -> str | None:
        """Articles published on or after this day are fetched again (``RECHECK_DAYS``).

        >>> StateStore.recheck_since(3, date(2024, 1, 10)), StateStore.recheck_since(0)
        ('2024-01-07', None)
        """
        if days <= 0:
            return None
        return ((today or date.today()) - timedelta(days=days)).isoformat()

    @abstractmethod
    def known(self, url: str) -> Known | None:
        """The written article behind ``url`` (its own URL or an alias), None when new."""

    @abstractmethod
    def written_copy(self, content_hash: str) -> str | None:
        """The URL of a written article with this content, None if none."""

    @abstractmethod
    def skip_until(self, url: str) -> float | None:
        """When a dead, deleted or uninteresting page is worth fetching again (epoch s)."""

    @abstractmethod
    def mark_page(self, url: str, kind: str, recheck: timedelta) -> None:
        """Remember a page that yields no article (404, deleted, other); retries back off."""

    @abstractmethod
    def add_alias(self, url: str, article_url: str) -> None:
        """Another URL for an article (old URL, print view)."""

    @abstractmethod
    def begin_batch(self, output: str | None) -> None:
        """Start a batch for the file the next records go to (None: no file to wait for)."""

    @abstractmethod
    def add_pending(self, url: str, content_hash: str, published_at: str | None,
                    batch: str | None = None) -> None:
        """A record on its way to ``batch``'s file."""

    @abstractmethod
    def commit_batch(self, batch: str) -> int:
        """Make a batch's articles known (their output file is in place). Returns how many."""

    @abstractmethod
    def discard_batch(self, batch: str) -> int:
        """Drop a batch's pending records: their articles will be fetched again."""

    @abstractmethod
    def discard_unstored(self) -> int:
        """Drop this run's batches still pending: their files were not put in place (a
        failed store, a run with no start page). Returns how many records."""

    @staticmethod
    def stored(batch: str, output: str | None) -> bool:
        """Whether a batch's records are in their output file: it had no file to wait for
        (None), or its file is in place. A file left under its temporary name was not put
        in place (and is removed); '' names a file that was never opened."""
        if output is None:
            return True
        if not output:
            return False
        temp = temp_path(Path(output), batch)
        if temp.exists():
            temp.unlink(missing_ok=True)
            return False
        return Path(output).exists()

    @abstractmethod
    def settle(self, batch: str) -> bool:
        """Commit a batch whose output file is in place (or that had no file), else discard
        it. True when committed."""

    @abstractmethod
    def recover(self) -> None:
        """Settle the batches of runs that were killed before they could."""

    # --- list walks: where an incremental run may stop paging ---------------------------
    #
    # A list is *complete* when a walk of it reached its end (or a page of known articles
    # while it was complete) in a run that finished cleanly: every article it listed is then
    # written. A run that finds new articles on a list marks it incomplete before any of them
    # can become known, so an interrupted run leaves it incomplete and the next run walks it
    # to its end again. Only a complete list may be left at its first page of known articles.

    def walk_may_stop(self, url: str) -> bool:
        """Whether a walk of list ``url`` may stop at a page of known articles: the list was
        complete when this run first looked at it."""
        if url not in self._complete_at_start:
            self._complete_at_start[url] = self.list_complete(url)
        return self._complete_at_start[url]

    def walk_found_new(self, url: str) -> None:
        """A page of list ``url`` lists new articles: the list is incomplete until a clean
        run has written them (recorded before any of them can become known)."""
        if self.walk_may_stop(url) and url not in self._walked:
            self.set_list_complete([url], False)

    def walk_ended(self, url: str) -> None:
        """This run's walk of list ``url`` reached its end, or a stop ``walk_may_stop``
        allowed."""
        self._walked.add(url)

    def complete_walks(self) -> int:
        """The run finished cleanly with its records in place: the lists it walked to a
        legitimate stop are complete. Returns how many."""
        walked = sorted(self._walked)
        self.set_list_complete(walked, True)
        self._walked.clear()
        return len(walked)

    @abstractmethod
    def list_complete(self, url: str) -> bool:
        """Whether the list whose first page is ``url`` was walked completely."""

    @abstractmethod
    def set_list_complete(self, urls: list[str], complete: bool) -> None:
        """Mark lists (by their first page's URL) complete or not."""

    @abstractmethod
    def record_run(self, run_id: str, summary: dict[str, object]) -> None:
        """Keep a run's summary (the cron runner's baseline for its checks)."""

    @abstractmethod
    def recent_runs(self, count: int) -> list[dict[str, object]]:
        """The latest ``count`` run summaries, newest first."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """How many articles, aliases, pages and pending records the state holds."""

    @abstractmethod
    def close(self) -> None: ...


def batch_pid(batch: str) -> str:
    """The process id in a batch name (``<time>-[<host>-]<pid>.<n>``).

    >>> batch_pid("20261127T053716-4242.3"), batch_pid("20261127T053716-vm-17.1")
    ('4242', '17')
    """
    return batch.rpartition("-")[2].split(".")[0]


def process_alive(pid: str) -> bool:
    """Whether a process with this id runs on this machine (a crawl that owns a batch)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def temp_path(final: Path, batch: str) -> Path:
    """Where a state batch's output file is written before it is put in place."""
    return final.with_name(f".{final.name}.{batch}.tmp")
