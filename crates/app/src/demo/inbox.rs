//! The demo's shared inbox: a handful of e-mail threads from demo customers, taken in the
//! way a mailbox's messages are (`conversations::receive`), then worked a little by the
//! service agent (assigned, labelled, a note, one waiting for the customer, one resolved,
//! one snoozed) so the inbox shows every state. The same threads, from the same customers
//! (the first by e-mail address), on every start.
use crate::conversations::inbox::{self, Change};
use crate::conversations::{receive, Attachment, Classified, InboundMessage, Received};
use crate::{now, App, AppError, Principal};
use time::Duration;
use vinculo_domain::conversations::{Channel, StatusChange};
use vinculo_domain::identity::KeyKind;
use vinculo_domain::ids::ConversationId;

/// What becomes of a thread once it is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    /// Left as it came: open, unread, nobody's.
    Nothing,
    /// Carmen takes it, labels it and leaves a note; it waits for the customer.
    Pending,
    /// Carmen answered by phone and closed it.
    Resolved,
    /// Put aside until the customer's supplier answers.
    Snoozed,
    /// Carmen's, read, still open.
    Assigned,
}

/// One thread: subject, the customer's messages (minutes ago, text), an HTML version of the
/// first, whether the first carries the invoice, and what happens after.
struct DemoThread {
    subject: &'static str,
    messages: &'static [(i64, &'static str)],
    html: Option<&'static str>,
    invoice: bool,
    after: After,
    labels: &'static [&'static str],
    note: Option<&'static str>,
}

const THREADS: [DemoThread; 6] = [
    DemoThread {
        subject: "Mi pedido no ha llegado",
        messages: &[
            (26 * 60, "Hola:\n\nHice un pedido hace diez días (PED-104233) y todavía no ha llegado. El seguimiento dice «en reparto» desde el lunes.\n\n¿Me podéis decir qué pasa?\n\nGracias."),
            (35, "Os escribo otra vez porque sigo sin noticias. Necesito el pedido antes del viernes.\n\nUn saludo."),
        ],
        html: None,
        invoice: false,
        after: After::Nothing,
        labels: &[],
        note: None,
    },
    DemoThread {
        subject: "Factura de octubre duplicada",
        messages: &[(3 * 60, "Buenos días:\n\nEn la factura F-2026-1042 de octubre me cobran dos veces la cuota de mantenimiento. Os adjunto la factura.\n\nPor favor, anulad el segundo cargo.\n\nAtentamente.")],
        html: Some("<p>Buenos días:</p><p>En la factura <b>F-2026-1042</b> de octubre me cobran <u>dos veces</u> la cuota de mantenimiento. Os adjunto la factura.</p><p>Por favor, anulad el segundo cargo.</p><p>Atentamente.</p><img src=\"https://rastreo.example.com/pixel.gif\" width=\"1\" height=\"1\">"),
        invoice: true,
        after: After::Assigned,
        labels: &["facturación"],
        note: Some("Revisado con administración: el segundo cargo es un error. Se emite abono esta semana."),
    },
    DemoThread {
        subject: "Cambio de dirección de entrega",
        messages: &[(2 * 24 * 60, "Hola, me mudo el día 1 a la calle Alcalá 120, 3º B, 28009 Madrid. ¿Podéis cambiar la dirección de los próximos envíos?")],
        html: None,
        invoice: false,
        after: After::Pending,
        labels: &["envíos"],
        note: Some("Dirección cambiada en el ERP. Le he pedido que confirme el piso."),
    },
    DemoThread {
        subject: "Solicitud de devolución",
        messages: &[(5 * 24 * 60, "Quiero devolver la cafetera del pedido PED-103877: no calienta bien el agua. ¿Cómo lo hago?")],
        html: None,
        invoice: false,
        after: After::Resolved,
        labels: &["devoluciones"],
        note: None,
    },
    DemoThread {
        subject: "Presupuesto para 20 unidades",
        messages: &[(4 * 24 * 60, "Somos una oficina de 20 personas. ¿Nos podéis enviar un presupuesto para 20 sillas ergonómicas del modelo Atlas, con montaje?")],
        html: None,
        invoice: false,
        after: After::Snoozed,
        labels: &["ventas"],
        note: Some("Esperando precio del proveedor; lo retomo el jueves."),
    },
    DemoThread {
        subject: "¿La garantía cubre la batería?",
        messages: &[(80, "Buenas tardes. Compré un portátil hace 14 meses y la batería ya no carga. ¿Entra en la garantía de dos años?")],
        html: None,
        invoice: false,
        after: After::Nothing,
        labels: &[],
        note: None,
    },
];

