"""Heuristics as data: the words, URL shapes and patterns Chinese news portals share.

Kept apart from the page classes so that a new portal usually needs a line here, not code.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy.linkextractors import IGNORED_EXTENSIONS

# --- labels of the article header line (发布时间：… 来源：… 作者：…) ----------------------
DATE_LABELS = ("发布时间", "发布日期", "发表时间", "发表日期", "发文日期", "成文日期", "更新时间",
               "时间", "日期")
SOURCE_LABELS = ("稿件来源", "信息来源", "文章来源", "新闻来源", "来源", "出处")
AUTHOR_LABELS = ("作者", "记者", "撰稿人", "撰稿", "撰文", "通讯员")
EDITOR_LABELS = ("责任编辑", "编辑", "责编")
OTHER_LABELS = ("点击数", "点击率", "点击", "浏览次数", "浏览量", "阅读数", "阅读", "访问量",
                "字号", "字体", "分享到", "打印", "关闭", "信息分类", "索引号", "发布机构", "文号")
ALL_LABELS = DATE_LABELS + SOURCE_LABELS + AUTHOR_LABELS + EDITOR_LABELS + OTHER_LABELS
POSTED_LABELS = ("发表于", "发布于", "更新于", "写于", "发表在")  # "posted on": 发布时间
# Longest labels first, so that 发布时间 wins over 时间. 来源 also comes as 来源于： and, with
# no colon, glued to its value (来源CSDN), but never as part of a word (资金来源).
LABEL_RE = re.compile(
    "|".join(label + r"\s*[:：]" for label in sorted(map(re.escape, ALL_LABELS), key=len,
                                                      reverse=True))
    + r"|来源于\s*[:：]?|(?<![\u4e00-\u9fff])来源(?=[A-Za-z\u4e00-\u9fff])(?!于)"
    + "|" + "|".join(POSTED_LABELS)
)


def label_of(match: re.Match[str]) -> str:
    """The label a ``LABEL_RE`` match names; "posted on" forms (发表于) count as 发布时间.

    >>> label_of(LABEL_RE.search("来源 ：新华社")), label_of(LABEL_RE.search("发表于 2005"))
    ('来源', '发布时间')
    >>> [label_of(LABEL_RE.search(t)) for t in ("来源于：人民网", "来源CSDN")]
    ['来源', '来源']
    >>> LABEL_RE.search("资金来源不明") is None
    True
    """
    found = match.group(0)
    if found.startswith("来源"):
        return "来源"
    return "发布时间" if found in POSTED_LABELS else found.rstrip(":：").rstrip()


# A field value ends at a run of spaces, a separator, a bracket, or a widget word.
VALUE_END_RE = re.compile(
    r"\s{2,}|[\u3000|｜丨【】\[\]<>]|\s+(?=\S*[:：])|"
    r"\s+(?:打印|关闭|分享|收藏|纠错|评论|浏览|点击|阅读|字号|字体|视力保护色)|"
    r"\s*(?:举报|参与互动|我要评论|我有话说)|"  # widgets glued to the value
    r"\s*(?=(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2})"  # a date after it, glued or not
)
# The outlet some sites print without a label beside the date (sina: ``2019年09月07日 04:04
# 北京日报``; toutiao: ``中国网 2019-11-25 10:37``): a short name, none of these words.
OUTLET_RE = re.compile(r"^[\w\u4e00-\u9fff·.&\- ]{2,20}$")
NOT_AN_OUTLET_RE = re.compile(
    r"^(?:原创|转载|独家|首发|置顶|推荐|热门|专题|正文|首页|企鹅号|头条号|百家号|大风号|网易号|"
    r"星期.|周.|今天|昨天|前天|刚刚|\d+\s*(?:分钟|小时|天)前|优质.*|.*作者|.*人参与.*|"
    r"打印|关闭|分享|收藏|纠错|评论|举报|浏览|点击|阅读|字号|字体|大|中|小|\d+|"
    r"admin|administrator|管理员|编辑部|本站|本网)$", re.I)
# Elements whose id or class marks the outlet (sina's ``class="source"``, WeChat's
# ``id="js_name"``, Baidu's ``source_baidu``, 163's ``ne_article_source``).
SOURCE_IDS = ("source", "source_baidu", "ne_article_source", "js_name", "articleSource")
SOURCE_CLASSES = ("source", "article-source", "source-name", "media-name", "author-name",
                  "rich_media_meta_nickname")

# A publication time in a page's script data: "pubtime": "2019-09-07 19:02:26" (qq, toutiao),
# or written by a call: showDate("2020/04/17 10:00"). The names are looked for first (a plain
# search of the lower-cased scripts), the value read where one stands.
SCRIPT_DATE_NAMES = ("pubtime", "pub_time", "publishtime", "publish_time", "pubdate", "pub_date",
                     "publishdate", "publish_date", "datepublished", "ptime", "showdate",
                     "show_date", "showtime", "writedate", "formatdate")
SCRIPT_DATE_VALUE_RE = re.compile(r"""["']?\s*(?:[:=]|\()\s*["']([^"'\n]{8,40})["']""")

