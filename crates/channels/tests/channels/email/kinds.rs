//! Auto-replies, bounces and lists are told apart from customers.
use vinculo_channels::email::{Bounce, Kind};

use super::fixture;

#[test]
fn an_exchange_out_of_office_is_an_auto_reply() {
    let m = fixture("out_of_office.eml");
    assert_eq!(m.kind, Kind::AutoReply);
    assert_eq!(m.subject, "Respuesta automática: Pedido 4521");
    assert_eq!(m.in_reply_to, ["vc.4521.3@tienda.es"]);
}

#[test]
fn an_autoresponder_known_only_by_its_subject_is_an_auto_reply() {
    assert_eq!(
        fixture("out_of_office_subject_only.eml").kind,
        Kind::AutoReply
    );
}

#[test]
fn a_delivery_status_notification_names_the_failed_recipient() {
    let m = fixture("dsn_bounce.eml");
    let Kind::Bounce(Bounce {
        recipient,
        action,
        status,
        diagnostic,
    }) = m.kind
    else {
        panic!("not a bounce: {:?}", m.kind);
    };
    assert_eq!(recipient.as_deref(), Some("no.existe@correo.es"));
    assert_eq!(action.as_deref(), Some("failed"));
    assert_eq!(status.as_deref(), Some("5.1.1"));
    assert_eq!(
        diagnostic.as_deref(),
        Some(
            "smtp; 550 5.1.1 <no.existe@correo.es>: Recipient address rejected: User unknown \
             in virtual mailbox table"
        )
    );
    let types: Vec<&str> = m
        .attachments
        .iter()
        .map(|a| a.content_type.as_str())
        .collect();
    assert_eq!(types, ["message/delivery-status", "message/rfc822"]);
    let original = m.attachments[1].bytes().expect("kept");
    assert!(original.starts_with(b"From: Tienda <campanas@tienda.es>"));
}

#[test]
fn a_mailing_list_post_is_a_list() {
    let m = fixture("mailing_list.eml");
    assert_eq!(m.kind, Kind::List);
    assert_eq!(m.subject, "[Comerciantes] Reunión del martes");
    assert_eq!(
        m.from.map(|f| f.address).as_deref(),
        Some("rosa@asociacion.es")
    );
}

#[test]
fn replies_and_first_messages_from_people_are_customers() {
    for name in [
        "plain_utf8.eml",
        "gmail_reply_es.eml",
        "outlook_reply_es.eml",
        "pdf_attachment.eml",
    ] {
        assert_eq!(fixture(name).kind, Kind::Customer, "{name}");
    }
}
