//! Custom fields: typed fields an admin adds to people, organisations or both (text, number,
//! money, date, boolean, single and multi select, URL). A definition validates once into a
//! [`FieldDef`]; a value is read from JSON (the API) or from text (a form or a spreadsheet
//! cell: "1.250,50 €", "sí", "31/01/2026") into one canonical [`FieldValue`], which also gives
//! the two columns lists filter and sort on: folded text and a number.
use super::search::fold;
use super::{Kind, Problem};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::fmt;
use time::Date;

/// Fields per workspace: enough for any CRM we know, few enough to keep forms readable.
pub const MAX_FIELDS: usize = 100;
pub const MAX_OPTIONS: usize = 200;
const MAX_TEXT: usize = 2_000;
const MAX_LABEL: usize = 80;
const MAX_KEY: usize = 40;

/// A custom field's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    /// Integer minor units in the field's currency.
    Money,
    Date,
    Boolean,
    Select,
    MultiSelect,
    Url,
}

impl FieldType {
    pub const ALL: [FieldType; 8] = [
        FieldType::Text,
        FieldType::Number,
        FieldType::Money,
        FieldType::Date,
        FieldType::Boolean,
        FieldType::Select,
        FieldType::MultiSelect,
        FieldType::Url,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Money => "money",
            FieldType::Date => "date",
            FieldType::Boolean => "boolean",
            FieldType::Select => "select",
            FieldType::MultiSelect => "multi_select",
            FieldType::Url => "url",
        }
    }

    pub fn parse(s: &str) -> Option<FieldType> {
        FieldType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Sorted and compared by number (else by folded text).
    pub fn numeric(self) -> bool {
        matches!(
            self,
            FieldType::Number | FieldType::Money | FieldType::Boolean
        )
    }

    /// Has a list of options.
    pub fn has_options(self) -> bool {
        matches!(self, FieldType::Select | FieldType::MultiSelect)
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which customers a field is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    Person,
    Organization,
    Both,
}

impl AppliesTo {
    pub fn as_str(self) -> &'static str {
        match self {
            AppliesTo::Person => "person",
            AppliesTo::Organization => "organization",
            AppliesTo::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<AppliesTo> {
        match s {
            "person" => Some(AppliesTo::Person),
            "organization" => Some(AppliesTo::Organization),
            "both" => Some(AppliesTo::Both),
            _ => None,
        }
    }

    pub fn includes(self, k: Kind) -> bool {
        matches!(
            (self, k),
            (AppliesTo::Both, _)
                | (AppliesTo::Person, Kind::Person)
                | (AppliesTo::Organization, Kind::Organization)
        )
    }
}

/// A defined custom field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub id: uuid::Uuid,
    /// Stable name in the API, filters and CSV headers: `contract_value`.
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    pub applies_to: AppliesTo,
    /// Select and multi select: the choices, in display order.
    pub options: Vec<String>,
    /// Money: ISO 4217 code.
    pub currency: Option<String>,
}

/// A definition as submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct FieldDefDraft {
    pub key: Option<String>,
    pub label: Option<String>,
    pub field_type: Option<String>,
    pub applies_to: Option<String>,
    pub options: Option<Vec<String>>,
    pub currency: Option<String>,
}

/// One problem of a definition or a value, by field.
pub type Issue = super::FieldIssue;

fn issue(field: impl Into<String>, problem: Problem) -> Issue {
    Issue::new(field, problem)
}

/// A key from a label: "Valor del contrato" → `valor_del_contrato`.
pub fn key_from_label(label: &str) -> String {
    let mut key = String::new();
    for c in fold(label).chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let key = key.trim_end_matches('_');
    let key = if key.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{key}")
    } else {
        key.to_owned()
    };
    key.chars().take(MAX_KEY).collect::<String>()
}

