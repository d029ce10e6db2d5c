"""``scrapy crawl``, with the input checked before any request and an exit code that says
how the run ended (``crawler.outcome``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler import checks
from crawler.outcome import EXIT_STATE, EXIT_USAGE, crawl_exit_code
from crawler.redis_connection import client
from crawler.state import StateError, open_state

if TYPE_CHECKING:
    import argparse

    from scrapy.settings import BaseSettings


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if args == ["portal"]:  # before Scrapy starts (and logs) anything
            assert self.settings is not None
            code = preflight(opts.spargs, self.settings)
            if code:
                sys.exit(code)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args != ["portal"]:
            super().run(args, opts)  # Scrapy's own usage errors, other spiders
            return
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        self.exitcode, reason = crawl_exit_code(crawler.stats.get_stats() if crawler.stats
                                                else {})
        if self.exitcode:
            print(f"scrapy crawl: exit {self.exitcode}: {reason}", file=sys.stderr)


def preflight(spider_args: dict[str, str], settings: BaseSettings) -> int:
    """Check the input and reach the state: 0, or the exit code with its line printed."""
    try:
        checks.crawl_input(spider_args, settings)
        checks.output_paths(settings, settings.get("PORTAL_DEFAULT_FEED"))
    except checks.BadInput as error:
        print(f"scrapy crawl: {error}", file=sys.stderr)
        return EXIT_USAGE
    return reach_state(settings, "scrapy crawl")


def reach_state(settings: BaseSettings, program: str) -> int:
    """0 when the state store and Redis (if any) can be used, else ``EXIT_STATE``."""
    try:
        if settings.get("REDIS_URL"):
            client(settings["REDIS_URL"]).ping()
        if settings.get("STATE_URI"):
            open_state(settings["STATE_URI"],
                       timeout=settings.getfloat("STATE_LOCK_TIMEOUT")).close()
    except RedisError as error:
        print(f"{program}: cannot reach Redis ({error}); not crawling", file=sys.stderr)
        return EXIT_STATE
    except StateError as error:
        print(f"{program}: {error}; not crawling (a fresh state would re-crawl everything)",
              file=sys.stderr)
        return EXIT_STATE
    return 0
