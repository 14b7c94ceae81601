//! Reading vCard files (RFC 6350 4.0, RFC 2426 3.0, and the 2.1 that Android phones still
//! export, with quoted-printable UTF-8) into people to import: names, e-mails, phones with
//! their types, organisation and title, addresses, birthday, notes and categories.
use super::import::Row;
use super::{AddressDraft, AffiliationDraft, ContactPoint, Problem};

/// One property line: name, parameters (upper-cased keys), value.
struct Prop {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Prop {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// TYPE=work,voice / TYPE=CELL / bare 2.1 parameters ("WORK"): the first meaningful one.
    fn label(&self) -> Option<String> {
        let types: Vec<String> = self
            .params
            .iter()
            .filter(|(k, _)| k == "TYPE" || k.is_empty())
            .flat_map(|(_, v)| v.split(',').map(|t| t.trim().to_lowercase()))
            .filter(|t| !matches!(t.as_str(), "pref" | "voice" | "internet" | "x400" | ""))
            .collect();
        types.into_iter().next()
    }

    fn preferred(&self) -> bool {
        self.params.iter().any(|(k, v)| {
            (k == "PREF" && v != "0")
                || ((k == "TYPE" || k.is_empty())
                    && v.to_lowercase().split(',').any(|t| t == "pref"))
        })
    }
}

/// Undoes RFC 6350 §3.4 escaping.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Splits a structured value on unescaped `;`.
fn components(s: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut escaped = false;
    for c in s.chars() {
        match (escaped, c) {
            (false, '\\') => {
                escaped = true;
                continue;
            }
            (false, ';') => parts.push(String::new()),
            (true, c) => {
                if let Some(last) = parts.last_mut() {
                    last.push('\\');
                    last.push(c);
                }
            }
            (false, c) => {
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
        escaped = false;
    }
    parts
        .iter()
        .map(|p| unescape(p).trim().to_owned())
        .collect()
}

/// Quoted-printable (vCard 2.1), decoded as UTF-8 (what phones write) or Latin-1.
fn quoted_printable(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() + 1 {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out.clone()).unwrap_or_else(|_| out.iter().map(|&b| char::from(b)).collect())
}

/// Logical lines (unfolded) with the line number each starts on.
fn unfold(text: &str) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = Vec::new();
    let mut qp_continues = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let folded = line.starts_with(' ') || line.starts_with('\t');
        match out.last_mut() {
            Some((_, last)) if folded => last.push_str(&line[1..]),
            // A 2.1 quoted-printable value ends a line with "=" to continue on the next.
            Some((_, last)) if qp_continues => last.push_str(line),
            _ => out.push((i as u64 + 1, line.to_owned())),
        }
        qp_continues = out.last().is_some_and(|(_, l)| {
            l.to_uppercase().contains("QUOTED-PRINTABLE") && l.ends_with('=')
        });
        if qp_continues {
            if let Some((_, l)) = out.last_mut() {
                l.pop();
            }
        }
    }
    out
}

fn prop(line: &str) -> Option<Prop> {
    let (head, value) = line.split_once(':')?;
    let mut parts = head.split(';');
    // "item1.TEL" (Apple's groups): the group is dropped.
    let name = parts.next()?.rsplit('.').next()?.trim().to_uppercase();
    let params = parts
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (
                k.trim().to_uppercase(),
                v.trim().trim_matches('"').to_owned(),
            ),
            None => (String::new(), p.trim().to_owned()),
        })
        .collect();
    let mut p = Prop {
        name,
        params,
        value: value.to_owned(),
    };
    if p.param("ENCODING")
        .is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
    {
        p.value = quoted_printable(&p.value);
    }
    Some(p)
}

/// `19850423`, `1985-04-23`, or `--0423` (no year: not a birthday we can store).
fn birthday(v: &str) -> Option<String> {
    let d: String = v
        .chars()
        .take_while(|c| *c != 'T')
        .filter(char::is_ascii_digit)
        .collect();
    (d.len() == 8 && !v.starts_with("--")).then(|| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8]))
}

/// Every card of `text`, as the line it starts on and the row it reads as; a card without
/// `END:VCARD` is an error at its line.
pub fn read_cards(text: &str) -> Vec<Result<(u64, Row), (u64, Problem)>> {
    let mut out = Vec::new();
    let mut card: Option<(u64, Row, AddressDraft)> = None;
    for (line_no, line) in unfold(text.trim_start_matches('\u{feff}')) {
        if line.trim().is_empty() {
            continue;
        }
        let Some(p) = prop(&line) else {
            if card.is_some() {
                out.push(Err((line_no, Problem::NotACardProperty(line.clone()))));
            }
            continue;
        };
        match (p.name.as_str(), &mut card) {
            ("BEGIN", _) if p.value.trim().eq_ignore_ascii_case("VCARD") => {
                if let Some((start, _, _)) = card.take() {
                    out.push(Err((start, Problem::CardWithoutEnd)));
                }
                card = Some((line_no, Row::default(), AddressDraft::default()));
            }
            ("END", Some(_)) => {
                if let Some((start, mut row, addr)) = card.take() {
                    if addr != AddressDraft::default() {
                        row.country = addr.country.clone().filter(|c| c.len() == 2);
                        row.person.addresses.push(addr);
                    }
                    out.push(Ok((start, row)));
                }
            }
            (_, Some((_, row, addr))) => apply(&p, row, addr),
            _ => {}
        }
    }
    if let Some((start, _, _)) = card {
        out.push(Err((start, Problem::CardWithoutEnd)));
    }
    out
}

