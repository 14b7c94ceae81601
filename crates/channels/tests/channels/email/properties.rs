//! Properties on generated input: the parser never panics, whatever the bytes, and the HTML
//! policy never lets a script, an event handler or a `javascript:` URL through, whatever the
//! markup.
use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use proptest::prelude::*;
use vinculo_channels::email::{parse, sanitize_html, split_reply, Limits, RemoteImages};

/// Pieces of real messages, so generated input reaches past the header parser into MIME
/// structure, transfer encodings and charsets.
const MAIL_PIECES: &[&str] = &[
    "From: =?utf-8?Q?Ana_P=C3=A9rez?= <ana@x.es>\r\n",
    "To: a@b.es, \"B, C\" <c@d.es>, grupo:;\r\n",
    "Subject: =?iso-8859-1?Q?=BFS=ED?= [#VC-1A2B3C]\r\n",
    "Subject: =?x-unknown?B?AAAA?=\r\n",
    "Date: Mon, 3 Nov 2026 10:00:00 +0100\r\n",
    "Date: 99 Foo 99999 99:99:99 +9999\r\n",
    "Message-ID: <a@b>\r\nReferences: <a@b> <c@d>\r\nIn-Reply-To: <c@d>\r\n",
    "Auto-Submitted: auto-replied\r\n",
    "List-Id: <l.x.es>\r\n",
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n",
    "Content-Type: multipart/alternative; boundary=b\r\n",
    "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n",
    "Content-Type: message/delivery-status\r\n",
    "Content-Type: message/rfc822\r\n",
    "Content-Type: text/html; charset=windows-1252\r\n",
    "Content-Type: text/plain; charset=x-nada; format=flowed\r\n",
    "Content-Type: image/png; name=\"=?utf-8?B?w7E=?=.png\"\r\n",
    "Content-Disposition: attachment; filename*=UTF-8''%C3%B1%2F..%2Fx.pdf\r\n",
    "Content-ID: <logo@x>\r\n",
    "Content-Transfer-Encoding: base64\r\n",
    "Content-Transfer-Encoding: quoted-printable\r\n",
    "\r\n",
    "\n",
    "--b\r\n",
    "--b--\r\n",
    "--\r\n",
    "iVBORw0KGgoAAAANSUhEUgAAAAE=\r\n",
    "SG9sYQ=\r\n",
    "caf=C3=A9 =\r\n=E1=\r\n",
    "<p onclick=x>Hola<script>alert(1)</script><img src=https://t.es/p.gif>\r\n",
    "Final-Recipient: rfc822; x@y\r\nAction: failed\r\nStatus: 5.1.1\r\n",
    "El lun, 3 nov 2026 a las 10:00, Ana <ana@x.es> escribió:\r\n> cita\r\n",
    "-- \r\nFirma\r\n",
    "De: A\r\nEnviado: hoy\r\nPara: B\r\n",
    "\u{00f1}\u{20ac}",
];

fn mail_like() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => prop::sample::select(MAIL_PIECES).prop_map(|p| p.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Markup that has got past sanitisers before: handlers, `javascript:` in its disguises,
/// broken and nested tags, comments, CDATA, SVG and MathML.
const HTML_PIECES: &[&str] = &[
    "<script>",
    "</script>",
    "<scr",
    "ipt>",
    "<<script>",
    "<SCRIPT SRC=//x.es/a.js>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"https://t.es/p.gif\" onload=\"x\">",
    "<img src=cid:a@b>",
    "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
    "<a href=\"javascript:alert(1)\">",
    "<a href=\"JaVaScRiPt:alert(1)\">",
    "<a href=\"java&#x09;script:alert(1)\">",
    "<a href=\" javascript:alert(1)\">",
    "<a href=\"data:text/html,<script>x</script>\">",
    "</a>",
    "<svg onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=x>",
    "<form action=x><input name=p><button formaction=javascript:x>",
    "<object data=x>",
    "<embed src=x>",
    "<body onload=x>",
    "<div style=\"background:url(javascript:x)\">",
    "<p style=\"color:red;behavior:url(x.htc)\">",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template>",
    "<textarea>",
    "</textarea>",
    "<title>",
    "</title>",
    "<style>",
    "</style>",
    "\"",
    "'",
    "=",
    ">",
    "<",
    "/",
    " ",
    "on",
    "onclick",
    "onmouseover=",
    "&lt;",
    "&#60;",
    "&quot;",
    "<table><tr><td background=x bgcolor=red>",
    "<base href=\"https://x.es/\">",
    "<meta http-equiv=refresh content=\"0;url=javascript:x\">",
    "<link rel=stylesheet href=x>",
    "Hola ñ €",
];

fn html_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => prop::sample::select(HTML_PIECES).prop_map(str::to_string),
        1 => "[a-z<>=\"' /]{0,12}",
    ];
    prop::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

/// A start tag's name and its attributes' names and values.
type StartTag = (String, Vec<(String, String)>);

/// Every start tag of a document, read with the tokenizer a browser-grade parser uses.
fn tags(html: &str) -> Vec<StartTag> {
    struct Sink(RefCell<Vec<StartTag>>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _: u64) -> TokenSinkResult<()> {
            if let Token::TagToken(tag) = token {
                if tag.kind == TagKind::StartTag {
                    let attrs = tag
                        .attrs
                        .iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect();
                    self.0.borrow_mut().push((tag.name.to_string(), attrs));
                }
            }
            TokenSinkResult::Continue
        }
    }
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Vec::new())), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

fn assert_safe(html: &str) {
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    for (name, attrs) in tags(html) {
        assert!(
            !matches!(
                name.as_str(),
                "script"
                    | "iframe"
                    | "form"
                    | "input"
                    | "object"
                    | "embed"
                    | "style"
                    | "link"
                    | "meta"
                    | "base"
                    | "svg"
                    | "math"
                    | "textarea"
            ),
            "<{name}> in {html}"
        );
        for (attr, value) in attrs {
            assert!(!attr.starts_with("on"), "{attr} on <{name}> in {html}");
            let value = value.to_lowercase();
            let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                !value.starts_with("javascript:"),
                "{attr}={value} in {html}"
            );
            if name == "img" && attr == "src" {
                assert!(!value.starts_with("http"), "remote src in {html}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(raw in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&raw, &Limits::default());
    }

    #[test]
    fn parse_never_panics_on_message_shaped_bytes(raw in mail_like()) {
        let small = Limits { max_message_bytes: 1 << 20, max_attachment_bytes: 64 };
        if let Ok(m) = parse(&raw, &small) {
            if let Some(html) = &m.html {
                assert_safe(html);
            }
            for a in &m.attachments {
                prop_assert!(a.bytes().is_none_or(|b| b.len() <= 64));
            }
        }
    }

    #[test]
    fn sanitised_html_has_no_script_handler_or_javascript_url(html in html_like()) {
        assert_safe(&sanitize_html(&html, RemoteImages::Block));
        let allowed = sanitize_html(&html, RemoteImages::Allow);
        prop_assert!(!allowed.to_lowercase().contains("<script"));
    }

    #[test]
    fn sanitising_twice_changes_nothing_more(html in html_like()) {
        let once = sanitize_html(&html, RemoteImages::Block);
        prop_assert_eq!(sanitize_html(&once, RemoteImages::Block), once);
    }

    #[test]
    fn the_reply_split_loses_no_line(text in "([a-zA-Z>:\\- ]{0,20}\n){0,20}") {
        let s = split_reply(&text);
        let kept = [Some(s.visible_text), s.signature, s.quoted_text]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n");
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        prop_assert_eq!(words(&kept), words(&text));
    }
}
