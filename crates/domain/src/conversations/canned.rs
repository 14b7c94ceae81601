//! Canned responses: replies an agent inserts instead of typing them again, with
//! placeholders (`{{customer.given_name}}`) filled in for the conversation at hand.
//!
//! The template language is written here rather than taken from a template engine: it has
//! nine names, an optional fallback (`{{customer.given_name|cliente}}`) and nothing else —
//! no loops, no filters, no expressions — so an agent cannot write something that fails at
//! render time, and every mistake is found when the response is saved, with its line and
//! column. Rendering never reads its output again: a customer called `{{agent.email}}` is
//! printed as such, never expanded.
use crate::customers::{FieldIssue, Problem};
use serde::Deserialize;

/// A name a canned response may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placeholder {
    CustomerGivenName,
    CustomerFamilyName,
    CustomerDisplayName,
    CustomerEmail,
    AgentName,
    AgentEmail,
    ConversationToken,
    ConversationSubject,
    WorkspaceName,
}

impl Placeholder {
    /// Every placeholder, in the order they are offered to a writer.
    pub const ALL: [Placeholder; 9] = [
        Placeholder::CustomerGivenName,
        Placeholder::CustomerFamilyName,
        Placeholder::CustomerDisplayName,
        Placeholder::CustomerEmail,
        Placeholder::AgentName,
        Placeholder::AgentEmail,
        Placeholder::ConversationToken,
        Placeholder::ConversationSubject,
        Placeholder::WorkspaceName,
    ];

    /// The name written between the braces.
    pub fn as_str(self) -> &'static str {
        match self {
            Placeholder::CustomerGivenName => "customer.given_name",
            Placeholder::CustomerFamilyName => "customer.family_name",
            Placeholder::CustomerDisplayName => "customer.display_name",
            Placeholder::CustomerEmail => "customer.email",
            Placeholder::AgentName => "agent.name",
            Placeholder::AgentEmail => "agent.email",
            Placeholder::ConversationToken => "conversation.token",
            Placeholder::ConversationSubject => "conversation.subject",
            Placeholder::WorkspaceName => "workspace.name",
        }
    }

    pub fn parse(s: &str) -> Option<Placeholder> {
        Placeholder::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Every name, comma separated, for error messages.
    pub fn list() -> String {
        Placeholder::ALL
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A piece of a parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Value {
        placeholder: Placeholder,
        fallback: Option<&'a str>,
    },
}

/// Why a template cannot be saved; positions are 1-based, in characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// `{{` with no `}}` after it on its line, or `}}` with no `{{` before it.
    Unbalanced { line: usize, column: usize },
    Unknown {
        name: String,
        line: usize,
        column: usize,
    },
}

impl From<TemplateError> for Problem {
    fn from(e: TemplateError) -> Problem {
        match e {
            TemplateError::Unbalanced { line, column } => {
                Problem::UnbalancedBraces { line, column }
            }
            TemplateError::Unknown { name, line, column } => Problem::UnknownPlaceholder {
                name,
                line,
                column,
                known: Placeholder::list(),
            },
        }
    }
}

