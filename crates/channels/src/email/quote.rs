//! The new text of a reply apart from the history it quotes and the sender's signature, so the
//! UI can show what was written now and fold the rest.
//!
//! Written here because no maintained crate does it for Spanish as well as English. It reads
//! top-posted replies, the way Gmail, Outlook and phones write them: the history starts at an
//! attribution ("On … wrote:", "El … escribió:"), an Outlook header block ("De: … Enviado: …"),
//! an "-----Original Message-----" line, or a run of `>` lines that goes to the end. Replies
//! written between the quoted lines are left whole: hiding a customer's words costs more than
//! showing a quote.

/// A text cut in three.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Split {
    pub visible_text: String,
    pub quoted_text: Option<String>,
    pub signature: Option<String>,
}

/// Cuts `text` (lines ending in `\n`) into what was written now, the signature under it and
/// the quoted history. When nothing would be left visible (a bottom-posted reply, a message
/// that is only a quote) the whole text stays visible.
pub fn split_reply(text: &str) -> Split {
    let lines: Vec<&str> = text.lines().collect();
    let history = history_start(&lines);
    let end = history.unwrap_or(lines.len());
    let signature = signature_start(&lines[..end]);
    let visible = join(&lines[..signature.unwrap_or(end)]);
    if visible.is_empty() {
        return Split {
            visible_text: join(&lines),
            ..Split::default()
        };
    }
    Split {
        visible_text: visible,
        signature: signature
            .map(|s| join(&lines[s..end]))
            .filter(|s| !s.is_empty()),
        quoted_text: history.map(|h| join(&lines[h..])).filter(|q| !q.is_empty()),
    }
}

fn join(lines: &[&str]) -> String {
    lines.join("\n").trim_matches('\n').trim_end().to_string()
}

fn history_start(lines: &[&str]) -> Option<usize> {
    // Where the run of quoted (or blank) lines that goes to the end starts; found once, so a
    // long text of quotes is read in one pass.
    let quotes_from = lines
        .iter()
        .rposition(|l| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('>')
        })
        .map_or(0, |last_text| last_text + 1);
    (0..lines.len()).find_map(|i| {
        let line = lines[i].trim();
        if is_original_message(line) || is_attribution(line, lines.get(i + 1).copied()) {
            Some(i)
        } else if is_header(line, FROM) && outlook_block(&lines[i + 1..]) {
            Some(rule_above(lines, i))
        } else if line.starts_with('>') && i >= quotes_from {
            Some(i)
        } else {
            None
        }
    })
}

/// `-----Original Message-----` and its translations, however many dashes.
fn is_original_message(line: &str) -> bool {
    if !line.starts_with("--") {
        return false;
    }
    let words = line.trim_matches(|c: char| c == '-' || c.is_whitespace());
    const MARKERS: [&str; 5] = [
        "original message",
        "mensaje original",
        "mensagem original",
        "message d'origine",
        "ursprüngliche nachricht",
    ];
    MARKERS.contains(&words.to_lowercase().as_str())
}

/// `On Mon, 3 Nov 2026 at 10:00, Ana <ana@x.es> wrote:` and its Spanish, Portuguese, French
/// and German forms, on one line or wrapped onto a second. A digit (the date) is required so
/// that "El técnico me escribió:" in a customer's own words is not taken for one.
fn is_attribution(line: &str, next: Option<&str>) -> bool {
    const FORMS: [(&str, &str); 5] = [
        ("On ", "wrote:"),
        ("El ", "escribió:"),
        ("Em ", "escreveu:"),
        ("Le ", "a écrit :"),
        ("Am ", "schrieb:"),
    ];
    let fits = |text: &str| {
        text.len() < 300
            && text.contains(|c: char| c.is_ascii_digit())
            && FORMS.iter().any(|(start, end)| {
                text.starts_with(start)
                    && (text.ends_with(end) || text.ends_with(&end.replace(" :", ":")))
            })
    };
    fits(line)
        || next.is_some_and(|next| !line.ends_with(':') && fits(&format!("{line} {}", next.trim())))
}

const FROM: &[&str] = &["from", "de", "von"];
const SENT: &[&str] = &[
    "sent", "date", "enviado", "fecha", "envoyé", "gesendet", "datum",
];
const TO_OR_SUBJECT: &[&str] = &[
    "to", "subject", "para", "asunto", "à", "objet", "an", "betreff",
];

/// `From: …` as Outlook writes it in a reply (`*From:*` when the HTML's bold survived).
fn is_header(line: &str, names: &[&str]) -> bool {
    let line = line.trim_start_matches('*');
    line.split_once(':').is_some_and(|(name, _)| {
        let name = name.trim().trim_end_matches('*').to_lowercase();
        names.contains(&name.as_str())
    })
}

