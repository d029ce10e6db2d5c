"""URL helpers: the URL to request, the identity of a page, and links read from pages."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

TRACKING_PARAMS = frozenset(
    {"spm", "from", "fbclid", "gclid", "share_token", "isappinstalled", "scene",
     "timestamp", "_t", "tt_from", "wfr"}
)
PRINT_PARAMS = frozenset({"print", "printable", "isprint", "printview"})
DIRECTORY_INDEXES = ("index.html", "index.htm", "index.shtml", "default.html", "default.htm",
                     "default.aspx", "index.php", "index.jsp", "index.asp")


@lru_cache(maxsize=16384)  # a site's navigation links repeat on every page of a folder
def join_url(base: str, href: str) -> str | None:
    """``href`` (page content: untrusted) resolved against ``base``; None when urllib cannot
    parse it, so that one broken link costs that link and not the page.

    >>> join_url("http://a.cn/x/t1.html", " ../b.html "), join_url("http://a.cn/", "//[x/a")
    ('http://a.cn/b.html', None)
    """
    href = href.strip()
    try:
        if not href:  # urljoin gives ``base`` back unparsed; it parses (and refuses) the rest
            urlsplit(base)
            return base
        if href.startswith(("http://", "https://")) and "/." not in href:
            urlsplit(href)  # absolute, no dot segments: urljoin would give it back as it is
            return href
        return urljoin(base, href)
    except ValueError:  # "Invalid IPv6 URL", a host that NFKC turns into "a:b" or "a/b", ...
        return None


@lru_cache(maxsize=8192)  # nav links repeat on every page; bounded memory
def clean_url(url: str) -> str:
    """The URL to request: no fragment, no tracking or print-view parameters.

    >>> clean_url("http://www.example.cn/a/t1.html?utm_source=x&print=1#top")
    'http://www.example.cn/a/t1.html'
    >>> clean_url("http://www.example.cn/list.html?page=2&spm=abc")
    'http://www.example.cn/list.html?page=2'
    """
    parts = urlsplit(safe_url_string(url.strip()))
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMS
                or (k.lower() in PRINT_PARAMS and v in {"", "1", "true", "yes"}))
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


@lru_cache(maxsize=8192)  # nav links repeat on every page; bounded memory
def canonical_url(url: str) -> str:
    """The identity of a page: ``clean_url`` plus sorted query, lower-case host, no default
    port, and a trailing directory index removed. Articles are keyed on this.

    >>> canonical_url("HTTP://WWW.Example.cn:80/news/index.html?b=2&a=1&utm_medium=x")
    'http://www.example.cn/news/?a=1&b=2'
    >>> canonical_url("http://www.example.cn/news/")
    'http://www.example.cn/news/'
    """
    url = canonicalize_url(clean_url(url))
    parts = urlsplit(url)
    path = parts.path
    for name in DIRECTORY_INDEXES:
        if path.lower().endswith("/" + name):
            path = path[: -len(name)]
            break
    netloc = parts.netloc.lower()
    if (parts.scheme, netloc.rpartition(":")[2]) in {("http", "80"), ("https", "443")}:
        netloc = netloc.rpartition(":")[0]
    return urlunsplit((parts.scheme, netloc, path, parts.query, ""))


def host_of(url: str) -> str:
    """The lower-case host of ``url``, without port.

    >>> host_of("http://127.0.0.1:8080/a"), host_of("https://WWW.Example.cn/")
    ('127.0.0.1', 'www.example.cn')
    """
    return (urlsplit(url).hostname or "").lower()


# Public suffixes of two labels where portals of this kind register (the rest of the world
# registers directly under its top-level domain): gov.cn, Chinese provinces' own, and kin.
PUBLIC_SUFFIXES = frozenset(
    {f"{name}.cn" for name in (
        "gov", "com", "net", "org", "edu", "ac", "mil", "ah", "bj", "cq", "fj", "gd", "gs",
        "gz", "gx", "ha", "hb", "he", "hi", "hl", "hn", "jl", "js", "jx", "ln", "nm", "nx",
        "qh", "sc", "sd", "sh", "sn", "sx", "tj", "xj", "xz", "yn", "zj", "hk", "mo", "tw")}
    | {f"{name}.hk" for name in ("gov", "com", "org", "edu", "net")}
    | {f"{name}.tw" for name in ("gov", "com", "org", "edu", "net")}
    | {f"{name}.mo" for name in ("gov", "com", "org", "edu", "net")}
    | {"co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "gov.au", "co.jp", "go.jp", "com.sg",
       "gov.sg"})


def registered_domain(host: str) -> str:
    """The domain a host was registered under: its portal's hosts share it
    (``ginfo.example.gov.cn`` and ``www.example.gov.cn``); an address stays as it is.

    >>> registered_domain("ginfo.example.gov.cn"), registered_domain("www.sh.gov.cn")
    ('example.gov.cn', 'sh.gov.cn')
    >>> registered_domain("www.cqn.com.cn"), registered_domain("news.qq.com")
    ('cqn.com.cn', 'qq.com')
    >>> registered_domain("127.0.0.1"), registered_domain("localhost")
    ('127.0.0.1', 'localhost')
    """
    labels = host.lower().rstrip(".").split(".")
    if labels[-1].isdigit() or ":" in host or len(labels) <= 2:
        return host.lower()
    keep = 3 if ".".join(labels[-2:]) in PUBLIC_SUFFIXES else 2
    return ".".join(labels[-keep:])
