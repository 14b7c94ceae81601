//! Broken messages are read as far as they go and say what was wrong.
use vinculo_channels::email::{parse, Defect, Limits, ParseError};

use super::fixture;

#[test]
fn a_broken_boundary_keeps_all_the_text_as_the_body() {
    let m = fixture("malformed_boundary.eml");
    assert!(
        m.text.starts_with("Primera parte, que sí se lee."),
        "{}",
        m.text
    );
    assert!(
        m.text
            .contains("Segunda parte con un delimitador que no existe."),
        "{}",
        m.text
    );
    assert!(m.attachments.is_empty(), "{:?}", m.attachments);
    assert_eq!(m.defects, [Defect::BrokenMime]);
}

#[test]
fn missing_origin_headers_are_noted_and_the_rest_is_read() {
    let m = fixture("malformed_headers.eml");
    assert_eq!(m.from, None);
    assert_eq!(m.date, None);
    assert_eq!(m.message_id, None);
    assert_eq!(m.subject, "sin remitente");
    assert_eq!(m.text, "Texto suelto sin cabeceras de origen.");
    assert_eq!(
        m.defects,
        [
            Defect::MissingFrom,
            Defect::MissingDate,
            Defect::MissingMessageId
        ]
    );
}

#[test]
fn an_unknown_charset_is_read_as_windows_1252() {
    let m = fixture("malformed_charset.eml");
    assert_eq!(m.text, "Pedido 4530: la caja llegó abierta.");
    assert_eq!(m.defects, [Defect::UnknownCharset("x-inventado-42".into())]);
}

#[test]
fn a_cut_off_base64_attachment_keeps_what_was_sent_before_the_cut() {
    let m = fixture("malformed_base64.eml");
    assert_eq!(m.text, "Os envío el albarán.");
    let pdf = &m.attachments[0];
    assert!(pdf.broken);
    assert_eq!(pdf.filename.as_deref(), Some("albaran.pdf"));
    let bytes = pdf.bytes().expect("kept");
    assert!(bytes.starts_with(b"%PDF-1.4\n1 0 obj"), "{bytes:?}");
    assert!(bytes.len() > 200 && bytes.len() < 2840);
    assert!(m.defects.contains(&Defect::BrokenMime));
}

#[test]
fn bytes_with_no_header_are_not_a_message() {
    for raw in [&b""[..], b"\r\n\r\n", b"\n"] {
        assert_eq!(
            parse(raw, &Limits::default()),
            Err(ParseError::NotAMessage),
            "{raw:?}"
        );
    }
}

#[test]
fn a_message_part_nested_in_a_message_part_does_not_stop_the_parse() {
    // Found by the fuzz target: mail-parser 0.11 trips a debug assertion on it ("Invalid part
    // ID", fixed in 1.0), so the workspace builds mail-parser without debug assertions, as a
    // release build does.
    let raw = b"0\nContent-Type: multipart/mixed;\tboundary=b\r\n\r\n--b\r\n\
                Content-Type: message/rfc822\r\n\r\no\r\nContent-Type: message/rfc822\n\
                \r\ns d\r\n\r\n--b--\r";
    assert!(parse(raw, &Limits::default()).is_ok());
}
