//! The two rewrites ammonia cannot do, made token by token with html5ever's tokenizer (the one
//! ammonia parses with) and written back as HTML:
//!
//! - [`limit_depth`], before ammonia: elements nested deeper than [`MAX_DEPTH`] lose their tags
//!   (their text stays). The HTML tree builder checks the stack of open elements at most tags,
//!   so 50,000 nested `<div>`s — 250 kB, a small e-mail — took minutes to parse; browsers cap
//!   the depth for the same reason (Blink at 512).
//! - [`hold_back`], after ammonia: a remote image's URL moves from `src` to `data-remote-src`.
//!
//! Neither output is trusted: the caller cleans it with ammonia after. A third, [`show`],
//! runs on stored (clean) HTML as it is displayed: inline images point at their stored files,
//! and held-back ones load again when the reader asked for them; it only ever writes an
//! `img`'s `src` (one of our own URLs, or an `http(s)` address), so it needs no cleaning after.
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::LocalName;

use super::REMOTE_SRC;

/// Far deeper than any real message (newsletter tables nest a few dozen levels), shallow
/// enough that the parse stays linear in practice.
pub(super) const MAX_DEPTH: usize = 256;

/// An absolute `http:` or `https:` URL.
pub(super) fn is_remote(url: &str) -> bool {
    url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

pub(super) fn limit_depth(html: &str) -> String {
    run(html, Mode::LimitDepth, None)
}

pub(super) fn hold_back(html: &str) -> String {
    run(html, Mode::HoldBack, None)
}

pub(super) fn show(html: &str, show: Show) -> String {
    run(html, Mode::Show, Some(show))
}

/// How [`show`] displays images.
pub(super) struct Show {
    pub remote_images: bool,
    /// Inline images' URLs by content id (lower case, no angle brackets).
    pub inline: HashMap<String, String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    LimitDepth,
    HoldBack,
    Show,
}

fn run(html: &str, mode: Mode, show: Option<Show>) -> String {
    let tokenizer = Tokenizer::new(
        Writer {
            mode,
            show,
            out: RefCell::new(String::with_capacity(html.len() + 64)),
            open: RefCell::new(Vec::new()),
            raw: Cell::new(Raw::No),
        },
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.into_inner()
}

/// Inside an element whose content is text to the tokenizer (`<script>`, `<title>`…).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Raw {
    No,
    Written,
    /// Its start tag was dropped: so is its content.
    Dropped,
}

struct Writer {
    mode: Mode,
    show: Option<Show>,
    out: RefCell<String>,
    /// The open elements, as the tree builder would roughly see them.
    open: RefCell<Vec<LocalName>>,
    raw: Cell<Raw>,
}

impl TokenSink for Writer {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.out.borrow_mut();
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::EndTag => {
                let raw = self.raw.replace(Raw::No);
                if raw != Raw::Dropped && self.close(&tag.name) {
                    out.push_str("</");
                    out.push_str(&tag.name);
                    out.push('>');
                }
            }
            Token::TagToken(tag) => {
                let kept = self.open(&tag.name);
                if kept {
                    self.write_start(&mut out, &tag);
                }
                if let Some(result) = raw_text(&tag.name) {
                    self.raw.set(if kept { Raw::Written } else { Raw::Dropped });
                    return result;
                }
            }
            Token::CharacterTokens(text) => match self.raw.get() {
                // The tokenizer ends raw text at its own end tag, so it cannot close early.
                Raw::Written => out.push_str(&text),
                Raw::Dropped => {}
                Raw::No => escape(&mut out, &text, false),
            },
            // Ammonia drops comments and doctypes anyway; a NUL is dropped as a browser would.
            Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::NullCharacterToken
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

impl Writer {
    /// Whether a start tag is written; tracks depth when limiting it.
    fn open(&self, name: &LocalName) -> bool {
        if self.mode != Mode::LimitDepth || is_void(name) {
            return true;
        }
        let mut open = self.open.borrow_mut();
        // `<p>a<p>b`, `<li>a<li>b`: the second closes the first.
        if IMPLIED_END.contains(&&**name) && open.last() == Some(name) {
            open.pop();
        }
        if open.len() >= MAX_DEPTH {
            return false;
        }
        open.push(name.clone());
        true
    }

    /// Whether an end tag is written: when limiting depth, only one that closes an open element.
    fn close(&self, name: &LocalName) -> bool {
        if self.mode != Mode::LimitDepth {
            return true;
        }
        let mut open = self.open.borrow_mut();
        match open.iter().rposition(|n| n == name) {
            Some(at) => {
                open.truncate(at);
                true
            }
            None => false,
        }
    }

    fn write_start(&self, out: &mut String, tag: &Tag) {
        if let (Some(show), "img") = (&self.show, &*tag.name) {
            return write_shown_img(out, tag, show);
        }
        out.push('<');
        out.push_str(&tag.name);
        let remote = (self.mode == Mode::HoldBack && &*tag.name == "img")
            .then(|| {
                tag.attrs
                    .iter()
                    .find(|a| &*a.name.local == "src" && is_remote(&a.value))
            })
            .flatten();
        for attr in &tag.attrs {
            let name = &*attr.name.local;
            if remote.is_some() && (name == "src" || name == REMOTE_SRC) {
                continue;
            }
            write_attr(out, name, &attr.value);
        }
        if let Some(src) = remote {
            write_attr(out, REMOTE_SRC, &src.value);
        }
        out.push('>');
    }
}

/// An image as displayed: `cid:` to its stored file (or nothing), a held-back address
/// loaded when asked for.
fn write_shown_img(out: &mut String, tag: &Tag, show: &Show) {
    let attr = |n: &str| {
        tag.attrs
            .iter()
            .find(|a| &*a.name.local == n)
            .map(|a| &*a.value)
    };
    let src = match attr("src") {
        Some(v) if v.len() > 4 && v[..4].eq_ignore_ascii_case("cid:") => {
            let id = v[4..].trim().trim_start_matches('<').trim_end_matches('>');
            show.inline.get(&id.to_lowercase()).cloned()
        }
        other => other.map(str::to_owned),
    };
    let src = src.or_else(|| {
        attr(REMOTE_SRC)
            .filter(|u| show.remote_images && is_remote(u))
            .map(str::to_owned)
    });
    out.push_str("<img");
    for a in &tag.attrs {
        let name = &*a.name.local;
        if name != "src" {
            write_attr(out, name, &a.value);
        }
    }
    if let Some(src) = src {
        write_attr(out, "src", &src);
    }
    out.push('>');
}

const IMPLIED_END: [&str; 8] = ["p", "li", "dt", "dd", "option", "tr", "td", "th"];

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
    )
}

/// The elements whose content the tree builder reads as text, and how; the tokenizer must be
/// told, as the tree builder tells it.
fn raw_text(name: &str) -> Option<TokenSinkResult<()>> {
    Some(match name {
        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "plaintext" => TokenSinkResult::Plaintext,
        _ => return None,
    })
}

fn write_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(out, value, true);
    out.push('"');
}

fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}
