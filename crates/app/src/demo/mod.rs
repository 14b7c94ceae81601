//! The demo workspace `vinculo serve --demo` fills for a first look: one user per role with
//! Spanish names, teams for service, sales and marketing, customers with a history, and a
//! few e-mail conversations in the shared inbox. Idempotent: a second start
//! finds the workspace and leaves it as it is.
use crate::auth::hash;
use crate::{audit, now, App, AppError, Principal, Via};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Password, Role};
use vinculo_domain::ids::{TeamId, UserId, WorkspaceId};
use vinculo_store::users::NewUser;
use vinculo_store::workspaces::Workspace;
use vinculo_store::{teams, users, workspaces};

mod inbox;
mod names;
mod near_duplicates;
mod people;
mod places;
mod timeline;
pub use people::DemoCsv;

pub const DEMO_SLUG: &str = "demo";
/// Printed at start; the server listens on loopback unless told otherwise.
pub const DEMO_PASSWORD: &str = "vinculo-demo";

const PEOPLE: [(&str, &str, Role); 6] = [
    ("Ana Martínez", "ana@demo.vinculo.test", Role::Admin),
    ("Luis Gómez", "luis@demo.vinculo.test", Role::Manager),
    ("Carmen Ruiz", "carmen@demo.vinculo.test", Role::Agent),
    ("Jorge Fernández", "jorge@demo.vinculo.test", Role::Sales),
    ("Lucía Torres", "lucia@demo.vinculo.test", Role::Marketer),
    ("Pablo Sánchez", "pablo@demo.vinculo.test", Role::Analyst),
];

/// The team the demo's inbox conversations go to.
const SERVICE_TEAM: &str = "Atención al cliente";

const TEAMS: [(&str, &[usize]); 3] = [
    (SERVICE_TEAM, &[1, 2]),
    ("Ventas", &[3]),
    ("Marketing", &[4]),
];

/// Who can log in to the demo workspace.
pub struct DemoInfo {
    pub created: bool,
    pub logins: Vec<(String, Role)>,
}

pub async fn seed(app: &App) -> Result<DemoInfo, AppError> {
    let logins = PEOPLE
        .iter()
        .map(|(_, e, r)| ((*e).to_owned(), *r))
        .collect();
    let mut conn = app.db.conn().await?;
    if workspaces::by_slug(&mut conn, DEMO_SLUG).await?.is_some() {
        return Ok(DemoInfo {
            created: false,
            logins,
        });
    }
    drop(conn);
    let password = Password::parse(DEMO_PASSWORD).map_err(|e| AppError::Internal(e.to_string()))?;
    let phc = hash(app, &password).await?;
    let at = now();
    let ws = Workspace {
        id: WorkspaceId::new(),
        slug: DEMO_SLUG.into(),
        name: "Demo · Vinculo".into(),
        default_locale: "es".into(),
        created_at: at,
    };
    let mut tx = app.db.begin().await?;
    workspaces::insert(&mut tx, &ws).await?;
    let mut ids = Vec::new();
    for (name, email, role) in PEOPLE {
        let existing = users::credentials_by_email(&mut tx, email).await?;
        let id = match existing {
            Some(u) => u.id,
            None => {
                let id = UserId::new();
                users::insert(
                    &mut tx,
                    &NewUser {
                        id,
                        email,
                        name,
                        password_hash: &phc,
                        locale: Some("es"),
                        at,
                    },
                )
                .await?;
                id
            }
        };
        users::insert_membership(&mut tx, ws.id, id, role, at).await?;
        ids.push(id);
    }
    let actor = Principal::new(
        (ids[0], PEOPLE[0].0, PEOPLE[0].1),
        Some("es".into()),
        &ws,
        Role::Admin,
        Via::Cli,
    );
    for (name, members) in TEAMS {
        let id = TeamId::new();
        teams::insert(&mut tx, ws.id, id, name, at).await?;
        let members: Vec<UserId> = members.iter().map(|i| ids[*i]).collect();
        teams::set_members(&mut tx, ws.id, id, &members).await?;
        audit::record(
            &mut tx,
            &actor,
            AuditAction::Create,
            "team",
            id,
            &json!(null),
            &json!({"name": name}),
        )
        .await?;
    }
    tx.commit().await?;
    seed_customers(app, &actor, 200).await?;
    seed_tiers(app, &actor).await?;
    let agent = Principal::new(
        (ids[2], PEOPLE[2].0, PEOPLE[2].1),
        Some("es".into()),
        &ws,
        Role::Agent,
        Via::Cli,
    );
    inbox::seed(app, &actor, &agent).await?;
    Ok(DemoInfo {
        created: true,
        logins,
    })
}

