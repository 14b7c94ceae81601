//! Exporting customers: CSV (one row per customer, lists joined with `;`) and vCard 4.0
//! (RFC 6350, what phones and mail clients import). Both are produced page by page, so an
//! export of a million customers runs in constant memory.
use crate::{App, AppError, Principal};
use vinculo_domain::customers::custom::FieldDef;
use vinculo_domain::identity::KeyKind;
use vinculo_store::customers::{CustomerFilter, CustomerRecord};
use vinculo_store::Cursor;

/// Customers fetched per page while exporting.
const PAGE: u64 = 500;

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    VCard,
}

pub const CSV_HEADER: [&str; 24] = [
    "id",
    "kind",
    "display_name",
    "given_name",
    "family_name",
    "emails",
    "phones",
    "external_ids",
    "organizations",
    "domains",
    "tax_id",
    "industry",
    "size",
    "addresses",
    "lifecycle_stage",
    "owner",
    "tags",
    "language",
    "timezone",
    "birthday",
    "notes",
    "archived",
    "created_at",
    "updated_at",
];

fn joined(c: &CustomerRecord, kind: KeyKind) -> String {
    c.keys
        .iter()
        .filter(|k| k.kind == kind)
        .map(|k| k.value.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// CSV for a page of customers, with a column per custom field (headed by its key) after the
/// standard ones; with the header line when `header`.
pub fn csv_chunk(
    customers: &[CustomerRecord],
    fields: &[FieldDef],
    header: bool,
) -> Result<Vec<u8>, AppError> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let err = |e: csv::Error| AppError::Internal(e.to_string());
    if header {
        let custom = fields.iter().map(|f| f.key.as_str());
        w.write_record(CSV_HEADER.into_iter().chain(custom))
            .map_err(err)?;
    }
    for c in customers {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        // As the import reads them back: a multi select's choices joined by "; ".
        let custom = fields.iter().map(|f| {
            c.custom
                .get(&f.key)
                .map(|v| f.texts(v).join("; "))
                .unwrap_or_default()
        });
        w.write_record(
            [
                c.id.to_string(),
                c.kind.as_str().to_owned(),
                c.display_name.clone(),
                opt(&c.given_name),
                opt(&c.family_name),
                joined(c, KeyKind::Email),
                joined(c, KeyKind::Phone),
                joined(c, KeyKind::External),
                c.affiliations
                    .iter()
                    .map(|a| match &a.title {
                        Some(t) => format!("{} ({t})", a.name),
                        None => a.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(";"),
                joined(c, KeyKind::Domain),
                opt(&c.tax_id),
                opt(&c.industry),
                opt(&c.size),
                c.addresses
                    .iter()
                    .map(|a| a.one_line())
                    .collect::<Vec<_>>()
                    .join(" | "),
                c.lifecycle_stage.clone(),
                opt(&c.owner),
                c.tags.join(";"),
                opt(&c.language),
                opt(&c.timezone),
                c.birthday.map(|d| d.to_string()).unwrap_or_default(),
                opt(&c.notes),
                c.archived_at.is_some().to_string(),
                rfc3339(c.created_at),
                rfc3339(c.updated_at),
            ]
            .into_iter()
            .chain(custom),
        )
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Escapes a vCard text value (RFC 6350 §3.4): backslash, comma, semicolon, newline.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a UTF-8 character (RFC 6350 §3.2).
fn fold_line(line: &str, out: &mut String) {
    let mut width = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
}

/// One customer as a vCard 4.0.
pub fn vcard(c: &CustomerRecord) -> String {
    let mut lines = vec![
        "BEGIN:VCARD".to_owned(),
        "VERSION:4.0".to_owned(),
        format!("UID:urn:uuid:{}", c.id),
    ];
    lines.push(format!("FN:{}", esc(&c.display_name)));
    if c.kind == vinculo_domain::customers::Kind::Organization {
        lines.push("KIND:org".to_owned());
        lines.push(format!("ORG:{}", esc(&c.display_name)));
    } else {
        lines.push(format!(
            "N:{};{};;;",
            esc(c.family_name.as_deref().unwrap_or("")),
            esc(c.given_name.as_deref().unwrap_or(""))
        ));
    }
    if let Some(a) = c.affiliations.first() {
        lines.push(format!("ORG:{}", esc(&a.name)));
        if let Some(t) = &a.title {
            lines.push(format!("TITLE:{}", esc(t)));
        }
    }
    for a in &c.addresses {
        let typ = a
            .label
            .as_deref()
            .map(|l| format!(";TYPE={}", esc(&l.to_lowercase())))
            .unwrap_or_default();
        let pref = if a.primary { ";PREF=1" } else { "" };
        let part = |v: &Option<String>| esc(v.as_deref().unwrap_or(""));
        // ADR: post office box; extended; street; locality; region; postal code; country.
        lines.push(format!(
            "ADR{typ}{pref}:;;{};{};{};{};{}",
            part(&a.street),
            part(&a.city),
            part(&a.region),
            part(&a.postal_code),
            part(&a.country)
        ));
    }
    for k in &c.keys {
        let pref = if k.primary { ";PREF=1" } else { "" };
        let typ = k
            .label
            .as_deref()
            .map(|l| format!(";TYPE={}", esc(&l.to_lowercase())))
            .unwrap_or_default();
        match k.kind {
            KeyKind::Email => lines.push(format!("EMAIL{typ}{pref}:{}", esc(&k.value))),
            KeyKind::Phone => lines.push(format!("TEL;VALUE=uri{typ}{pref}:tel:{}", k.value)),
            KeyKind::Domain => lines.push(format!("URL:https://{}/", k.value)),
            KeyKind::External => {}
        }
    }
    if let Some(b) = c.birthday {
        lines.push(format!(
            "BDAY:{:04}{:02}{:02}",
            b.year(),
            u8::from(b.month()),
            b.day()
        ));
    }
    if !c.tags.is_empty() {
        lines.push(format!(
            "CATEGORIES:{}",
            c.tags.iter().map(|t| esc(t)).collect::<Vec<_>>().join(",")
        ));
    }
    if let Some(l) = &c.language {
        lines.push(format!("LANG:{}", esc(l)));
    }
    if let Some(n) = &c.notes {
        lines.push(format!("NOTE:{}", esc(n)));
    }
    let rev = c
        .updated_at
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    lines.push(format!("REV:{rev}"));
    lines.push("END:VCARD".to_owned());
    let mut out = String::new();
    for l in &lines {
        fold_line(l, &mut out);
    }
    out
}

/// Exports every customer matching `filter`, calling `sink` with each chunk of bytes.
pub async fn export<F, Fut>(
    app: &App,
    actor: &Principal,
    filter: &CustomerFilter,
    format: Format,
    mut sink: F,
) -> Result<u64, AppError>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let mut cursor: Option<Cursor> = None;
    let mut count = 0u64;
    let mut first = true;
    // The columns of the fields the listed kind has (both kinds' when the list mixes them).
    let fields: Vec<FieldDef> = crate::customers::custom_fields(app, actor)
        .await?
        .into_iter()
        .filter(|d| filter.kind.is_none_or(|k| d.applies_to.includes(k)))
        .collect();
    loop {
        let page = crate::customers::list(app, actor, filter, cursor, PAGE).await?;
        let chunk = match format {
            Format::Csv => csv_chunk(&page.items, &fields, first)?,
            Format::VCard => page
                .items
                .iter()
                .map(vcard)
                .collect::<String>()
                .into_bytes(),
        };
        first = false;
        count += page.items.len() as u64;
        if !sink(chunk).await {
            break;
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vcard_text_is_escaped_and_long_lines_fold_on_character_boundaries() {
        assert_eq!(esc("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        fold_line(&format!("NOTE:{}", "ñ".repeat(60)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("NOTE:{}\r\n", "ñ".repeat(60))
        );
    }
}
