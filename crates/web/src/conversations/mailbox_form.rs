//! The form that connects or changes a mailbox: its fields as typed, turned into the
//! use case's draft, and drawn again with each refused field's problem beside it, in the
//! user's language.
use super::texts::Texts;
use crate::pages::{csrf_field, Ctx};
use crate::problems::problem_text;
use maud::{html, Markup};
use serde::Deserialize;
use vinculo_app::AppError;
use vinculo_domain::conversations::mailbox::{MailboxDraft, ServerDraft};
use vinculo_domain::ids::TeamId;
use vinculo_store::mail_channels::MailChannelRecord;
use vinculo_store::teams::Team;

/// The fields as the browser sends them (`imap_host` is the draft's `imap.host`).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MailboxForm {
    name: String,
    address: String,
    imap_host: String,
    imap_port: String,
    imap_security: String,
    imap_username: String,
    imap_password: String,
    folder: String,
    smtp_host: String,
    smtp_port: String,
    smtp_security: String,
    smtp_username: String,
    smtp_password: String,
    tls_ca_pem: String,
    delete_after_fetch: Option<String>,
    signature: String,
    team: String,
    enabled: Option<String>,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn server(host: &str, port: &str, security: &str, user: &str, password: &str) -> ServerDraft {
    ServerDraft {
        host: some(host),
        port: some(port).map(serde_json::Value::String),
        security: some(security),
        username: some(user),
        // A password is taken as typed: spaces may be part of it.
        password: Some(password.to_owned()).filter(|p| !p.is_empty()),
    }
}

impl MailboxForm {
    /// The draft and team; `editing` reads the "read this mailbox" box (a new one is read).
    pub fn draft(&self, editing: bool) -> (MailboxDraft, Option<TeamId>) {
        let draft = MailboxDraft {
            name: some(&self.name),
            address: some(&self.address),
            imap: server(
                &self.imap_host,
                &self.imap_port,
                &self.imap_security,
                &self.imap_username,
                &self.imap_password,
            ),
            folder: some(&self.folder),
            smtp: server(
                &self.smtp_host,
                &self.smtp_port,
                &self.smtp_security,
                &self.smtp_username,
                &self.smtp_password,
            ),
            tls_ca_pem: some(&self.tls_ca_pem),
            delete_after_fetch: Some(self.delete_after_fetch.is_some()),
            signature: some(&self.signature),
            enabled: editing.then_some(self.enabled.is_some()),
        };
        (draft, self.team.trim().parse().ok().map(TeamId))
    }

    /// A stored mailbox's settings, to edit (never its passwords).
    pub fn of(m: &MailChannelRecord) -> MailboxForm {
        MailboxForm {
            name: m.name.clone(),
            address: m.address.clone(),
            imap_host: m.imap.host.clone(),
            imap_port: m.imap.port.to_string(),
            imap_security: m.imap.security.as_str().into(),
            imap_username: m.imap.username.clone(),
            folder: m.folder.clone(),
            smtp_host: m.smtp.host.clone(),
            smtp_port: m.smtp.port.to_string(),
            smtp_security: m.smtp.security.as_str().into(),
            smtp_username: m.smtp.username.clone(),
            tls_ca_pem: m.tls_ca_pem.clone().unwrap_or_default(),
            delete_after_fetch: m.delete_after_fetch.then(|| "on".into()),
            signature: m.signature.clone().unwrap_or_default(),
            team: m.team_id.map(|t| t.to_string()).unwrap_or_default(),
            enabled: m.enabled.then(|| "on".into()),
            ..MailboxForm::default()
        }
    }
}

/// Each refused field's message, by the form's field name; and one for the whole form.
#[derive(Default)]
pub struct Errors {
    fields: Vec<(String, String)>,
    pub form: Option<String>,
}

impl Errors {
    pub fn of(ctx: &Ctx, t: &Texts, e: &AppError) -> Errors {
        match e {
            AppError::InvalidFields(issues) => Errors {
                fields: issues
                    .iter()
                    .map(|i| (form_name(&i.field), problem_text(ctx.m, &i.problem)))
                    .collect(),
                form: Some(t.mb_check.to_owned()),
            },
            AppError::Conflict { .. } => Errors {
                fields: vec![("address".into(), t.mb_taken.to_owned())],
                form: Some(t.mb_check.to_owned()),
            },
            AppError::State(_) => Errors {
                form: Some(t.mb_no_key.to_owned()),
                ..Errors::default()
            },
            other => Errors {
                form: Some(crate::pages::form_error(ctx.m, other)),
                ..Errors::default()
            },
        }
    }

    fn on(&self, name: &str) -> Option<String> {
        let all: Vec<&str> = self
            .fields
            .iter()
            .filter(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join("; "))
    }
}

/// The form's name of a draft's field: `imap.host` is `imap_host`, `team_id` is `team`.
fn form_name(field: &str) -> String {
    match field {
        "team_id" => "team".into(),
        other => other.replace('.', "_"),
    }
}

/// The problem under a field, tied to it for screen readers.
fn problem(errors: &Errors, name: &str) -> Markup {
    html! { @if let Some(e) = errors.on(name) { span class="field-error" id={ "err-" (name) } { (e) } } }
}

