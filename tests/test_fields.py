"""Dates and 来源 on pages no rule was written for: the forms real portals print them in."""

from __future__ import annotations

import pytest

from conftest import html_page

BODY = "".join(f"<p>　　第{n}段：质量监督工作有序推进，各项任务按计划完成，检查覆盖全部重点企业，成效明显。</p>"
               for n in range(1, 6))
WESTERN_BODY = "".join(
    f"<p>Paragraph {n}: the inspectors visited every plant in the region this spring, and "
    "their report, published by the ministry, lists what each one has to change.</p>"
    for n in range(1, 6))


def article(header: str, *, head: str = "", foot: str = "", body: str = BODY,
            title: str = "质量强市建设推进会召开") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}_某某网</title>{head}</head><body>"
            f"<h1>{title}</h1>{header}<div class='content'>{body}</div>{foot}</body></html>")


@pytest.mark.parametrize(("header", "source"), [
    # the outlet beside the date, no label (sina, toutiao, 163 with a widget glued on)
    ("<div><span>2019年09月07日 04:04</span> <a class='x'>北京日报</a></div>", "北京日报"),
    ("<div><span>中国网</span> <span>2019-11-25 10:37:31</span></div>", "中国网"),
    ("<div>原创 GameForce 2019-09-04 22:18:34</div>", "GameForce"),
    ("<div>2019-09-07 09:59:22　来源: <a>新京报</a> <a>举报</a></div>", "新京报"),
    ("<div>2020年07月04日 12:10　来源：求是网<a href='#c'>参与互动</a></div>", "求是网"),
    # labels without a colon, or as 来源于
    ("<div>2021-03-02 10:00 来源CSDN 作者：李四</div>", "CSDN"),
    ("<div>发布时间：2021-03-02 来源于：中国质量新闻网</div>", "中国质量新闻网"),
    # an account's name on the line above a labelled date
    ("<div><p>加拿大必读</p><p>发布时间：2019-10-08 12:00</p></div>", "加拿大必读"),
    # never a weekday, a counter or a widget taken for the outlet
    ("<div>2023年07月28日 星期五</div>", None),
    ("<div>2023-07-28 10:00 我有话说(1307人参与)</div>", None),
])
def test_source_however_the_header_prints_it(header: str, source: str | None) -> None:
    assert html_page(article(header)).article.to_article().source == source


def test_source_from_an_info_box_below_the_body_or_a_marked_element() -> None:
    foot = ("<div>赞 0 分享</div><div>阅读 539</div><div>发布日期：2019-09-23 14:34:05 所属分类：头条</div>"
            "<div>版权声明 来源：当代商报 时间：2019-09-23 14:34:05</div>")
    record = html_page(article("", foot=foot)).article.to_article()
    assert (record.source, record.published_at) == ("当代商报", "2019-09-23T14:34:05+08:00")
    marked = article("<div><a id='js_name'>未闻Code</a> <em>前天</em></div>")
    assert html_page(marked).article.to_article().source == "未闻Code"


def test_western_pages_get_no_unlabelled_source() -> None:
    page = article("<div class='byline'>June 3, 2021 <span class='source'>Photo: Jane Roe"
                   "</span> by John Smith</div>", body=WESTERN_BODY,
                   title="Inspectors find faults at half the plants")
    assert html_page(page).article.to_article().source is None


@pytest.mark.parametrize(("header", "head", "published_at"), [
    # no year: the year of the page's own metadata; glued spans (10-08 + 12:00)
    ("<div>发布时间：<span>10-08</span><span>12:00</span></div>",
     "<meta itemprop='dateUpdate' content='2019-10-08 12:00:57'>", "2019-10-08T12:00:00+08:00"),
    ("<div>发布时间：18-03-08 23:16</div>", "", "2018-03-08T23:16:00+08:00"),
    # a day in the header, the time it has in the metadata
    ("<div>发布日期：2007-12-20</div>", "<meta name='PubDate' content='2007-12-20 15:30:00'>",
     "2007-12-20T15:30:00+08:00"),
    # a labelled date carrying a literal &nbsp;
    ("<div>发布时间：2020-04-17&amp;nbsp;09:30&amp;nbsp;&amp;nbsp;来源：本站</div>", "",
     "2020-04-17T09:30:00+08:00"),
])
def test_header_dates_in_their_real_forms(header: str, head: str, published_at: str) -> None:
    assert html_page(article(header, head=head)).article.to_article().published_at == published_at


def test_without_a_header_date_the_page_cascade_decides() -> None:
    # a broken JSON-LD block falls through to the next signal
    head = ('<script type="application/ld+json">{"datePublished": "2019-05-0</script>'
            '<meta property="article:published_time" content="2019-05-06T21:30:00-04:00">')
    record = html_page(article("", head=head, body=WESTERN_BODY,
                               title="Inspectors find faults at half the plants")
                       ).article.to_article()
    assert record.published_at == "2019-05-06T21:30:00-04:00"  # the offset the page states
    # the date only in a script's data: the day, and the time that script gives it
    head = '<script>var DATA = {"pubtime": "2019-09-07 19:02:26", "media": "扬眼"};</script>'
    header = "<div><span>2019</span><span>09/07</span><span>19:02</span></div>"
    assert html_page(article(header, head=head)).article.to_article().published_at == \
        "2019-09-07T19:02:26+08:00"


