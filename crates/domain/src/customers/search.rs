//! Search terms: what a customer can be found by, folded so that "jose" finds "José" and a
//! phone typed any way finds the stored number. A query's words must each begin some term
//! of the same customer. Terms are ASCII (transliterated), so a plain B-tree range scan
//! (`term >= w AND term < w || '\x7f'`) answers prefix queries on both backends.
use super::Customer;
use crate::identity::KeyKind;

/// Lowercase ASCII transliteration: "Núñez" → "nunez", "Łódź" → "lodz".
pub fn fold(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

/// Digits of a phone as typed; the international "00" prefix is dropped.
fn phone_digits(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    d.strip_prefix("00").map(str::to_owned).unwrap_or(d)
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    fold(s)
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// Every term a customer is found by. `org_names` are the names of a person's organisations
/// (so "acme" finds Acme's people too). `national_digits` gives a phone's national number
/// (the E.164 digits without the country code), so "612345678" finds "+34612345678".
pub fn terms(
    p: &Customer,
    org_names: &[String],
    national_digits: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |t: String| {
        let t: String = t.chars().take(100).collect();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    };
    for name in [
        Some(&p.display_name),
        p.given_name.as_ref(),
        p.family_name.as_ref(),
    ]
    .into_iter()
    .chain(org_names.iter().map(Some))
    .flatten()
    {
        words(name).for_each(&mut add);
    }
    if let Some(t) = &p.tax_id {
        add(fold(t));
    }
    for k in &p.keys {
        match k.key.kind {
            KeyKind::Email => {
                let e = fold(&k.key.value);
                if let Some((local, domain)) = e.split_once('@') {
                    add(local.to_owned());
                    add(domain.to_owned());
                }
                add(e);
            }
            KeyKind::Phone => {
                add(phone_digits(&k.key.value));
                // As typed too: with a trunk prefix ("(011) 4123-4567" in Argentina, "020…"
                // in the UK), which is how the person who typed it will search for it.
                add(phone_digits(&k.key.display));
                if let Some(n) = national_digits(&k.key.value) {
                    add(n);
                }
            }
            KeyKind::Domain => add(fold(&k.key.value)),
            KeyKind::External => {
                let v = fold(&k.key.value);
                if let Some((_, id)) = v.split_once(':') {
                    add(id.to_owned());
                }
                add(v);
            }
        }
    }
    out
}

/// The words of a query, each to be matched as a prefix. A query that looks like a phone
/// number (digits and separators only, at least 4 digits) is one word of its digits.
pub fn query_words(q: &str) -> Vec<String> {
    let q = q.trim();
    let looks_like_phone = q
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()/".contains(c))
        && q.chars().filter(char::is_ascii_digit).count() >= 4;
    if looks_like_phone {
        let d = phone_digits(q);
        return if d.is_empty() { Vec::new() } else { vec![d] };
    }
    let mut out: Vec<String> = words(q).collect();
    out.truncate(8);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::{ContactPoint, PersonDraft, DEFAULT_STAGES};
    use crate::identity::Region;

    fn person() -> Customer {
        PersonDraft {
            given_name: Some("José María".into()),
            family_name: Some("Núñez".into()),
            emails: vec![ContactPoint {
                value: "JM.Nunez@Ejemplo.es".into(),
                ..ContactPoint::default()
            }],
            phones: vec![ContactPoint {
                value: "612 34 56 78".into(),
                ..ContactPoint::default()
            }],
            external_ids: vec!["erp:C-0042".into()],
            ..PersonDraft::default()
        }
        .validate(Region::ES, &DEFAULT_STAGES)
        .expect("valid")
    }

    fn finds(q: &str) -> bool {
        let t = terms(&person(), &["Ferretería Núñez".into()], |e164| {
            e164.strip_prefix("+34").map(str::to_owned)
        });
        let w = query_words(q);
        !w.is_empty()
            && w.iter()
                .all(|w| t.iter().any(|t| t.starts_with(w.as_str())))
    }

    #[test]
    fn names_are_found_without_accents_or_case() {
        for q in ["jose", "José", "JOSE MAR", "nunez", "Núñ", "maria nunez"] {
            assert!(finds(q), "{q:?}");
        }
        assert!(!finds("pedro"));
        assert!(!finds("jose pedro"), "every word must match");
        assert!(
            finds("ferreteria jose"),
            "an organisation's name finds its people"
        );
    }

    #[test]
    fn phones_are_found_however_they_are_typed() {
        for q in [
            "+34 612 34 56 78",
            "612345678",
            "0034612345678",
            "612 34",
            "(+34) 612-345",
        ] {
            assert!(finds(q), "{q:?}");
        }
        assert!(!finds("699 11 22"));
    }

    #[test]
    fn emails_and_external_ids_are_found_whole_or_in_part() {
        for q in [
            "jm.nunez@ejemplo.es",
            "jm.nu",
            "ejemplo.es",
            "erp:c-0042",
            "C-0042",
        ] {
            assert!(finds(q), "{q:?}");
        }
    }

    #[test]
    fn terms_and_words_are_ascii() {
        let t = terms(&person(), &[], |_| None);
        assert!(t.iter().all(|t| t.is_ascii()), "{t:?}");
        assert!(query_words("Łódź Ñandú").iter().all(|w| w.is_ascii()));
    }
}
