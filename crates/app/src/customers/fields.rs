//! Custom field definitions: admins add, rename and remove fields and their choices; every
//! user reads them (forms, lists and imports need them). A field's key, type and kinds never
//! change once values exist for it; a choice that customers have cannot be removed until they
//! are moved, as with lifecycle stages.
use crate::{audit, now, App, AppError, Principal};
use serde_json::json;
use uuid::Uuid;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::custom::{
    check_options, Condition, FieldDef, FieldDefDraft, MAX_FIELDS,
};
use vinculo_domain::customers::search::fold;
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_store::customers::{self as store, CustomerFilter, Sort};
use vinculo_store::{After, Conn, Cursor};

/// The workspace's custom fields, in display order.
pub async fn custom_fields(app: &App, actor: &Principal) -> Result<Vec<FieldDef>, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(store::field_defs(&mut conn, actor.workspace_id).await?)
}

fn shape(d: &FieldDef) -> serde_json::Value {
    json!({"key": d.key, "label": d.label, "field_type": d.field_type.as_str(),
        "applies_to": d.applies_to.as_str(), "options": d.options, "currency": d.currency})
}

async fn find(conn: &mut Conn, actor: &Principal, id: Uuid) -> Result<FieldDef, AppError> {
    store::field_defs(conn, actor.workspace_id)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(AppError::NotFound("custom field"))
}

/// Adds a field (admins: the workspace area).
pub async fn create_field(
    app: &App,
    actor: &Principal,
    draft: &FieldDefDraft,
) -> Result<FieldDef, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let def = draft.validate().map_err(AppError::InvalidFields)?;
    let mut tx = app.db.begin().await?;
    let existing = store::field_defs(&mut tx, actor.workspace_id).await?;
    if existing.len() >= MAX_FIELDS {
        return Err(AppError::State(format!(
            "a workspace has at most {MAX_FIELDS} custom fields"
        )));
    }
    if existing.iter().any(|d| d.key == def.key) {
        return Err(AppError::InvalidFields(vec![FieldIssue::new(
            "key",
            Problem::KeyTaken(def.key.clone()),
        )]));
    }
    store::insert_field(&mut tx, actor.workspace_id, &def, now()).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Create,
        "custom_field",
        def.id,
        &json!(null),
        &shape(&def),
    )
    .await?;
    tx.commit().await?;
    Ok(def)
}

/// What to change in a field; absent parts stay.
#[derive(Clone, Debug, Default)]
pub struct FieldChange {
    pub label: Option<String>,
    /// The whole list of choices (select fields).
    pub options: Option<Vec<String>>,
}

