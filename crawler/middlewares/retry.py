"""Retries with exponential backoff and ``Retry-After``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

if TYPE_CHECKING:
    from scrapy import Request


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting ``base * 2**(n-1)`` seconds (or the server's ``Retry-After``,
    capped) before retry ``n``, so a struggling server is not hammered."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def delay(self, retry_times: int, retry_after: bytes | None = None) -> float:
        """Seconds to wait before retry number ``retry_times`` (1-based).

        >>> mw = BackoffRetryMiddleware.__new__(BackoffRetryMiddleware)
        >>> mw.base, mw.cap = 2.0, 60.0
        >>> mw.delay(1), mw.delay(3), mw.delay(9), mw.delay(1, b"7")
        (2.0, 8.0, 60.0, 7.0)
        """
        wait = self.base * 2 ** (retry_times - 1)
        if retry_after:
            wait = max(wait, _retry_after_seconds(retry_after.decode("latin-1")))
        return min(wait, self.cap)

    async def _wait(self, request: Request, result: Request | Response | None,
                    retry_after: bytes | None = None) -> Request | Response | None:
        if isinstance(result, Response) or result is None:
            return result
        await asyncio.sleep(self.delay(result.meta.get("retry_times", 1), retry_after))
        return result

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        waited = await self._wait(request, result, response.headers.get(b"Retry-After"))
        return waited if waited is not None else response

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        return await self._wait(request, super().process_exception(request, exception))


def _retry_after_seconds(value: str) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
