//! Attachments: names, types, bytes, and the size limits.
use vinculo_channels::email::{parse, Content, Limits, ParseError, Refusal};

use super::{fixture, raw};

/// The PDF in `pdf_attachment.eml`, decoded.
const PDF_SIZE: usize = 2840;

#[test]
fn a_pdf_attachment_keeps_its_decoded_name_type_and_bytes() {
    let m = fixture("pdf_attachment.eml");
    assert_eq!(m.text, "Adjuntamos la factura F-2026-118 de octubre.");
    assert_eq!(m.attachments.len(), 1);
    let pdf = &m.attachments[0];
    // RFC 2231 `filename*=UTF-8''factura_oto%C3%B1o.pdf`.
    assert_eq!(pdf.filename.as_deref(), Some("factura_otoño.pdf"));
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(pdf.size, PDF_SIZE);
    assert!(!pdf.inline && !pdf.broken);
    assert_eq!(pdf.content_id, None);
    let bytes = pdf.bytes().expect("kept");
    assert!(bytes.starts_with(b"%PDF-1.4\n") && bytes.ends_with(b"%%EOF\n"));
}

#[test]
fn an_attachment_over_the_limit_is_listed_but_not_kept_and_the_rest_is() {
    let limits = Limits {
        max_attachment_bytes: 1_000,
        ..Limits::default()
    };
    let m = parse(&raw("pdf_attachment.eml"), &limits).expect("a message");
    assert_eq!(m.text, "Adjuntamos la factura F-2026-118 de octubre.");
    let pdf = &m.attachments[0];
    assert_eq!(pdf.filename.as_deref(), Some("factura_otoño.pdf"));
    assert_eq!(pdf.size, PDF_SIZE);
    assert_eq!(pdf.bytes(), None);
    let refusal = Refusal::TooLarge {
        size: PDF_SIZE,
        limit: 1_000,
    };
    assert_eq!(pdf.content, Content::Refused(refusal));
    assert!(refusal.to_string().starts_with("refused: too large"));
}

#[test]
fn a_message_over_the_total_limit_is_refused_whole() {
    let raw = raw("pdf_attachment.eml");
    let limits = Limits {
        max_message_bytes: 1_024,
        ..Limits::default()
    };
    assert_eq!(
        parse(&raw, &limits),
        Err(ParseError::TooLarge {
            size: raw.len(),
            limit: 1_024
        })
    );
}