/// The line and column of byte offset `at` of `text`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// Splits a template into text and placeholders, or says where it is wrong.
fn parse(text: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = 0;
    loop {
        let open = text[rest..].find("{{").map(|i| rest + i);
        let stray = text[rest..].find("}}").map(|i| rest + i);
        let Some(open) = open else {
            if let Some(at) = stray {
                let (line, column) = position(text, at);
                return Err(TemplateError::Unbalanced { line, column });
            }
            if rest < text.len() {
                pieces.push(Piece::Text(&text[rest..]));
            }
            return Ok(pieces);
        };
        if let Some(at) = stray.filter(|s| *s < open) {
            let (line, column) = position(text, at);
            return Err(TemplateError::Unbalanced { line, column });
        }
        let (line, column) = position(text, open);
        let inner_start = open + 2;
        // A placeholder stays on its line, and holds no other opening.
        let close = text[inner_start..]
            .find("}}")
            .map(|i| inner_start + i)
            .filter(|c| {
                let inner = &text[inner_start..*c];
                !inner.contains('\n') && !inner.contains("{{")
            })
            .ok_or(TemplateError::Unbalanced { line, column })?;
        if open > rest {
            pieces.push(Piece::Text(&text[rest..open]));
        }
        let inner = &text[inner_start..close];
        let (name, fallback) = match inner.split_once('|') {
            Some((n, f)) => (n.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        let placeholder = Placeholder::parse(name).ok_or_else(|| TemplateError::Unknown {
            name: name.to_owned(),
            line,
            column,
        })?;
        pieces.push(Piece::Value {
            placeholder,
            fallback,
        });
        rest = close + 2;
    }
}

/// Checks a template: every `{{…}}` closed on its line and naming a known placeholder.
pub fn check(text: &str) -> Result<(), TemplateError> {
    parse(text).map(drop)
}

/// What the placeholders stand for in one conversation; `None` (or empty) renders as the
/// fallback, or as nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    pub customer_given_name: Option<String>,
    pub customer_family_name: Option<String>,
    pub customer_display_name: Option<String>,
    pub customer_email: Option<String>,
    pub agent_name: Option<String>,
    pub agent_email: Option<String>,
    pub conversation_token: Option<String>,
    pub conversation_subject: Option<String>,
    pub workspace_name: Option<String>,
}

impl Values {
    fn get(&self, p: Placeholder) -> Option<&str> {
        let v = match p {
            Placeholder::CustomerGivenName => &self.customer_given_name,
            Placeholder::CustomerFamilyName => &self.customer_family_name,
            Placeholder::CustomerDisplayName => &self.customer_display_name,
            Placeholder::CustomerEmail => &self.customer_email,
            Placeholder::AgentName => &self.agent_name,
            Placeholder::AgentEmail => &self.agent_email,
            Placeholder::ConversationToken => &self.conversation_token,
            Placeholder::ConversationSubject => &self.conversation_subject,
            Placeholder::WorkspaceName => &self.workspace_name,
        };
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

/// The template with its placeholders filled in. Values are inserted as they are and never
/// read again as template. A template that does not parse (saved before a rule changed) is
/// given back unchanged rather than half filled.
pub fn render(text: &str, values: &Values) -> String {
    let Ok(pieces) = parse(text) else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Value {
                placeholder,
                fallback,
            } => out.push_str(
                values
                    .get(placeholder)
                    .or(fallback.filter(|f| !f.is_empty()))
                    .unwrap_or(""),
            ),
        }
    }
    out
}

/// A canned response as typed (the API's body; the settings form fills the same).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedDraft {
    pub name: Option<String>,
    pub body: Option<String>,
    /// A short word to find it by while typing (`saludo`, or `/saludo`).
    pub shortcut: Option<String>,
    /// Seen by the whole workspace (managers and admins), or only by its author.
    pub shared: Option<bool>,
    pub team_id: Option<uuid::Uuid>,
}

/// A checked canned response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canned {
    pub name: String,
    pub body: String,
    /// Lower case, without the leading `/`.
    pub shortcut: Option<String>,
    pub shared: bool,
    pub team_id: Option<uuid::Uuid>,
}

pub const MAX_NAME: usize = 100;
pub const MAX_BODY: usize = 10_000;
pub const MAX_SHORTCUT: usize = 30;

fn shortcut(raw: &str) -> Result<Option<String>, Problem> {
    let s = raw.trim().trim_start_matches('/').to_lowercase();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = s.chars().count() <= MAX_SHORTCUT
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(Some(s))
    } else {
        Err(Problem::BadShortcut {
            value: raw.trim().to_owned(),
            max: MAX_SHORTCUT,
        })
    }
}

