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
    Ok(DemoInfo {
        created: true,
        logins,
    })
}
