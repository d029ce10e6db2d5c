"""What a run is given, checked before any request: start URLs, days, state and Redis URIs,
output paths. A bad value raises ``BadInput`` with one line that names it; nothing is
created or changed by a check.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
HOST_RE = re.compile(r"^[A-Za-z0-9\u00a0-\uffff_-]+(?:\.[A-Za-z0-9\u00a0-\uffff_-]+)*\.?$")
REDIS_SCHEMES = ("redis", "rediss", "unix")


class BadInput(ValueError):
    """A value a run cannot start with; the message names it."""


def as_list(value: str | list[str] | None) -> list[str]:
    """A comma-separated argument as a list, blanks dropped.

    >>> as_list(" http://a.cn/ ,, http://b.cn/"), as_list(None)
    (['http://a.cn/', 'http://b.cn/'], [])
    """
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip() for item in items if item.strip()]


def start_url(url: str) -> str:
    """An http(s) URL with a host, as the crawl can request it.

    >>> start_url("https://www.example.gov.cn/zlxw/")
    'https://www.example.gov.cn/zlxw/'
    >>> start_url("http://")
    Traceback (most recent call last):
    crawler.checks.BadInput: start URL 'http://' has no host
    """
    if any(char.isspace() for char in url):
        raise BadInput(f"start URL {url!r} has a space in it (percent-encode it as %20)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise BadInput(f"start URL {url!r} cannot be parsed: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise BadInput(f"start URL {url!r} is not an http(s) URL")
    if not parts.hostname or not HOST_RE.match(parts.hostname):
        raise BadInput(f"start URL {url!r} has no host" if not parts.hostname
                       else f"start URL {url!r} has a bad host {parts.hostname!r}")
    return url


def day(name: str, value: str | None) -> str | None:
    """A calendar day as ``YYYY-MM-DD``, or None when not given.

    >>> day("until", "2026-12-31"), day("since", None)
    ('2026-12-31', None)
    >>> day("since", "2023-02-30")
    Traceback (most recent call last):
    crawler.checks.BadInput: since='2023-02-30' is not a day: day is out of range for month
    """
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise BadInput(f"{name}={value!r} is not a day: write it as YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise BadInput(f"{name}={value!r} is not a day: {error}") from None
    return value


def window(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """The date window, either end open; ``since`` not after ``until``."""
    since, until = day("since", since), day("until", until)
    if since and until and since > until:
        raise BadInput(f"since={since} is after until={until}: the window holds no day")
    return since, until


def state_uri(uri: str) -> None:
    """``STATE_URI``: a file path, ``sqlite:///path`` or a Redis URL."""
    if not uri:
        return
    if uri.startswith(("sqlite://", "redis://", "rediss://")):
        if uri.startswith("sqlite://"):
            writable_folder("STATE_URI", Path(uri.removeprefix("sqlite://")).expanduser())
        else:
            redis_url("STATE_URI", uri)
        return
    if SCHEME_RE.match(uri):
        raise BadInput(f"STATE_URI={uri!r}: unknown state backend (use a file path, "
                       "sqlite:///path or redis://host:port/db)")
    writable_folder("STATE_URI", Path(uri).expanduser())


def redis_url(name: str, url: str) -> None:
    """A Redis URL with a host (``redis://[:password@]host:port/db``)."""
    if not url:
        return
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise BadInput(f"{name}: cannot parse the Redis URL: {error}") from None
    if parts.scheme not in REDIS_SCHEMES or (parts.scheme != "unix" and not parts.hostname):
        raise BadInput(f"{name}={_redacted(url)!r} is not a Redis URL "
                       "(redis://[:password@]host:port/db)")


def _redacted(url: str) -> str:
    return re.sub(r"(?<=:)[^:@/]*(?=@)", "***", url)


def writable_folder(name: str, path: Path) -> None:
    """``path`` can be created or replaced: its nearest existing folder takes a new file.
    A probe file is made and removed at once; nothing else is created."""
    path = path.absolute()
    if path.is_dir():
        raise BadInput(f"{name}: {path} is a folder, not a file")
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise BadInput(f"{name}: cannot write {path}: {folder} is not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-check-", dir=folder)
    except OSError as error:
        raise BadInput(f"{name}: cannot write {path}: {error.strerror or error}") from None
    os.close(fd)
    os.unlink(probe)


def output_paths(settings: BaseSettings, default_feed: str | None = None) -> None:
    """Every local output file the run will write can be written."""
    feeds: dict[str, Any] = dict(settings.getdict("FEEDS")) or (
        {default_feed: {}} if default_feed else {})
    for uri in feeds:
        uri = str(uri)
        if SCHEME_RE.match(uri) and not uri.startswith("file://"):
            continue  # another storage (s3://, ftp://): checked by Scrapy when it opens
        path = uri.removeprefix("file://")
        # A name made per run or per file (%(time)s, %(batch_id)d) is checked as its folder.
        writable_folder("output", Path(re.sub(r"%\([^)]*\)[sd]", "x", path)))


def crawl_input(spider_args: dict[str, Any], settings: BaseSettings) -> None:
    """Everything ``scrapy crawl portal`` or the cron runner is given, before any request."""
    urls = as_list(spider_args.get("start_urls"))
    if not urls:
        raise BadInput("no start URLs: give the portal's home page, channel lists or "
                       "articles, as -a start_urls=https://www.example.gov.cn/[,URL...]")
    for url in urls:
        start_url(url)
    window(spider_args.get("since"), spider_args.get("until"))
    state_uri(settings.get("STATE_URI") or "")
    redis_url("REDIS_URL", settings.get("REDIS_URL") or "")
    replay = settings.get("REPLAY_DIR")
    if replay and not Path(replay).is_dir():
        raise BadInput(f"REPLAY_DIR={replay!r} is not a folder")