# --- lines inside the body that are not body text --------------------------------------
# An opening bracket before the editor's label is the caller's to strip.
EDITOR_LINE_RE = re.compile(
    f"(?:{'|'.join(EDITOR_LABELS)})"
    r"\s*[:：]\s*(?P<name>[^()（）\[\]【】]{1,30}?)\s*[)）\]】]?\s*$"
)


def editor_line(text: str) -> re.Match[str] | None:
    """The 责任编辑 clause that closes ``text``, if any. A match runs to the end and is at most
    ~40 characters (label, name of 30, brackets): only the tail of a paragraph is searched.

    >>> editor_line("全文完。（责任编辑：张三）").group("name")
    '张三'
    """
    return EDITOR_LINE_RE.search(text, max(0, len(text) - 60))


SOURCE_LINE_LABELS = ("稿件来源", "信息来源", "文章来源", "来源")
SOURCE_LINE_RE = re.compile(
    f"^[(（\\[【]?\\s*(?:{'|'.join(SOURCE_LINE_LABELS)})"
    r"\s*[:：]\s*(?P<name>[^()（）\[\]【】]{1,40}?)\s*[)）\]】]?\s*$"
)


def source_line(text: str) -> re.Match[str] | None:
    """A line that is only the article's source (来源：新华社), if ``text`` is one.

    >>> source_line("（来源：新华社）").group("name"), source_line("来源于群众")
    ('新华社', None)
    """
    return SOURCE_LINE_RE.match(text)


WIDGET_RE = re.compile(
    r"打印本页|打印此页|打印文章|【打印】|\[打印\]|关闭窗口|【关闭】|\[关闭\]|分享到|字号[:：]|"
    r"字体[:：]|【大\s*中\s*小】|\[大\s*中\s*小\]|返回顶部|加入收藏|我要纠错|上一篇|下一篇|"
    r"扫一扫|用手机看|微信扫|打印\s*关闭|【\s*大\s*】|print\b(?<!\wprint)"
)
# Links that are page widgets, not pages: a print view, a share box, a window closer.
WIDGET_LINK_RE = re.compile(
    r"^[\[【(（]?\s*(?:打印|打印本页|打印此页|打印文章|打印正文|关闭|关闭窗口|分享|收藏|纠错|"
    r"我要纠错|返回顶部|print|close)\s*[\]】)）]?$", re.I)
ATTACHMENT_LINE_RE = re.compile(r"^\s*附件\s*\d*\s*[:：]?")
DELETED_RE = re.compile(r"该信息已删除|信息已被删除|该文章已删除|文章已被删除|该页面已删除|"
                        r"内容已删除|信息不存在|文章不存在|页面不存在|已被撤销|已撤稿")

