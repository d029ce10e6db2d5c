"""Dates as Chinese portals print them, and the ones to reject."""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.dates import PORTAL_TZ, find_date, split_trailing_date

NOW = datetime(2024, 1, 1, tzinfo=PORTAL_TZ)


@pytest.mark.parametrize(("text", "iso"), [
    ("2007-08-23 10:12", "2007-08-23T10:12:00+08:00"),
    ("2007-08-23 10:12:35", "2007-08-23T10:12:35+08:00"),
    ("2007年08月23日 10:12", "2007-08-23T10:12:00+08:00"),
    ("2007年08月23日10时12分", "2007-08-23T10:12:00+08:00"),
    ("2023年7月28日", "2023-07-28"),
    ("2007/8/23", "2007-08-23"),
    ("2007.08.23", "2007-08-23"),
    ("发布时间：2007-08-23", "2007-08-23"),
    ("2023-07-28T10:12:00+08:00", "2023-07-28T10:12:00+08:00"),
    ("2023-07-28T02:12:00Z", "2023-07-28T02:12:00+00:00"),  # the offset it states
    ("2023-07-28 10:12:00.000", "2023-07-28T10:12:00+08:00"),
    ("2005-04-05 06:40更新", "2005-04-05T06:40:00+08:00"),
])
def test_find_date_forms(text: str, iso: str) -> None:
    parsed = find_date(text, now=NOW)
    assert parsed is not None and parsed.iso == iso


@pytest.mark.parametrize("text", [
    "2023-02-30", "0000-00-00", "2007-13-01", "2030-01-01", "8月22日", "电话：2007-0823", "",
])
def test_find_date_rejects_impossible_future_and_partial(text: str) -> None:
    assert find_date(text, now=NOW) is None


def test_find_date_skips_an_impossible_date_for_a_later_real_one() -> None:
    assert find_date("2023-02-30 或 2023-03-01", now=NOW).iso == "2023-03-01"  # type: ignore[union-attr]


@pytest.mark.parametrize(("title", "expected"), [
    ("四川成都市开展第二届“走进企业看质量”活动(2023-07-28)",
     ("四川成都市开展第二届“走进企业看质量”活动", "2023-07-28")),
    ("质量提升（2018-03-27）", ("质量提升", "2018-03-27")),
    ("质量提升 [2018/3/27]", ("质量提升", "2018-03-27")),
    ("2023年质量工作要点", ("2023年质量工作要点", None)),
    ("标题(2023-02-30)", ("标题(2023-02-30)", None)),
])
def test_split_trailing_date(title: str, expected: tuple[str, str | None]) -> None:
    assert split_trailing_date(title) == expected
