"""The SQLite state backend (``STATE_URI=path`` or ``sqlite:///path``), in WAL mode."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.state.base import Known, StateError, StateStore, batch_pid, now, process_alive
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY, content_hash TEXT NOT NULL, published_at TEXT,
    first_written TEXT NOT NULL, last_written TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS articles_by_content ON articles (content_hash);
CREATE TABLE IF NOT EXISTS aliases (url TEXT PRIMARY KEY, article_url TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY, kind TEXT NOT NULL, attempts INTEGER NOT NULL,
    next_check REAL NOT NULL);
CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, output TEXT, started TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (
    batch TEXT NOT NULL, url TEXT NOT NULL, content_hash TEXT NOT NULL, published_at TEXT,
    PRIMARY KEY (batch, url));
CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, finished TEXT NOT NULL, summary TEXT);
CREATE TABLE IF NOT EXISTS lists (url TEXT PRIMARY KEY, complete INTEGER NOT NULL,
    updated TEXT NOT NULL);
"""
VERSION = 1


class SqliteState(StateStore):
    """The state in one SQLite file, for crawls on one machine. All writes go through short
    transactions."""

    def __init__(self, path: Path, *, timeout: float = 10.0) -> None:
        super().__init__()
        self.path = path
        #: This run, and its current batch (one per output file): records stay pending under
        #: the batch until its file is in place.
        self.run = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
        self.batch = f"{self.run}.1"
        self.batches = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, VERSION):
                raise StateError(f"state {path} has schema version {version}, "
                                 f"this crawler knows {VERSION}")
            with self.db:
                self.db.executescript(SCHEMA)
                self.db.execute(f"PRAGMA user_version={VERSION}")
            check = self.db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise StateError(f"state {path} is damaged: {check}")
        except sqlite3.DatabaseError as error:
            raise StateError(f"cannot use state {path}: {error}") from error

    # --- what is known -----------------------------------------------------------------

    def known(self, url: str) -> Known | None:
        """The written article behind ``url`` (its own URL or an alias), None when new."""
        url = canonical_url(url)
        row = self.db.execute(
            "SELECT content_hash, published_at FROM articles WHERE url = ?1 OR url = "
            "(SELECT article_url FROM aliases WHERE url = ?1)", (url,)).fetchone()
        return Known(row[0], row[1]) if row else None

    def written_copy(self, content_hash: str) -> str | None:
        """The URL of a written article with this content (``content_hash``), None if none:
        the same article published again under another URL."""
        row = self.db.execute("SELECT url FROM articles WHERE content_hash = ? LIMIT 1",
                              (content_hash,)).fetchone()
        return row[0] if row else None

    def skip_until(self, url: str) -> float | None:
        """When a dead, deleted or uninteresting page is worth fetching again (epoch s)."""
        url = canonical_url(url)
        row = self.db.execute("SELECT next_check FROM pages WHERE url = ?", (url,)).fetchone()
        return row[0] if row and row[0] > time.time() else None

    def mark_page(self, url: str, kind: str, recheck: timedelta) -> None:
        """Remember a page that yields no article (404, deleted, other); retries back off."""
        url = canonical_url(url)
        with self.db:
            row = self.db.execute("SELECT attempts FROM pages WHERE url = ?", (url,)).fetchone()
            attempts = (row[0] if row else 0) + 1
            wait = recheck.total_seconds() * min(2 ** (attempts - 1), 8)
            self.db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)",
                            (url, kind, attempts, time.time() + wait))

    # --- a run's records ---------------------------------------------------------------

    def begin_batch(self, output: str | None) -> None:
        """Start a batch for the file the next records go to (None: no file to wait for)."""
        self.batches += 1
        self.batch = self.batch_name(self.batches)
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO batches VALUES (?, ?, ?)",
                            (self.batch, output, now()))

    def add_pending(self, url: str, content_hash: str, published_at: str | None,
                    batch: str | None = None) -> None:
        """A record on its way to ``batch``'s file (Scrapy opens a file only when its first
        record comes, so the batch may be named before its file is)."""
        batch = batch or self.batch
        with self.db:
            # '': a file is expected and not opened yet (begin_batch names it).
            self.db.execute("INSERT OR IGNORE INTO batches VALUES (?, '', ?)", (batch, now()))
            self.db.execute("INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?)",
                            (batch, url, content_hash, published_at))

    def add_alias(self, url: str, article_url: str) -> None:
        """Another URL for an article (old URL, print view). It counts as known once the
        article does, so it can be written at once."""
        url, article_url = canonical_url(url), canonical_url(article_url)
        if url != article_url:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?)", (url, article_url))

    def commit_batch(self, batch: str) -> int:
        """Make a batch's articles known (their output file is in place). Returns how many."""
        with self.db:
            rows = self.db.execute(
                "SELECT url, content_hash, published_at FROM pending WHERE batch = ?",
                (batch,)).fetchall()
            self.db.executemany(
                "INSERT INTO articles VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT(url) DO UPDATE "
                "SET content_hash = ?2, published_at = ?3, last_written = ?4",
                [(*row, now()) for row in rows])
            self.db.execute("DELETE FROM pending WHERE batch = ?", (batch,))
            self.db.execute("DELETE FROM batches WHERE id = ?", (batch,))
        return len(rows)

    def discard_batch(self, batch: str) -> int:
        with self.db:
            count = self.db.execute("DELETE FROM pending WHERE batch = ?", (batch,)).rowcount
            self.db.execute("DELETE FROM batches WHERE id = ?", (batch,))
        return count

    def settle(self, batch: str) -> bool:
        """Commit a batch whose output file is in place (or that had no file), else drop its
        pending records so their articles are fetched again: also when the file was never
        opened (an output that cannot be written). True when committed."""
        row = self.db.execute("SELECT output FROM batches WHERE id = ?", (batch,)).fetchone()
        if row is None:
            return False
        if self.stored(batch, row[0]):
            logger.info("State: %d articles of run %s are now known", self.commit_batch(batch),
                        batch)
            return True
        logger.warning("State: run %s left no output file; %d records dropped, their articles "
                       "will be fetched again", batch, self.discard_batch(batch))
        return False

    def discard_unstored(self) -> int:
        rows = self.db.execute("SELECT id FROM batches WHERE id LIKE ? || '.%'",
                               (self.run,)).fetchall()
        return sum(self.discard_batch(row[0]) for row in rows)

    def recover(self) -> None:
        """Settle the batches of runs that were killed before they could (not those of a
        crawl still running beside this one). Records with no file named are dropped: nothing
        says they were written."""
        for batch, output in self.db.execute("SELECT id, output FROM batches").fetchall():
            if process_alive(batch_pid(batch)):
                continue
            if output is None:
                self.discard_batch(batch)
            else:
                self.settle(batch)

    # --- run history ------------------------------------------------------------------------

    def record_run(self, run_id: str, summary: dict[str, object]) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?)",
                            (run_id, now(), json.dumps(summary, ensure_ascii=False)))

    def recent_runs(self, count: int) -> list[dict[str, object]]:
        rows = self.db.execute("SELECT summary FROM runs ORDER BY finished DESC LIMIT ?",
                               (count,)).fetchall()
        return [json.loads(row[0]) for row in rows if row[0]]

    def list_complete(self, url: str) -> bool:
        row = self.db.execute("SELECT complete FROM lists WHERE url = ?",
                              (canonical_url(url),)).fetchone()
        return bool(row and row[0])

    def set_list_complete(self, urls: list[str], complete: bool) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO lists VALUES (?, ?, ?)",
                                [(canonical_url(url), int(complete), now()) for url in urls])

    def counts(self) -> dict[str, int]:
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "aliases", "pages", "pending")}

    def close(self) -> None:
        self.db.close()