/// Renames a field or changes its choices (admins).
pub async fn update_field(
    app: &App,
    actor: &Principal,
    id: Uuid,
    change: FieldChange,
) -> Result<FieldDef, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = find(&mut tx, actor, id).await?;
    let mut after = before.clone();
    let mut issues = Vec::new();
    if let Some(label) = change.label {
        let probe = FieldDefDraft {
            label: Some(label),
            key: Some(before.key.clone()),
            field_type: Some("text".into()),
            ..FieldDefDraft::default()
        };
        match probe.validate() {
            Ok(d) => after.label = d.label,
            Err(e) => issues.extend(e.into_iter().filter(|i| i.field == "label")),
        }
    }
    if let Some(options) = change.options {
        if !before.field_type.has_options() {
            issues.push(FieldIssue::new("options", Problem::OptionsWithoutSelect));
        } else {
            match check_options(&options) {
                Ok(o) if o.is_empty() => {
                    issues.push(FieldIssue::new("options", Problem::NoOptions))
                }
                Ok(o) => after.options = o,
                Err(i) => issues.push(i),
            }
            for gone in before
                .options
                .iter()
                .filter(|o| !after.options.iter().any(|x| fold(x) == fold(o)))
            {
                let n =
                    store::values_count(&mut tx, actor.workspace_id, id, Some(&fold(gone))).await?;
                if n > 0 {
                    issues.push(FieldIssue::new(
                        "options",
                        Problem::ChoiceInUse {
                            count: n.max(0) as u64,
                            choice: gone.clone(),
                        },
                    ));
                }
            }
            // A choice whose spelling changed keeps its values: they are stored as written.
            for o in &mut after.options {
                if let Some(old) = before.options.iter().find(|b| fold(b) == fold(o)) {
                    if old != o
                        && store::values_count(&mut tx, actor.workspace_id, id, Some(&fold(o)))
                            .await?
                            > 0
                    {
                        *o = old.clone();
                    }
                }
            }
        }
    }
    if !issues.is_empty() {
        return Err(AppError::InvalidFields(issues));
    }
    store::update_field(&mut tx, actor.workspace_id, &after).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "custom_field",
        id,
        &shape(&before),
        &shape(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Removes a field with every value of it (admins), unless value tiers are read from it.
/// Returns how many customers had one.
pub async fn delete_field(app: &App, actor: &Principal, id: Uuid) -> Result<i64, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let def = find(&mut tx, actor, id).await?;
    // The tiers would silently go blank: the admin chooses another source first.
    let tiers = store::settings(&mut tx, actor.workspace_id)
        .await?
        .value_tiers;
    if tiers.field.as_deref() == Some(def.key.as_str()) {
        return Err(AppError::InvalidFields(vec![FieldIssue::new(
            "key",
            Problem::TierFieldInUse,
        )]));
    }
    let n = store::values_count(&mut tx, actor.workspace_id, id, None).await?;
    store::delete_field(&mut tx, actor.workspace_id, id).await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Delete,
        "custom_field",
        id,
        &shape(&def),
        &json!({"values_removed": n}),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// How many customers have a value of the field.
pub async fn field_usage(app: &App, actor: &Principal, id: Uuid) -> Result<i64, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(store::values_count(&mut conn, actor.workspace_id, id, None).await?)
}

/// Checks a list's custom field filters and sort against the definitions: an unknown key or
/// a value that does not fit the field is a field error named like the query parameter.
pub(crate) fn resolve(
    defs: &[FieldDef],
    f: &mut CustomerFilter,
    cursor: Option<&Cursor>,
) -> Result<(), AppError> {
    let mut issues = Vec::new();
    let mut custom: Vec<(Uuid, Condition)> = Vec::new();
    for q in &f.fields {
        match defs.iter().find(|d| d.key == q.key) {
            None => issues.push(FieldIssue::new(
                q.name(),
                Problem::NoFieldWithKey(q.key.clone()),
            )),
            Some(d) => match q.condition(d) {
                Ok(c) => custom.push((d.id, c)),
                Err(p) => issues.push(FieldIssue::new(q.name(), p)),
            },
        }
    }
    // A sort already checked (an export's filter, page after page) keeps its field.
    if let Sort::Field {
        key,
        field: field @ None,
        ..
    } = &mut f.sort
    {
        match defs.iter().find(|d| &d.key == key) {
            Some(d)
                if d.field_type != vinculo_domain::customers::custom::FieldType::MultiSelect =>
            {
                *field = Some((d.id, d.field_type.numeric()));
            }
            Some(_) => issues.push(FieldIssue::new("sort", Problem::CannotSortMulti)),
            None => issues.push(FieldIssue::new(
                "sort",
                Problem::NoFieldWithKey(key.clone()),
            )),
        }
    }
    let sorted = !matches!(f.sort, Sort::Newest | Sort::Oldest);
    if let Some(c) = cursor {
        if sorted != c.1.is_some()
            || matches!(c.1, Some(After::Missing)) && !matches!(f.sort, Sort::Field { .. })
        {
            issues.push(FieldIssue::new("cursor", Problem::CursorOfAnotherOrder));
        }
    }
    if !issues.is_empty() {
        return Err(AppError::InvalidFields(issues));
    }
    f.custom = custom;
    Ok(())
}