fn apply(p: &Prop, row: &mut Row, addr: &mut AddressDraft) {
    let person = &mut row.person;
    let v = || unescape(&p.value).trim().to_owned();
    let point = || ContactPoint {
        value: v()
            .trim_start_matches("tel:")
            .trim_start_matches("mailto:")
            .to_owned(),
        label: p.label(),
        primary: p.preferred(),
    };
    match p.name.as_str() {
        "FN" => person.display_name = Some(v()).filter(|s| !s.is_empty()),
        "N" => {
            let c = components(&p.value);
            person.family_name = c.first().cloned().filter(|s| !s.is_empty());
            person.given_name = c.get(1).cloned().filter(|s| !s.is_empty());
        }
        "EMAIL" => person.emails.push(point()),
        "TEL" => person.phones.push(point()),
        "ORG" => {
            let name = components(&p.value)
                .into_iter()
                .next()
                .filter(|s| !s.is_empty());
            if let Some(name) = name {
                row.organization = Some(name);
                if person.organizations.is_empty() {
                    person.organizations.push(AffiliationDraft::default());
                }
            }
        }
        "TITLE" => {
            if person.organizations.is_empty() {
                person.organizations.push(AffiliationDraft::default());
            }
            if let Some(a) = person.organizations.first_mut() {
                a.title = Some(v()).filter(|s| !s.is_empty());
            }
        }
        "ADR" if *addr == AddressDraft::default() => {
            let c = components(&p.value);
            let at = |i: usize| c.get(i).cloned().filter(|s| !s.is_empty());
            *addr = AddressDraft {
                label: p.label(),
                street: at(2),
                city: at(3),
                region: at(4),
                postal_code: at(5),
                country: at(6),
                primary: true,
            };
        }
        "BDAY" => person.birthday = birthday(&p.value),
        "NOTE" => person.notes = Some(v()).filter(|s| !s.is_empty()),
        "CATEGORIES" => person.tags.extend(
            p.value
                .split(',')
                .map(|t| unescape(t).trim().to_owned())
                .filter(|t| !t.is_empty()),
        ),
        "LANG" => person.language = Some(v()).filter(|s| !s.is_empty()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vcard_4_with_folded_lines_and_escapes_reads_whole() {
        let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:José Núñez\r\nN:Núñez;José;;;\r\nEMAIL;TYPE=work:jose@ejemplo.es\r\nTEL;VALUE=uri;TYPE=cell;PREF=1:tel:+34612345678\r\nORG:Ferretería Núñez\\, S.L.;Ventas\r\nTITLE:Gerente\r\nADR;TYPE=work:;;Calle Mayor 5;Madrid;;28013;ES\r\nBDAY:19850423\r\nNOTE:Prefiere llamadas\\npor la tarde y un texto muy largo que se par\r\n te en dos líneas\r\nCATEGORIES:VIP,Madrid\r\nEND:VCARD\r\n";
        let cards = read_cards(text);
        assert_eq!(cards.len(), 1);
        let (line, row) = cards[0].clone().expect("card");
        assert_eq!(line, 1);
        let p = &row.person;
        assert_eq!(p.given_name.as_deref(), Some("José"));
        assert_eq!(p.emails[0].label.as_deref(), Some("work"));
        assert_eq!(p.phones[0].value, "+34612345678");
        assert!(p.phones[0].primary);
        assert_eq!(row.organization.as_deref(), Some("Ferretería Núñez, S.L."));
        assert_eq!(p.organizations[0].title.as_deref(), Some("Gerente"));
        assert_eq!(p.addresses[0].postal_code.as_deref(), Some("28013"));
        assert_eq!(row.country.as_deref(), Some("ES"));
        assert_eq!(p.birthday.as_deref(), Some("1985-04-23"));
        assert_eq!(
            p.notes.as_deref(),
            Some("Prefiere llamadas\npor la tarde y un texto muy largo que se parte en dos líneas")
        );
        assert_eq!(p.tags, vec!["VIP", "Madrid"]);
    }

    #[test]
    fn an_android_2_1_card_with_quoted_printable_utf8_reads_too() {
        let text = "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Mu=C3=B1oz;Mar=C3=ADa;;;\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Mar=C3=ADa Mu=C3=B1oz\nTEL;CELL;PREF:612 34 56 78\nTEL;HOME:91 123 45 67\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Sin final\n";
        let cards = read_cards(text);
        let (_, row) = cards[0].clone().expect("card");
        assert_eq!(row.person.display_name.as_deref(), Some("María Muñoz"));
        assert_eq!(row.person.family_name.as_deref(), Some("Muñoz"));
        assert_eq!(row.person.phones[0].label.as_deref(), Some("cell"));
        assert!(row.person.phones[0].primary);
        assert_eq!(row.person.phones[1].label.as_deref(), Some("home"));
        assert_eq!(cards[1], Err((8, Problem::CardWithoutEnd)));
    }
}
