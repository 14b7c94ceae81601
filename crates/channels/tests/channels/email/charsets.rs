//! Headers and bodies in the encodings and charsets Spanish-speaking senders use.
use time::macros::datetime;
use vinculo_channels::email::{Kind, Mailbox};

use super::fixture;

#[test]
fn a_plain_utf8_message_reads_every_header() {
    let m = fixture("plain_utf8.eml");
    assert_eq!(
        m.from,
        Some(Mailbox {
            address: "lucia.fernandez@correo.es".into(),
            name: Some("Lucía Fernández".into()),
        })
    );
    assert_eq!(m.to[0].name.as_deref(), Some("Atención al cliente"));
    let cc: Vec<&str> = m.cc.iter().map(|c| c.address.as_str()).collect();
    assert_eq!(cc, ["pedro@correo.es", "marta@correo.es"]);
    assert_eq!(m.cc[0].name.as_deref(), Some("Pedro Gómez"));
    assert_eq!(m.date, Some(datetime!(2026-11-03 08:58:03 UTC)));
    assert_eq!(m.subject, "¿Dónde está mi pedido?");
    assert_eq!(m.message_id.as_deref(), Some("CAF7x1=ab3@mail.correo.es"));
    assert!(m.text.contains("El importe fue de 59,90 €."), "{}", m.text);
    assert_eq!(m.visible_text, m.text);
    assert_eq!(m.html, None);
    assert_eq!(m.kind, Kind::Customer);
    assert!(m.defects.is_empty(), "{:?}", m.defects);
}

#[test]
fn quoted_printable_alternatives_are_decoded_and_soft_breaks_joined() {
    let m = fixture("alternative_qp.eml");
    assert_eq!(m.subject, "Cambio de dirección");
    assert_eq!(m.from.and_then(|f| f.name).as_deref(), Some("Ñuño Ibáñez"));
    // -0500 in the header, UTC here.
    assert_eq!(m.date, Some(datetime!(2026-11-04 23:20:00 UTC)));
    assert!(
        m.text
            .contains("3º izquierda, 28013 Madrid. Es urgente porque mañana no estaré en casa."),
        "{}",
        m.text
    );
    let html = m.html.expect("the HTML alternative");
    assert!(html.contains("<b>4522</b>"), "{html}");
    assert!(!html.contains("<html") && !html.contains("<body"), "{html}");
}

#[test]
fn a_base64_body_and_subject_are_decoded() {
    let m = fixture("base64_utf8.eml");
    assert_eq!(m.subject, "Reclamación: producto dañado");
    assert!(m.text.starts_with("El producto llegó dañado"), "{}", m.text);
}

#[test]
fn iso_8859_1_bodies_and_encoded_words_come_out_as_utf8() {
    let m = fixture("latin1.eml");
    assert_eq!(m.from.and_then(|f| f.name).as_deref(), Some("José Muñoz"));
    assert_eq!(m.subject, "¿Podéis llamarme mañana?");
    assert!(
        m.text.contains("¿Podéis llamarme mañana por la mañana?"),
        "{}",
        m.text
    );
    assert!(m.text.ends_with("José"), "{}", m.text);
}

#[test]
fn windows_1252_keeps_the_euro_and_curly_quotes_and_raw_8bit_headers_are_read() {
    let m = fixture("windows1252.eml");
    assert_eq!(m.subject, "Cargo de 120 € incorrecto");
    assert!(
        m.text
            .contains("El cargo de 120 € no es correcto: pedí el “pack básico”"),
        "{}",
        m.text
    );
    assert!(m.text.contains("— Begoña"), "{}", m.text);
    // Sent as raw Latin-1 bytes in the header, with no encoded word.
    assert_eq!(m.from.and_then(|f| f.name).as_deref(), Some("Begoña Sáez"));
}
