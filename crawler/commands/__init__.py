"""Scrapy commands of the project (``COMMANDS_MODULE``), and the ``portal-crawl`` script."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """``portal-crawl [scrapy crawl options]``: ``scrapy crawl portal`` from any folder, with
    the project's settings (an installed crawler has no scrapy.cfg to find them by)."""
    from scrapy.cmdline import execute

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    execute(["scrapy", "crawl", "portal", *sys.argv[1:]])
