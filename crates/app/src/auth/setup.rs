//! Creating accounts: the first administrator (setup page) and users created by the operator
//! at the console, with their workspace when it is new.
use super::hash;
use crate::{audit, now, App, AppError, Principal, Via};
use serde_json::json;
use vinculo_domain::audit::AuditAction;
use vinculo_domain::auth::{Email, Password, PersonName, Role};
use vinculo_domain::ids::{UserId, WorkspaceId};
use vinculo_domain::workspaces::{parse_workspace_name, Slug};
use vinculo_store::users::NewUser;
use vinculo_store::workspaces::Workspace;
use vinculo_store::{users, workspaces};

/// What creating a first admin (setup page, `vinculo user create`) needs.
pub struct NewAccount {
    pub workspace_name: String,
    pub workspace_slug: Option<String>,
    pub name: String,
    pub email: String,
    pub password: String,
    pub role: Role,
    pub locale: Option<String>,
    /// How the account is being created: `Via::Cli` for the console, `Via::Session` for the
    /// web setup page (the audit log names the actor accordingly).
    pub via: Via,
}

/// Whether anyone can log in yet. With no users, the server offers the setup page.
pub async fn needs_setup(app: &App) -> Result<bool, AppError> {
    let mut conn = app.db.conn().await?;
    Ok(users::count(&mut conn).await? == 0)
}

/// Creates a user in a workspace (creating the workspace when its slug is new), as the
/// operator does from the CLI and the setup page does for the first admin. An existing user
/// with that e-mail is added to the workspace with the role (their password is unchanged).
pub async fn create_account(
    app: &App,
    acct: NewAccount,
) -> Result<(Workspace, UserId, bool), AppError> {
    let email = Email::parse(&acct.email).map_err(|e| AppError::invalid("email", e))?;
    let name = PersonName::parse(if acct.name.trim().is_empty() {
        email.as_str()
    } else {
        &acct.name
    })
    .map_err(|e| AppError::invalid("name", e))?;
    let ws_name = parse_workspace_name(&acct.workspace_name)
        .map_err(|e| AppError::invalid("workspace_name", e))?;
    let slug = match &acct.workspace_slug {
        Some(s) => Slug::parse(s).map_err(|e| AppError::invalid("workspace_slug", e))?,
        None => Slug::from_name(&ws_name),
    };
    let locale = acct.locale.as_deref().map(parse_locale).transpose()?;
    let mut conn = app.db.conn().await?;
    let existing_user = users::credentials_by_email(&mut conn, email.as_str()).await?;
    drop(conn);
    let hash = match &existing_user {
        Some(_) => None,
        None => {
            let password =
                Password::parse(&acct.password).map_err(|e| AppError::invalid("password", e))?;
            Some(hash(app, &password).await?)
        }
    };
    let at = now();
    let mut tx = app.db.begin().await?;
    let ws = match workspaces::by_slug(&mut tx, slug.as_str()).await? {
        Some(ws) => ws,
        None => {
            let ws = Workspace {
                id: WorkspaceId::new(),
                slug: slug.to_string(),
                name: ws_name,
                default_locale: locale.clone().unwrap_or_else(|| "es".into()),
                created_at: at,
            };
            workspaces::insert(&mut tx, &ws).await?;
            ws
        }
    };
    let (user_id, created) = match (&existing_user, &hash) {
        (Some(u), _) => (u.id, false),
        (None, Some(h)) => {
            let id = UserId::new();
            users::insert(
                &mut tx,
                &NewUser {
                    id,
                    email: email.as_str(),
                    name: name.as_str(),
                    password_hash: h,
                    locale: locale.as_deref(),
                    at,
                },
            )
            .await?;
            (id, true)
        }
        (None, None) => return Err(AppError::Internal("password hash missing".into())),
    };
    if users::member(&mut tx, ws.id, user_id).await?.is_some() {
        return Err(AppError::Conflict {
            field: "email".into(),
        });
    }
    users::insert_membership(&mut tx, ws.id, user_id, acct.role, at).await?;
    let actor = Principal::new(
        (user_id, name.as_str(), email.as_str()),
        locale.clone(),
        &ws,
        acct.role,
        acct.via,
    );
    let after = json!({"email": email.as_str(), "name": name.as_str(), "role": acct.role.as_str()});
    audit::record(
        &mut tx,
        &actor,
        AuditAction::Create,
        "member",
        user_id,
        &json!(null),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok((ws, user_id, created))
}

/// Validates a UI language choice.
pub fn parse_locale(raw: &str) -> Result<String, AppError> {
    match raw.trim() {
        "es" | "en" => Ok(raw.trim().to_owned()),
        other => Err(AppError::invalid(
            "locale",
            format!("{other:?} is not a supported language (es, en)"),
        )),
    }
}
