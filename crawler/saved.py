"""Saved responses on disk: the layout that replay, record, ``crawler.extract`` and the test
portal all read, one folder per response, readable and reviewable in a diff::

    <dir>/<name>/response.json   {"url", "status", "headers", "body"}
    <dir>/<name>/body.html       the body exactly as served (still compressed if it was)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.feeds import write_atomic

INFO = "response.json"
_BODY_SUFFIX = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt",
                "text/xml": ".xml", "application/xml": ".xml", "application/json": ".json"}
_UNSAFE_RE = re.compile(r"[^\w.\-]+")


@dataclass
class Saved:
    """One saved response."""

    url: str
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  #: one value per name


def read_saved(folder: Path) -> Saved:
    """The response saved in ``folder``."""
    info = json.loads((folder / INFO).read_text("utf-8"))
    body = (folder / info.get("body", "body.html")).read_bytes()
    return Saved(info["url"], body, int(info.get("status", 200)), dict(info.get("headers", {})))


def saved_folders(root: Path) -> dict[str, Path]:
    """URL -> folder, for every saved response under ``root`` (the first of a URL saved twice)."""
    found: dict[str, Path] = {}
    for info in sorted(root.rglob(INFO)):
        found.setdefault(json.loads(info.read_text("utf-8"))["url"], info.parent)
    return found


def folder_for(root: Path, url: str) -> Path:
    """A readable folder name derived from the URL only (never from page content).

    >>> folder_for(Path("rec"), "http://a.cn/zlxw/t1.html?id=3")  # doctest: +ELLIPSIS
    PosixPath('rec/a.cn/zlxw_t1.html__id_3-...')
    """
    parts = urlsplit(url)
    name = (_UNSAFE_RE.sub("_", parts.path.strip("/")) or "index")[:80]
    if parts.query:
        name += "__" + _UNSAFE_RE.sub("_", parts.query)[:40]
    digest = hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()[:8]
    host = _UNSAFE_RE.sub("_", parts.netloc) or "host"
    return root / host / f"{name}-{digest}"


def write_saved(root: Path, saved: Saved) -> Path:
    """Save a response under ``root``, each file written atomically; returns its folder."""
    folder = folder_for(root, saved.url)
    content_type = saved.headers.get("Content-Type", "")
    body_name = "body" + _BODY_SUFFIX.get(content_type.split(";")[0].strip().lower(), ".bin")
    info = {"url": saved.url, "status": saved.status, "headers": saved.headers,
            "body": body_name}
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / body_name, saved.body)
    write_atomic(folder / INFO, json.dumps(
        info, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n")
    return folder
