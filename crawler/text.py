"""Text helpers: whitespace as Chinese pages write it (U+3000, &nbsp;, zero-width spaces)."""

from __future__ import annotations

import re

INVISIBLE_SPACES = ("\u200b", "\u200c", "\u200d", "\ufeff")  # zero-width: not str.isspace()
_INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE_SPACES) + "]")


def normalize_space(text: str) -> str:
    """Collapse every run of whitespace (incl. U+3000, &nbsp;, zero-width) to one space, trimmed.

    >>> normalize_space("\\u3000\\u3000李传卿充分肯定了\\xa0 成效。 ")
    '李传卿充分肯定了 成效。'
    """
    return " ".join(_INVISIBLE_RE.sub(" ", text).split())


def paragraph_key(text: str) -> str:
    """The form two paragraphs are compared in: no whitespace at all.

    >>> paragraph_key("8月22日, 国家质检总局") == paragraph_key("8月22日,国家质检总局\\u3000")
    True
    """
    return "".join(_INVISIBLE_RE.sub(" ", text).split())
