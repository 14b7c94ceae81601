//! A support mailbox's worth of generated messages, as customers' mail programs write them:
//! plain UTF-8 text, multipart/alternative with an HTML part, ISO-8859-1 and Windows-1252
//! bodies (quoted-printable and 8-bit), encoded-word sender names, attachments (a PDF or a
//! photo in base64), replies threading onto earlier messages through an agent's reply the
//! mailbox never saw (so `References` has to be walked), a few automatic replies and list
//! mail. Senders are drawn skewed: many write once, a few write again and again.
use crate::dedup_data::Rng;
use crate::dedup_names::{DOMAINS, MEN, SURNAMES, WOMEN};

/// Shares of the message kinds, in per mille (the rest is plain UTF-8 text).
const HTML: usize = 300;
const LATIN1: usize = 100;
const CP1252: usize = 60;
/// Messages that carry one or two attachments (of any body kind).
const ATTACHMENT_PER_MILLE: u64 = 80;
/// Messages that answer an earlier one of the same sender.
const REPLY_PER_MILLE: u64 = 250;
/// Automatic replies and list mail (neither becomes a customer message).
const AUTO_PER_MILLE: u64 = 10;
const LIST_PER_MILLE: u64 = 10;

/// The counts of what was generated, for the report.
#[derive(Debug, Default, Clone)]
pub struct Mix {
    pub messages: usize,
    pub senders: usize,
    pub html: usize,
    pub latin1: usize,
    pub cp1252: usize,
    pub attachments: usize,
    pub replies: usize,
    pub auto: usize,
    pub list: usize,
    pub bytes: usize,
}

impl std::fmt::Display for Mix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} messages ({:.1} MiB) from {} senders: {} multipart/alternative HTML, {} ISO-8859-1, {} Windows-1252, {} with attachments, {} replies, {} automatic replies, {} list",
            self.messages,
            self.bytes as f64 / 1_048_576.0,
            self.senders,
            self.html,
            self.latin1,
            self.cp1252,
            self.attachments,
            self.replies,
            self.auto,
            self.list
        )
    }
}

struct Sender {
    name: String,
    address: String,
}

const TOPICS: [(&str, &str); 12] = [
    (
        "Pedido sin llegar",
        "Hice un pedido hace diez días y todavía no ha llegado. ¿Podéis decirme dónde está?",
    ),
    (
        "Factura incorrecta",
        "La factura de este mes me cobra dos veces el envío. Necesito que la corrijáis.",
    ),
    (
        "Cambio de dirección",
        "Me he mudado y quiero que los próximos pedidos lleguen a la dirección nueva.",
    ),
    (
        "Devolución",
        "El artículo llegó roto. ¿Cómo hago la devolución y cuándo me devolvéis el dinero?",
    ),
    (
        "No puedo entrar en mi cuenta",
        "Al entrar me dice que la contraseña no es válida, y el correo para cambiarla no llega.",
    ),
    (
        "Consulta de garantía",
        "La cafetera dejó de funcionar a los once meses. ¿Entra en la garantía?",
    ),
    (
        "Baja del servicio",
        "Quiero darme de baja del servicio a final de mes. Confirmadme que no habrá más cargos.",
    ),
    (
        "Presupuesto",
        "Somos una empresa de 40 personas y querríamos un presupuesto para el plan anual.",
    ),
    (
        "Order not received",
        "I placed an order two weeks ago and it has not arrived yet. Could you check?",
    ),
    (
        "Wrong size",
        "The shoes I got are a size too small. Can I exchange them for a 42?",
    ),
    (
        "Cobro duplicado",
        "Veo dos cargos iguales en la tarjeta por el mismo pedido. Por favor, revisadlo.",
    ),
    (
        "Horario de la tienda",
        "¿Abrís el sábado por la tarde en la tienda del centro? Quería recoger un pedido.",
    ),
];

/// A subject customers write, for datasets that need one.
pub fn subject(n: usize) -> &'static str {
    TOPICS[n % TOPICS.len()].0
}

