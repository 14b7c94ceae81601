//! The workspace's customer settings: the country phones are read in, the lifecycle stages
//! (in funnel order), whether ingest adds new keys to the customer they were seen with, the
//! auto-merge threshold, and how customers get their value tier. A stage that customers are
//! at cannot be removed until they are moved: their records would otherwise hold a stage the
//! workspace no longer knows.
use crate::{audit, App, AppError, Principal};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Access, Area};
use vinculo_domain::customers::custom::FieldType;
use vinculo_domain::customers::tier::{check_thresholds, read_currency, ThresholdDraft, TierBasis};
use vinculo_domain::customers::{FieldIssue, Problem};
use vinculo_domain::identity::Region;
use vinculo_store::customers::{self as store, CustomerSettings};
use vinculo_store::Conn;

/// What to change; absent fields stay.
#[derive(Clone, Debug, Default)]
pub struct SettingsChange {
    pub default_country: Option<String>,
    pub stages: Option<Vec<String>>,
    pub attach_new_keys: Option<bool>,
    /// `Some(None)` turns automatic merging off.
    pub auto_merge_above: Option<Option<f64>>,
    /// `spend` or `field`.
    pub value_tier_basis: Option<String>,
    /// The spend thresholds, highest first (replace the old ones).
    pub value_tiers: Option<Vec<ThresholdDraft>>,
    /// The single-select custom field's key; `Some(None)` forgets it.
    pub value_tier_field: Option<Option<String>>,
    pub currency: Option<String>,
}

pub async fn customer_settings(app: &App, actor: &Principal) -> Result<CustomerSettings, AppError> {
    actor.require(Area::Customers, Access::Read)?;
    let mut conn = app.db.conn().await?;
    Ok(store::settings(&mut conn, actor.workspace_id).await?)
}

/// Stage keys: 1 to 30 of a-z, 0-9 and `_`, at most 20 stages, no repeats.
fn check_stages(raw: &[String], issues: &mut Vec<FieldIssue>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if raw.is_empty() || raw.len() > 20 {
        issues.push(FieldIssue::new("stages", Problem::StageCount { max: 20 }));
    }
    for (i, s) in raw.iter().enumerate() {
        let key = s.trim().to_lowercase().replace([' ', '-'], "_");
        let ok = (1..=30).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            issues.push(FieldIssue::new(
                format!("stages[{i}]"),
                Problem::BadStage(s.clone()),
            ));
        } else if out.contains(&key) {
            issues.push(FieldIssue::new(
                format!("stages[{i}]"),
                Problem::RepeatedOption(key),
            ));
        } else {
            out.push(key);
        }
    }
    out
}