const ORGS: [(&str, &str, &str, &str, &str); 8] = [
    (
        "Ferretería Núñez S.L.",
        "ferreterianunez.example.es",
        "B12345678",
        "Comercio minorista",
        "10-49",
    ),
    (
        "Distribuidora Andina S.A.C.",
        "andina.example.pe",
        "20512345678",
        "Distribución",
        "50-249",
    ),
    (
        "Clínica Dental Sonrisa",
        "sonrisa.example.mx",
        "CDS0102034K5",
        "Salud",
        "10-49",
    ),
    (
        "Transportes Bahía",
        "tbahia.example.com.ar",
        "30-71234567-1",
        "Logística",
        "250-999",
    ),
    (
        "Hotel Mirador del Sur",
        "mirador.example.cl",
        "76.123.456-7",
        "Hostelería",
        "50-249",
    ),
    (
        "Acme Corp",
        "acme.example.com",
        "12-3456789",
        "Manufacturing",
        "1000-4999",
    ),
    (
        "Librería El Quijote",
        "elquijote.example.es",
        "B87654321",
        "Comercio minorista",
        "1-9",
    ),
    (
        "Cooperativa Cafetera del Huila",
        "cafehuila.example.co",
        "900123456-7",
        "Agricultura",
        "250-999",
    ),
];

/// Organisations with a domain, tax id, industry, size and address.
async fn seed_organizations(app: &App, actor: &Principal) -> Result<(), AppError> {
    use crate::customers::{create, Draft, OnConflict};
    use vinculo_domain::customers::{AddressDraft, OrganizationDraft};
    for (i, (name, domain, tax, industry, size)) in ORGS.iter().enumerate() {
        let country = domain.rsplit('.').next().unwrap_or("es").to_uppercase();
        let country = if country == "COM" {
            "US".to_owned()
        } else {
            country
        };
        let draft = OrganizationDraft {
            name: Some((*name).to_owned()),
            domains: vec![(*domain).to_owned()],
            tax_id: Some((*tax).to_owned()),
            industry: Some((*industry).to_owned()),
            size: Some((*size).to_owned()),
            addresses: vec![AddressDraft {
                label: Some("oficina".into()),
                street: Some(format!("Avenida Principal {}", 10 + i * 7)),
                city: Some(
                    [
                        "Madrid",
                        "Lima",
                        "Guadalajara",
                        "Rosario",
                        "Valparaíso",
                        "Austin",
                        "Sevilla",
                        "Neiva",
                    ][i]
                        .into(),
                ),
                country: Some(country),
                ..AddressDraft::default()
            }],
            lifecycle_stage: Some(["customer", "lead", "customer", "prospect"][i % 4].into()),
            custom_fields: [
                ("plan".to_owned(), json!(["Oro", "Plata", "Bronce"][i % 3])),
                (
                    "valor_del_contrato".to_owned(),
                    json!(((i * 7_919) % 90 + 10) * 1_000),
                ),
            ]
            .into_iter()
            .collect(),
            ..OrganizationDraft::default()
        };
        create(app, actor, Draft::Organization(draft), OnConflict::Merge).await?;
    }
    Ok(())
}

/// The demo's custom fields: (label, type, applies to, options). The generated people's
/// file has a column for each, headed by its label.
const FIELDS: [(&str, &str, &str, &[&str]); 5] = [
    ("Plan", "select", "both", &["Oro", "Plata", "Bronce"]),
    ("Valor del contrato", "money", "both", &[]),
    (
        "Canales",
        "multi_select",
        "person",
        &["Web", "Tienda", "Teléfono", "App"],
    ),
    ("Cliente desde", "date", "person", &[]),
    ("Cliente VIP", "boolean", "person", &[]),
];

