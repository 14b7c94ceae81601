//! Replies: the new text apart from history and signature, threading ids and the subject tag.
use vinculo_channels::email::{parse, reply_ids, Limits};

use super::fixture;

#[test]
fn an_outlook_reply_in_spanish_folds_the_history_under_its_header_block() {
    let m = fixture("outlook_reply_es.eml");
    assert_eq!(
        m.visible_text,
        "Buenos días,\n\nSigo sin recibir el pedido. ¿Me podéis dar el número de seguimiento?\n\n\
         Saludos,\nMarta Llorente\nDpto. Compras | Empresa SA\nTel. 910 000 000"
    );
    let quoted = m.quoted_text.expect("the history");
    assert!(quoted.starts_with("________________________________\nDe: Soporte Tienda"));
    assert!(quoted.ends_with("Tu pedido salió ayer del almacén.\n\nUn saludo,\nSoporte"));
    assert_eq!(m.conversation_token.as_deref(), Some("VC-1A2B3C4D5E"));
    assert_eq!(m.in_reply_to, ["vc.4521.2@tienda.es"]);
    assert_eq!(m.references, ["vc.4521.1@tienda.es", "vc.4521.2@tienda.es"]);
}

#[test]
fn a_gmail_reply_in_spanish_has_its_signature_and_quote_apart() {
    let m = fixture("gmail_reply_es.eml");
    assert_eq!(
        m.visible_text,
        "Perfecto, muchas gracias. Lo recogeré el jueves."
    );
    assert_eq!(
        m.signature.as_deref(),
        Some("-- \nLuis Pérez\nTel. 600 111 222")
    );
    let quoted = m.quoted_text.expect("the history");
    assert!(quoted.starts_with("El lun, 3 nov 2026 a las 10:00, Ana <ana@x.es> escribió:"));
    assert!(quoted.contains("> Tu pedido ya está en la tienda de Sol."));
    assert_eq!(m.subject, "Re: Tu pedido 4400 ya está en tienda");
    assert_eq!(m.message_id.as_deref(), Some("CAF=luis.2@mail.gmail.com"));
}

#[test]
fn the_same_reply_sent_as_html_only_is_split_the_same_way() {
    let raw = String::from_utf8(super::raw("gmail_reply_es.eml")).expect("UTF-8");
    let html_start = raw.find("Content-Type: text/html").expect("an HTML part");
    let html = &raw[html_start..raw.rfind("--0000").expect("the closing boundary")];
    let headers = &raw[..raw
        .find("Content-Type: multipart")
        .expect("the top content type")];
    let only_html = format!("{headers}{html}");
    let m = parse(only_html.as_bytes(), &Limits::default()).expect("a message");
    assert_eq!(
        m.visible_text,
        "Perfecto, muchas gracias. Lo recogeré el jueves."
    );
    // The HTML's `-- <br>` loses its space on the way to text.
    assert_eq!(
        m.signature.as_deref(),
        Some("--\nLuis Pérez\nTel. 600 111 222")
    );
    let quoted = m.quoted_text.expect("the history");
    assert!(
        quoted.starts_with("El lun, 3 nov 2026 a las 10:00, Ana <ana@x.es> escribió:"),
        "{quoted}"
    );
    assert!(
        quoted.contains("> Tu pedido ya está en la tienda de Sol."),
        "{quoted}"
    );
}

#[test]
fn a_reply_to_a_parsed_message_threads_after_it() {
    let parent = fixture("outlook_reply_es.eml");
    let ids = reply_ids(
        parent.message_id.as_deref(),
        &parent.references,
        &parent.in_reply_to,
    );
    assert_eq!(
        ids.in_reply_to_header().as_deref(),
        Some("<AM0PR07MB1234ABCD@AM0PR07MB1234.eurprd07.prod.outlook.com>")
    );
    assert_eq!(
        ids.references_header().as_deref(),
        Some(
            "<vc.4521.1@tienda.es> <vc.4521.2@tienda.es> \
             <AM0PR07MB1234ABCD@AM0PR07MB1234.eurprd07.prod.outlook.com>"
        )
    );
}