/// Changes the settings (admins: the workspace area).
pub async fn update_customer_settings(
    app: &App,
    actor: &Principal,
    change: SettingsChange,
) -> Result<CustomerSettings, AppError> {
    actor.require(Area::Workspace, Access::Write)?;
    let mut tx = app.db.begin().await?;
    let before = store::settings(&mut tx, actor.workspace_id).await?;
    let mut after = before.clone();
    let mut issues = Vec::new();
    if let Some(c) = change.default_country {
        match Region::parse(&c) {
            Some(r) if c.trim().len() == 2 => after.default_country = r.code().to_owned(),
            _ => issues.push(FieldIssue::new(
                "default_country",
                Problem::NotACountry(c.clone()),
            )),
        }
    }
    if let Some(stages) = change.stages {
        after.stages = check_stages(&stages, &mut issues);
        if issues.is_empty() {
            for (stage, n) in store::stage_counts(&mut tx, actor.workspace_id).await? {
                if !after.stages.contains(&stage) {
                    issues.push(FieldIssue::new(
                        "stages",
                        Problem::StageInUse {
                            count: n.max(0) as u64,
                            stage: stage.clone(),
                        },
                    ));
                }
            }
        }
    }
    if let Some(attach) = change.attach_new_keys {
        after.attach_new_keys = attach;
    }
    match change.auto_merge_above {
        // Below one half the finder thinks them more likely two people than one.
        Some(Some(p)) if !(0.5..=1.0).contains(&p) => issues.push(FieldIssue::new(
            "auto_merge_above",
            Problem::NotOneOf("0.5 … 1 (a probability), or null (off)".into()),
        )),
        Some(p) => after.auto_merge_above = p,
        None => {}
    }
    let tier = TierChange {
        basis: change.value_tier_basis,
        thresholds: change.value_tiers,
        field: change.value_tier_field,
        currency: change.currency,
    };
    apply_tier_change(&mut tx, actor, tier, &mut after, &mut issues).await?;
    if !issues.is_empty() {
        return Err(AppError::InvalidFields(issues));
    }
    store::set_settings(&mut tx, actor.workspace_id, &after).await?;
    let shape = |s: &CustomerSettings| {
        json!({"default_country": s.default_country, "lifecycle_stages": s.stages,
               "attach_new_keys": s.attach_new_keys, "auto_merge_above": s.auto_merge_above,
               "value_tier_basis": s.value_tiers.basis.as_str(), "value_tiers": s.value_tiers.thresholds,
               "value_tier_field": s.value_tiers.field, "currency": s.currency})
    };
    audit::record(
        &mut tx,
        actor,
        AuditAction::Update,
        "workspace",
        actor.workspace_id,
        &shape(&before),
        &shape(&after),
    )
    .await?;
    tx.commit().await?;
    // Phones are read in the workspace's country: ingest must not keep the old one.
    app.ingest_queue().forget_regions();
    Ok(after)
}

/// The value tier part of a [`SettingsChange`].
struct TierChange {
    basis: Option<String>,
    thresholds: Option<Vec<ThresholdDraft>>,
    field: Option<Option<String>>,
    currency: Option<String>,
}

/// Applies the value tier settings to `after`: a known basis, thresholds that fall (see
/// `check_thresholds`), an ISO currency, and a field that exists and is a single select. The
/// field basis needs a field, whether named now or before.
async fn apply_tier_change(
    conn: &mut Conn,
    actor: &Principal,
    change: TierChange,
    after: &mut CustomerSettings,
    issues: &mut Vec<FieldIssue>,
) -> Result<(), AppError> {
    let rule = &mut after.value_tiers;
    if let Some(b) = change.basis {
        match TierBasis::parse(&b) {
            Some(b) => rule.basis = b,
            None => issues.push(FieldIssue::new(
                "value_tier_basis",
                Problem::NotOneOf("spend, field".into()),
            )),
        }
    }
    if let Some(t) = change.thresholds {
        match check_thresholds(&t) {
            Ok(t) => rule.thresholds = t,
            Err(e) => issues.extend(e),
        }
    }
    if let Some(c) = change.currency {
        match read_currency(&c) {
            Some(c) => after.currency = c,
            None => issues.push(FieldIssue::new("currency", Problem::NotACurrency(c))),
        }
    }
    match change.field.map(|k| k.map(|k| k.trim().to_owned())) {
        Some(Some(key)) if !key.is_empty() => {
            let defs = store::field_defs(conn, actor.workspace_id).await?;
            match defs.iter().find(|d| d.key == key) {
                None => issues.push(FieldIssue::new(
                    "value_tier_field",
                    Problem::NoFieldWithKey(key),
                )),
                Some(d) if d.field_type != FieldType::Select => issues.push(FieldIssue::new(
                    "value_tier_field",
                    Problem::NotASingleSelect(key),
                )),
                Some(_) => rule.field = Some(key),
            }
        }
        Some(_) => rule.field = None,
        None => {}
    }
    let named = issues.iter().any(|i| i.field == "value_tier_field");
    if rule.basis == TierBasis::Field && rule.field.is_none() && !named {
        issues.push(FieldIssue::new("value_tier_field", Problem::Missing));
    }
    Ok(())
}