/// The lines under a `From:` are a sent-date line and a recipient or subject line.
fn outlook_block(below: &[&str]) -> bool {
    let near: Vec<&str> = below.iter().take(5).map(|l| l.trim()).collect();
    near.iter().any(|l| is_header(l, SENT)) && near.iter().any(|l| is_header(l, TO_OR_SUBJECT))
}

/// Outlook draws a rule of underscores above the header block; it belongs to the history.
fn rule_above(lines: &[&str], from: usize) -> usize {
    let above = lines[..from].iter().rposition(|l| !l.trim().is_empty());
    match above {
        Some(i) if lines[i].trim().len() >= 10 && lines[i].trim().chars().all(|c| c == '_') => i,
        _ => from,
    }
}

/// The `-- ` delimiter (RFC 3676; many clients drop its space), or the one-line footer a phone
/// or Outlook adds when there is none.
fn signature_start(lines: &[&str]) -> Option<usize> {
    if let Some(i) = lines.iter().position(|l| l.trim_end() == "--") {
        return Some(i);
    }
    const FOOTERS: [&str; 8] = [
        "sent from my ",
        "enviado desde mi ",
        "sent from outlook",
        "enviado desde outlook",
        "get outlook for ",
        "obtener outlook para ",
        "sent from mail for windows",
        "enviado desde correo para windows",
    ];
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    let line = lines[last].trim().to_lowercase();
    FOOTERS.iter().any(|f| line.starts_with(f)).then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gmail_reply_in_spanish_folds_at_the_attribution() {
        let s = split_reply(
            "Perfecto, gracias.\n\nEl lun, 3 nov 2026 a las 10:00, Ana <ana@x.es> escribió:\n> ¿Llegó?\n",
        );
        assert_eq!(s.visible_text, "Perfecto, gracias.");
        assert_eq!(
            s.quoted_text.as_deref(),
            Some("El lun, 3 nov 2026 a las 10:00, Ana <ana@x.es> escribió:\n> ¿Llegó?")
        );
        assert_eq!(s.signature, None);
    }

    #[test]
    fn an_attribution_wrapped_over_two_lines_is_found() {
        let s = split_reply(
            "Yes.\n\nOn Mon, Nov 3, 2026 at 10:00 AM Ana García <\nana@x.es> wrote:\n> Did it arrive?",
        );
        assert_eq!(s.visible_text, "Yes.");
        assert!(s.quoted_text.is_some_and(|q| q.starts_with("On Mon")));
    }

    #[test]
    fn an_outlook_header_block_folds_from_the_rule_above_it() {
        let s = split_reply(
            "Recibido.\n\nJuan\n-- \nJuan Pérez\nTel. 600\n\n________________________________\n\
             De: Ana <ana@x.es>\nEnviado: lunes, 3 de noviembre de 2026 10:00\nPara: Juan\n\
             Asunto: Pedido\n\nTexto viejo",
        );
        assert_eq!(s.visible_text, "Recibido.\n\nJuan");
        assert_eq!(s.signature.as_deref(), Some("-- \nJuan Pérez\nTel. 600"));
        assert!(s.quoted_text.is_some_and(|q| q.starts_with("_____")));
    }

    #[test]
    fn original_message_lines_in_any_language_start_the_history() {
        for marker in ["-----Original Message-----", "----- Mensaje original -----"] {
            let s = split_reply(&format!("Hecho.\n{marker}\nFrom: x"));
            assert_eq!(s.visible_text, "Hecho.");
            assert!(s.quoted_text.is_some_and(|q| q.starts_with(marker)));
        }
    }

    #[test]
    fn a_trailing_quote_block_folds_but_interleaved_answers_stay_visible() {
        let trailing = split_reply("Sí.\n\n> ¿Vienes?\n> \n> Ana");
        assert_eq!(trailing.visible_text, "Sí.");
        assert_eq!(
            trailing.quoted_text.as_deref(),
            Some("> ¿Vienes?\n> \n> Ana")
        );

        let interleaved = "> ¿Vienes?\nSí.\n> ¿A qué hora?\nA las diez.";
        assert_eq!(split_reply(interleaved).visible_text, interleaved);
    }

    #[test]
    fn a_phone_footer_is_a_signature() {
        let s = split_reply("Vale.\n\nEnviado desde mi iPhone");
        assert_eq!(s.visible_text, "Vale.");
        assert_eq!(s.signature.as_deref(), Some("Enviado desde mi iPhone"));
    }

    #[test]
    fn words_that_only_look_like_an_attribution_are_kept() {
        let text = "El técnico me escribió:\nque vendría hoy.";
        assert_eq!(split_reply(text).visible_text, text);
    }

    #[test]
    fn a_message_that_is_only_history_stays_visible() {
        let text = "On Mon, 3 Nov 2026, Ana wrote:\n> hola\n\nmi respuesta abajo";
        let s = split_reply(text);
        assert_eq!(s.visible_text, text);
        assert_eq!(s.quoted_text, None);
    }
}
