//! Fuzzes the e-mail parse path: any bytes through `email::parse` (MIME, charsets, the HTML
//! policy, the reply split, the classification) must return, never panic, and any HTML that
//! comes out must be free of scripts and remote image sources.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vinculo_channels::email::{parse, Limits};

fuzz_target!(|data: &[u8]| {
    // Small limits so the refusal paths are reached too.
    let limits = Limits {
        max_message_bytes: 1 << 20,
        max_attachment_bytes: 256,
    };
    if let Ok(message) = parse(data, &limits) {
        if let Some(html) = &message.html {
            let lower = html.to_lowercase();
            assert!(!lower.contains("<script"), "{html}");
            assert!(!lower.contains(" src=\"http"), "{html}");
        }
        for attachment in &message.attachments {
            assert!(attachment.bytes().is_none_or(|b| b.len() <= 256));
        }
    }
});
