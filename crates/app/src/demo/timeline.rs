//! The demo's interactions: a few months of contacts on every channel for the first demo
//! customers (calls, e-mails both ways, chats, web forms with complaints, shop purchases,
//! field visits, surveys), so a first look at a customer shows a living timeline. Generated
//! from the customer's position, so every start makes the same history.
use crate::{now, App, AppError, Principal};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::Duration;
use vinculo_domain::ids::CustomerId;
use vinculo_domain::interactions::{InteractionDraft, LinksDraft};

/// A kind of contact: channel, type, direction, subject, body and agent.
type Contact = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const CONTACTS: [Contact; 12] = [
    (
        "phone",
        "call",
        "inbound",
        "Consulta sobre la factura",
        "Pregunta por un cargo de mantenimiento que no reconoce.",
        Some("ext. 201"),
    ),
    (
        "phone",
        "call",
        "inbound",
        "Cambio de dirección de entrega",
        "Se muda el mes que viene; se actualiza la dirección.",
        Some("ext. 204"),
    ),
    (
        "email",
        "message",
        "inbound",
        "Duda sobre la garantía",
        "¿La garantía cubre la batería durante dos años?",
        None,
    ),
    (
        "email",
        "message",
        "outbound",
        "Confirmación de su pedido",
        "Su pedido ha salido del almacén y llegará en 48 horas.",
        Some("Carmen Ruiz"),
    ),
    (
        "chat",
        "inquiry",
        "inbound",
        "¿Envían a Canarias?",
        "Pregunta por plazos y costes de envío a Canarias.",
        Some("Carmen Ruiz"),
    ),
    (
        "web_form",
        "complaint",
        "inbound",
        "Pedido dañado",
        "El paquete llegó con la caja rota y el producto rayado.",
        None,
    ),
    ("web", "page_view", "inbound", "Página de precios", "", None),
    (
        "point_of_sale",
        "purchase",
        "inbound",
        "Compra en la tienda de Madrid",
        "",
        Some("Tienda Madrid Centro"),
    ),
    (
        "visit",
        "visit",
        "outbound",
        "Visita comercial",
        "Presentación del nuevo catálogo; pide presupuesto para 20 unidades.",
        Some("Jorge Fernández"),
    ),
    (
        "sms",
        "message",
        "outbound",
        "Recordatorio de cita",
        "Le recordamos su cita del jueves a las 10:00.",
        None,
    ),
    (
        "survey",
        "survey_response",
        "inbound",
        "Encuesta de satisfacción",
        "Muy buena atención por teléfono.",
        None,
    ),
    (
        "social",
        "complaint",
        "inbound",
        "Queja en redes sociales",
        "Se queja públicamente del retraso en la entrega.",
        None,
    ),
];

/// Customers given a history, and the most contacts one has.
const WITH_HISTORY: usize = 120;
const MOST: u64 = 9;

/// A small deterministic generator (the same numbers on every start).
fn mix(n: u64) -> u64 {
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 31;
    x.wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ (x >> 29)
}

/// Ingests a history for each of `customers` (the first [`WITH_HISTORY`]).
pub(super) async fn seed(
    app: &App,
    actor: &Principal,
    customers: &[CustomerId],
) -> Result<(), AppError> {
    let at = now();
    let mut drafts = Vec::new();
    for (i, id) in customers.iter().take(WITH_HISTORY).enumerate() {
        let r = mix(i as u64);
        for k in 0..(1 + r % MOST) {
            let pick = mix(r ^ k);
            let (channel, kind, direction, subject, body, agent) =
                CONTACTS[(pick % CONTACTS.len() as u64) as usize];
            // Spread over the last four months, the newest within the day.
            let minutes = (pick >> 8) % (120 * 24 * 60) / (k + 1);
            let occurred = (at - Duration::minutes(minutes as i64))
                .format(&Rfc3339)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let attributes = match kind {
                "purchase" => {
                    json!({"total_cents": 1_500 + (pick >> 16) % 40_000, "currency": "EUR"})
                }
                "survey_response" => json!({"score": 6 + (pick >> 16) % 5}),
                "call" => json!({"duration_s": 40 + (pick >> 16) % 900}),
                _ => json!({}),
            };
            drafts.push(InteractionDraft {
                channel: Some(channel.into()),
                kind: Some(kind.into()),
                direction: Some(direction.into()),
                occurred_at: Some(occurred),
                subject: Some(subject.into()),
                body: Some(body.to_owned()).filter(|b| !b.is_empty()),
                agent: agent.map(str::to_owned),
                attributes: Some(attributes),
                links: (kind == "purchase").then(|| LinksDraft {
                    order_id: Some(format!("PED-{:06}", (pick >> 20) % 1_000_000)),
                    ..LinksDraft::default()
                }),
                customer: Some(vinculo_domain::interactions::IdentityDraft {
                    id: Some(id.to_string()),
                    ..Default::default()
                }),
                source: Some("demo".into()),
                source_event_id: Some(format!("{i}-{k}")),
                ..InteractionDraft::default()
            });
        }
    }
    for chunk in drafts.chunks(crate::interactions::MAX_BATCH) {
        crate::interactions::ingest(app, actor, chunk).await?;
    }
    Ok(())
}