fn valid_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some('a'..='z'))
        && k.len() <= MAX_KEY
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Checks and tidies a list of options: trimmed, none blank, none repeated (ignoring case and
/// accents).
pub fn check_options(options: &[String]) -> Result<Vec<String>, Issue> {
    let mut out: Vec<String> = Vec::new();
    for (i, o) in options.iter().enumerate() {
        let o = o.trim();
        if o.is_empty() {
            continue;
        }
        if o.chars().count() > 100 {
            return Err(issue(
                format!("options[{i}]"),
                Problem::TooLong { max: 100 },
            ));
        }
        if out.iter().any(|x| fold(x) == fold(o)) {
            return Err(issue(
                format!("options[{i}]"),
                Problem::RepeatedOption(o.to_owned()),
            ));
        }
        out.push(o.to_owned());
    }
    if out.len() > MAX_OPTIONS {
        return Err(issue(
            "options",
            Problem::TooManyOptions { max: MAX_OPTIONS },
        ));
    }
    Ok(out)
}

impl FieldDefDraft {
    /// Checks a new definition.
    pub fn validate(&self) -> Result<FieldDef, Vec<Issue>> {
        let mut issues = Vec::new();
        let label = self
            .label
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        let label = match label {
            None => {
                issues.push(issue("label", Problem::NoLabel));
                String::new()
            }
            Some(l) if l.chars().count() > MAX_LABEL => {
                issues.push(issue("label", Problem::TooLong { max: MAX_LABEL }));
                String::new()
            }
            Some(l) => l.to_owned(),
        };
        let key = match self.key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) if valid_key(k) => k.to_owned(),
            Some(k) => {
                issues.push(issue(
                    "key",
                    Problem::BadKey {
                        value: k.to_owned(),
                        max: MAX_KEY,
                    },
                ));
                String::new()
            }
            None => {
                let k = key_from_label(&label);
                if k.is_empty() && !label.is_empty() {
                    issues.push(issue("key", Problem::KeyWithoutLetters));
                }
                k
            }
        };
        let field_type = match self.field_type.as_deref().map(str::trim) {
            Some(t) => FieldType::parse(t).unwrap_or_else(|| {
                issues.push(issue(
                    "field_type",
                    Problem::UnknownType {
                        value: t.to_owned(),
                        types: FieldType::ALL.iter().map(|t| t.as_str()).collect(),
                    },
                ));
                FieldType::Text
            }),
            None => {
                issues.push(issue("field_type", Problem::NoType));
                FieldType::Text
            }
        };
        let applies_to = match self.applies_to.as_deref().map(str::trim) {
            None | Some("") => AppliesTo::Person,
            Some(a) => AppliesTo::parse(a).unwrap_or_else(|| {
                issues.push(issue("applies_to", Problem::BadAppliesTo));
                AppliesTo::Person
            }),
        };
        let options = match check_options(self.options.as_deref().unwrap_or_default()) {
            Ok(o) => o,
            Err(i) => {
                issues.push(i);
                Vec::new()
            }
        };
        if field_type.has_options() && options.is_empty() && issues.is_empty() {
            issues.push(issue("options", Problem::NoOptions));
        }
        if !field_type.has_options() && !options.is_empty() {
            issues.push(issue("options", Problem::OptionsWithoutSelect));
        }
        let currency = match (field_type, self.currency.as_deref().map(str::trim)) {
            (FieldType::Money, None | Some("")) => Some("EUR".to_owned()),
            (FieldType::Money, Some(c)) => {
                let code = super::tier::read_currency(c);
                if code.is_none() {
                    issues.push(issue("currency", Problem::NotACurrency(c.to_owned())));
                }
                code
            }
            (_, None | Some("")) => None,
            (_, Some(_)) => {
                issues.push(issue("currency", Problem::CurrencyWithoutMoney));
                None
            }
        };
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(FieldDef {
            id: uuid::Uuid::now_v7(),
            key,
            label,
            field_type,
            applies_to,
            options,
            currency,
        })
    }
}