/// Quoted-printable of UTF-8 or single-byte text, lines kept under 76 characters.
fn quoted_printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut line = 0;
    for &b in bytes {
        if b == b'\n' {
            out.push_str("\r\n");
            line = 0;
            continue;
        }
        let piece = if (b == b' ' || b.is_ascii_graphic()) && b != b'=' {
            (b as char).to_string()
        } else {
            format!("={b:02X}")
        };
        if line + piece.len() > 73 {
            out.push_str("=\r\n");
            line = 0;
        }
        line += piece.len();
        out.push_str(&piece);
    }
    out
}

/// Single-byte text (Latin-1 and Windows-1252 agree on Spanish letters; `€` and `’` exist
/// only in 1252, at 0x80 and 0x92).
fn single_byte(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            c if (c as u32) < 256 => c as u8,
            _ => b'?',
        })
        .collect()
}

/// Base64 with 76-character lines.
fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 38 + 4);
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(T[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The display name as an RFC 2047 encoded word when it is not ASCII.
fn display_name(name: &str, latin1: bool) -> String {
    if name.is_ascii() {
        return format!("\"{name}\"");
    }
    let (charset, bytes) = if latin1 {
        ("ISO-8859-1", single_byte(name))
    } else {
        ("UTF-8", name.as_bytes().to_vec())
    };
    let encoded: String = bytes
        .iter()
        .map(|&b| match b {
            b' ' => "_".to_owned(),
            b if b.is_ascii_alphanumeric() => (b as char).to_string(),
            b => format!("={b:02X}"),
        })
        .collect();
    format!("=?{charset}?Q?{encoded}?=")
}

fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'Á' => Some('a'),
            'é' | 'É' => Some('e'),
            'í' | 'Í' => Some('i'),
            'ó' | 'Ó' => Some('o'),
            'ú' | 'Ú' | 'ü' => Some('u'),
            'ñ' | 'Ñ' => Some('n'),
            ' ' => Some('.'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn sender(rng: &mut Rng, n: usize) -> Sender {
    let given = if rng.chance(0.5) {
        WOMEN[rng.below(WOMEN.len())]
    } else {
        MEN[rng.below(MEN.len())]
    };
    let family = SURNAMES[rng.below(SURNAMES.len())];
    let name = format!("{given} {family}");
    let address = format!(
        "{}.{}{}@{}",
        ascii_fold(given),
        ascii_fold(family),
        n,
        DOMAINS[rng.below(DOMAINS.len())]
    );
    Sender { name, address }
}

/// Which sender writes the `i`th message: half the mail from a tenth of the senders.
fn pick_sender(rng: &mut Rng, senders: usize) -> usize {
    if rng.chance(0.5) {
        rng.below(senders / 10 + 1)
    } else {
        rng.below(senders)
    }
}

fn date(i: usize, messages: usize) -> String {
    // Spread over the 90 days before 2026-11-20, in order, so replies come after what they answer.
    let start = time::macros::datetime!(2026-08-22 08:00 UTC);
    let at = start + time::Duration::seconds((i as i64 * 90 * 86_400) / messages.max(1) as i64);
    at.format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default()
}

fn attachment(rng: &mut Rng, n: usize) -> (String, String, Vec<u8>) {
    let size = 8_000 + rng.below(56_000);
    let mut data = Vec::with_capacity(size);
    while data.len() < size {
        data.extend_from_slice(&rng.next().to_le_bytes());
    }
    data.truncate(size);
    if rng.chance(0.5) {
        data[..5].copy_from_slice(b"%PDF-");
        (format!("factura-{n}.pdf"), "application/pdf".into(), data)
    } else {
        data[..3].copy_from_slice(&[0xff, 0xd8, 0xff]);
        (format!("foto_{n}.jpg"), "image/jpeg".into(), data)
    }
}

/// One body part: `(headers, encoded body)`.
fn text_part(kind: usize, text: &str) -> (String, String) {
    match kind {
        1 => (
            "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable".into(),
            quoted_printable(&single_byte(text)),
        ),
        2 => (
            "Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit".into(),
            // 8-bit bodies are valid here: the bench writes bytes, not a String, below.
            String::new(),
        ),
        _ => (
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable".into(),
            quoted_printable(text.as_bytes()),
        ),
    }
}

fn html_of(text: &str, name: &str) -> String {
    let paras: String = text
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p style=\"margin:0 0 8px\">{l}</p>"))
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>p{{font-family:Arial}}</style></head>\
         <body><div dir=\"ltr\">{paras}<p>Un saludo,<br><b>{name}</b></p>\
         <img src=\"https://tracker.example.com/p.gif?u=1\" width=\"1\" height=\"1\">\
         <a href=\"https://www.example.com/pedido\">Ver pedido</a></div></body></html>"
    )
}