/// A one-page PDF: the invoice the customer attached.
const INVOICE: &[u8] = b"%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>endobj\n4 0 obj<</Length 50>>stream\nBT /F1 16 Tf 20 70 Td (Factura F-2026-1042) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Receives the threads from the first customers with an e-mail address, as `admin` (the
/// mailbox's reader), and works them as `agent`.
pub(super) async fn seed(app: &App, admin: &Principal, agent: &Principal) -> Result<(), AppError> {
    let filter = vinculo_store::customers::CustomerFilter::default();
    let page = crate::customers::list(app, admin, &filter, None, 200).await?;
    let mut senders: Vec<(String, String)> = page
        .items
        .iter()
        .filter_map(|c| {
            let email = c.keys.iter().find(|k| k.kind == KeyKind::Email)?;
            Some((email.value.clone(), c.display_name.clone()))
        })
        .collect();
    senders.sort();
    // Spread over the alphabet, so the threads are not all from one first name.
    let step = (senders.len() / THREADS.len()).max(1);
    let at = now();
    for (n, (thread, (email, name))) in THREADS.iter().zip(senders.iter().step_by(step)).enumerate()
    {
        let mut conversation = None;
        let mut previous: Option<String> = None;
        for (k, (minutes, text)) in thread.messages.iter().enumerate() {
            let id = format!("demo-inbox-{n}-{k}@demo.vinculo.test");
            let first = k == 0;
            let msg = InboundMessage {
                channel: Channel::Email,
                mail_channel_id: None,
                message_id: id.clone(),
                answers: previous.iter().cloned().collect(),
                from_address: email.clone(),
                from_name: Some(name.clone()),
                to: vec!["soporte@demo.vinculo.test".into()],
                cc: Vec::new(),
                subject: if first {
                    thread.subject.to_owned()
                } else {
                    format!("Re: {}", thread.subject)
                },
                date: Some(at - Duration::minutes(*minutes)),
                text: Some((*text).to_owned()),
                html: thread.html.filter(|_| first).map(str::to_owned),
                class: Classified::Customer,
                attachments: if thread.invoice && first {
                    attachments()
                } else {
                    Vec::new()
                },
            };
            if let Received::Added {
                conversation_id, ..
            } = receive(app, admin, &msg).await?
            {
                conversation = Some(conversation_id);
            }
            previous = Some(id);
        }
        if let Some(c) = conversation {
            work(app, agent, c, thread, at).await?;
        }
    }
    Ok(())
}

fn attachments() -> Vec<Attachment> {
    vec![
        Attachment {
            filename: "Factura F-2026-1042.pdf".into(),
            content_type: "application/pdf".into(),
            size: INVOICE.len() as u64,
            content_id: None,
            inline: false,
            data: Some(INVOICE.to_vec()),
            refused: None,
        },
        Attachment {
            filename: "video-del-cargo.mov".into(),
            content_type: "video/quicktime".into(),
            size: 94_371_840,
            content_id: None,
            inline: false,
            data: None,
            refused: Some(format!("too_large:{}", 25 * 1024 * 1024)),
        },
    ]
}

async fn work(
    app: &App,
    agent: &Principal,
    id: ConversationId,
    thread: &DemoThread,
    at: time::OffsetDateTime,
) -> Result<(), AppError> {
    if thread.after == After::Nothing {
        return Ok(());
    }
    let status = match thread.after {
        After::Pending => Some(StatusChange::Pending),
        After::Resolved => Some(StatusChange::Resolve),
        After::Snoozed => Some(StatusChange::Snooze {
            until: at + Duration::days(3),
        }),
        After::Nothing | After::Assigned => None,
    };
    let team = crate::teams::list(app, agent)
        .await?
        .into_iter()
        .find(|t| t.name == super::SERVICE_TEAM)
        .map(|t| t.id);
    let change = Change {
        status,
        assignee: Some(Some(agent.user_id)),
        team: Some(team),
        labels: Some(thread.labels.iter().map(|l| (*l).to_owned()).collect()),
    };
    inbox::change(app, agent, id, &change).await?;
    if let Some(note) = thread.note {
        inbox::add_note(app, agent, id, note).await?;
    }
    inbox::open(app, agent, id).await.map(drop)
}
