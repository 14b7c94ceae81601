//! The demo workspace `vinculo serve --demo` fills for a first look: one user per role with
//! Spanish names, and teams for service, sales and marketing. Idempotent: a second start
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

const TEAMS: [(&str, &[usize]); 3] = [
    ("Atención al cliente", &[1, 2]),
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
    Ok(DemoInfo {
        created: true,
        logins,
    })
}

const GIVEN: [&str; 20] = [
    "José",
    "María",
    "Lucía",
    "Javier",
    "Carmen",
    "Andrés",
    "Sofía",
    "Martín",
    "Valentina",
    "Diego",
    "Camila",
    "Mateo",
    "Isabella",
    "Sebastián",
    "Ana",
    "Pablo",
    "Elena",
    "Jorge",
    "Laura",
    "Miguel",
];
const FAMILY: [&str; 20] = [
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "González",
    "Rodríguez",
    "Fernández",
    "Gómez",
    "Díaz",
    "Núñez",
    "Ortiz",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Morales",
    "Castillo",
    "Jiménez",
    "Ruiz",
];
const TAGS: [&str; 6] = ["VIP", "Madrid", "Online", "Tienda", "B2B", "Newsletter"];

/// A small deterministic generator, so every demo workspace looks the same.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n) as usize
    }
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

const TITLES: [&str; 6] = [
    "Directora de compras",
    "Gerente general",
    "Responsable de TI",
    "Office manager",
    "Jefe de almacén",
    "Contable",
];

/// Organisations with a domain, tax id, industry, size and address.
async fn seed_organizations(app: &App, actor: &Principal) -> Result<Vec<String>, AppError> {
    use crate::customers::{create, Draft, OnConflict};
    use vinculo_domain::customers::{AddressDraft, OrganizationDraft};
    let mut ids = Vec::new();
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
            ..OrganizationDraft::default()
        };
        let (c, _) = create(app, actor, Draft::Organization(draft), OnConflict::Merge).await?;
        ids.push(c.id.to_string());
    }
    Ok(ids)
}

/// People with accents in their names and phones typed the way each country writes them; one
/// in three works at one of the demo organisations.
async fn seed_customers(app: &App, actor: &Principal, n: usize) -> Result<(), AppError> {
    use vinculo_domain::customers::{AffiliationDraft, ContactPoint, PersonDraft, DEFAULT_STAGES};
    let orgs = seed_organizations(app, actor).await?;
    let mut rng = Lcg(2026);
    for i in 0..n {
        let given = GIVEN[rng.next(20)];
        let family = FAMILY[rng.next(20)];
        let ascii = |s: &str| vinculo_domain::customers::search::fold(s).replace(' ', "");
        let domain = ["example.es", "example.com", "example.mx"][rng.next(3)];
        let email = format!("{}.{}{}@{domain}", ascii(given), ascii(family), i);
        let digits = 1_000_000 + rng.next(8_999_999);
        let phone = match rng.next(4) {
            0 => format!(
                "6{:02} {:02} {:02} {:02}",
                digits % 100,
                (digits / 100) % 100,
                (digits / 10_000) % 100,
                i % 100
            ),
            1 => format!("+52 55 {:04} {:04}", digits % 10_000, i % 10_000),
            2 => format!("+1 (212) 555-{:04}", i % 10_000),
            _ => format!("+54 11 4{:03}-{:04}", digits % 1000, i % 10_000),
        };
        let tags: Vec<String> = (0..rng.next(3))
            .map(|_| TAGS[rng.next(6)].to_owned())
            .collect();
        let draft = PersonDraft {
            given_name: Some(given.to_owned()),
            family_name: Some(family.to_owned()),
            emails: vec![ContactPoint {
                value: email,
                ..ContactPoint::default()
            }],
            phones: vec![ContactPoint {
                value: phone,
                label: Some("móvil".into()),
                primary: true,
            }],
            lifecycle_stage: Some(DEFAULT_STAGES[rng.next(5)].to_owned()),
            organizations: if i % 3 == 0 {
                vec![AffiliationDraft {
                    organization_id: orgs[rng.next(orgs.len() as u64)].clone(),
                    title: Some(TITLES[rng.next(TITLES.len() as u64)].to_owned()),
                }]
            } else {
                Vec::new()
            },
            tags,
            ..PersonDraft::default()
        };
        match crate::customers::create(
            app,
            actor,
            crate::customers::Draft::Person(draft),
            crate::customers::OnConflict::Merge,
        )
        .await
        {
            Ok((c, _)) if i % 3 == 0 => {
                let change = crate::customers::ConsentChange {
                    channel: "email".into(),
                    purpose: "marketing".into(),
                    state: "opted_in".into(),
                    source: Some("form".into()),
                    note: None,
                };
                crate::customers::record_consent(app, actor, c.id, change).await?;
            }
            Ok(_) => {}
            // A generated phone can fall outside its country's numbering plan: skip that person.
            Err(AppError::InvalidFields(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
