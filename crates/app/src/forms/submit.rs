//! A visitor's submission to a web form:
//!
//! 1. counted against the per-IP and per-form limits (refused over them);
//! 2. a filled honeypot is accepted and dropped: the bot is answered as a person would be,
//!    and learns nothing;
//! 3. checked against the form (required fields, e-mail and phone, custom field types);
//! 4. ingested as a `form_submission` interaction on the `web_form` channel, so identity
//!    resolution finds the customer by e-mail or phone (an unknown visitor becomes a
//!    prospect) and a submission id the sender repeats is not stored twice;
//! 5. in one transaction: the submission is recorded (a retry finds it and stops here), the
//!    customer's empty names and language are filled and the form's custom fields set,
//!    a ticked consent box is added to the consent ledger (source `form`), and the form's
//!    outcome applied: a conversation in the inbox, or a prospect made a lead.
//!
//! Steps 4 and 5 are two transactions (ingest batches interactions of concurrent requests
//! in its own): a crash between them leaves the interaction alone; the sender's retry with
//! the same submission id then completes step 5.
use crate::customers::{changed_fields, search_terms, Draft, Rules};
use crate::{audit, now, App, AppError, Principal, Via};
use serde_json::{json, Map, Value};
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::Role;
use vinculo_domain::conversations::{Channel, EntryKind, Status};
use vinculo_domain::customers::consent::{ConsentEntry, ConsentSource, ConsentState};
use vinculo_domain::customers::{FieldIssue, Kind, Problem};
use vinculo_domain::forms::submission::{Answers, Values};
use vinculo_domain::forms::{Outcome, HONEYPOT, SUBMISSION_ID};
use vinculo_domain::ids::{ConversationId, CustomerId, EntryId, InteractionId, UserId};
use vinculo_domain::interactions::{IdentityDraft, InteractionDraft};
use vinculo_store::conversations::{self as conversations, NewEntry};
use vinculo_store::forms::{self as store, FormRecord};
use vinculo_store::Conn;

/// The longest submission id kept as it is.
const MAX_SUBMISSION_ID: usize = 100;

/// Who is submitting, as the web layer saw them.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub ip: Option<String>,
    /// The page's origin (`https://example.com`), when the browser said.
    pub origin: Option<String>,
}

/// What became of a submission. All `None` for one dropped by the honeypot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Submitted {
    pub interaction_id: Option<InteractionId>,
    pub customer_id: Option<CustomerId>,
    pub conversation_id: Option<ConversationId>,
    /// Sent before (same submission id): nothing was changed again.
    pub duplicate: bool,
}

/// The form acting in its workspace: a channel, with an agent's rights, named after it.
async fn actor(app: &App, form: &FormRecord) -> Result<Principal, AppError> {
    let mut conn = app.db.conn().await?;
    let ws = vinculo_store::workspaces::by_id(&mut conn, form.workspace_id)
        .await?
        .ok_or(AppError::NotFound("form"))?;
    Ok(Principal::new(
        (
            UserId(uuid::Uuid::nil()),
            &format!("form {}", form.form.slug),
            "",
        ),
        None,
        &ws,
        Role::Agent,
        Via::Channel,
    ))
}

fn submission_id(values: &Values) -> Result<Option<String>, AppError> {
    let Some(id) = values
        .get(SUBMISSION_ID)
        .and_then(|v| v.first())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    if id.chars().count() > MAX_SUBMISSION_ID || id.chars().any(char::is_control) {
        return Err(AppError::InvalidFields(vec![FieldIssue::new(
            SUBMISSION_ID,
            Problem::TooLong {
                max: MAX_SUBMISSION_ID,
            },
        )]));
    }
    Ok(Some(id))
}

