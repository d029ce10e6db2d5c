"""The Redis state backend, for workers on several machines (``STATE_URI=redis://...``).

The same contract as the SQLite store: articles become known only once the file holding
their records is in place. A worker's pending records carry its host name, so a run killed
on one machine is settled by the next run on that machine, which can see its files.
"""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from crawler.state.base import Known, StateStore, batch_pid, process_alive
from crawler.urls import canonical_url

if TYPE_CHECKING:
    import redis

KEY = "portal:state:"
RUNS_KEPT = 100


class RedisState(StateStore):
    """The state on Redis hashes under ``portal:state:``."""

    def __init__(self, server: redis.Redis) -> None:
        super().__init__()
        self.server = server
        self.host = socket.gethostname()
        self.run = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{self.host}-{os.getpid()}"
        self.batch = f"{self.run}.1"
        self.batches = 0
        server.ping()

    def known(self, url: str) -> Known | None:
        url = canonical_url(url)
        raw = self.server.hget(KEY + "articles", url)
        if raw is None:
            target = self.server.hget(KEY + "aliases", url)
            raw = self.server.hget(KEY + "articles", target) if target else None
        if raw is None:
            return None
        data = json.loads(raw)
        return Known(data["hash"], data["published_at"])

    def written_copy(self, content_hash: str) -> str | None:
        url = self.server.hget(KEY + "contents", content_hash)
        return url.decode() if isinstance(url, bytes) else url

    def skip_until(self, url: str) -> float | None:
        raw = self.server.hget(KEY + "pages", canonical_url(url))
        if raw is None:
            return None
        next_check = float(json.loads(raw)["next_check"])
        return next_check if next_check > time.time() else None

    def mark_page(self, url: str, kind: str, recheck: timedelta) -> None:
        url = canonical_url(url)
        raw = self.server.hget(KEY + "pages", url)
        attempts = (json.loads(raw)["attempts"] if raw else 0) + 1
        wait = recheck.total_seconds() * min(2 ** (attempts - 1), 8)
        self.server.hset(KEY + "pages", url, json.dumps(
            {"kind": kind, "attempts": attempts, "next_check": time.time() + wait}))

    def add_alias(self, url: str, article_url: str) -> None:
        url, article_url = canonical_url(url), canonical_url(article_url)
        if url != article_url:
            self.server.hset(KEY + "aliases", url, article_url)

    def begin_batch(self, output: str | None) -> None:
        self.batches += 1
        self.batch = self.batch_name(self.batches)
        self.server.hset(KEY + "batches", self.batch, json.dumps(
            {"output": output, "host": self.host, "started": time.time()}))

    def add_pending(self, url: str, content_hash: str, published_at: str | None,
                    batch: str | None = None) -> None:
        batch = batch or self.batch
        self.server.hsetnx(KEY + "batches", batch, json.dumps(  # "": file not opened yet
            {"output": "", "host": self.host, "started": time.time()}))
        self.server.hset(KEY + "pending:" + batch, url,
                         json.dumps({"hash": content_hash, "published_at": published_at}))

    def commit_batch(self, batch: str) -> int:
        pending = dict(self.server.hgetall(KEY + "pending:" + batch))
        contents = {json.loads(record)["hash"]: url for url, record in pending.items()}
        with self.server.pipeline(transaction=True) as multi:
            if pending:
                multi.hset(KEY + "articles", mapping=pending)  # type: ignore[arg-type]
                multi.hset(KEY + "contents", mapping=contents)
            multi.delete(KEY + "pending:" + batch)
            multi.hdel(KEY + "batches", batch)
            multi.execute()
        return len(pending)

    def discard_batch(self, batch: str) -> int:
        count = self.server.hlen(KEY + "pending:" + batch)
        self.server.delete(KEY + "pending:" + batch)
        self.server.hdel(KEY + "batches", batch)
        return int(count)

    def settle(self, batch: str) -> bool:
        raw = self.server.hget(KEY + "batches", batch)
        if raw is None:
            return False
        info = json.loads(raw)
        if info["host"] != self.host:
            return False  # another machine's files: its next run settles it
        if self.stored(batch, info["output"]):
            self.commit_batch(batch)
            return True
        self.discard_batch(batch)
        return False

    def discard_unstored(self) -> int:
        names = [name.decode() if isinstance(name, bytes) else name
                 for name in self.server.hkeys(KEY + "batches")]
        return sum(self.discard_batch(name) for name in names
                   if name.startswith(self.run + "."))

    def recover(self) -> None:
        """Settle this machine's batches whose worker was killed (not a live worker's)."""
        for batch in self.server.hkeys(KEY + "batches"):
            name = batch.decode() if isinstance(batch, bytes) else batch
            raw = self.server.hget(KEY + "batches", name)
            if process_alive(batch_pid(name)) or raw is None:
                continue
            if json.loads(raw)["output"] is None and json.loads(raw)["host"] == self.host:
                self.discard_batch(name)  # nothing says these records were written
            else:
                self.settle(name)

    def record_run(self, run_id: str, summary: dict[str, object]) -> None:
        self.server.lpush(KEY + "runs", json.dumps(summary, ensure_ascii=False, default=str))
        self.server.ltrim(KEY + "runs", 0, RUNS_KEPT - 1)

    def recent_runs(self, count: int) -> list[dict[str, object]]:
        return [json.loads(raw) for raw in self.server.lrange(KEY + "runs", 0, count - 1)]

    def list_complete(self, url: str) -> bool:
        return self.server.hget(KEY + "lists", canonical_url(url)) in (b"1", "1")

    def set_list_complete(self, urls: list[str], complete: bool) -> None:
        if urls:
            self.server.hset(KEY + "lists", mapping={canonical_url(url): int(complete)
                                                     for url in urls})

    def counts(self) -> dict[str, int]:
        pending = sum(self.server.hlen(key) for key in self.server.scan_iter(KEY + "pending:*"))
        return {"articles": self.server.hlen(KEY + "articles"),
                "aliases": self.server.hlen(KEY + "aliases"),
                "pages": self.server.hlen(KEY + "pages"), "pending": pending}

    def close(self) -> None:
        self.server.close()
