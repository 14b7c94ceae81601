//! The HTML policy for what customers write (e-mail bodies above all): ammonia's allow-list (no scripts, styles, frames, forms,
//! event handlers or `javascript:`), the attributes and inline styles newsletters lay out with,
//! links that open in a new tab with no opener or referrer, and images from other servers held
//! back, since loading one tells the sender when, where and by whom the message was read.
use std::borrow::Cow;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

mod rewrite;

/// Whether `<img src="https://…">` is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RemoteImages {
    /// The URL moves to `data-remote-src` and `src` goes, so the UI can offer "load remote
    /// images" and copy it back on request.
    #[default]
    Block,
    Allow,
}

/// The attribute that holds a blocked image's URL.
pub const REMOTE_SRC: &str = "data-remote-src";

/// Sanitises an HTML body. Inline images (`cid:`) and embedded raster `data:` images stay:
/// they load nothing from outside.
pub fn sanitize_html(html: &str, remote_images: RemoteImages) -> String {
    let clean = POLICY.clean(&rewrite::limit_depth(html)).to_string();
    match remote_images {
        RemoteImages::Allow => clean,
        // Ammonia cannot add an attribute, so the move is made on its output and the result
        // goes through ammonia again: what leaves here has always been through it last.
        RemoteImages::Block => POLICY.clean(&rewrite::hold_back(&clean)).to_string(),
    }
}

/// Stored (sanitised) HTML as a reader sees it: `cid:` images point at their stored files
/// (`inline`: URL by content id, any case, with or without angle brackets; an unknown one
/// shows nothing), and held-back remote images load again when `remote_images`.
pub fn for_display(
    sanitised: &str,
    remote_images: bool,
    inline: &std::collections::HashMap<String, String>,
) -> String {
    let inline = inline
        .iter()
        .map(|(k, v)| {
            let k = k.trim().trim_start_matches('<').trim_end_matches('>');
            (k.to_lowercase(), v.clone())
        })
        .collect();
    rewrite::show(
        sanitised,
        rewrite::Show {
            remote_images,
            inline,
        },
    )
}

/// Whether stored HTML holds back remote images (the reader may ask to load them).
pub fn holds_back_images(sanitised: &str) -> bool {
    sanitised.contains(REMOTE_SRC)
}

static POLICY: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    // A `<title>`'s words are not part of the message; ammonia drops only the tag.
    b.add_clean_content_tags(["title"])
        .add_tags(["font"])
        .add_generic_attributes(["style", "dir", "align"])
        .add_tag_attributes("img", [REMOTE_SRC])
        .add_tag_attributes("font", ["color", "face", "size"])
        .add_tag_attributes("table", LAYOUT)
        .add_tag_attributes("tr", LAYOUT)
        .add_tag_attributes("td", LAYOUT)
        .add_tag_attributes("th", LAYOUT)
        .filter_style_properties(STYLE_PROPERTIES.into())
        .url_schemes(["http", "https", "mailto", "tel", "cid", "data"].into())
        // A mail has no base URL: a relative link or image means nothing, and `//host/x.png`
        // would load from whatever host the UI is served from.
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .set_tag_attribute_value("a", "target", "_blank")
        .attribute_filter(filter);
    b
});

/// Old-style table layout, everywhere in newsletters; `background` is left out (it loads an
/// image).
const LAYOUT: [&str; 8] = [
    "width",
    "height",
    "bgcolor",
    "border",
    "cellpadding",
    "cellspacing",
    "valign",
    "nowrap",
];

/// Inline style properties that can neither load anything (no `background`, `background-image`,
/// `list-style`, `content`, `cursor`, `filter`, `mask`: they take `url()`) nor lift content out
/// of the message's box (no `position`, `z-index`).
const STYLE_PROPERTIES: [&str; 44] = [
    "color",
    "background-color",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "line-height",
    "letter-spacing",
    "text-align",
    "text-decoration",
    "text-transform",
    "text-indent",
    "vertical-align",
    "white-space",
    "word-break",
    "direction",
    "display",
    "width",
    "max-width",
    "min-width",
    "height",
    "max-height",
    "min-height",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-radius",
    "border-collapse",
];

/// Per-attribute rules on top of the allow-list: `data:` and `cid:` only as image sources,
/// links only to the web, mail and phone.
fn filter<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let scheme = value
        .trim_start()
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase());
    let keep = match (element, attribute) {
        ("img", "src") => match scheme.as_deref() {
            Some("cid" | "http" | "https") => true,
            Some("data") => is_raster_data(value),
            _ => false,
        },
        ("img", REMOTE_SRC) => rewrite::is_remote(value),
        (_, "href" | "cite") => {
            matches!(scheme.as_deref(), Some("http" | "https" | "mailto" | "tel"))
        }
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}

/// `data:image/png;base64,…` and the other raster formats; not SVG, which is a document.
fn is_raster_data(value: &str) -> bool {
    let lower: String = value.trim_start().chars().take(20).collect();
    let lower = lower.to_ascii_lowercase();
    [
        "data:image/png",
        "data:image/jpeg",
        "data:image/gif",
        "data:image/webp",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests;