/// Takes a submission (see the module's comment for the steps).
pub async fn submit(
    app: &App,
    form: &FormRecord,
    values: &Values,
    client: &Client,
) -> Result<Submitted, AppError> {
    if let Some(wait) = app
        .form_limiter
        .submit(&form.id.to_string(), client.ip.as_deref())
    {
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    let honey = values
        .get(HONEYPOT)
        .is_some_and(|v| v.iter().any(|v| !v.trim().is_empty()));
    if honey {
        tracing::info!(form = %form.id, "web form submission dropped: honeypot filled");
        return Ok(Submitted::default());
    }
    let actor = actor(app, form).await?;
    let rules = {
        let mut conn = app.db.conn().await?;
        Rules::load(&mut conn, &actor).await?
    };
    let answers = form
        .form
        .check(values, &rules.fields, rules.region)
        .map_err(AppError::InvalidFields)?;
    let event = submission_id(values)?.map(|s| format!("{}:{s}", form.id));
    let draft = interaction(form, &answers, client, event);
    let (interaction_id, customer_id) = ingest(app, &actor, draft).await?;
    let mut tx = app.db.begin().await?;
    let ws = actor.workspace_id;
    if let Some(conversation_id) = store::submission_of(&mut tx, ws, interaction_id).await? {
        return Ok(Submitted {
            interaction_id: Some(interaction_id),
            customer_id: Some(customer_id),
            conversation_id,
            duplicate: true,
        });
    }
    let at = now();
    // Recorded first: a concurrent retry of the same submission stops on this row.
    store::record_submission(&mut tx, ws, form.id, interaction_id, None, at).await?;
    update_customer(&mut tx, &actor, &rules, form, customer_id, &answers).await?;
    record_consent(&mut tx, &actor, form, customer_id, &answers).await?;
    let conversation_id = match form.form.outcome {
        Outcome::Conversation { team, mailbox } => {
            let opening = crate::conversations::Opening {
                customer_id,
                channel: Channel::WebForm,
                mail_channel_id: mailbox,
                subject: &form.form.name,
                team_id: team,
                at,
            };
            let id = crate::conversations::open_conversation(&mut tx, ws, &opening).await?;
            conversations::add_entry(
                &mut tx,
                ws,
                &NewEntry {
                    id: EntryId::new(),
                    conversation_id: id,
                    kind: EntryKind::Inbound,
                    interaction_id: Some(interaction_id),
                    message_id: None,
                    author_id: None,
                    body: None,
                    delivery: None,
                    at,
                },
            )
            .await?;
            conversations::touch(&mut tx, ws, id, at, true, Status::Open).await?;
            store::set_submission_conversation(&mut tx, ws, interaction_id, id).await?;
            Some(id)
        }
        Outcome::Lead | Outcome::Record => None,
    };
    tx.commit().await?;
    if let Some(id) = conversation_id {
        crate::conversations::changed(app, ws, id);
    }
    Ok(Submitted {
        interaction_id: Some(interaction_id),
        customer_id: Some(customer_id),
        conversation_id,
        duplicate: false,
    })
}

/// The submission as an interaction: the message and the answers to free questions as its
/// body, every answer in its attributes.
fn interaction(
    form: &FormRecord,
    a: &Answers,
    client: &Client,
    event: Option<String>,
) -> InteractionDraft {
    let mut body: Vec<String> = a.message.iter().cloned().collect();
    let mut lines: Vec<String> = a
        .questions
        .iter()
        .map(|(_, label, answer)| format!("{label}: {answer}"))
        .collect();
    if let Some(org) = &a.organization {
        let label = form
            .form
            .fields
            .iter()
            .find(|f| f.target.name() == "organization")
            .map_or("Organization", |f| f.label.as_str());
        lines.push(format!("{label}: {org}"));
    }
    if !lines.is_empty() {
        body.push(lines.join("\n"));
    }
    let mut fields = Map::new();
    for (k, v) in [
        ("given_name", &a.given_name),
        ("family_name", &a.family_name),
        ("email", &a.email),
        ("phone", &a.phone),
        ("organization", &a.organization),
        ("language", &a.language),
    ] {
        if let Some(v) = v {
            fields.insert(k.into(), json!(v));
        }
    }
    for (k, v) in &a.custom {
        fields.insert(format!("custom_fields.{k}"), v.clone());
    }
    for (k, _, v) in &a.questions {
        fields.insert(format!("question.{k}"), json!(v));
    }
    InteractionDraft {
        channel: Some("web_form".into()),
        direction: Some("inbound".into()),
        kind: Some("form_submission".into()),
        subject: Some(form.form.name.clone()),
        body: (!body.is_empty()).then(|| body.join("\n\n")),
        attributes: Some(json!({
            "form_id": form.id.to_string(),
            "form": form.form.slug,
            "fields": Value::Object(fields),
            "consent": a.consent,
            "origin": client.origin,
        })),
        customer: Some(IdentityDraft {
            email: a.email.clone(),
            phone: a.phone.clone(),
            name: a.full_name(),
            ..IdentityDraft::default()
        }),
        source: Some("web_form".into()),
        source_event_id: event,
        ..InteractionDraft::default()
    }
}

async fn ingest(
    app: &App,
    actor: &Principal,
    draft: InteractionDraft,
) -> Result<(InteractionId, CustomerId), AppError> {
    let mut answers = crate::interactions::ingest(app, actor, std::slice::from_ref(&draft)).await?;
    match answers.pop() {
        Some(Ok(i)) => Ok((i.id, i.customer_id)),
        Some(Err(issues)) => Err(AppError::InvalidFields(issues)),
        None => Err(AppError::Internal("ingest answered nothing".into())),
    }
}

/// Fills what the customer lacks (names, language), sets the form's custom fields, and
/// makes a prospect a lead when the form says so. Audited like any change of a customer.
async fn update_customer(
    conn: &mut Conn,
    actor: &Principal,
    rules: &Rules,
    form: &FormRecord,
    id: CustomerId,
    a: &Answers,
) -> Result<(), AppError> {
    let ws = actor.workspace_id;
    let Some(current) = vinculo_store::customers::get(conn, ws, id).await? else {
        return Err(AppError::NotFound("customer"));
    };
    let Draft::Person(mut p) = Draft::of(&current, rules.region) else {
        // Keys of an organisation: the interaction is on its timeline; nothing to fill.
        return Ok(());
    };
    let unnamed = p.given_name.is_none() && p.family_name.is_none();
    if unnamed && (a.given_name.is_some() || a.family_name.is_some()) {
        // The name it was created with (often its e-mail) gives way to the real one.
        p.display_name = None;
    }
    p.given_name = p.given_name.or_else(|| a.given_name.clone());
    p.family_name = p.family_name.or_else(|| a.family_name.clone());
    p.language = p.language.or_else(|| a.language.clone());
    for (k, v) in &a.custom {
        p.custom_fields.insert(k.clone(), v.clone());
    }
    let becomes_lead = form.form.outcome == Outcome::Lead
        && current.lifecycle_stage == "prospect"
        && rules.stages.iter().any(|s| s == "lead");
    if becomes_lead {
        p.lifecycle_stage = Some("lead".into());
    }
    let customer = rules.validate(&Draft::Person(p))?;
    if customer.kind != Kind::Person {
        return Ok(());
    }
    let names = current
        .affiliations
        .iter()
        .map(|x| (x.organization, x.name.clone()))
        .collect();
    let at = now();
    vinculo_store::customers::replace(
        conn,
        ws,
        id,
        &customer,
        &search_terms(&customer, &names),
        at,
    )
    .await?;
    let after = vinculo_store::customers::get(conn, ws, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    let (b, af) = changed_fields(Some(&current), &after);
    if af.as_object().is_some_and(|m| !m.is_empty()) {
        audit::record(conn, actor, AuditAction::Update, "customer", id, &b, &af).await?;
    }
    Ok(())
}

/// A ticked consent box as an entry of the consent ledger, source `form`.
async fn record_consent(
    conn: &mut Conn,
    actor: &Principal,
    form: &FormRecord,
    id: CustomerId,
    a: &Answers,
) -> Result<(), AppError> {
    let Some(b) = form.form.consent.as_ref().filter(|_| a.consent) else {
        return Ok(());
    };
    let entry = ConsentEntry {
        channel: b.channel,
        purpose: b.purpose,
        state: ConsentState::OptedIn,
        source: ConsentSource::Form,
        actor: actor.label(),
        note: Some(
            format!("{}: «{}»", form.form.name, b.text)
                .chars()
                .take(500)
                .collect(),
        ),
        at: now(),
    };
    vinculo_store::consent::append(conn, actor.workspace_id, id, &entry).await?;
    let field = format!("consent.{}.{}", b.channel.as_str(), b.purpose.as_str());
    audit::record(
        conn,
        actor,
        AuditAction::Update,
        "customer",
        id,
        &json!({}),
        &json!({ field: "opted_in", "consent_source": "form" }),
    )
    .await?;
    Ok(())
}
