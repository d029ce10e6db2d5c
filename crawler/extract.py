"""``python -m crawler.extract FILE... [--url URL]``: the crawl's extraction on saved pages.

Prints one JSON record per file, in the order given, with the crawl's fields after the
per-record pipelines. A file that cannot be read or yields no record prints a record with
an ``error`` field; the run goes on. A folder in the replay layout (``response.json`` beside
the body) is read with its saved URL and headers.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from crawler.pages.document import Document
from crawler.pages.kinds import Page, PageKind
from crawler.pipelines import DateNormalizationPipeline, ParagraphDedupPipeline, ValidationPipeline
from crawler.saved import read_saved

PIPELINES = (ParagraphDedupPipeline(), DateNormalizationPipeline(), ValidationPipeline())


def _read(path: Path, url: str | None) -> tuple[str, bytes, dict[str, str]]:
    if path.is_dir():
        saved = read_saved(path)
        return url or saved.url, saved.body, saved.headers
    return url or path.resolve().as_uri(), path.read_bytes(), {}


def extract(path: Path, url: str | None = None) -> dict[str, Any]:
    """The record for one saved page (a file, or a replay folder)."""
    try:
        page_url, body, headers = _read(path, url)
    except (OSError, ValueError, KeyError) as error:
        return {"file": str(path), "error": f"unreadable: {error}"}
    document = Document.from_bytes(page_url, body, headers)
    if url is None and not path.is_dir():  # a CleanEval-style page says where it came from
        document = document.at_wrapper_url()
        page_url = document.url
    page = Page(document)
    if page.kind is PageKind.DELETED:
        return {"file": str(path), "url": page_url, "kind": str(page.kind),
                "error": "the page says the article was deleted"}
    item = page.article.to_article()
    item.url = page_url if page_url.startswith("file:") else item.url
    try:
        for pipeline in PIPELINES:
            item = pipeline.process_item(item)
    except DropItem as drop:
        return {"file": str(path), "url": page_url, "kind": str(page.kind),
                "error": str(drop)}
    return {"file": str(path), "kind": str(page.kind), **asdict(item)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.extract", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="saved pages or replay folders")
    parser.add_argument("--url", help="the URL the page was served at (resolves links)")
    args = parser.parse_args(argv)
    for path in args.files:
        print(json.dumps(extract(path, args.url), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