def western(main: str, title: str = "Inspectors find faults at half the plants") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title} | Daily News</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{title}</h1><div class='byline'>By Jane Roe</div>{main}</article>"
            "<footer><p>© 2024 Daily News. All rights reserved. Privacy policy.</p></footer>"
            "</body></html>")


def sentences(topic: str, n: int = 3) -> str:
    return "".join(f"<p>{topic} sentence {k}: the inspectors visited every plant in the region "
                   "this spring, and their report lists what each one has to change.</p>"
                   for k in range(1, n + 1))


def test_a_western_body_starts_at_its_first_paragraph_whatever_stands_between() -> None:
    main = ("<p class='lead'>The lead: inspectors found faults at half of the plants they "
            "visited, the ministry said on Tuesday, and ordered repairs within a month.</p>"
            "<ul class='toc'><li><a href='#a'>Findings</a></li><li><a href='#b'>Repairs</a></li>"
            "</ul><div class='sections'><section><h2 id='a'>Findings</h2>"
            f"{sentences('Findings')}</section><figure><figcaption>Foto: J. Roe</figcaption>"
            f"</figure><section><h2 id='b'>Repairs</h2>{sentences('Repairs')}</section></div>")
    text = "\n".join(html_page(western(main), url="https://news.example.com/2024/inspect"
                               ).article.to_article().paragraphs)
    assert text.startswith("The lead: inspectors found faults")
    assert "Findings sentence 1" in text and "Repairs sentence 3" in text
    assert "Foto: J. Roe" not in text and "All rights reserved" not in text


def test_boxes_inside_and_after_the_article_are_not_its_text() -> None:
    main = (f"<div class='body'>{sentences('First')}"
            "<p>Related</p><p><a href='/x'>Another story about plants and their owners</a></p>"
            f"{sentences('Second')}<p>About the author</p><p>Jane Roe has written about "
            "industry for twenty years, and before that she worked as an engineer.</p>"
            "<p>Leave a reply</p><p>Your email address will not be published, say the rules.</p>"
            "</div>")
    text = "\n".join(html_page(western(main), url="https://news.example.com/2024/inspect"
                               ).article.to_article().paragraphs)
    assert "First sentence 1" in text and "Second sentence 3" in text
    assert "Related" not in text and "Another story" not in text
    assert "twenty years" not in text and "email address" not in text


def test_a_one_paragraph_article_after_a_stray_end_tag_beats_the_footer() -> None:
    page = ("<html><head><title>Inspectors find faults at half the plants | News</title></head>"
            "<body><div id='top'><a href='/'>Home</a></div></html>"  # templates glued together
            "<h1>Inspectors find faults at half the plants</h1><div class='c'><p>The inspectors "
            "visited every plant in the region this spring, and their report lists what each one "
            "has to change, the ministry said.</p></div><footer><p>Daily News is published by "
            "Daily News Ltd., 1 Main Street, Springfield. All rights reserved. Reproduction "
            "without written permission is prohibited, as is any commercial use.</p></footer>"
            "</body></html>")
    record = html_page(page, url="https://news.example.com/2024/05/inspect").article.to_article()
    assert record.paragraphs == ["The inspectors visited every plant in the region this spring, "
                                 "and their report lists what each one has to change, the "
                                 "ministry said."]


def test_a_date_only_a_script_writes_is_read() -> None:
    header = '<div>发布时间：<script>showDate("2020/04/17 10:30:00");</script> 来源：本站</div>'
    record = html_page(article(header), url="http://www.a.gov.cn/xw/content_1.htm"
                       ).article.to_article()
    assert record.published_at == "2020-04-17T10:30:00+08:00"


def test_a_time_without_an_offset_is_beijing_time_only_on_a_chinese_page() -> None:
    head = "<meta property='article:published_time' content='2019-05-06T21:30:00'>"
    western = html_page(article("", head=head, body=WESTERN_BODY,
                                title="Inspectors find faults at half the plants"))
    assert western.article.to_article().published_at == "2019-05-06T21:30:00"
    chinese = html_page(article("", head=head))
    assert chinese.article.to_article().published_at == "2019-05-06T21:30:00+08:00"


def test_a_short_line_after_the_body_stops_it_before_a_feedback_widget() -> None:
    widget = ("<div class='btool'><div>阅读数(15878)</div><h4>不感兴趣</h4><ul>"
              + "".join(f"<li>{reason}</li>" for reason in (
                  "广告软文", "重复、旧闻", "文章质量差", "文字、图片、视频等展示问题", "标题夸张、文不对题",
                  "与事实不符", "低俗色情", "欺诈或恶意营销", "疑似抄袭", "其他问题，我要吐槽"))
              + "</ul><p>感谢您的反馈，我们将会减少此类文章的推荐</p></div>")
    page = ("<html><head><meta charset='utf-8'><title>质量强市建设推进会召开_某某网</title></head>"
            "<body><h1>质量强市建设推进会召开</h1><div>2020-06-05 20:35 某某网</div>"
            f"<div class='content'><div class='article'>{BODY}</div><div class='edit'>责编：薛艺磊"
            f"</div>{widget}</div></body></html>")
    record = html_page(page).article.to_article()
    assert record.editor == "薛艺磊"
    assert not any("反馈" in p or "吐槽" in p for p in record.paragraphs)


@pytest.mark.parametrize("header", ["<div>来源：太原晚报 2021-11-25</div>",
                                    "<div>来源：太原晚报2021年11月25日 10:00</div>"])
def test_a_date_after_the_source_is_not_part_of_it(header: str) -> None:
    assert html_page(article(header)).article.to_article().source == "太原晚报"
