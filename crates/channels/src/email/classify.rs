//! Who wrote the message — a customer, an autoresponder, a mail server reporting a failure, or a
//! list — from the headers the senders set (RFC 3834, RFC 3464, RFC 2369/2919) and, for the
//! autoresponders that set none, the subjects they use in Spanish and English.
//!
//! Order matters: a bounce is often also `Auto-Submitted`, and a vacation reply often carries
//! `Precedence: bulk`, so the strongest sign is looked at first.
use mail_parser::{MessagePart, MimeHeaders};

use super::{dsn, Kind, Mailbox};

pub(crate) fn classify(
    msg: &mail_parser::Message<'_>,
    from: Option<&Mailbox>,
    subject: &str,
) -> Kind {
    let header = |name: &str| header(msg, name);
    if is_bounce(msg, from) {
        let status = msg
            .attachments()
            .find(|p| is_delivery_status(p))
            .map(|p| String::from_utf8_lossy(p.contents()).into_owned());
        return Kind::Bounce(status.as_deref().map(dsn::read).unwrap_or_default());
    }
    let precedence = header("Precedence").map(|p| p.to_ascii_lowercase());
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| !v.eq_ignore_ascii_case("no"));
    if auto_submitted
        || header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || precedence.as_deref() == Some("auto_reply")
        || is_out_of_office(subject)
    {
        return Kind::AutoReply;
    }
    if header("List-Id").is_some()
        || header("List-Unsubscribe").is_some()
        || precedence.as_deref() == Some("list")
    {
        return Kind::List;
    }
    if matches!(precedence.as_deref(), Some("bulk" | "junk")) {
        return Kind::AutoReply;
    }
    Kind::Customer
}

/// A header's unfolded value, `None` when absent or blank. `Auto-Submitted: auto-replied;
/// comment` reads as `auto-replied`.
fn header(msg: &mail_parser::Message<'_>, name: &str) -> Option<String> {
    let raw = msg.header_raw(name)?;
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let value = value.split(['(', ';']).next().unwrap_or_default().trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn is_bounce(msg: &mail_parser::Message<'_>, from: Option<&Mailbox>) -> bool {
    let report = msg.root_part().content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    });
    let daemon = from.is_some_and(|f| {
        let local = f.address.split('@').next().unwrap_or_default();
        local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
    });
    report || daemon
}

fn is_delivery_status(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("message")
            && ct.subtype().is_some_and(|s| {
                s.eq_ignore_ascii_case("delivery-status")
                    || s.eq_ignore_ascii_case("global-delivery-status")
            })
    })
}

/// Subjects that autoresponders without headers put first ("Automatic reply: …", "Fuera de la
/// oficina"). Only at the start: "¿Por qué respondéis siempre fuera de la oficina?" is a
/// customer.
fn is_out_of_office(subject: &str) -> bool {
    const STARTS: [&str; 14] = [
        "out of office",
        "out of the office",
        "automatic reply",
        "auto reply",
        "auto-reply",
        "autoreply",
        "auto response",
        "fuera de la oficina",
        "fuera de oficina",
        "respuesta automatica",
        "respuesta automatizada",
        "ausencia de la oficina",
        "autorespuesta",
        "resposta automatica",
    ];
    let folded = fold(subject);
    let folded = folded.trim_start_matches(|c: char| c == '[' || c == '(' || c.is_whitespace());
    STARTS.iter().any(|s| folded.starts_with(s))
}

/// Lower case without Spanish and Portuguese accents: subjects are typed both ways.
fn fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' => 'a',
            'é' | 'ê' => 'e',
            'í' => 'i',
            'ó' | 'ô' | 'õ' => 'o',
            'ú' | 'ü' => 'u',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> Kind {
        let msg = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("a message");
        let from = msg.from().and_then(|a| a.first()).and_then(|a| {
            a.address().map(|address| Mailbox {
                address: address.to_string(),
                name: None,
            })
        });
        classify(&msg, from.as_ref(), msg.subject().unwrap_or_default())
    }

    #[test]
    fn auto_submitted_no_is_a_person() {
        assert_eq!(
            kind("From: a@x.es\r\nAuto-Submitted: no\r\n\r\nhola"),
            Kind::Customer
        );
        assert_eq!(
            kind("From: a@x.es\r\nAuto-Submitted: auto-replied (vacation)\r\n\r\nhola"),
            Kind::AutoReply
        );
    }

    #[test]
    fn out_of_office_subjects_count_only_at_the_start() {
        assert!(is_out_of_office("Respuesta automática: Pedido 42"));
        assert!(is_out_of_office("[Fuera de la oficina] Re: hola"));
        assert!(is_out_of_office("Automatic reply: Order"));
        assert!(!is_out_of_office(
            "¿Por qué respondéis siempre fuera de la oficina?"
        ));
        assert!(!is_out_of_office("Re: Pedido 42"));
    }

    #[test]
    fn a_list_is_a_list_and_bulk_alone_is_automatic() {
        assert_eq!(
            kind("From: n@x.es\r\nList-Unsubscribe: <mailto:u@x.es>\r\nPrecedence: bulk\r\n\r\nx"),
            Kind::List
        );
        assert_eq!(
            kind("From: n@x.es\r\nPrecedence: bulk\r\n\r\nx"),
            Kind::AutoReply
        );
        assert_eq!(
            kind("From: n@x.es\r\nPrecedence: list\r\n\r\nx"),
            Kind::List
        );
    }

    #[test]
    fn a_mailer_daemon_is_a_bounce_even_without_a_report() {
        assert_eq!(
            kind("From: MAILER-DAEMON@mx.x.es\r\nSubject: Undelivered\r\n\r\nx"),
            Kind::Bounce(Default::default())
        );
    }
}