/// Generates `messages` messages with `Message-ID`s unique to `run` (so two runs, or two
/// folders, never collide in one workspace).
pub fn generate(messages: usize, seed: u64, run: &str) -> (Vec<Vec<u8>>, Mix) {
    let mut rng = Rng::new(seed);
    let senders_n = (messages * 2 / 5).max(1);
    let senders: Vec<Sender> = (0..senders_n).map(|n| sender(&mut rng, n)).collect();
    // Each sender's earlier messages: (message id, subject), for replies.
    let mut earlier: Vec<Vec<(String, String)>> = vec![Vec::new(); senders_n];
    let mut used = vec![false; senders_n];
    let mut mix = Mix {
        messages,
        ..Mix::default()
    };
    let mut out = Vec::with_capacity(messages);
    for i in 0..messages {
        let s = pick_sender(&mut rng, senders_n);
        used[s] = true;
        let who = &senders[s];
        let id = format!(
            "{run}.{i}.{}@{}",
            rng.next() % 1_000_000,
            who.address.split('@').nth(1).unwrap_or("x.test")
        );
        let roll = rng.below(1000);
        let kind = if roll < HTML {
            3
        } else if roll < HTML + LATIN1 {
            1
        } else if roll < HTML + LATIN1 + CP1252 {
            2
        } else {
            0
        };
        let special = rng.below(1000) as u64;
        let mut headers = String::new();
        let (topic, mut text) = {
            let (t, body) = TOPICS[rng.below(TOPICS.len())];
            (
                t.to_owned(),
                format!("Hola:\n\n{body}\n\nGracias,\n{}\n", who.name),
            )
        };
        let mut subject = topic.clone();
        if special < AUTO_PER_MILLE {
            mix.auto += 1;
            headers.push_str("Auto-Submitted: auto-replied\r\n");
            subject = format!("Fuera de la oficina: {topic}");
            text = "Estoy fuera de la oficina hasta el lunes.\n".into();
        } else if special < AUTO_PER_MILLE + LIST_PER_MILLE {
            mix.list += 1;
            headers.push_str("List-Id: <novedades.example.com>\r\nPrecedence: bulk\r\n");
            subject = "Boletín de novedades".into();
        } else if special < AUTO_PER_MILLE + LIST_PER_MILLE + REPLY_PER_MILLE
            && !earlier[s].is_empty()
        {
            mix.replies += 1;
            let (orig, orig_subject) = earlier[s][rng.below(earlier[s].len())].clone();
            // The customer answers the agent's reply (which the mailbox never saw): the
            // thread is found through References, the original message's id.
            let agent = format!("reply.{i}@acme.test");
            headers.push_str(&format!(
                "In-Reply-To: <{agent}>\r\nReferences: <{orig}> <{agent}>\r\n"
            ));
            subject = format!("Re: {orig_subject}");
            text = format!(
                "Sigo sin respuesta, ¿alguna novedad?\n\n{}\n\nEl {} escribió:\n> Gracias por escribirnos; lo estamos revisando.\n> {}\n",
                who.name,
                date(i.saturating_sub(1), messages),
                "Atención al cliente"
            );
        }
        if special >= AUTO_PER_MILLE + LIST_PER_MILLE {
            earlier[s].push((id.clone(), topic.clone()));
        }
        if kind == 2 {
            text = text.replace("Gracias", "Gracias — “urgente”, 25 €");
        }
        let latin_name = kind == 1 || kind == 2;
        let mut raw: Vec<u8> = Vec::with_capacity(4096);
        let subject_header = if subject.is_ascii() {
            subject.clone()
        } else {
            format!("=?UTF-8?B?{}?=", base64(subject.as_bytes()))
        };
        raw.extend_from_slice(
            format!(
                "Return-Path: <{addr}>\r\nReceived: from mx.example.com by imap.acme.test; {date}\r\n\
                 From: {name} <{addr}>\r\nTo: Soporte <soporte@acme.test>\r\nSubject: {subject_header}\r\n\
                 Date: {date}\r\nMessage-ID: <{id}>\r\n{headers}MIME-Version: 1.0\r\n",
                addr = who.address,
                name = display_name(&who.name, latin_name),
                date = date(i, messages),
            )
            .as_bytes(),
        );
        let with_files = rng.below(1000) < ATTACHMENT_PER_MILLE as usize;
        let files: Vec<_> = if with_files {
            mix.attachments += 1;
            (0..1 + rng.below(2))
                .map(|k| attachment(&mut rng, i * 10 + k))
                .collect()
        } else {
            Vec::new()
        };
        let body = body(kind, &text, &who.name, &files, i);
        match kind {
            1 => mix.latin1 += 1,
            2 => mix.cp1252 += 1,
            3 => mix.html += 1,
            _ => {}
        }
        raw.extend_from_slice(&body);
        mix.bytes += raw.len();
        out.push(raw);
    }
    mix.senders = used.iter().filter(|u| **u).count();
    (out, mix)
}

