"""The labelled development sets and how each is scored, as its README says.

- ``zh-portal``: Chinese portal articles; title exact, day, time, 来源, body start and end
  found, length ratio within 0.8-1.25 (after NFKC and removing all whitespace).
- ``zh-content``: Chinese pages; body 4-shingle F1 (Scrapinghub benchmark style), day.
- ``htmldate``: htmldate's own evaluation set; a day per page, scored as htmldate's
  ``tests/evaluation.py`` (None a false negative, the gold day a true positive, another day a
  false positive).
- ``trafilatura``: trafilatura's own evaluation set; ``with`` and ``without`` snippets,
  scored as its ``tests/evaluate.py`` (counts summed over all pages, F1 = 2tp/(2tp+fp+fn)).
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import unicodedata
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from crawler.pages.document import decode_html

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{CJK}]|[^\W{CJK}]+")  # each CJK character a token, other words whole
DAY_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
CHINA = timezone(timedelta(hours=8))


class Output(NamedTuple):
    """What an extractor gives for a page; None where it gives nothing."""

    title: str | None = None
    body: str | None = None
    date: str | None = None  #: ISO date or datetime, as the tool gives it
    source: str | None = None


class Page(NamedTuple):
    name: str
    url: str
    raw: bytes
    text: str  #: decoded, for the peers (this project decodes the bytes itself)
    gold: dict  #: the set's labels for the page


class DevSet(NamedTuple):
    name: str
    pages: list[Page]


def _gz(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _page(name: str, url: str, raw: bytes, gold: dict) -> Page:
    return Page(name, url, raw, decode_html(raw)[0], gold)


def load(data: Path) -> list[DevSet]:
    """Every set found under ``data`` (``../shared/data``)."""
    sets = []
    portal = data / "zh-portal-dev"
    if (portal / "labels.json").exists():
        labels = json.loads((portal / "labels.json").read_text("utf-8"))
        sets.append(DevSet("zh-portal", [
            _page(name, "http://example.cn/article.html",
                  _gz(portal / "pages" / f"{name}.html.gz"), gold)
            for name, gold in sorted(labels.items())]))
    content = data / "zh-content-dev"
    if (content / "truth.jsonl").exists():
        pages = []
        for line in (content / "truth.jsonl").read_text("utf-8").splitlines():
            truth = json.loads(line)
            pages.append(_page(truth["file"], "http://example.cn/article.html",
                               (content / truth["file"]).read_bytes(), truth))
        sets.append(DevSet("zh-content", pages))
    dates = data / "peer-suites-dev" / "htmldate"
    if dates.exists():
        pages = []
        for index in ("eval_default.json", "eval_mediacloud_2020.json"):
            for url, gold in json.loads((dates / index).read_text("utf-8")).items():
                path = dates / "pages" / f"{gold['file']}.gz"
                if path.exists():
                    pages.append(_page(gold["file"], url, _gz(path), gold))
        sets.append(DevSet("htmldate", pages))
    texts = data / "peer-suites-dev" / "trafilatura"
    if texts.exists():
        pages = []
        for url, gold in json.loads((texts / "evaldata.json").read_text("utf-8")).items():
            path = texts / "pages" / f"{gold['file']}.gz"
            if path.exists():
                pages.append(_page(gold["file"], url, _gz(path), gold))
        sets.append(DevSet("trafilatura", pages))
    return sets


# --- scoring -----------------------------------------------------------------------------

def squeeze(text: str | None) -> str:
    """NFKC, all whitespace removed: how zh-portal compares text."""
    if isinstance(text, list):  # a label may list several accepted values
        text = text[0] if text else ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def local(date: str | None) -> datetime | None:
    """A tool's date as a datetime; an aware one read in UTC+8 (zh-portal's rule)."""
    if not date:
        return None
    try:
        parsed = datetime.fromisoformat(str(date).strip().replace("Z", "+00:00"))
    except ValueError:
        match = DAY_RE.search(str(date))
        if not match:
            return None
        try:
            year, month, day = (int(g) for g in match.groups())
            parsed = datetime(year, month, day)
        except ValueError:
            return None
    return parsed.astimezone(CHINA) if parsed.tzinfo else parsed


def has_time(date: str | None) -> bool:
    return bool(date) and bool(re.search(r"\d{1,2}:\d{2}", str(date)))


def score_portal(pages: list[Page], outputs: list[Output]) -> dict[str, tuple[int, int]]:
    """Per field (right, scored) on zh-portal."""
    counts: dict[str, list[int]] = {key: [0, 0] for key in
                                    ("title", "day", "time", "source", "start", "end", "length")}

    def count(key: str, right: bool) -> None:
        counts[key][0] += right
        counts[key][1] += 1

    for page, out in zip(pages, outputs, strict=True):
        gold = page.gold
        titles = {squeeze(gold["title"]), *map(squeeze, _values(gold.get("title_alt")))} - {""}
        count("title", squeeze(out.title) in titles)
        when = local(out.date)
        if gold.get("date"):
            count("day", when is not None and when.strftime("%Y-%m-%d") == gold["date"])
        if gold.get("time"):
            count("time", when is not None and has_time(out.date)
                  and when.strftime("%H:%M") == gold["time"])
        if gold.get("source"):
            sources = {squeeze(gold["source"]), *map(squeeze, _values(gold.get("source_alt")))} \
                - {""}
            count("source", squeeze(out.source) in sources)
        body = squeeze(out.body)
        count("start", squeeze(gold["body_first"]) in body)
        count("end", squeeze(gold["body_last"]) in body)
        count("length", 0.8 <= len(body) / max(gold["body_chars"], 1) <= 1.25)
    return {key: (right, total) for key, (right, total) in counts.items()}


def _values(label: str | list[str] | None) -> list[str]:
    return label if isinstance(label, list) else [label] if label else []


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))
                   if tokens[i:i + n])


def _tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    gold, got = shingles(true), shingles(pred)
    tp, fp, fn = (sum((gold & got).values()), sum((got - gold).values()),
                  sum((gold - got).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def body_f1(pages: list[Page], outputs: list[Output]) -> tuple[float, float, float]:
    """Mean per-page shingle precision and recall, and their F1 (zh-content)."""
    pairs = [_tp_fp_fn(page.gold["body"], out.body or "")
             for page, out in zip(pages, outputs, strict=True)]

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    precisions = [precision(*x) for x in pairs if x[0] + x[1] > 0]
    recalls = [recall(*x) for x in pairs if x[0] + x[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def gold_day(text: str | None) -> str | None:
    """A label's full day (``YYYY-M-D[ time]``), None for partial dates and bad labels."""
    if not text or not re.match(r"^\d{4}-\d{1,2}-\d{1,2}\b", text):
        return None
    match = DAY_RE.search(text)
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else None