impl CannedDraft {
    /// Checks every field, naming each one that is wrong.
    pub fn validate(&self) -> Result<Canned, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let name = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        match name {
            None => issues.push(FieldIssue::new("name", Problem::Missing)),
            Some(n) if n.chars().count() > MAX_NAME => {
                issues.push(FieldIssue::new("name", Problem::TooLong { max: MAX_NAME }))
            }
            Some(_) => {}
        }
        // The body keeps its own spacing (indents, blank lines); only its ends are trimmed.
        let body = self
            .body
            .as_deref()
            .map(|b| {
                b.trim_matches(['\n', '\r', ' ', '\t'])
                    .replace("\r\n", "\n")
            })
            .filter(|b| !b.is_empty());
        match &body {
            None => issues.push(FieldIssue::new("body", Problem::Missing)),
            Some(b) if b.chars().count() > MAX_BODY => {
                issues.push(FieldIssue::new("body", Problem::TooLong { max: MAX_BODY }))
            }
            Some(b) => {
                if let Err(e) = check(b) {
                    issues.push(FieldIssue::new("body", e.into()));
                }
            }
        }
        let shortcut = match shortcut(self.shortcut.as_deref().unwrap_or("")) {
            Ok(s) => s,
            Err(p) => {
                issues.push(FieldIssue::new("shortcut", p));
                None
            }
        };
        match (name, body) {
            (Some(name), Some(body)) if issues.is_empty() => Ok(Canned {
                name: name.to_owned(),
                body,
                shortcut,
                shared: self.shared.unwrap_or(false),
                team_id: self.team_id,
            }),
            _ => Err(issues),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            customer_given_name: Some("Lucía".into()),
            customer_family_name: Some("Pérez Ñúñez".into()),
            customer_display_name: Some("Lucía Pérez Ñúñez".into()),
            customer_email: Some("lucia@cliente.test".into()),
            agent_name: Some("Ana".into()),
            agent_email: Some("ana@acme.test".into()),
            conversation_token: Some("VC-7K2M".into()),
            conversation_subject: Some("Pedido sin llegar".into()),
            workspace_name: Some("Acme España".into()),
        }
    }

    #[test]
    fn every_placeholder_is_filled_and_accents_survive() {
        let text = "Hola {{customer.given_name}} {{customer.family_name}} ({{customer.display_name}}, {{customer.email}}):\n\
                    soy {{agent.name}} <{{agent.email}}> de {{workspace.name}}. Ref. {{conversation.token}} — «{{conversation.subject}}».";
        assert_eq!(
            render(text, &values()),
            "Hola Lucía Pérez Ñúñez (Lucía Pérez Ñúñez, lucia@cliente.test):\n\
             soy Ana <ana@acme.test> de Acme España. Ref. VC-7K2M — «Pedido sin llegar»."
        );
    }

    #[test]
    fn a_placeholder_may_repeat_and_have_spaces_inside_its_braces() {
        assert_eq!(
            render(
                "{{customer.given_name}}, {{ customer.given_name }}!",
                &values()
            ),
            "Lucía, Lucía!"
        );
    }

    #[test]
    fn a_missing_value_renders_as_its_fallback_or_nothing() {
        let empty = Values {
            customer_given_name: Some("  ".into()),
            ..Values::default()
        };
        assert_eq!(
            render("Hola {{customer.given_name|cliente}}.", &empty),
            "Hola cliente."
        );
        assert_eq!(render("Hola {{customer.given_name}}.", &empty), "Hola .");
        assert_eq!(
            render("Hola {{customer.given_name|cliente}}.", &values()),
            "Hola Lucía."
        );
    }

    #[test]
    fn values_holding_braces_are_not_expanded_again() {
        let v = Values {
            customer_given_name: Some("{{agent.email}}".into()),
            conversation_subject: Some("}} {{".into()),
            ..values()
        };
        assert_eq!(
            render("{{customer.given_name}} / {{conversation.subject}}", &v),
            "{{agent.email}} / }} {{"
        );
    }

    #[test]
    fn single_braces_are_plain_text() {
        assert_eq!(check("Use {code} or } or {"), Ok(()));
        assert_eq!(render("{x}", &values()), "{x}");
    }

    #[test]
    fn an_unknown_placeholder_is_named_with_its_position() {
        assert_eq!(
            check("Hola,\n  querida {{cliente.nombre}}"),
            Err(TemplateError::Unknown {
                name: "cliente.nombre".into(),
                line: 2,
                column: 11
            })
        );
    }

    #[test]
    fn unbalanced_braces_are_found_where_they_start() {
        assert_eq!(
            check("Hola {{customer.given_name"),
            Err(TemplateError::Unbalanced { line: 1, column: 6 })
        );
        assert_eq!(
            check("ñ }} {{agent.name}}"),
            Err(TemplateError::Unbalanced { line: 1, column: 3 })
        );
        assert_eq!(
            check("{{agent.name\n}}"),
            Err(TemplateError::Unbalanced { line: 1, column: 1 })
        );
        assert_eq!(
            check("{{ {{agent.name}}"),
            Err(TemplateError::Unbalanced { line: 1, column: 1 })
        );
        assert_eq!(
            check("{{agent.name}} done }}"),
            Err(TemplateError::Unbalanced {
                line: 1,
                column: 21
            })
        );
    }

    #[test]
    fn a_draft_is_checked_field_by_field() {
        let issues = CannedDraft {
            name: Some("  ".into()),
            body: Some("Hola {{nombre}}".into()),
            shortcut: Some("/sa ludo".into()),
            ..CannedDraft::default()
        }
        .validate()
        .expect_err("invalid");
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["name", "body", "shortcut"]);
        assert_eq!(issues[1].problem.code(), "unknown_placeholder");

        let ok = CannedDraft {
            name: Some(" Saludo ".into()),
            body: Some("\r\nHola {{customer.given_name|cliente}}\r\n  Un saludo\r\n".into()),
            shortcut: Some("/Saludo".into()),
            shared: Some(true),
            team_id: None,
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.name, "Saludo");
        assert_eq!(ok.body, "Hola {{customer.given_name|cliente}}\n  Un saludo");
        assert_eq!(ok.shortcut.as_deref(), Some("saludo"));
        assert!(ok.shared);
    }
}