/// The MIME body after the top headers (starting with its Content-Type).
fn body(
    kind: usize,
    text: &str,
    name: &str,
    files: &[(String, String, Vec<u8>)],
    i: usize,
) -> Vec<u8> {
    let mut b: Vec<u8> = Vec::new();
    let push = |b: &mut Vec<u8>, s: &str| b.extend_from_slice(s.as_bytes());
    let leaf = |b: &mut Vec<u8>| {
        if kind == 3 {
            let inner = format!("alt-{i}");
            push(
                b,
                &format!("Content-Type: multipart/alternative; boundary=\"{inner}\"\r\n\r\n"),
            );
            let (h, t) = text_part(0, text);
            push(b, &format!("--{inner}\r\n{h}\r\n\r\n{t}\r\n"));
            push(
                b,
                &format!(
                    "--{inner}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}\r\n--{inner}--\r\n",
                    quoted_printable(html_of(text, name).as_bytes())
                ),
            );
        } else {
            let (h, t) = text_part(kind, text);
            push(b, &format!("{h}\r\n\r\n"));
            if kind == 2 {
                let bytes: Vec<u8> = single_byte(text)
                    .split(|&c| c == b'\n')
                    .flat_map(|l| l.iter().copied().chain(*b"\r\n"))
                    .collect();
                b.extend_from_slice(&bytes);
            } else {
                push(b, &t);
                push(b, "\r\n");
            }
        }
    };
    if files.is_empty() {
        leaf(&mut b);
        return b;
    }
    let outer = format!("mixed-{i}");
    push(
        &mut b,
        &format!("Content-Type: multipart/mixed; boundary=\"{outer}\"\r\n\r\n--{outer}\r\n"),
    );
    leaf(&mut b);
    for (filename, content_type, data) in files {
        push(
            &mut b,
            &format!(
                "\r\n--{outer}\r\nContent-Type: {content_type}; name=\"{filename}\"\r\nContent-Disposition: attachment; filename=\"{filename}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                base64(data)
            ),
        );
    }
    push(&mut b, &format!("--{outer}--\r\n"));
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }

    #[test]
    fn every_message_parses_with_its_sender() {
        let (mail, mix) = generate(400, 7, "t");
        assert_eq!(mail.len(), 400);
        assert!(mix.replies > 0 && mix.attachments > 0 && mix.html > 0);
        for raw in &mail {
            let m = vinculo_channels::email::parse(raw, &Default::default()).expect("parses");
            assert!(m.from.is_some_and(|f| f.address.contains('@')));
            assert!(m.message_id.is_some());
        }
    }
}
