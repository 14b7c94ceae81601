//! Moves a remote image's URL from `src` to `data-remote-src`, re-writing HTML that ammonia has
//! already cleaned, token by token with html5ever's tokenizer (the one ammonia parses with).
//! Its input has no comments, scripts, styles or other raw-text elements, so tokens are the
//! whole story; its output is cleaned again by the caller.
use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::REMOTE_SRC;

/// An absolute `http:` or `https:` URL.
pub(super) fn is_remote(url: &str) -> bool {
    url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

pub(super) fn hold_back(html: &str) -> String {
    let tokenizer = Tokenizer::new(
        Writer {
            out: RefCell::new(String::with_capacity(html.len() + 64)),
        },
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.into_inner()
}

struct Writer {
    out: RefCell<String>,
}

impl TokenSink for Writer {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.out.borrow_mut();
        match token {
            Token::TagToken(tag) => write_tag(&mut out, &tag),
            Token::CharacterTokens(text) => escape(&mut out, &text, false),
            // Ammonia leaves no comments or doctype; a NUL is dropped as a browser would.
            Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::NullCharacterToken
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

fn write_tag(out: &mut String, tag: &Tag) {
    if tag.kind == TagKind::EndTag {
        out.push_str("</");
        out.push_str(&tag.name);
        out.push('>');
        return;
    }
    out.push('<');
    out.push_str(&tag.name);
    let image = &*tag.name == "img";
    let remote = tag
        .attrs
        .iter()
        .find(|a| image && &*a.name.local == "src" && is_remote(&a.value));
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
