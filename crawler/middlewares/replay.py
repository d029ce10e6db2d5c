"""Replay and record: a crawl from saved responses with no network (``REPLAY_DIR``), and
every live response saved in the same layout (``RECORD_DIR``, see ``crawler.saved``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from crawler.saved import Saved, read_saved, saved_folders, write_saved
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class ReplayMiddleware:
    """Answer every request from ``REPLAY_DIR`` instead of the network; an unknown URL gets a
    404 and a warning, so a crawl runs offline exactly as it ran when it was recorded."""

    def __init__(self, root: Path, stats: StatsCollector) -> None:
        self.root = root
        self.stats = stats
        self.index: dict[str, Path] = {}
        for url, folder in saved_folders(root).items():
            self.index.setdefault(canonical_url(url), folder)
        if not self.index:
            raise NotConfigured(f"REPLAY_DIR {root} holds no saved responses")
        logger.info("Replaying %d saved responses from %s", len(self.index), root)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        root = crawler.settings.get("REPLAY_DIR")
        if not root:
            raise NotConfigured
        assert crawler.stats is not None
        return cls(Path(root), crawler.stats)

    def process_request(self, request: Request) -> Response:
        folder = self.index.get(canonical_url(request.url))
        if folder is None:
            logger.warning("Replay has no saved response for %s: answering 404", request.url)
            self.stats.inc_value("replay/missing")
            return Response(url=request.url, status=404, body=b"", flags=["replay"],
                            request=request)
        self.stats.inc_value("replay/hit")
        saved = read_saved(folder)
        headers = Headers(saved.headers)
        cls = responsetypes.from_args(headers=headers, url=saved.url, body=saved.body)
        return cls(url=request.url, status=saved.status, headers=headers, body=saved.body,
                   flags=["replay"], request=request)


class RecordMiddleware:
    """Save every live response under ``RECORD_DIR`` in the replay layout, as served."""

    def __init__(self, root: Path, stats: StatsCollector) -> None:
        self.root = root
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        root = crawler.settings.get("RECORD_DIR")
        if not root:
            raise NotConfigured
        assert crawler.stats is not None
        return cls(Path(root), crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if "replay" not in response.flags:
            headers = {k.decode("latin-1"): v[0].decode("latin-1")
                       for k, v in response.headers.items() if v and k.lower() != b"set-cookie"}
            write_saved(self.root, Saved(response.url, response.body, response.status, headers))
            self.stats.inc_value("record/saved")
        return response