# --- blocks around the body --------------------------------------------------------------
RELATED_HEADING_RE = re.compile(
    r"^\W*(?:相关(?:新闻|链接|阅读|文章|报道|信息|稿件|内容|资讯|政策|专题)|延伸阅读|推荐阅读|"
    r"相关\s*$)\W*$"
)
# A short line after which a page's text is no longer the article's, in the languages a
# portal's foreign channels and the sites it links to use: related posts, author boxes,
# comment forms, share bars, newsletter boxes. The body ends before it.
BODY_END_RE = re.compile(
    r"^\W*(?:ähnliche beiträge|verwandte artikel|related(?: posts| articles| stories| content)?|"
    r"you (?:may|might) also like|share this(?: article| story)?|über den autor|about the author|"
    r"zur person|comments?|kommentare|\d+ (?:comments?|kommentare|antworten|responses)(?: zu.*)?|"
    r"keine kommentare|no comments|leave a (?:reply|comment)|schreibe einen kommentar|"
    r"mehr zum thema|most (?:popular|read)|trending(?: now| nationally)?|lesen sie auch.*|"
    r"read (?:more|next|also)|zum weiterlesen|weiterlesen|auch interessant|schon gelesen|"
    r"das könnte sie auch interessieren|veja também|notas relacionadas|artículos relacionados|"
    r"explore further|themen in diesem artikel|join our newsletter|sign up for our newsletter|"
    r"abonnieren sie unseren newsletter|diesen artikel teilen|artikel teilen|gefällt mir|"
    r"like this|wie bewerten sie diesen artikel\??|相关阅读|相关新闻|延伸阅读|推荐阅读|"
    r"热门推荐|猜你喜欢|网友评论|发表评论|最热评论|热门评论|最新评论)\W*$", re.I)
# A keyword, tag or disclaimer line of any length: it and what follows are not the article.
BODY_END_LINE_RE = re.compile(
    r"^\W*(?:(?:文章)?关键[词字]|标签|tags?|特别声明|免责声明|版权声明)\s*[:：]", re.I)
# Blocks around an article that are never its text, by tag or by class and id.
PAGE_FRAME_TAGS = frozenset({"footer", "nav", "aside", "menu"})
PAGE_FRAME_RE = re.compile(
    r"(?:^|[\s_-])(?:footer|foot|copyright|sidebar|comments?|reply|respond|share|social|"
    r"newsletter|related|recommend|author-?box|cookie|banner|ad|ads|advert)(?:$|[\s_-])",
    re.I)
# A photo credit or caption label on a line of its own (Foto: …, Credit: …).
CREDIT_LINE_RE = re.compile(r"^(?:foto|fotos|photo|photos|credit|bild|image|quelle)\s*:", re.I)
BREADCRUMB_LABELS = ("当前位置", "您的位置", "你的位置", "您现在的位置", "所在位置", "当前栏目")
BREADCRUMB_RE = re.compile("|".join(BREADCRUMB_LABELS))
CRUMB_SEPARATOR_RE = re.compile(r"\s*(?:>>|>|»|›|→|/|-&gt;|＞|〉)\s*")
NOT_A_CHANNEL = frozenset({"首页", "网站首页", "正文", "内容", "正文内容", "详情", "主页", "home",
                           "当前位置", "您的位置"})


def is_breadcrumb(text: str) -> bool:
    """Whether a line reads as a breadcrumb (当前位置：首页 > 质检要闻).

    >>> is_breadcrumb("您现在的位置：首页 > 质检要闻"), is_breadcrumb("位置图")
    (True, False)
    """
    return BREADCRUMB_RE.search(text) is not None

# --- navigation ------------------------------------------------------------------------
NEXT_PAGE_TEXTS = frozenset({"下一页", "下页", "后页", "下一頁", "next", "next page", "»", "›",
                             ">", ">>", "下一页>", "下一页»", "下一页>>"})
LAST_PAGE_TEXTS = frozenset({"尾页", "末页", "最后一页", "last", "»|", ">|"})
PAGER_TEXTS = NEXT_PAGE_TEXTS | LAST_PAGE_TEXTS | frozenset(
    {"上一页", "上页", "前页", "首页", "第一页", "prev", "previous", "«", "‹", "<", "<<"}
)
# Pager scripts: functions called as f(count, current, "index", "html") and the forms
# crawler/pages/pagers.py reads; variables that hold a list's page count.
PAGER_FUNCTIONS = ("createPageHTML", "createPageHtml", "createPage", "setPage", "showPage")
PAGE_COUNT_VARIABLES = ("countPage", "countpage", "pageCount", "pagecount", "totalPage",
                        "totalPages", "maxPageNum")
# A quoted page or file path in a script handler (onclick="goto('list_2.html')").
SCRIPT_URL_RE = re.compile(
    r"""['"]((?:https?://[^'"\s]+|[^'"\s:]*?[\w-]\.(?:s?html?|jsp|php|aspx?|do|pdf|docx?|xlsx?|"""
    r"""wps|zip|rar))(?:\?[^'"\s]*)?)['"]""", re.I)