/// Adds the demo's custom fields the workspace does not have yet (by key).
async fn ensure_fields(app: &App, actor: &Principal) -> Result<(), AppError> {
    use vinculo_domain::customers::custom::{key_from_label, FieldDefDraft};
    let have = crate::customers::custom_fields(app, actor).await?;
    for (label, field_type, applies_to, options) in FIELDS {
        if have.iter().any(|d| d.key == key_from_label(label)) {
            continue;
        }
        let draft = FieldDefDraft {
            label: Some(label.into()),
            field_type: Some(field_type.into()),
            applies_to: Some(applies_to.into()),
            options: Some(options.iter().map(|o| (*o).to_owned()).collect()),
            ..FieldDefDraft::default()
        };
        crate::customers::create_field(app, actor, &draft).await?;
    }
    Ok(())
}

/// Fills the workspace of `actor` with `rows` generated people (see [`DemoCsv`]) through the
/// import pipeline, so a million take a minute, not an hour. The demo's custom fields are
/// added first, so the people's plans, contract values and channels land in them.
pub async fn fill(
    app: &App,
    actor: &Principal,
    rows: u64,
    seed: u64,
    on_progress: impl FnMut(&crate::imports::Progress),
) -> Result<crate::imports::ImportReport, AppError> {
    ensure_fields(app, actor).await?;
    let source = crate::imports::reader::open(DemoCsv::new(rows, seed, false))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let opts = crate::imports::ImportOptions {
        mapping: String::new(),
        dry_run: false,
        file_name: format!("demo ({rows} people, seed {seed})"),
    };
    crate::imports::import_csv(app, actor, source, &opts, on_progress).await
}

/// The demo's value tiers come from its "Plan" field (Oro, Plata, Bronce), as they would from
/// the ERP its people were imported from: every paying customer has one, and it agrees with
/// the plan on their record. Only the 120 customers with a generated history have purchases
/// (42 of them buy in the demo's four months, 16 to 665 € each), so tiers by spend would leave
/// most of the workspace blank. The spend thresholds are set too: switching the basis in the
/// settings page gives those 42 a spread of about 10 Oro (400 € or more), 17 Plata (200 €)
/// and 12 Bronce (50 €).
async fn seed_tiers(app: &App, actor: &Principal) -> Result<(), AppError> {
    use vinculo_domain::customers::tier::ThresholdDraft;
    let tier = |name: &str, euros: i64| ThresholdDraft {
        name: Some(name.into()),
        min_spend_cents: Some(euros * 100),
    };
    let change = crate::customers::SettingsChange {
        value_tier_basis: Some("field".into()),
        value_tier_field: Some(Some("plan".into())),
        value_tiers: Some(vec![
            tier("Oro", 400),
            tier("Plata", 200),
            tier("Bronce", 50),
        ]),
        currency: Some("EUR".into()),
        ..Default::default()
    };
    crate::customers::update_customer_settings(app, actor, change)
        .await
        .map(drop)
}

/// The demo's people, an e-mail marketing opt-in from a web form for one in three, a
/// history of contacts on every channel for the newest ones, and the duplicate finder run
/// once, so its suggestions (the generated near-duplicates) are waiting on the duplicates
/// page.
async fn seed_customers(app: &App, actor: &Principal, n: u64) -> Result<(), AppError> {
    ensure_fields(app, actor).await?;
    seed_organizations(app, actor).await?;
    fill(app, actor, n, 2026, |_| {}).await?;
    let filter = vinculo_store::customers::CustomerFilter::default();
    let page = crate::customers::list(app, actor, &filter, None, 200).await?;
    for c in page.items.iter().step_by(3) {
        let change = crate::customers::ConsentChange {
            channel: "email".into(),
            purpose: "marketing".into(),
            state: "opted_in".into(),
            source: Some("form".into()),
            note: None,
        };
        crate::customers::record_consent(app, actor, c.id, change).await?;
    }
    let people: Vec<_> = page.items.iter().map(|c| c.id).collect();
    timeline::seed(app, actor, &people).await?;
    crate::customers::duplicates::scan(app, actor).await?;
    Ok(())
}
