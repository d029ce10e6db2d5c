"""Redis connections for the cluster and the Redis state: the password kept out of logs."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import redis

PASSWORD_ENV = "REDIS_PASSWORD"


def redact(url: str) -> tuple[str, str | None]:
    """Split the password out of a Redis URL.

    >>> redact("redis://:s3cret@10.0.0.5:6379/2")
    ('redis://10.0.0.5:6379/2', 's3cret')
    >>> redact("redis://127.0.0.1:6379/0")
    ('redis://127.0.0.1:6379/0', None)
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")), parts.password


def client(url: str) -> redis.Redis:
    """A Redis client for ``url``, its password from the URL or ``REDIS_PASSWORD``."""
    url, password = redact(url)
    return redis.Redis.from_url(url, password=password or os.environ.get(PASSWORD_ENV),
                                socket_timeout=30, socket_connect_timeout=10,
                                retry_on_timeout=True)
