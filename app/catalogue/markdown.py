"""Lesson text: Markdown rendered to HTML, then sanitised, so no script can ride in on course content."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "a", "img", "sup", "sub", "del",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"},
                       "ol": {"start"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # CommonMark with tables; raw HTML in the source is not passed through at all.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")


def render_markdown(text: str | None) -> Markup:
    """Safe HTML for a lesson body (h1 is demoted: the page already has the lesson title as h1)."""
    if not text:
        return Markup("")
    html = _parser().render(text.replace("\r\n", "\n"))
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    # A code block (a G-code program) keeps its lines and scrolls sideways on a phone: keyboard users must be able
    # to reach and scroll it. nh3 allows no attribute on <pre>, so this is the only form the tag can have.
    clean = clean.replace("<pre>", '<pre tabindex="0">')
    return Markup(clean)  # noqa: S704  (sanitised by nh3 just above)