def content_days(pages: list[Page], outputs: list[Output]) -> tuple[int, int]:
    """(right, scored) days on zh-content: pages whose label has a full day."""
    scored = [(gold_day(page.gold.get("date")), out) for page, out in
              zip(pages, outputs, strict=True)]
    scored = [(day, out) for day, out in scored if day]
    return sum(1 for day, out in scored if _day(out.date) == day), len(scored)


def _day(date: str | None) -> str | None:
    """The day a date states, in its own offset (htmldate and zh-content compare days as
    written)."""
    match = DAY_RE.search(str(date or ""))
    if not match:
        return None
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}"


def score_dates(pages: list[Page], outputs: list[Output]) -> dict[str, float]:
    """htmldate's evaluation: tp, fp, fn, tn over all pages; precision, recall, accuracy, F1;
    and day accuracy, the share of dated pages whose day is right."""
    tp = fp = fn = tn = 0
    dated = right = 0
    for page, out in zip(pages, outputs, strict=True):
        gold = page.gold.get("date")
        gold = gold if isinstance(gold, str) and DAY_RE.match(gold) else None
        got = _day(out.date)
        if gold:
            dated += 1
            right += got == gold
        if got is None:
            if gold is None:
                tn += 1
            else:
                fn += 1
        elif got == gold:
            tp += 1
        else:
            fp += 1
    return {**_rates(tp, fp, fn, tn), "day": right / max(dated, 1)}


def score_texts(pages: list[Page], outputs: list[Output]) -> dict[str, float]:
    """trafilatura's evaluation: ``with`` snippets found (tp) or missing (fn), ``without``
    snippets found (fp) or absent (tn), summed over pages, on whitespace-normalised text."""
    tp = fp = fn = tn = 0
    for page, out in zip(pages, outputs, strict=True):
        text = " ".join((out.body or "").split())
        for snippet in page.gold.get("with", []):
            if " ".join(snippet.split()) in text:
                tp += 1
            else:
                fn += 1
        for snippet in page.gold.get("without", []):
            if " ".join(snippet.split()) in text:
                fp += 1
            else:
                tn += 1
    return _rates(tp, fp, fn, tn)


def _rates(tp: int, fp: int, fn: int, tn: int) -> dict[str, float]:
    """Precision, recall, accuracy and F1 (2tp / (2tp + fp + fn)) from the four counts."""
    return {"precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "accuracy": (tp + tn) / max(tp + fp + fn + tn, 1),
            "f1": 2 * tp / max(2 * tp + fp + fn, 1)}
