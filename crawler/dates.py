"""Date helpers: publication dates as Chinese portals print them, in text and in URLs."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

PORTAL_TZ = timezone(timedelta(hours=8))

_NUM_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:(?P<sep>[-/.])|年)\s*(?P<m>\d{1,2})\s*(?:(?P=sep)|月)\s*"
    r"(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?:T|\s)?\s*(?P<H>[0-2]?\d)\s*[:：时]\s*(?P<M>[0-5]\d)\s*分?"
    r"(?:\s*[:：]\s*(?P<S>[0-5]\d)(?:\.\d+)?\s*秒?)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")


class ParsedDate(NamedTuple):
    """A date found in text: the matched text and its ISO form (a day, or a time with offset)."""

    raw: str
    iso: str


def find_date(text: str, *, now: datetime | None = None) -> ParsedDate | None:
    """The first possible publication date in ``text``, or None.

    A time gives ``YYYY-MM-DDTHH:MM:SS+08:00``: the offset the text states, else the portal's;
    a day alone gives ``YYYY-MM-DD``. Impossible dates and dates more than a day in the
    future are skipped.

    >>> find_date("发布时间：2007-08-23 10:12 来源：质检总局").iso
    '2007-08-23T10:12:00+08:00'
    >>> find_date("2007年08月23日").iso, find_date("2023年7月28日 9:05:31").iso
    ('2007-08-23', '2023-07-28T09:05:31+08:00')
    >>> find_date("2007/8/23").iso, find_date("日期：2007.08.23").raw
    ('2007-08-23', '2007.08.23')
    >>> find_date("2023-07-28T22:12:00Z").iso, find_date("2021-06-03T21:30:00-04:00").iso
    ('2023-07-28T22:12:00+00:00', '2021-06-03T21:30:00-04:00')
    >>> find_date("2023-02-30 与 0000-00-00") is None
    True
    """
    if not _YEAR_RE.search(text):  # most text has no date: one cheap scan says so
        return None
    latest = (now.timestamp() if now else time.time()) + _ONE_DAY
    return next((ParsedDate(raw, iso) for raw, iso, moment in _dates_in(text) if moment <= latest),
                None)


_ONE_DAY = 86400.0  # seconds: a date up to a day ahead of the clock still counts


@lru_cache(maxsize=4096)  # sidebars and related lists repeat their dates on every page
def _dates_in(text: str) -> tuple[tuple[str, str, float], ...]:
    """Every real date in ``text`` from 1990 on: (matched text, ISO form, POSIX time)."""
    found = []
    for match in _NUM_DATE_RE.finditer(text):
        g = match.groupdict()
        try:
            day = date(int(g["y"]), int(g["m"]), int(g["d"]))
            if g["H"] is None:
                moment = datetime(day.year, day.month, day.day, tzinfo=PORTAL_TZ)
            else:
                moment = datetime(  # in the offset the text states, else the portal's
                    day.year, day.month, day.day, int(g["H"]), int(g["M"]), int(g["S"] or 0),
                    tzinfo=_offset(g["tz"]))
        except ValueError:
            continue
        if day.year >= 1990:
            iso = day.isoformat() if g["H"] is None else moment.isoformat()
            found.append((match.group(0).strip(), iso, moment.timestamp()))
    return tuple(found)


def _offset(tz: str | None) -> timezone:
    if not tz:
        return PORTAL_TZ
    if tz == "Z":
        return UTC
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


_PARTIAL_RE = re.compile(
    r"(?<![\d-])(?:(?P<y>\d{2})[-/.])?(?P<m>1[0-2]|0?[1-9])\s*[-/.月]\s*"
    r"(?P<d>[12]\d|3[01]|0[1-9]|[1-9](?!\d))\s*日?\s*(?P<H>[01]?\d|2[0-3])\s*[:：]\s*(?P<M>[0-5]\d)")


def partial_date(text: str, references: list[ParsedDate], *,
                 now: datetime | None = None) -> ParsedDate | None:
    """A date and time printed without the year's century or the year (``18-03-08 23:16``,
    ``10-08 12:00``), its spans perhaps glued (``10-0812:00``). The year comes from a
    reference (a date the page declares) of the same month and day, else from the two
    digits printed; with neither, None.

    >>> partial_date("发布时间：10-0812:00", [ParsedDate("x", "2019-10-08T12:00:57+08:00")]).iso
    '2019-10-08T12:00:00+08:00'
    >>> partial_date("18-03-08 23:16", []).iso, partial_date("10-08 12:00", []) is None
    ('2018-03-08T23:16:00+08:00', True)
    """
    match = _PARTIAL_RE.search(text)
    if not match:
        return None
    month, day = int(match["m"]), int(match["d"])
    years = [int(ref.iso[:4]) for ref in references
             if (int(ref.iso[5:7]), int(ref.iso[8:10])) == (month, day)]
    if not years and match["y"]:
        this = (now or datetime.now(PORTAL_TZ)).year
        years = [2000 + int(match["y"]) if 2000 + int(match["y"]) <= this
                 else 1900 + int(match["y"])]
    if not years:
        return None
    found = find_date(f"{years[0]}-{month}-{day} {match['H']}:{match['M']}", now=now)
    return ParsedDate(match.group(0), found.iso) if found else None


_TRAILING_DATE_RE = re.compile(
    r"\s*[(（\[【]?\s*((?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)\s*[)）\]】]?\s*$"
)


def split_trailing_date(title: str) -> tuple[str, str | None]:
    """Split ``标题(2023-07-28)`` into the title and the date as ``YYYY-MM-DD``.

    >>> split_trailing_date("四川成都市开展活动(2023-07-28)")
    ('四川成都市开展活动', '2023-07-28')
    >>> split_trailing_date("质量提升 [2018/3/27]")
    ('质量提升', '2018-03-27')
    >>> split_trailing_date("没有日期的标题")
    ('没有日期的标题', None)
    """
    match = _TRAILING_DATE_RE.search(title)
    if not match:
        return title, None
    parsed = find_date(match.group(1))
    if not parsed:
        return title, None
    return title[: match.start()].strip(), parsed.iso[:10]


_URL_DATE_RE = re.compile(
    r"(?<![0-9])((?:19|20)\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?![0-9])")


def date_in_url(url: str, *, now: datetime | None = None) -> ParsedDate | None:
    """The day a CMS wrote into an article's path (``t20230728_1.html``, ``/2005/09/07/``).

    >>> date_in_url("http://a.gov.cn/xw/202307/t20230728_12345.html").iso
    '2023-07-28'
    >>> date_in_url("http://blog.a.com/archive/2005/09/07/543698.aspx").iso
    '2005-09-07'
    >>> date_in_url("http://a.gov.cn/xw/content_20231345.htm") is None
    True
    """
    path = urlsplit(url).path
    for match in _URL_DATE_RE.finditer(path):
        parsed = find_date("-".join(match.groups()), now=now)
        if parsed:
            return ParsedDate(match.group(0), parsed.iso)
    return None


def day_of(value: str | None) -> str | None:
    """The ``YYYY-MM-DD`` day of any date text, or None.

    >>> day_of("2023年7月28日"), day_of("2018-03-27T08:00:00+08:00"), day_of("昨天")
    ('2023-07-28', '2018-03-27', None)
    """
    if not value:
        return None
    parsed = find_date(value)
    return parsed.iso[:10] if parsed else None


def cascade_day(html: str, url: str | None = None) -> str | None:
    """The publication day htmldate's cascade finds in a whole page (its metadata, ``<time>``
    elements, bylines, URL, then the text), as ``YYYY-MM-DD``; None when it finds none.
    The fallback after a portal's own header line, which it cannot beat on Chinese pages and
    which it beats on the rest (``make bench-extraction``)."""
    from htmldate import find_date as htmldate_find  # imported on first use: dateparser is big

    try:
        found = htmldate_find(html, url=url, original_date=True, extensive_search=True,
                              outputformat="%Y-%m-%d")
    except Exception:  # a library's failure on one page is no date, never a crash
        return None
    return found if isinstance(found, str) and _YEAR_RE.match(found) else None
