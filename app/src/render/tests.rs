use super::*;

/// Inputs that try to run script or load something through every door we know of.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "![img](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p onclick=\"alert(1)\">x</p>",
    "<form action=\"https://evil.example\"><input name=password></form>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<details open ontoggle=alert(1)>",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "[a](<javascript:alert(1)>)",
    "<<script>script>alert(1)<</script>/script>",
];

fn assert_harmless(html: &str, input: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "javascript:",
        "onerror",
        "onload",
        "onclick",
        "ontoggle",
        "<iframe",
        "<svg",
        "<math",
        "<object",
        "<embed",
        "<form",
        "<base",
        "<meta",
        "<link",
        "<style",
        "data:text/html",
    ] {
        assert!(
            !lower.contains(bad),
            "{bad:?} survived in {html:?} (from {input:?})"
        );
    }
}

#[test]
fn hostile_input_is_neutralized_in_posts() {
    for input in HOSTILE {
        assert_harmless(&post_html(input), input);
    }
}

#[test]
fn hostile_input_is_neutralized_in_comments() {
    for input in HOSTILE {
        assert_harmless(&comment_html(input), input);
    }
}

#[test]
fn hostile_input_is_neutralized_in_imported_html() {
    // Markdown's link syntax is only text in HTML: what could run is in the tags.
    for input in HOSTILE.iter().filter(|input| input.contains('<')) {
        assert_harmless(&post_body_html(input, BodyFormat::Html), input);
        assert_harmless(&comment_body_html(input, BodyFormat::Html), input);
    }
}

#[test]
fn posts_keep_their_markdown() {
    let html = post_html(
        "# Title\n\n*em* **strong** ~~gone~~ `code`\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\nNote[^1].\n\n[^1]: The footnote.\n\n```rust\nfn main() {}\n```\n\n[link](https://example.com)\n",
    );
    for expected in [
        "<h1 id=\"sec-title\">Title</h1>",
        "<em>em</em>",
        "<strong>strong</strong>",
        "<del>gone</del>",
        "<code>code</code>",
        "<table>",
        "text-align:left",
        "main",
        "<span class=\"hl-",
        "class=\"language-rust\"",
        "The footnote.",
        "href=\"https://example.com\"",
        "rel=\"noopener noreferrer\"",
    ] {
        assert!(html.contains(expected), "{expected:?} missing from {html}");
    }
}

#[test]
fn comments_are_markdown_lite_with_ugc_links() {
    let html = comment_html("Hello *there*, see [this](https://example.com).\n\n# Not a heading tag\n\n![pic](https://example.com/x.png)");
    assert!(html.contains("<em>there</em>"), "{html}");
    assert!(html.contains("rel=\"nofollow ugc noopener\""), "{html}");
    assert!(!html.contains("<h1"), "{html}");
    assert!(!html.contains("<img"), "{html}");
}

#[test]
fn text_is_escaped_not_interpreted() {
    assert!(comment_html("1 < 2 & 3 > 2").contains("1 &lt; 2 &amp; 3 &gt; 2"));
}

#[test]
fn inputs_in_posts_are_only_ever_disabled_checkboxes() {
    // Task lists keep working, checked or not.
    let tasks = post_html("- [ ] todo\n- [x] done\n");
    assert!(
        tasks.contains("<input disabled=\"\" type=\"checkbox\">"),
        "{tasks}"
    );
    assert!(
        tasks.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\">"),
        "{tasks}"
    );
    // Raw HTML cannot make a text or password field (found by the fuzz target render_post).
    for raw in [
        "<input>",
        "<input type=password>",
        "<input type=\"text\" checked>",
        "<input type=image disabled=no>",
    ] {
        let html = post_html(raw);
        assert!(
            html.contains("type=\"checkbox\"") && html.contains("disabled=\"\""),
            "{raw} gave {html}"
        );
        assert!(!html.contains("password") && !html.contains("text") && !html.contains("image"));
    }
}