/// A value of a custom field, checked against its definition.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    /// Minor units.
    Money(i64),
    Date(Date),
    Boolean(bool),
    Select(String),
    Multi(Vec<String>),
    Url(String),
}

/// How lists index a value: folded text (text, dates as ISO, options) or a number.
#[derive(Clone, Debug, PartialEq)]
pub struct Indexed {
    pub folded: Option<String>,
    pub number: Option<f64>,
}

const DAY: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A date as people type it: ISO `2026-01-31`, or day first `31/01/2026`, `31-01-2026`,
/// `31.01.2026` (the order Spanish speakers write).
pub fn read_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Ok(d) = Date::parse(s, DAY) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts.as_slice() {
        let (d, m, y): (u8, u8, i32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
        if y.to_string().len() == 4 {
            let month = time::Month::try_from(m).ok()?;
            return Date::from_calendar_date(y, month, d).ok();
        }
    }
    None
}

/// A number as people type it: `1250.5`, `1.250,50`, `1,250.50`, `1 250,5`, with a currency
/// sign or code around it.
pub fn read_number(s: &str) -> Option<f64> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
        .collect();
    if t.is_empty() || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // Letters other than a currency next to digits ("12abc") are not a number.
    let letters = s.chars().filter(|c| c.is_alphabetic()).collect::<String>();
    if !(letters.is_empty()
        || (letters.len() == 3 && letters.chars().all(|c| c.is_ascii_uppercase())))
    {
        return None;
    }
    let (dot, comma) = (t.rfind('.'), t.rfind(','));
    let normal = match (dot, comma) {
        (Some(d), Some(c)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        // One comma: decimal comma unless it groups thousands ("1,250").
        (None, Some(c)) if t.matches(',').count() == 1 && t.len() - c - 1 != 3 => {
            t.replace(',', ".")
        }
        (None, Some(_)) => t.replace(',', ""),
        // Several dots group thousands ("1.250.000"); one is the decimal point.
        (Some(_), None) if t.matches('.').count() > 1 => t.replace('.', ""),
        _ => t,
    };
    normal.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn read_bool(s: &str) -> Option<bool> {
    match fold(s.trim()).as_str() {
        "true" | "yes" | "y" | "si" | "s" | "1" | "verdadero" | "x" => Some(true),
        "false" | "no" | "n" | "0" | "falso" => Some(false),
        _ => None,
    }
}

/// Minor units per major unit of a currency (ISO 4217 exponents of the currencies that differ
/// from 2).
pub fn minor_per_major(currency: &str) -> i64 {
    match currency {
        "JPY" | "KRW" | "CLP" | "PYG" | "ISK" | "VND" | "XAF" | "XOF" | "UGX" => 1,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "IQD" | "LYD" => 1_000,
        _ => 100,
    }
}

impl FieldDef {
    /// Reads a value from JSON: its native type or its text. `None` clears the field (null or
    /// an empty string or list).
    pub fn read(&self, v: &Value) -> Result<Option<FieldValue>, Problem> {
        match (self.field_type, v) {
            (_, Value::Null) => Ok(None),
            (FieldType::Number, Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .map(|f| Some(FieldValue::Number(f)))
                .ok_or(Problem::NotFinite),
            (FieldType::Money, Value::Number(n)) => self.money(n.as_f64()),
            (FieldType::Money, Value::Object(o)) => {
                match (
                    o.get("amount").and_then(Value::as_i64),
                    o.get("currency").and_then(Value::as_str),
                ) {
                    (Some(a), Some(c)) if Some(c) == self.currency.as_deref() => {
                        Ok(Some(FieldValue::Money(a)))
                    }
                    (Some(_), Some(c)) => Err(Problem::OtherCurrency {
                        given: c.to_owned(),
                        currency: self.currency.as_deref().unwrap_or("EUR").to_owned(),
                    }),
                    _ => Err(Problem::MoneyShape),
                }
            }
            (FieldType::Boolean, Value::Bool(b)) => Ok(Some(FieldValue::Boolean(*b))),
            (FieldType::MultiSelect, Value::Array(items)) => {
                let mut texts = Vec::new();
                for i in items {
                    match i {
                        Value::String(s) => texts.push(s.as_str()),
                        _ => return Err(Problem::OptionsAsText),
                    }
                }
                self.multi(texts)
            }
            (_, Value::String(s)) => self.read_text(s),
            (t, _) => Err(Problem::WrongType {
                type_name: t.as_str().replace('_', " "),
            }),
        }
    }

    /// Reads a value typed as text (a form, a spreadsheet cell). Blank clears the field.
    pub fn read_text(&self, s: &str) -> Result<Option<FieldValue>, Problem> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let value = match self.field_type {
            FieldType::Text => {
                if s.chars().count() > MAX_TEXT {
                    return Err(Problem::TooLong { max: MAX_TEXT });
                }
                FieldValue::Text(s.to_owned())
            }
            FieldType::Number => {
                FieldValue::Number(read_number(s).ok_or_else(|| Problem::NotANumber(s.to_owned()))?)
            }
            FieldType::Money => {
                return self.money(Some(
                    read_number(s).ok_or_else(|| Problem::NotAnAmount(s.to_owned()))?,
                ))
            }
            FieldType::Date => FieldValue::Date(read_date(s).ok_or_else(|| Problem::NotADate {
                value: s.to_owned(),
                example: "2026-01-31",
            })?),
            FieldType::Boolean => {
                FieldValue::Boolean(read_bool(s).ok_or_else(|| Problem::NotYesOrNo(s.to_owned()))?)
            }
            FieldType::Select => FieldValue::Select(self.option(s)?),
            FieldType::MultiSelect => return self.multi(s.split(';').collect()),
            FieldType::Url => FieldValue::Url(read_url(s)?),
        };
        Ok(Some(value))
    }

    fn money(&self, major: Option<f64>) -> Result<Option<FieldValue>, Problem> {
        let major = major.filter(|f| f.is_finite()).ok_or(Problem::NotFinite)?;
        let unit = minor_per_major(self.currency.as_deref().unwrap_or("EUR")) as f64;
        let minor = (major * unit).round();
        if minor.abs() > 9.0e15 {
            return Err(Problem::AmountTooLarge);
        }
        Ok(Some(FieldValue::Money(minor as i64)))
    }

    fn option(&self, s: &str) -> Result<String, Problem> {
        let f = fold(s.trim());
        self.options
            .iter()
            .find(|o| fold(o) == f)
            .cloned()
            .ok_or_else(|| Problem::NotAChoice {
                value: s.to_owned(),
                options: self.options.clone(),
            })
    }

    fn multi(&self, items: Vec<&str>) -> Result<Option<FieldValue>, Problem> {
        let mut out: Vec<String> = Vec::new();
        for i in items.into_iter().map(str::trim).filter(|i| !i.is_empty()) {
            let o = self.option(i)?;
            if !out.contains(&o) {
                out.push(o);
            }
        }
        // In the field's own order, so two equal choices compare equal.
        out.sort_by_key(|o| self.options.iter().position(|x| x == o));
        Ok((!out.is_empty()).then_some(FieldValue::Multi(out)))
    }

    /// The value as the API shows it.
    pub fn to_json(&self, v: &FieldValue) -> Value {
        match v {
            FieldValue::Text(s) | FieldValue::Select(s) | FieldValue::Url(s) => json!(s),
            FieldValue::Number(n) => json!(n),
            FieldValue::Money(m) => {
                json!({"amount": m, "currency": self.currency.as_deref().unwrap_or("EUR")})
            }
            FieldValue::Date(d) => json!(d.to_string()),
            FieldValue::Boolean(b) => json!(b),
            FieldValue::Multi(items) => json!(items),
        }
    }

    /// The value as text that [`FieldDef::read_text`] reads back (exports, forms).
    pub fn to_text(&self, v: &FieldValue) -> String {
        match v {
            FieldValue::Text(s) | FieldValue::Select(s) | FieldValue::Url(s) => s.clone(),
            FieldValue::Number(n) => n.to_string(),
            FieldValue::Money(m) => {
                let unit = minor_per_major(self.currency.as_deref().unwrap_or("EUR"));
                let digits = unit.to_string().len() - 1;
                if digits == 0 {
                    m.to_string()
                } else {
                    let sign = if *m < 0 { "-" } else { "" };
                    let a = m.unsigned_abs();
                    let u = unit.unsigned_abs();
                    format!("{sign}{}.{:0digits$}", a / u, a % u)
                }
            }
            FieldValue::Date(d) => d.to_string(),
            FieldValue::Boolean(true) => "yes".into(),
            FieldValue::Boolean(false) => "no".into(),
            FieldValue::Multi(items) => items.join("; "),
        }
    }

    /// A stored value as text: one per choice of a multi select, else one. A value stored
    /// under an earlier definition that no longer reads it comes back as it was kept, so
    /// nothing is hidden or lost.
    pub fn texts(&self, v: &Value) -> Vec<String> {
        match self.read(v) {
            Ok(Some(FieldValue::Multi(items))) => items,
            Ok(Some(value)) => vec![self.to_text(&value)],
            Ok(None) => Vec::new(),
            Err(_) => vec![v.as_str().map_or_else(|| v.to_string(), str::to_owned)],
        }
    }

    /// What lists filter and sort on.
    pub fn index(&self, v: &FieldValue) -> Indexed {
        let text = |s: &str| Indexed {
            folded: Some(fold(s)),
            number: None,
        };
        let number = |n: f64| Indexed {
            folded: None,
            number: Some(n),
        };
        match v {
            FieldValue::Text(s) | FieldValue::Select(s) | FieldValue::Url(s) => text(s),
            FieldValue::Date(d) => text(&d.to_string()),
            // "|a|b|": a choice is found as "%|choice|%", whatever its neighbours.
            FieldValue::Multi(items) => Indexed {
                folded: Some(format!(
                    "|{}|",
                    items.iter().map(|i| fold(i)).collect::<Vec<_>>().join("|")
                )),
                number: None,
            },
            FieldValue::Number(n) => number(*n),
            FieldValue::Money(m) => number(*m as f64),
            FieldValue::Boolean(b) => number(if *b { 1.0 } else { 0.0 }),
        }
    }
}

/// Checks a customer's custom field values against the workspace's definitions: every key
/// must name a field for this kind of customer, and every value fit its type. Null and blank
/// values are left out (the field is cleared).
pub fn check_values(
    defs: &[FieldDef],
    kind: Kind,
    given: &std::collections::BTreeMap<String, Value>,
) -> Result<Vec<super::CustomValue>, Vec<Issue>> {
    let mut out = Vec::new();
    let mut issues = Vec::new();
    for (key, raw) in given {
        let field = format!("custom_fields.{key}");
        let Some(def) = defs.iter().find(|d| &d.key == key) else {
            issues.push(issue(field, Problem::NoSuchField));
            continue;
        };
        if !def.applies_to.includes(kind) {
            let problem = match kind {
                Kind::Person => Problem::NotForPeople,
                Kind::Organization => Problem::NotForOrganizations,
            };
            issues.push(issue(field, problem));
            continue;
        }
        match def.read(raw) {
            Ok(Some(v)) => out.push(super::CustomValue {
                field: def.id,
                value: def.to_json(&v),
                index: def.index(&v),
            }),
            Ok(None) => {}
            Err(m) => issues.push(issue(field, m)),
        }
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(issues)
    }
}

fn read_url(s: &str) -> Result<String, Problem> {
    let with_scheme = if s.contains("://") {
        s.to_owned()
    } else {
        format!("https://{s}")
    };
    match url::Url::parse(&with_scheme) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| h.contains('.'))
                && !s.contains(char::is_whitespace) =>
        {
            if with_scheme.chars().count() > MAX_TEXT {
                Err(Problem::TooLong { max: MAX_TEXT })
            } else {
                Ok(with_scheme)
            }
        }
        _ => Err(Problem::NotAWebAddress(s.to_owned())),
    }
}