/// A one-line input with its label, hint and problem.
#[allow(clippy::too_many_arguments)]
fn input(
    errors: &Errors,
    kind: &str,
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    required: bool,
    extra_class: &str,
) -> Markup {
    let bad = errors.on(name).is_some();
    html! {
        label class=(extra_class) { (label)
            input type=(kind) name=(name) value=(value) required[required] aria-invalid=[bad.then_some("true")]
                aria-describedby=[bad.then(|| format!("err-{name}"))] autocomplete=(if kind == "password" { "new-password" } else { "off" });
            @if let Some(h) = hint { span class="hint" { (h) } }
            (problem(errors, name))
        }
    }
}

fn security(errors: &Errors, t: &Texts, name: &str, current: &str) -> Markup {
    let current = if current.is_empty() { "tls" } else { current };
    html! {
        label { (t.mb_security)
            select name=(name) aria-invalid=[errors.on(name).map(|_| "true")] {
                @for (value, label) in [("tls", t.sec_tls), ("starttls", t.sec_starttls), ("none", t.sec_none)] {
                    option value=(value) selected[current == value] { (label) }
                }
            }
            (problem(errors, name))
        }
    }
}

/// One server's fieldset: `imap` or `smtp`.
fn server_fields(
    errors: &Errors,
    t: &Texts,
    f: &MailboxForm,
    which: &str,
    editing: bool,
) -> Markup {
    let (legend, host, port, sec, user, port_hint) = match which {
        "imap" => (
            t.mb_imap,
            &f.imap_host,
            &f.imap_port,
            &f.imap_security,
            &f.imap_username,
            t.mb_imap_port_hint,
        ),
        _ => (
            t.mb_smtp,
            &f.smtp_host,
            &f.smtp_port,
            &f.smtp_security,
            &f.smtp_username,
            t.mb_smtp_port_hint,
        ),
    };
    let n = |field: &str| format!("{which}_{field}");
    html! {
        fieldset class="card server" {
            legend { (legend) }
            div class="row" {
                (input(errors, "text", &n("host"), t.mb_host, host, None, true, "grow"))
                (input(errors, "text", &n("port"), t.mb_port, port, Some(port_hint), false, "port"))
                (security(errors, t, &n("security"), sec))
            }
            div class="row" {
                (input(errors, "text", &n("username"), t.mb_username, user, None, true, ""))
                (input(errors, "password", &n("password"), t.mb_password, "", editing.then_some(t.mb_password_keep), !editing, ""))
            }
            @if which == "imap" {
                (input(errors, "text", "folder", t.mb_folder, &f.folder, Some(t.mb_folder_hint), false, ""))
            }
        }
    }
}

/// The whole form, posting to `action`; `editing` for a stored mailbox.
pub fn render(
    ctx: &Ctx,
    t: &Texts,
    f: &MailboxForm,
    errors: &Errors,
    teams: &[Team],
    action: &str,
    editing: bool,
) -> Markup {
    let m = ctx.m;
    let ca_bad = errors.on("tls_ca_pem").is_some();
    html! {
        form class="stack mailbox-form" id="mailbox-form" method="post" action=(action) novalidate {
            (csrf_field(&ctx.csrf))
            @if let Some(e) = &errors.form { div class="flash err" role="alert" { (e) } }
            div class="row" {
                (input(errors, "text", "name", m.name, &f.name, Some(t.mb_name_hint), true, ""))
                (input(errors, "email", "address", t.mb_address, &f.address, Some(t.mb_address_hint), true, "grow"))
            }
            (server_fields(errors, t, f, "imap", editing))
            (server_fields(errors, t, f, "smtp", editing))
            label { (t.mb_ca)
                textarea name="tls_ca_pem" rows="3" spellcheck="false" aria-invalid=[ca_bad.then_some("true")] aria-describedby=[ca_bad.then_some("err-tls_ca_pem")] { (f.tls_ca_pem) }
                span class="hint" { (t.mb_ca_hint) }
                (problem(errors, "tls_ca_pem"))
            }
            div class="warn-box" {
                label class="check" {
                    input type="checkbox" name="delete_after_fetch" value="on" checked[f.delete_after_fetch.is_some()] aria-describedby="delete-after-warn";
                    (t.mb_delete_after)
                }
                p class="hint" id="delete-after-warn" { "⚠ " (t.mb_delete_after_warn) }
            }
            label { (t.mb_signature)
                textarea name="signature" rows="3" maxlength="2000" { (f.signature) }
                span class="hint" { (t.mb_signature_hint) }
                (problem(errors, "signature"))
            }
            label { (t.team)
                select name="team" aria-invalid=[errors.on("team").map(|_| "true")] aria-describedby=[errors.on("team").map(|_| "err-team")] {
                    option value="" { (t.no_team) }
                    @for team in teams { option value=(team.id) selected[f.team == team.id.to_string()] { (team.name) } }
                }
                span class="hint" { (t.mb_team_hint) }
                (problem(errors, "team"))
            }
            @if editing {
                label class="check" { input type="checkbox" name="enabled" value="on" checked[f.enabled.is_some()]; (t.mb_enabled) }
            }
            div { button type="submit" { (if editing { m.save } else { t.mb_connect }) } }
        }
        // The settings as typed, tried before (or without) saving them. Outside the form
        // (tied to it by `form=`), so the form's own button stays its only one.
        div class="form-actions" {
            button type="submit" class="secondary" form="mailbox-form" formaction={ (action) "/test" } formnovalidate {
                (super::tools_texts::tool_texts(ctx.lang).mb_test)
            }
        }
    }
}