#[test]
fn footnote_links_reach_their_notes_and_back() {
    let html = post_html("One[^a] two[^b].\n\n[^b]: Second.\n[^a]: First.\n");
    assert!(html.contains(r##"<a href="#fn-a" id="fnref-a""##), "{html}");
    assert!(
        html.contains(r##"<div class="footnote-definition" id="fn-a">"##),
        "{html}"
    );
    assert!(html.contains(r##"<a href="#fnref-b""##), "{html}");
    // Numbered in order of first appearance, as readers expect.
    assert!(
        html.contains(r##"id="fnref-a" rel="noopener noreferrer">1</a>"##),
        "{html}"
    );
}

#[test]
fn long_posts_get_a_table_of_contents_and_writers_cannot_pick_ids() {
    let html = post_html(
        "## Getting started\n\nx\n\n### Install <b>it</b>\n\nx\n\n## Getting started\n\nx\n\n\
         <div id=\"main\">clobber</div> <a id=\"sec-fake\" name=\"x\">ok</a>",
    );
    assert!(
        html.starts_with(r##"<nav class="toc" aria-label="Contents">"##),
        "{html}"
    );
    assert!(
        html.contains(
            r##"<a href="#sec-getting-started" rel="noopener noreferrer">Getting started</a>"##
        ),
        "{html}"
    );
    assert!(
        html.contains(
            r##"<a href="#sec-getting-started-2" rel="noopener noreferrer">Getting started</a>"##
        ),
        "duplicates get their own id"
    );
    assert!(html.contains(r##"<h2 id="sec-getting-started-2">"##));
    assert!(html.contains(r##"<li class="toc-sub"><a href="#sec-install-it" rel="noopener noreferrer">Install it</a>"##), "{html}");
    assert!(!html.contains(r##"id="main""##), "{html}");
    // A short post has none.
    assert!(!post_html("## One\n\n## Two\n").contains("toc"));
}

#[test]
fn code_in_a_known_language_is_highlighted_on_the_server() {
    let html =
        post_html("```rust\nfn main() { let s = \"</code><script>alert(1)</script>\"; }\n```\n");
    assert!(
        html.contains(r#"<pre><code class="language-rust">"#),
        "{html}"
    );
    assert!(html.contains(r#"<span class="hl-"#), "{html}");
    assert!(
        html.contains("hl-keyword") || html.contains("hl-storage"),
        "{html}"
    );
    assert!(html.contains("hl-string"), "{html}");
    assert!(!html.contains("<script>"), "the code stays text: {html}");
    assert!(html.contains("&lt;/code&gt;&lt;script&gt;"), "{html}");
}

#[test]
fn unknown_languages_stay_plain_and_writers_cannot_add_classes() {
    let html = post_html("```nosuchlang\nx < y\n```\n\n<span class=\"evil hl-x\">a</span> <span class=\"evil\">b</span>");
    assert!(
        html.contains("<pre><code class=\"language-nosuchlang\">x &lt; y"),
        "{html}"
    );
    assert!(html.contains(r#"<span class="hl-x">a</span>"#), "{html}");
    assert!(!html.contains("evil"), "{html}");
}

#[test]
fn the_kept_languages_are_highlighted_with_what_they_embed() {
    let samples = [
        ("rust", "fn main() { let s = \"x\"; }"),
        ("rs", "let n: u8 = 1;"),
        ("python", "def f(x):\n    return \"x\""),
        ("js", "const a = \"x\";"),
        ("html", "<p class=\"a\">x</p>"),
        ("css", "p { color: red; }"),
        ("sh", "echo \"$HOME\""),
        ("bash", "for f in *; do echo \"$f\"; done"),
        ("sql", "SELECT 'a' FROM t WHERE b = 1;"),
        ("json", "{\"a\": \"b\"}"),
        ("yaml", "a: 'b'"),
        ("c", "int main(void) { return 0; }"),
        ("cpp", "class A { public: int b; };"),
        ("go", "package main\nfunc main() {}"),
        ("java", "class A { String s = \"x\"; }"),
        ("ruby", "def a\n  'x'\nend"),
        ("diff", "--- a\n+++ b\n-old\n+new"),
        ("markdown", "# Title\n\n*em*"),
        ("xml", "<a b=\"c\"/>"),
    ];
    for (language, code) in samples {
        let html = post_html_uncached(&format!("```{language}\n{code}\n```\n"));
        assert!(
            html.contains(&format!("<pre><code class=\"language-{language}\">")),
            "{language}: {html}"
        );
        assert!(html.contains(r#"<span class="hl-"#), "{language}: {html}");
    }
    // Embedded grammars still work: script and style in HTML.
    let html = post_html_uncached(
        "```html\n<script>var a = 1;</script><style>p { color: red; }</style>\n```\n",
    );
    assert!(html.contains("hl-js"), "{html}");
    assert!(html.contains("hl-css"), "{html}");
    let html = post_html_uncached("~~~markdown\n# Title\n\n```rust\nfn main() {}\n```\n~~~\n");
    // (syntect's Markdown grammar keeps a fenced block's code as plain text.)
    assert!(html.contains("hl-markdown"), "{html}");
    assert!(html.contains("hl-code-fence"), "{html}");
    assert!(html.contains("fn main() {}"), "{html}");
}

#[test]
fn languages_left_out_of_the_highlighter_render_plain() {
    // Haskell and LaTeX are in syntect's set but not kept: plain, as an unknown language.
    for (language, code) in [
        ("haskell", "main = putStrLn \"x\""),
        ("tex", "\\section{A}"),
    ] {
        let html = post_html_uncached(&format!("```{language}\n{code}\n```\n"));
        assert!(
            html.contains(&format!("<pre><code class=\"language-{language}\">")),
            "{language}: {html}"
        );
        assert!(!html.contains("hl-"), "{language}: {html}");
    }
}

#[test]
fn imported_html_posts_keep_ckeditors_markup_and_lose_what_runs() {
    let html = "<h2>Spines</h2>\r\n\r\n<p>Some <strong>bold</strong> and <u>underlined</u> text.</p>\r\n\r\n<blockquote><p>A quote</p></blockquote><table border=\"1\"><tbody><tr><td>cell</td></tr></tbody></table><ol><li>one</li></ol><pre>code  kept</pre><p><img alt=\"a cactus\" src=\"https://example.com/c.jpg\" style=\"height:100px\"></p><script>alert(1)</script><img src=x onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">x</a><iframe src=\"https://www.youtube.com/embed/x\"></iframe>";
    let out = post_body_html(html, BodyFormat::Html);
    for kept in [
        "<h2>Spines</h2>",
        "<strong>bold</strong>",
        "<u>underlined</u>",
        "<blockquote>",
        "<td>cell</td>",
        "<li>one</li>",
        "<pre>code  kept</pre>",
        "alt=\"a cactus\"",
    ] {
        assert!(out.contains(kept), "{kept} lost: {out}");
    }
    for gone in [
        "script",
        "alert",
        "onerror",
        "iframe",
        "javascript",
        "style=",
    ] {
        assert!(!out.contains(gone), "{gone} kept: {out}");
    }
    // Not parsed as Markdown: these stay text.
    let literal = post_body_html("<p>2 * 3 * 4 and _x_</p>", BodyFormat::Html);
    assert_eq!(literal, "<p>2 * 3 * 4 and _x_</p>");
}

#[test]
fn imported_html_comments_get_the_comment_allow_list() {
    let out = comment_body_html(
        "<p>I grow a <em>prickly pear</em>.</p><h1>Big</h1><img src=x onerror=alert(1)><a href=\"https://x.org\">link</a>",
        BodyFormat::Html,
    );
    assert!(out.contains("<em>prickly pear</em>"), "{out}");
    assert!(out.contains("Big") && !out.contains("<h1>"), "{out}");
    assert!(!out.contains("<img") && !out.contains("onerror"), "{out}");
    assert!(out.contains("rel=\"nofollow ugc noopener\""), "{out}");
}

#[test]
fn reading_time_counts_the_text_of_html_not_its_tags() {
    let markdown = "word ".repeat(10);
    assert_eq!(text_chars(&markdown, BodyFormat::Markdown), 50);
    let html = "<p class=\"long attribute\">word</p>";
    assert_eq!(text_chars(html, BodyFormat::Html), 4);
}
