//! The policy against what newsletters and attackers send.
use super::*;

fn block(html: &str) -> String {
    sanitize_html(html, RemoteImages::Block)
}

#[test]
fn scripts_frames_forms_and_handlers_are_removed() {
    let out = block(
        "<p onclick=\"steal()\">Hola</p><script>alert(1)</script><iframe src=\"https://x\"></iframe>\
         <form action=\"https://x\"><input name=\"pw\"><button>Enviar</button></form>\
         <a href=\"javascript:alert(1)\">clic</a><img src=x onerror=alert(1)>",
    );
    for banned in [
        "<script",
        "onclick",
        "onerror",
        "<iframe",
        "<form",
        "<input",
        "javascript:",
    ] {
        assert!(!out.contains(banned), "{banned} in {out}");
    }
    assert!(out.contains("<p>Hola</p>"), "{out}");
}

#[test]
fn links_open_in_a_new_tab_without_opener_or_referrer() {
    let out = block("<a href=\"https://tienda.es/p?a=1&amp;b=2\" target=\"_self\">ver</a>");
    assert_eq!(
        out,
        "<a href=\"https://tienda.es/p?a=1&amp;b=2\" target=\"_blank\" rel=\"noopener noreferrer\">ver</a>"
    );
}

#[test]
fn a_remote_image_keeps_its_url_aside_and_loads_nothing() {
    let out = block("<img alt=\"Logo\" src=\"https://t.news.es/px.gif?u=1&amp;c=2\" width=\"1\">");
    assert_eq!(
        out,
        "<img alt=\"Logo\" width=\"1\" data-remote-src=\"https://t.news.es/px.gif?u=1&amp;c=2\">"
    );
    let allowed = sanitize_html("<img src=\"https://x.es/a.png\">", RemoteImages::Allow);
    assert_eq!(allowed, "<img src=\"https://x.es/a.png\">");
}

#[test]
fn inline_and_embedded_images_stay_but_other_sources_go() {
    assert_eq!(
        block("<img src=\"cid:logo@x\">"),
        "<img src=\"cid:logo@x\">"
    );
    let png = "<img src=\"data:image/png;base64,iVBORw0KGgo=\">";
    assert_eq!(block(png), png);
    for src in [
        "data:image/svg+xml;base64,PHN2Zz4=",
        "//tracker.es/p.gif",
        "/relative.png",
        "ftp://x.es/a.png",
    ] {
        assert_eq!(block(&format!("<img src=\"{src}\">")), "<img>", "{src}");
    }
}

#[test]
fn a_planted_remote_src_attribute_must_be_a_web_url() {
    assert_eq!(block("<img data-remote-src=\"javascript:x\">"), "<img>");
    assert_eq!(
        block("<img data-remote-src=\"https://a.es/1.png\">"),
        "<img data-remote-src=\"https://a.es/1.png\">"
    );
}

#[test]
fn inline_styles_keep_layout_but_lose_anything_that_loads() {
    let out = block(
        "<table><tr><td style=\"color: red; background-image: url(https://t.es/p.gif); position: fixed\" \
         bgcolor=\"#fff\" background=\"https://t.es/bg.png\">x</td></tr></table>",
    );
    assert!(out.contains("color:red"), "{out}");
    for banned in ["url(", "position", "background="] {
        assert!(!out.contains(banned), "{banned} in {out}");
    }
}

#[test]
fn links_to_data_or_cid_are_dropped() {
    assert_eq!(
        block("<a href=\"data:text/html,<script>x</script>\">a</a>"),
        "<a target=\"_blank\" rel=\"noopener noreferrer\">a</a>"
    );
}

#[test]
fn text_that_looks_like_markup_stays_text() {
    let out = block("<p title=\"a &lt;img src=https://x&gt; b\">1 &lt; 2 &amp; &lt;script&gt;</p>");
    assert!(!out.contains("<script"), "{out}");
    assert!(!out.contains("<img"), "{out}");
    assert!(out.contains("1 &lt; 2 &amp; &lt;script&gt;"), "{out}");
}

#[test]
fn absurdly_deep_nesting_is_flattened_and_keeps_its_text() {
    let n = 20_000;
    let html = format!("{}fondo{}", "<div>".repeat(n), "</div>".repeat(n));
    let started = std::time::Instant::now();
    let out = block(&html);
    // Quadratic in the depth before the cap: minutes for this input.
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    assert!(out.contains("fondo"));
    assert_eq!(out.matches("<div>").count(), rewrite::MAX_DEPTH);
}

#[test]
fn a_script_past_the_depth_cap_is_dropped_with_its_code() {
    let html = format!("{}<script>alert('x')</script>texto", "<div>".repeat(300));
    let out = block(&html);
    assert!(!out.contains("alert"), "{out}");
    assert!(out.contains("texto"));
}

#[test]
fn unclosed_paragraphs_and_list_items_do_not_count_as_depth() {
    let html = format!("<ul>{}</ul>{}", "<li>uno".repeat(400), "<p>dos".repeat(400));
    let out = block(&html);
    assert_eq!(out.matches("<li>").count(), 400);
    assert_eq!(out.matches("<p>").count(), 400);
}

#[test]
fn shown_html_points_inline_images_at_their_files_and_loads_remote_ones_on_request() {
    let stored = block(
        "<p>Logo <img src=\"cid:Logo@Shop\" alt=\"logo\"> y <img src=\"https://cdn.example/a.png\">\
         <img src=\"cid:missing@x\"></p>",
    );
    assert!(holds_back_images(&stored));
    let inline: std::collections::HashMap<String, String> =
        [("<logo@shop>".to_owned(), "/inbox/attachments/1".to_owned())].into();
    let quiet = for_display(&stored, false, &inline);
    assert!(
        quiet.contains(r#"alt="logo" src="/inbox/attachments/1""#),
        "{quiet}"
    );
    assert!(!quiet.contains(r#" src="https"#), "{quiet}");
    assert!(!quiet.contains("cid:"), "{quiet}");
    let loud = for_display(&stored, true, &inline);
    assert!(
        loud.contains(r#"src="https://cdn.example/a.png""#),
        "{loud}"
    );
    // A held-back address that is not http(s) never becomes a source.
    let forged = r#"<img data-remote-src="javascript:alert(1)">"#;
    assert_eq!(for_display(forged, true, &inline), forged);
}