/// A filter on a custom field, as a list's query gives it: `cf.key=value`,
/// `cf.key.min=`, `cf.key.max=`, `cf.key.empty=true|false`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldQuery {
    pub key: String,
    pub op: QueryOp,
    pub raw: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryOp {
    Is,
    Min,
    Max,
    Empty,
}

/// A filter on a custom field, checked against its definition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// Text-like equality on the folded value (a multi select: has the choice).
    TextIs(String),
    /// A choice of a multi select.
    Has(String),
    NumberIs(f64),
    TextMin(String),
    TextMax(String),
    NumberMin(f64),
    NumberMax(f64),
    /// Has no value (`true`) or has one.
    Empty(bool),
}

impl FieldQuery {
    /// Parses a query parameter's name: `cf.key`, `cf.key.min`, … `None` for other names.
    pub fn parse(name: &str, raw: &str) -> Option<FieldQuery> {
        let rest = name.strip_prefix("cf.")?;
        let (key, op) = match rest.rsplit_once('.') {
            Some((k, "min")) => (k, QueryOp::Min),
            Some((k, "max")) => (k, QueryOp::Max),
            Some((k, "empty")) => (k, QueryOp::Empty),
            _ => (rest, QueryOp::Is),
        };
        Some(FieldQuery {
            key: key.to_owned(),
            op,
            raw: raw.to_owned(),
        })
    }

