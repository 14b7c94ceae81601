//! `vinculo user create` and `vinculo token create`: what an operator does at the console.
use crate::config::connect;
use anyhow::Context as _;
use std::io::{BufRead, IsTerminal};
use vinculo_app::auth::{self, NewAccount};
use vinculo_app::{App, AppConfig, AppError, Principal, Via};
use vinculo_domain::auth::Role;
use vinculo_store::{users, workspaces, DbConfig};

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create a user (and the workspace, if new). The password is read from standard input.
    Create {
        /// The e-mail address the user logs in with. When an account with it exists already,
        /// that account joins the workspace (no password is asked).
        #[arg(long)]
        email: String,
        /// Display name [default: the e-mail].
        #[arg(long)]
        name: Option<String>,
        /// admin, manager, agent, sales, marketer or analyst [default: admin for a new workspace, agent otherwise].
        #[arg(long)]
        role: Option<String>,
        /// Shorthand for --role admin.
        #[arg(long, conflicts_with = "role")]
        admin: bool,
        /// Workspace slug [default: the only workspace, or `main` when there is none].
        #[arg(long)]
        workspace: Option<String>,
        /// Display name of a workspace this command creates [default: from the slug].
        #[arg(long)]
        workspace_name: Option<String>,
    },
}

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Create an API token acting as a user; prints the secret once.
    Create {
        /// The user the token acts as.
        #[arg(long)]
        email: String,
        /// A name to recognise the token by, e.g. `erp-sync`.
        #[arg(long)]
        name: String,
        /// read, write, or per area (customers:read, …), comma-separated.
        #[arg(long, default_value = "read")]
        scopes: String,
        /// Workspace slug [default: the user's first workspace].
        #[arg(long)]
        workspace: Option<String>,
    },
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 10 characters): ")?;
        let second = rpassword::prompt_password("Repeat it: ")?;
        anyhow::ensure!(first == second, "the two passwords differ");
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid { field, message } => {
            anyhow::anyhow!("--{}: {message}", field.replace('_', "-"))
        }
        AppError::Conflict { field } => {
            anyhow::anyhow!("that {field} is already a member of this workspace")
        }
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn user(cmd: UserCommand, cfg: &DbConfig) -> anyhow::Result<()> {
    let UserCommand::Create {
        email,
        name,
        role,
        admin,
        workspace,
        workspace_name,
    } = cmd;
    let db = connect(cfg).await?;
    let mut conn = db.conn().await?;
    let all = workspaces::all(&mut conn).await?;
    let slug = match (workspace, all.as_slice()) {
        (Some(s), _) => s,
        (None, []) => "main".into(),
        (None, [only]) => only.slug.clone(),
        (None, _) => {
            anyhow::bail!("there are several workspaces: choose one with --workspace SLUG")
        }
    };
    let exists = workspaces::by_slug(&mut conn, &slug).await?.is_some();
    drop(conn);
    let role = match (admin, role) {
        (true, _) => Role::Admin,
        (false, Some(r)) => r.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?,
        (false, None) if exists => Role::Agent,
        (false, None) => Role::Admin,
    };
    anyhow::ensure!(
        exists || role == Role::Admin,
        "workspace {slug:?} does not exist yet, and its first user must be an admin (use --admin)"
    );
    let app = App::new(db.clone(), AppConfig::default());
    let mut conn = db.conn().await?;
    let has_account = users::credentials_by_email(&mut conn, &email.trim().to_lowercase())
        .await?
        .is_some();
    drop(conn);
    let password = if has_account {
        String::new()
    } else {
        read_password()?
    };
    let account = NewAccount {
        workspace_name: workspace_name.unwrap_or_else(|| slug.clone()),
        workspace_slug: Some(slug),
        name: name.unwrap_or_default(),
        email,
        password,
        role,
        locale: None,
        via: Via::Cli,
    };
    let (ws, user_id, created) = auth::create_account(&app, account).await.map_err(explain)?;
    let what = if created {
        "created"
    } else {
        "existing account added"
    };
    println!(
        "User {user_id} {what} in workspace {} ({}) as {role}.",
        ws.slug, ws.name
    );
    db.close().await;
    Ok(())
}

pub async fn token(cmd: TokenCommand, cfg: &DbConfig) -> anyhow::Result<()> {
    let TokenCommand::Create {
        email,
        name,
        scopes,
        workspace,
    } = cmd;
    let db = connect(cfg).await?;
    let app = App::new(db.clone(), AppConfig::default());
    let mut conn = db.conn().await?;
    let email = email.trim().to_lowercase();
    let user = users::credentials_by_email(&mut conn, &email)
        .await?
        .with_context(|| format!("no user with e-mail {email}"))?;
    let memberships = workspaces::for_user(&mut conn, user.id).await?;
    let (ws, _) = match &workspace {
        Some(slug) => memberships
            .into_iter()
            .find(|(w, _)| &w.slug == slug)
            .with_context(|| format!("{email} is not an active member of workspace {slug}"))?,
        None => memberships
            .into_iter()
            .next()
            .with_context(|| format!("{email} is not an active member of any workspace"))?,
    };
    drop(conn);
    // The operator at the console may create tokens for anyone; the token itself acts with
    // the user's own role, narrowed by its scopes.
    let operator = Principal::new(
        (user.id, &user.name, &user.email),
        None,
        &ws,
        Role::Admin,
        Via::Cli,
    );
    let created = vinculo_app::tokens::create(&app, &operator, &name, &scopes, None)
        .await
        .map_err(explain)?;
    eprintln!(
        "Token {:?} created in workspace {} with scopes {:?}. It is shown once; keep it secret:",
        name,
        ws.slug,
        created.token.scopes.to_string()
    );
    println!("{}", created.secret);
    db.close().await;
    Ok(())
}
