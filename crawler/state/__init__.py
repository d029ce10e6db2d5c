"""Crawl state across runs: which articles were written, which URLs lead nowhere new.

One interface (``StateStore``), two backends: a SQLite file for a crawl on one machine, Redis
for workers on several. ``STATE_URI`` names the store; without it every run starts afresh.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from scrapy.exceptions import NotConfigured

from crawler.redis_connection import client
from crawler.state.base import Known, StateError, StateStore
from crawler.state.redis import RedisState
from crawler.state.sqlite import SqliteState

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["Known", "StateError", "StateStore", "open_state", "required_state", "state_for"]


def open_state(uri: str, *, timeout: float = 10.0) -> StateStore:
    """The state named by ``STATE_URI``: a file path (SQLite), ``sqlite:///path``, or a
    ``redis://`` URL (the backend the cluster shares)."""
    if uri.startswith(("redis://", "rediss://")):
        try:
            return RedisState(client(uri))
        except RedisError as error:
            raise StateError(f"cannot use the Redis state: {error}") from error
    path = uri.removeprefix("sqlite://") if uri.startswith("sqlite://") else uri
    return SqliteState(Path(path).expanduser(), timeout=timeout)


_OPEN: weakref.WeakKeyDictionary[Crawler, StateStore | None] = weakref.WeakKeyDictionary()


def required_state(crawler: Crawler) -> StateStore:
    """The crawl's state store for a component that needs one: ``NotConfigured`` (the
    component is off) when ``STATE_URI`` is unset."""
    state = state_for(crawler)
    if state is None:
        raise NotConfigured
    return state


def state_for(crawler: Crawler) -> StateStore | None:
    """The crawl's state store, opened once per crawler; None when ``STATE_URI`` is unset."""
    if crawler not in _OPEN:
        uri = crawler.settings.get("STATE_URI")
        state = open_state(
            uri, timeout=crawler.settings.getfloat("STATE_LOCK_TIMEOUT", 10.0)) if uri else None
        if state is not None:
            state.recover()
        _OPEN[crawler] = state
    return _OPEN[crawler]
