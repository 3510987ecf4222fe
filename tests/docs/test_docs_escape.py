"""Escaping: contract strings stay text in Markdown, HTML and Mermaid."""

from __future__ import annotations

import markdown
import pytest

from accord.docs.escape import attr, code, front_matter, html, mermaid_label, slug, text

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[x](javascript:alert(1))",
    "**bold** _it_ `code` | pipe |",
    "# heading\n- list",
    "&lt;already&gt; &amp;",
    "{: .attr } [^note] <!-- c -->",
]


def render(source: str) -> str:
    return markdown.markdown(source, extensions=["tables", "attr_list", "footnotes"])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_renders_as_the_literal_string(payload: str) -> None:
    rendered = render(f"| a |\n|---|\n| {text(payload)} |")
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "<strong>" not in rendered and "<h1" not in rendered
    # The browser shows exactly the payload (whitespace folded to one line).
    import html as std_html

    cell = rendered.split("<td>")[1].split("</td>")[0]
    assert std_html.unescape(cell) == " ".join(payload.split())


def test_code_span_or_text_fallback() -> None:
    assert code("order_id") == "`order_id`"
    assert "`" not in code("a`b").replace("&#96;", "")
    assert "|" not in code("a|b")
    assert "<script" not in render(code("<script>x</script>"))


def test_html_escapes_markup_but_not_quotes() -> None:
    assert html('<a href="x">&</a>') == '&lt;a href="x"&gt;&amp;&lt;/a&gt;'


def test_slug_is_safe_and_distinct() -> None:
    assert slug("order-service") == "order-service"
    assert slug("orders.v1") == "orders.v1"
    lossy = slug("<img src=x onerror=alert(1)>")
    assert all(c.isalnum() or c in "-_." for c in lossy)
    assert slug("a b") != slug("a-b") and slug("a/b") != slug("a_b")
    assert slug("..") and not slug("../x").startswith(".")


def test_mermaid_label_cannot_close_itself() -> None:
    label = mermaid_label('a"] --> x["b <b>')
    assert label.startswith('"') and label.endswith('"')
    body = label[1:-1]
    assert not any(c in body for c in '"[]<>')


def test_front_matter_title_is_escaped_yaml() -> None:
    import yaml

    matter = front_matter('Channel <svg onload="x()">\n& more')
    assert matter.startswith("---\n") and matter.endswith("---\n\n")
    title = yaml.safe_load(matter.split("---")[1])["title"]
    assert title == "Channel &lt;svg onload=&quot;x()&quot;&gt; &amp; more"


def test_attr_escapes_quotes() -> None:
    assert attr('x" onmouseover="y') == "x&quot; onmouseover=&quot;y"