# ASP.NET pagers post the page's form back: javascript:__doPostBack('target','argument').
POSTBACK_RE = re.compile(r"__doPostBack\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)")
# A pager that names no page: goPage('2','35'), 共35页 with no link to follow.
PAGE_COUNT_RE = re.compile(
    r"共\s*(\d+)\s*页|\b(?:goPage|gotoPage|toPage|turnPage|jumpPage)\s*\(", re.I)
PAGE_PARAM_RE = re.compile(r"(?:^|&)(?:page|pageno|pageindex|pagenum|p|pn|curpage|currentpage)"
                           r"=(\d+)", re.I)
LIST_SERIES_RE = re.compile(r"(?:^|/)(?:index|list|node_\d+|more|default)[_-](\d+)\.\w+$", re.I)

# --- URL shapes --------------------------------------------------------------------------
BINARY_EXTENSIONS = frozenset(IGNORED_EXTENSIONS) | {"docx", "xlsx", "pptx", "wps", "ofd", "et",
                                                      "dps", "7z", "gz", "tgz", "apk"}
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "svg",
                              "ico"})
ARTICLE_URL_RE = re.compile(
    r"/t\d{8}_\d+|/\d{4}[-_/]?\d{2}[-_/]?\d{2}/|/\d{6}/t|content_\d+|art_\d+|/art/|/detail|"
    r"/show|/article|/news_?\d+|/info/\d+|/c\d+/\d+|[?&](?:id|aid|articleid|newsid|docid)=\d+|"
    r"/\d{5,}\.s?html?$|/[a-z]?\d{6,}[_-]?\d*\.s?html?$",
    re.I,
)
LIST_URL_RE = re.compile(
    r"/(?:index|list|node_\d+|more|default|column|channel|lanmu)(?:[_-]\d+)?\.\w+$|/$|"
    r"/list|/node_\d+|/col/|[?&](?:page|pageno|channelid|classid|catid)=",
    re.I,
)
TRAP_URL_RE = re.compile(
    r"search|query|/print|print\.|[?&](?:q|keyword|kw|wd|date|year|month|day|sort|order|tag|print|share)=|"
    r"calendar|/tag/|/tags/|login|register|logout|javascript|rss|feed|/so/|/sousuo",
    re.I,
)

# --- text signals ------------------------------------------------------------------------
PUNCTUATION = "，。；：！？、“”‘’《》"
# Sentence punctuation in any script: Chinese marks, and Western ones that end a clause
# (followed by a space or the line's end, so that 3.5, e.g. and URLs do not count).
PUNCT_RE = re.compile(f"[{PUNCTUATION}]|[.,;:!?](?=\\s|$)")
SENTENCE_END_RE = re.compile(r"[。！？；.!?…”\"）)]$")


@lru_cache(maxsize=8192)  # navigation links repeat on every page; bounded memory
def extension(url: str) -> str:
    """The lower-case file extension of ``url``'s path, or ''.

    >>> extension("http://a.cn/files/2023/通知.PDF?x=1"), extension("http://a.cn/a/")
    ('pdf', '')
    """
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_binary(url: str) -> bool:
    """Whether ``url`` names a file that is not a web page (pdf, doc, image, archive ...)."""
    return extension(url) in BINARY_EXTENSIONS


def looks_like_article_url(url: str) -> bool:
    """Whether ``url`` has the shape of an article page on Chinese CMSs.

    >>> looks_like_article_url("http://www.aqsiq.gov.cn/xxgk/t20070823_123.htm")
    True
    >>> looks_like_article_url("http://www.example.cn/zlxw/index_2.html")
    False
    """
    return bool(ARTICLE_URL_RE.search(url)) and not LIST_SERIES_RE.search(urlsplit(url).path)


def looks_like_list_url(url: str) -> bool:
    """Whether ``url`` has the shape of a channel list page.

    >>> looks_like_list_url("http://www.example.cn/zlxw/index_2.html")
    True
    >>> looks_like_list_url("http://www.example.cn/zlxw/list.html?page=3")
    True
    """
    return bool(LIST_URL_RE.search(url))


def looks_like_trap(url: str) -> bool:
    """Whether ``url`` leads into search, calendar, tag or other endless spaces.

    >>> looks_like_trap("http://a.cn/search?q=质量"), looks_like_trap("http://a.cn/cal.html?date=2023-07-01")
    (True, True)
    """
    return bool(TRAP_URL_RE.search(url))
