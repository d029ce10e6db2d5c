"""What a crawl has seen, on disk: the request and article sets that grow with the portal.

In memory these cost about 100 bytes an entry, so a national portal's million-article
backfill would hold hundreds of megabytes; in a temporary SQLite file they cost a page cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.dupefilters import RFPDupeFilter

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.utils.request import RequestFingerprinterProtocol

COMMIT_EVERY = 10_000  # additions per transaction: nothing here must survive the process


class DiskSet:
    """A set of strings or bytes in a temporary SQLite file, removed by ``close``. Keys are
    kept as 16-byte digests (a collision in 2**64 keys is not a concern here)."""

    def __init__(self) -> None:
        self.folder = private_folder("portal-seen-")
        self.db = sqlite3.connect(self.folder / "seen.sqlite3",
                                  check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE seen (key BLOB PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("BEGIN")
        self.uncommitted = 0
        self.size = 0

    @staticmethod
    def _key(key: str | bytes) -> bytes:
        data = key.encode() if isinstance(key, str) else key
        return hashlib.blake2b(data, digest_size=16).digest()

    def add(self, key: str | bytes) -> bool:
        """Add ``key``; True when it was not there yet."""
        added = self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)",
                                (self._key(key),)).rowcount == 1
        self.size += added
        self.uncommitted += 1
        if self.uncommitted >= COMMIT_EVERY:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self.uncommitted = 0
        return added

    def __contains__(self, key: str | bytes) -> bool:
        return self.db.execute("SELECT 1 FROM seen WHERE key = ?",
                               (self._key(key),)).fetchone() is not None

    def __len__(self) -> int:
        return self.size

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def private_folder(prefix: str) -> Path:
    """A new temporary folder of this process (``<prefix><pid>-...``, mode 0700), after
    removing those of processes that are gone (killed runs leave theirs)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        pid = folder.name.removeprefix(prefix).partition("-")[0]
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (ValueError, PermissionError):
            continue
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


class DiskDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter (``DUPEFILTER_CLASS``) with its fingerprints in a
    ``DiskSet``: the same requests are filtered, in flat memory."""

    def __init__(self, debug: bool = False, *,
                 fingerprinter: RequestFingerprinterProtocol | None = None) -> None:
        super().__init__(None, debug, fingerprinter=fingerprinter)
        self.seen = DiskSet()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter)

    def request_seen(self, request: Request) -> bool:
        return not self.seen.add(self.fingerprinter.fingerprint(request))

    def close(self, reason: str) -> None:
        self.seen.close()
