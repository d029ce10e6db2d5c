"""Whitespace as Chinese pages write it."""

from __future__ import annotations

import pytest

from crawler.text import INVISIBLE_SPACES, normalize_space, paragraph_key


def test_normalize_space_removes_cjk_indentation() -> None:
    assert normalize_space("\u3000\u3000质量\xa0\xa0兴市\u200b ") == "质量 兴市"


@pytest.mark.parametrize("char", INVISIBLE_SPACES)
def test_every_zero_width_space_splits_words(char: str) -> None:
    assert normalize_space(f"{char}质量{char}兴市{char}") == "质量 兴市"
    assert paragraph_key(f"质量{char} 兴市") == "质量兴市"