    /// The query parameter's name.
    pub fn name(&self) -> String {
        match self.op {
            QueryOp::Is => format!("cf.{}", self.key),
            QueryOp::Min => format!("cf.{}.min", self.key),
            QueryOp::Max => format!("cf.{}.max", self.key),
            QueryOp::Empty => format!("cf.{}.empty", self.key),
        }
    }

    /// The condition on `def`, or why the value does not fit it.
    pub fn condition(&self, def: &FieldDef) -> Result<Condition, Problem> {
        if self.op == QueryOp::Empty {
            return read_bool(&self.raw)
                .map(Condition::Empty)
                .ok_or(Problem::NotTrueOrFalse);
        }
        let value = def.read_text(&self.raw)?.ok_or(Problem::NoFilterValue)?;
        let ix = def.index(&value);
        Ok(match (self.op, &value, ix.folded, ix.number) {
            (QueryOp::Is, FieldValue::Multi(items), _, _) if items.len() == 1 => {
                Condition::Has(fold(&items[0]))
            }
            (QueryOp::Is, FieldValue::Multi(_), _, _) => return Err(Problem::OneChoiceAtATime),
            (QueryOp::Min | QueryOp::Max, FieldValue::Multi(_) | FieldValue::Boolean(_), _, _) => {
                return Err(Problem::RangeNeedsOrder)
            }
            (QueryOp::Is, _, _, Some(n)) => Condition::NumberIs(n),
            (QueryOp::Is, _, Some(t), _) => Condition::TextIs(t),
            (QueryOp::Min, _, _, Some(n)) => Condition::NumberMin(n),
            (QueryOp::Max, _, _, Some(n)) => Condition::NumberMax(n),
            (QueryOp::Min, _, Some(t), _) => Condition::TextMin(t),
            (QueryOp::Max, _, Some(t), _) => Condition::TextMax(t),
            _ => return Err(Problem::CannotFilter),
        })
    }
}

#[cfg(test)]
mod tests;
